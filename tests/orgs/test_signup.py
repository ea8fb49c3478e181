"""Sign-up on django-allauth: the leader/consultant choice, mandatory email verification, login
by email, password reset."""

import re

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from orgs.models import Consultant, Membership

GOOD_PASSWORD = "a-long-unusual-passphrase-42"
LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def signup(client, **overrides):
    data = {
        "name": "Lee Leader",
        "email": "lee@example.com",
        "password1": GOOD_PASSWORD,
        "kind": "leader",
        "org_name": "Lee's CS Team",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def confirm(client, mailoutbox):
    """Open the link from the last verification email and confirm, as the person would."""
    path = LINK.search(mailoutbox[-1].body).group(1)
    return client.post(path)


def test_leader_signup_creates_user_org_and_leader_membership(client, db):
    signup(client)
    membership = Membership.objects.get(user__email="lee@example.com")
    assert membership.role == Membership.Role.LEADER
    assert membership.org.name == "Lee's CS Team"
    assert membership.user.first_name == "Lee Leader"


def test_signup_waits_for_the_mailed_link_then_logs_in(client, db, mailoutbox):
    response = signup(client)

    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("home")).context["user"].is_anonymous
    [mail] = mailoutbox
    assert mail.to == ["lee@example.com"]

    confirmed = confirm(client, mailoutbox)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="lee@example.com").verified
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get().pk)


def test_unverified_account_cannot_log_in_until_confirmed(client, db, mailoutbox):
    signup(client)

    response = client.post(
        reverse("account_login"), {"login": "lee@example.com", "password": GOOD_PASSWORD}
    )

    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    confirm(client, mailoutbox)
    assert "_auth_user_id" in client.session


def test_consultant_signup_creates_consultant_without_org(client, db):
    signup(client, kind="consultant", org_name="", email="cat@example.com")
    user = get_user_model().objects.get(email="cat@example.com")
    assert Consultant.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()


def test_leader_signup_without_org_name_is_refused(client, db):
    response = signup(client, org_name="")
    assert response.status_code == 200
    assert "Name your organization" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_duplicate_email_makes_no_second_account_and_reveals_nothing(client, db):
    signup(client)

    response = signup(client, email="LEE@example.com")

    # The same page as a fresh sign-up: no one learns that the address has an account.
    assert response.url == reverse("account_email_verification_sent")
    assert get_user_model().objects.count() == 1


def test_weak_password_is_refused(client, db):
    response = signup(client, password1="password")
    assert "too common" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_signup_page_has_title(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    assert "<title>Sign up · Stagewise</title>" in page


def test_login_by_email(client, db, mailoutbox):
    signup(client)
    confirm(client, mailoutbox)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "lee@example.com", "password": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_password_reset_sends_email(client, db, mailoutbox):
    signup(client)
    confirm(client, mailoutbox)
    client.logout()
    mailoutbox.clear()
    client.post(reverse("account_reset_password"), {"email": "lee@example.com"})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
