"""Logging in, signing up and accepting invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orgs import login_throttle, services
from orgs.forms import EmailLoginForm, SignupForm


class LoginView(auth_views.LoginView):
    """Django's login page, refusing with 429 while the account or address is throttled."""

    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        ip = login_throttle.client_ip(request)
        block = login_throttle.login_blocked(username, ip)
        if block is None:
            setattr(request, login_throttle.CHECKED_FLAG, True)
            return super().post(request, *args, **kwargs)
        login_throttle.log_refusal(username, ip, block)
        # An unbound form: binding it would validate it, and validating checks the password.
        form = self.get_form_class()(request=request, initial={"username": username[:254]})
        context = self.get_context_data(form=form, refusal=block.message)
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(block.seconds)
        return response

    def form_valid(self, form):
        login_throttle.login_succeeded(form.get_user().get_username())
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, org = services.account_signup(
            email=data["email"],
            name=data["name"],
            password=data["password"],
            is_consultant=data["kind"] == "consultant",
            org_name=data.get("org_name", ""),
            company=data.get("company", ""),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Stagewise. Your account is ready.")
        if org is not None:
            return redirect("org_home", org_id=org.public_id)
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except services.OrgError as exc:
        return render(request, "orgs/invitation_invalid.html", {"error": str(exc)}, status=410)
    if not request.user.is_authenticated:
        form = SignupForm(request.POST or None, invited_email=invitation.email)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            user, _ = services.account_signup(
                email=invitation.email,
                name=data["name"],
                password=data["password"],
                is_consultant=False,
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _accept(request, invitation)
        return render(
            request, "orgs/invitation_accept.html", {"invitation": invitation, "form": form}
        )
    if request.method == "POST":
        return _accept(request, invitation)
    return render(request, "orgs/invitation_accept.html", {"invitation": invitation})


def _accept(request, invitation):
    try:
        services.invitation_accept(invitation=invitation, user=request.user)
    except services.OrgError as exc:
        return render(request, "orgs/invitation_invalid.html", {"error": str(exc)}, status=409)
    messages.success(request, f"You joined {invitation.org.name}.")
    return redirect("org_home", org_id=invitation.org.public_id)
