"""Failed logins, throttled logins and refused access all leave a WARNING on "stagewise.access"."""

import logging

import pytest
from django.urls import reverse

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
        {"login": "Pat@Example.com", "password": "hunter2-guess"},
        REMOTE_ADDR="10.1.2.3",
    )

    [record] = access_log()
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "login failed: username='pat@example.com' ip=10.1.2.3"
    assert "hunter2" not in record.getMessage()


def fail_five_times(client, email, ip):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": email, "password": "x"}, REMOTE_ADDR=ip)


def test_a_throttled_login_is_logged_as_a_refusal(client, db, access_log):
    fail_five_times(client, "pat@example.com", "10.1.2.3")

    client.post(
        reverse("account_login"),
        {"login": "pat@example.com", "password": "anything"},
        REMOTE_ADDR="10.1.2.3",
    )

    assert access_log()[-1].getMessage() == (
        "login refused (too many failed logins): username='pat@example.com' ip=10.1.2.3"
    )


def test_the_admin_login_goes_through_the_throttled_login_page(client, db):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_login_with_a_line_break_cannot_forge_log_lines(client, db, access_log):
    response = client.post(
        reverse("account_login"), {"login": "x\nlogin ok: admin", "password": "guess"}
    )

    assert response.status_code == 200  # refused by the form as not an email address
    assert all("\n" not in record.getMessage() for record in access_log())
    assert all("login ok" not in record.getMessage() for record in access_log())


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
