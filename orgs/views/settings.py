"""The account settings page: one place for the name, email addresses, password and
two-factor authentication. Email, password and MFA changes stay allauth's own pages (they ask
for the password again and send the mails); this page shows their state and links to them."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from config.context_processors import first_url
from orgs.forms import AccountNameForm
from orgs.permissions import has_mfa


def _recovery_codes_left(user) -> int | None:
    """Unused recovery codes, or None when the user has none set up."""
    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    if found is None:
        return None
    return len(RecoveryCodes(found).get_unused_codes())


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    # The page only ever shows and changes the signed-in user's own account: no org, no role.
    user = request.user
    form = AccountNameForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your name is saved.")
        return redirect("account_settings")
    notifications_url = first_url("account_notifications")
    sections = [
        ("name", "Name"),
        ("email", "Email addresses"),
        ("password", "Password"),
        ("security", "Two-factor authentication"),
    ]
    if notifications_url:
        sections.append(("notifications", "Notifications"))
    return render(
        request,
        "account/settings.html",
        {
            "form": form,
            "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
            "mfa_on": has_mfa(user),
            "recovery_codes_left": _recovery_codes_left(user),
            # Notification preferences arrive with their own page; link to it once it exists.
            "notifications_url": notifications_url,
            "sections": sections,
        },
    )
