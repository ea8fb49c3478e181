"""Two-factor authentication (allauth TOTP + recovery codes) and the org rule that everyone with
access must use it, enforced in orgs/permissions.py."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.urls import reverse

from orgs.forms import MFA_FIRST
from orgs.permissions import orgs_visible_to
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def turn_on_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def require_mfa(org):
    org.require_mfa = True
    org.save(update_fields=["require_mfa"])


def test_a_user_turns_on_totp_gets_recovery_codes_and_logs_in_with_a_code(client, db):
    user = UserFactory(email="mfa@x.test", username="mfa@x.test")
    client.force_login(user)
    # Changing two-factor settings asks for the password again first.
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]

    activated = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})

    assert activated.status_code == 302
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    client.logout()
    password_step = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}
    )
    assert password_step.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone is not enough
    done = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_second_factor_code_does_not_log_in(client, db):
    user = UserFactory()
    turn_on_totp(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_leader_without_mfa_cannot_require_it_and_is_told_why(personas, client_for):
    response = client_for(personas.leader_a).post(
        reverse("org_profile", args=[personas.org_a.public_id]),
        {"name": personas.org_a.name, "require_mfa": "on"},
    )

    assert MFA_FIRST.split(" (")[0] in response.content.decode()
    personas.org_a.refresh_from_db()
    assert personas.org_a.require_mfa is False


def test_a_leader_with_mfa_requires_it_for_the_org(personas, client_for):
    turn_on_totp(personas.leader_a)
    client_for(personas.leader_a).post(
        reverse("org_profile", args=[personas.org_a.public_id]),
        {"name": personas.org_a.name, "require_mfa": "on"},
    )

    personas.org_a.refresh_from_db()
    assert personas.org_a.require_mfa is True


def test_a_consultant_cannot_set_the_mfa_rule(personas, client_for):
    turn_on_totp(personas.consultant_a)
    client_for(personas.consultant_a).post(
        reverse("org_profile", args=[personas.org_a.public_id]),
        {"name": personas.org_a.name, "require_mfa": "on"},
    )

    personas.org_a.refresh_from_db()
    assert personas.org_a.require_mfa is False


def test_member_without_mfa_gets_the_setup_page_not_the_orgs_data(personas, client_for):
    require_mfa(personas.org_a)

    response = client_for(personas.member_a).get(
        reverse("org_home", args=[personas.org_a.public_id])
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "Two-factor authentication required" in page
    assert reverse("mfa_activate_totp") in page
    assert personas.leader_a.email not in page  # no member list, no org data


def test_consultant_without_mfa_is_held_to_the_orgs_rule_too(personas, client_for):
    require_mfa(personas.org_a)

    response = client_for(personas.consultant_a).get(
        reverse("org_home", args=[personas.org_a.public_id])
    )

    assert response.status_code == 403
    assert "Two-factor authentication required" in response.content.decode()


def test_member_with_mfa_opens_the_org(personas, client_for):
    require_mfa(personas.org_a)
    turn_on_totp(personas.member_a)

    response = client_for(personas.member_a).get(
        reverse("org_home", args=[personas.org_a.public_id])
    )

    assert response.status_code == 200


def test_an_org_requiring_mfa_is_left_out_of_lists_for_users_without_it(personas):
    require_mfa(personas.org_a)

    assert personas.org_a not in orgs_visible_to(personas.consultant_a)
    turn_on_totp(personas.consultant_a)
    assert personas.org_a in orgs_visible_to(personas.consultant_a)


def test_an_outsider_still_gets_404_not_the_mfa_page(personas, client_for):
    require_mfa(personas.org_a)

    response = client_for(personas.outsider).get(
        reverse("org_home", args=[personas.org_a.public_id])
    )

    assert response.status_code == 404


def test_home_names_the_orgs_held_back_until_mfa_is_on(personas, client_for):
    require_mfa(personas.org_a)

    page = client_for(personas.consultant_a).get(reverse("home")).content.decode()

    assert "require two-factor authentication" in page or "requires two-factor" in page
    assert personas.org_a.name in page
    assert reverse("mfa_activate_totp") in page


def test_a_member_whose_one_org_requires_mfa_is_sent_to_its_setup_page(personas, client_for):
    require_mfa(personas.org_a)

    response = client_for(personas.member_a).get(reverse("home"), follow=True)

    assert response.status_code == 403
    assert "Two-factor authentication required" in response.content.decode()
