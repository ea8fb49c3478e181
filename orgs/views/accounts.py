"""Sign-up and accepting invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orgs import services
from orgs.forms import SignupForm


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
