"""Issue 11's "done when", as one story: a new leader signs up, confirms the address by the
mailed link, turns on two-factor authentication, logs in with it, and requires it for the org."""

import re
import time

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from orgs.models import Organization

PASSWORD = "a long and new passphrase 42"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_sign_up_confirm_by_mail_turn_on_mfa_log_in_with_it_and_require_it(client, db, mailoutbox):
    client.post(
        reverse("account_signup"),
        {
            "name": "Nia Newcomer",
            "email": "nia@newco.test",
            "password1": PASSWORD,
            "kind": "leader",
            "org_name": "Newco",
        },
    )
    address = EmailAddress.objects.get(email="nia@newco.test")
    assert not address.verified
    [mail] = mailoutbox
    link = CONFIRM_LINK.search(mail.body).group(1)

    client.post(link)

    address.refresh_from_db()
    assert address.verified
    user = address.user
    client.force_login(user)
    client.get(reverse("mfa_activate_totp"))  # asks for the password again first
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    assert client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)}).status_code == 302
    client.logout()

    step = client.post(reverse("account_login"), {"login": "nia@newco.test", "password": PASSWORD})
    assert step.url == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": code_for(secret)}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    org = Organization.objects.get(name="Newco")
    client.post(
        reverse("org_profile", args=[org.public_id]), {"name": "Newco", "require_mfa": "on"}
    )
    org.refresh_from_db()
    assert org.require_mfa is True
