from django.contrib.auth import get_user_model
from django.urls import reverse

from orgs.forms import EMAIL_TAKEN
from orgs.models import Consultant, Membership

GOOD_PASSWORD = "a-long-unusual-passphrase-42"


def signup(client, **overrides):
    data = {
        "name": "Lee Leader",
        "email": "lee@example.com",
        "password": GOOD_PASSWORD,
        "kind": "leader",
        "org_name": "Lee's CS Team",
    }
    data.update(overrides)
    return client.post(reverse("signup"), data)


def test_leader_signup_creates_user_org_and_leader_membership(client, db):
    response = signup(client)
    membership = Membership.objects.get(user__email="lee@example.com")
    assert membership.role == Membership.Role.LEADER
    assert membership.org.name == "Lee's CS Team"
    assert response.url == reverse("org_home", args=[membership.org.public_id])


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


def test_duplicate_email_is_refused_with_clear_message(client, db):
    signup(client)
    client.logout()
    response = signup(client, email="LEE@example.com")
    assert EMAIL_TAKEN in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_weak_password_is_refused(client, db):
    response = signup(client, password="password")
    assert "too common" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_signup_page_has_title(client, db):
    assert "<title>Sign up · Stagewise</title>" in client.get(reverse("signup")).content.decode()


def test_login_by_email(client, db):
    signup(client)
    client.logout()
    response = client.post(
        reverse("login"), {"username": "lee@example.com", "password": GOOD_PASSWORD}
    )
    assert response.status_code == 302


def test_password_reset_sends_email(client, db, mailoutbox):
    signup(client)
    client.logout()
    client.post(reverse("password_reset"), {"email": "lee@example.com"})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body
