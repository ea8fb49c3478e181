"""Accepting invitations. Logging in, signing up, verification, passwords and MFA are
django-allauth's views (config/urls.py, orgs/accounts.py)."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orgs import services
from orgs.forms import SignupForm

# allauth's backend: a session made here is the same kind as one made on the login page.
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except services.OrgError as exc:
        return render(request, "orgs/invitation_invalid.html", {"error": str(exc)}, status=410)
    if not request.user.is_authenticated:
        form = SignupForm(
            request.POST or None,
            invited_email=invitation.email,
            as_consultant=invitation.is_consultant,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            # The link was mailed to this address and opened: that proves the address, so the
            # account starts verified.
            user, _ = services.account_signup(
                email=invitation.email,
                name=data["name"],
                password=data["password"],
                is_consultant=invitation.is_consultant,
                company=data.get("company", ""),
                verified=True,
            )
            login(request, user, backend=AUTH_BACKEND)
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
    if invitation.is_consultant:
        messages.success(request, f"You now have consultant access to {invitation.org.name}.")
    else:
        messages.success(request, f"You joined {invitation.org.name}.")
    return redirect("org_home", org_id=invitation.org.public_id)
