"""Login throttling: per-account and per-address limits over a sliding window, in the database.

Time never passes in these tests: failures are written with the timestamps a scenario needs, and
`login_blocked` is asked about a given instant.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from orgs.login_throttle import client_ip, login_blocked, login_failed, login_succeeded
from orgs.models import LoginFailure
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
ACCOUNT_BLOCKED = "Too many failed attempts for this account. Try again in 15 minutes."


@pytest.fixture
def user(db):
    return UserFactory(email="pat@example.com", username="pat@example.com")


@pytest.fixture
def password_checks(monkeypatch):
    """Every password the app checks, in order: proves when the password was never looked at."""
    checked = []
    original = get_user_model().check_password

    def spy(self, raw_password):
        checked.append(self.get_username())
        return original(self, raw_password)

    monkeypatch.setattr(get_user_model(), "check_password", spy)
    return checked


def fail(username, ip="127.0.0.1", ago=timedelta(0), times=1):
    for _ in range(times):
        LoginFailure.objects.create(username=username, ip=ip, at=timezone.now() - ago)


def post_login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_block_the_account_with_429_and_a_clear_message(client, user):
    for _ in range(5):
        assert post_login(client, user.email, "wrong").status_code == 200

    response = post_login(client, user.email, "wrong")

    assert response.status_code == 429
    assert ACCOUNT_BLOCKED in response.content.decode()


def test_a_blocked_account_is_refused_without_checking_the_password(
    client, user, password_checks, django_assert_num_queries
):
    fail(user.email, times=5)

    with django_assert_num_queries(2):  # the account's and the address's failure counts
        response = post_login(client, user.email, PASSWORD)

    assert response.status_code == 429
    assert password_checks == []
    assert "_auth_user_id" not in client.session


def test_the_refusal_tells_clients_when_to_retry(client, user):
    fail(user.email, times=5, ago=timedelta(minutes=5))

    response = post_login(client, user.email, PASSWORD)

    # Ten minutes left, give or take the second the request took.
    assert 10 * 60 - 5 <= int(response["Retry-After"]) <= 10 * 60


def test_the_refusal_keeps_the_email_in_the_form(client, user):
    fail(user.email, times=5)

    response = post_login(client, user.email, PASSWORD)

    assert response.context["form"]["username"].value() == user.email


def test_four_failures_do_not_block(client, user):
    fail(user.email, times=4)

    response = post_login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_costs_five_queries(client, user, django_assert_num_queries):
    # Two counts (account, address), the user, then the failure's insert and the prune.
    with django_assert_num_queries(5):
        response = post_login(client, user.email, "wrong")

    assert response.status_code == 200


def test_failures_older_than_the_window_do_not_count(user):
    fail(user.email, times=5, ago=timedelta(minutes=15, seconds=1))

    assert login_blocked(user.email, "127.0.0.1") is None


def test_the_block_lifts_when_the_fifth_newest_failure_leaves_the_window(user):
    now = timezone.now()
    for minutes_ago in (14, 12, 10, 3, 2, 1):
        login_failed(user.email, "127.0.0.1", now=now - timedelta(minutes=minutes_ago))

    block = login_blocked(user.email, "127.0.0.1", now=now)

    # Five failures remain inside the window until the one 12 minutes old leaves it.
    assert (block.scope, block.seconds) == ("account", 3 * 60)
    assert login_blocked(user.email, "127.0.0.1", now=now + timedelta(minutes=3)) is None


def test_the_message_rounds_the_wait_up_to_whole_minutes(client, user):
    fail(user.email, times=5, ago=timedelta(minutes=13, seconds=30))

    response = post_login(client, user.email, PASSWORD)

    assert "Try again in 2 minutes." in response.content.decode()


def test_the_account_count_ignores_the_case_of_the_email(client, user):
    for spelling in ("PAT@example.com", "Pat@Example.com", "pat@EXAMPLE.com", "PAT@EXAMPLE.COM"):
        post_login(client, spelling, "wrong")
    post_login(client, " pat@example.com ", "wrong")

    assert post_login(client, user.email, PASSWORD).status_code == 429


def test_a_successful_login_clears_the_accounts_failures(client, user):
    fail(user.email, times=4)
    fail("someone-else@example.com", times=2)

    post_login(client, user.email, PASSWORD)

    assert not LoginFailure.objects.filter(username=user.email).exists()
    assert LoginFailure.objects.filter(username="someone-else@example.com").count() == 2


def test_a_successful_login_keeps_the_addresss_count(user):
    fail("someone-else@example.com", times=3)

    login_succeeded(user.email)

    assert LoginFailure.objects.filter(ip="127.0.0.1").count() == 3


def test_thirty_failures_from_one_address_block_every_account_from_it(client, user):
    for n in range(30):
        fail(f"guess{n}@example.com")

    response = post_login(client, user.email, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed attempts for your network." in response.content.decode()


def test_another_address_is_not_blocked_by_a_guessing_run_elsewhere(client, user):
    for n in range(30):
        fail(f"guess{n}@example.com")

    response = post_login(client, user.email, PASSWORD, REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 302


def test_x_forwarded_for_does_not_escape_the_address_limit(client, user):
    for n in range(30):
        fail(f"guess{n}@example.com")

    response = post_login(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.9")

    assert response.status_code == 429


def test_an_address_that_is_not_an_ip_is_never_throttled_as_an_address(rf, user):
    request = rf.post("/", REMOTE_ADDR="unix:/run/gunicorn.sock")
    for n in range(30):
        fail(f"guess{n}@example.com", ip="")

    assert client_ip(request) == ""
    assert login_blocked(user.email, client_ip(request)) is None


def test_a_wrong_password_is_recorded_against_the_account_and_address(client, user):
    post_login(client, "Pat@Example.com", "wrong", REMOTE_ADDR="10.0.0.7")

    failure = LoginFailure.objects.get()
    assert (failure.username, failure.ip) == ("pat@example.com", "10.0.0.7")


def test_a_refused_attempt_is_not_counted_so_the_wait_does_not_grow(client, user):
    fail(user.email, times=5)

    post_login(client, user.email, "wrong")

    assert LoginFailure.objects.filter(username=user.email).count() == 5


def test_recording_a_failure_prunes_rows_older_than_the_window(db, django_assert_num_queries):
    fail("old@example.com", ago=timedelta(minutes=16))
    fail("recent@example.com", ago=timedelta(minutes=14))

    with django_assert_num_queries(2):  # one insert, one delete
        login_failed("new@example.com", "127.0.0.1")

    assert set(LoginFailure.objects.values_list("username", flat=True)) == {
        "recent@example.com",
        "new@example.com",
    }


def test_the_limits_come_from_settings(settings, client, user):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW = 60
    fail(user.email, times=2, ago=timedelta(seconds=30))

    response = post_login(client, user.email, PASSWORD)

    assert response.status_code == 429
    assert "Try again in 1 minute." in response.content.decode()


def test_the_admin_login_is_throttled_too(client, db, password_checks):
    staff = UserFactory(is_staff=True, is_superuser=True)
    fail(staff.email, times=5)

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 200  # the admin's own "please enter the correct" page
    assert password_checks == []
    assert "_auth_user_id" not in client.session
