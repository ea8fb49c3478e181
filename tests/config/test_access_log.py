"""Failed logins, throttled logins and refused access all leave a WARNING on "stagewise.access"."""

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from orgs.models import LoginFailure
from tests.factories import UserFactory

LOGGER = "stagewise.access"


@pytest.fixture
def access_log(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    return lambda: [r for r in caplog.records if r.name == LOGGER]


def test_a_wrong_password_is_logged_with_the_email_and_address_but_not_the_password(
    client, db, access_log
):
    UserFactory(email="pat@example.com", username="pat@example.com")

    client.post(
        reverse("account_login"),
        {"username": "pat@example.com", "password": "hunter2-guess"},
        REMOTE_ADDR="10.1.2.3",
    )

    [record] = access_log()
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "login failed: username='pat@example.com' ip=10.1.2.3"
    assert "hunter2" not in record.getMessage()


def test_a_throttled_login_is_logged_as_a_refusal(client, db, access_log):
    for _ in range(5):
        LoginFailure.objects.create(username="pat@example.com", ip="10.1.2.3", at=timezone.now())

    client.post(
        reverse("account_login"),
        {"username": "pat@example.com", "password": "anything"},
        REMOTE_ADDR="10.1.2.3",
    )

    [record] = access_log()
    assert record.getMessage().startswith(
        "login refused (too many failures for the account): username='pat@example.com' "
        "ip=10.1.2.3 retry_in="
    )


def test_a_throttled_admin_login_is_logged_as_a_refusal(client, db, access_log):
    for _ in range(5):
        LoginFailure.objects.create(username="boss@example.com", ip="127.0.0.1", at=timezone.now())

    client.post(reverse("admin:login"), {"username": "boss@example.com", "password": "anything"})

    [record] = access_log()
    assert record.getMessage().startswith("login refused (too many failures for the account)")


def test_a_username_cannot_forge_log_lines(client, db, access_log):
    client.post(reverse("account_login"), {"username": "x\nlogin ok: admin", "password": "guess"})

    [record] = access_log()
    assert "\n" not in record.getMessage()


def test_a_forbidden_request_is_logged(personas, client_for, access_log):
    response = client_for(personas.member_a).get(
        reverse("org_profile", args=[personas.org_a.public_id])
    )

    assert response.status_code == 403
    [record] = access_log()
    assert record.getMessage() == (
        f"access denied (403): user={personas.member_a.pk} org={personas.org_a.public_id} "
        "perm=MANAGE"
    )


def test_a_request_for_someone_elses_org_is_logged(personas, client_for, access_log):
    response = client_for(personas.outsider).get(
        reverse("org_home", args=[personas.org_a.public_id])
    )

    assert response.status_code == 404
    [record] = access_log()
    assert record.getMessage().startswith(f"access denied (404): user={personas.outsider.pk} ")
