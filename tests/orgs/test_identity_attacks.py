"""Regression tests for the security review's identity findings (issue 11: 3, 6 and the
account parts of 7), each named for the attack it replays."""

import re
import time

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's
SIGNUP_PASSWORD = "a-long-unusual-passphrase-42"
ATTACKER_IP = "203.0.113.9"
OWNER_IP = "198.51.100.7"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def log_in(client, email, password, ip):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_fullwidth_lookalike_cannot_dodge_the_lockout_after_five_failures(client, db):
    """Finding 3: five failures for leader@x.test, then `ｌeader@x.test` (fullwidth l) kept
    guessing and logged in with the right password while the account was locked."""
    UserFactory(email="leader@x.test", username="leader@x.test")
    for _ in range(5):
        log_in(client, "leader@x.test", "wrong-guess", ATTACKER_IP)

    guess = log_in(client, "ｌeader@x.test", PASSWORD, ATTACKER_IP)

    assert guess.status_code == 200
    assert "Too many failed login attempts" in guess.content.decode()
    assert not logged_in(client)


def test_mixed_case_signup_logs_in_as_typed_and_in_lower_case(client, db, mailoutbox):
    """Finding 6: sign up as Jane.Doe@Example.Test; logging in as typed failed five times and
    then the lower-case address got 429."""
    client.post(
        reverse("account_signup"),
        {
            "name": "Jane Doe",
            "email": "Jane.Doe@Example.Test",
            "password1": SIGNUP_PASSWORD,
            "kind": "consultant",
        },
        REMOTE_ADDR=OWNER_IP,
    )
    client.post(CONFIRM_LINK.search(mailoutbox[-1].body).group(1))
    client.logout()

    as_typed = log_in(client, "Jane.Doe@Example.Test", SIGNUP_PASSWORD, OWNER_IP)
    assert as_typed.status_code == 302 and logged_in(client)
    client.logout()
    lower = log_in(client, "jane.doe@example.test", SIGNUP_PASSWORD, OWNER_IP)
    assert lower.status_code == 302 and logged_in(client)


def test_signup_with_long_s_does_not_500_and_stores_one_address(client, db):
    """Finding 7: sign-up with x@probe.teſt (long s) answered 500 and stored the username and
    the email differently."""
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Probe",
            "email": "x@probe.teſt",
            "password1": SIGNUP_PASSWORD,
            "kind": "consultant",
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.username == user.email == "x@probe.test"
    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["x@probe.test"]


def test_logged_in_login_page_pointing_at_itself_does_not_500(client, db):
    """Finding 7: a logged-in GET /accounts/login/?next=/accounts/login/ answered 500."""
    client.force_login(UserFactory())

    response = client.get(reverse("account_login") + "?next=/accounts/login/", follow=True)

    assert response.status_code == 200
    assert len(response.redirect_chain) <= 3
    assert response.request["PATH_INFO"] != reverse("account_login")


def test_strangers_wrong_passwords_do_not_lock_the_owner_out_of_their_own_address(client, db):
    """Finding 7: anyone could keep any account locked for good with five wrong passwords
    every 15 minutes. Failures now count per account *and* address: the attacker's address is
    locked for this account, the owner's is not."""
    UserFactory(email="owner@x.test", username="owner@x.test")
    for _ in range(10):
        log_in(client, "owner@x.test", "wrong-guess", ATTACKER_IP)
    assert "Too many failed" in log_in(client, "owner@x.test", "x", ATTACKER_IP).content.decode()

    owner = log_in(client, "owner@x.test", PASSWORD, OWNER_IP)

    assert owner.status_code == 302 and logged_in(client)


def test_one_address_guessing_across_many_accounts_is_stopped(client, db, monkeypatch):
    """The per-address limit: 30 failures in 15 minutes from one address, whatever the
    accounts, and the next try is refused even for an account it never tried. The guesses are
    spread over four minutes, under the 30-a-minute limit on login posts."""
    UserFactory(email="fresh@x.test", username="fresh@x.test")
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for n in range(30):
        log_in(client, f"someone{n}@x.test", "guess", ATTACKER_IP)
        clock[0] += 8

    refused = log_in(client, "fresh@x.test", PASSWORD, ATTACKER_IP)

    assert "Too many failed" in refused.content.decode() and not logged_in(client)


def test_password_reset_flood_to_one_victim_is_limited(client, db, mailoutbox):
    """Finding 7: fifteen reset emails in a row reached a victim. Now three per hour per
    address, whichever client address asks."""
    UserFactory(email="victim@x.test", username="victim@x.test")
    statuses = [
        client.post(
            reverse("account_reset_password"),
            {"email": "Victim@x.test"},
            REMOTE_ADDR=f"192.0.2.{n}",
        ).status_code
        for n in range(15)
    ]

    assert len(mailoutbox) == 3
    assert statuses[:3] == [302, 302, 302]
    assert set(statuses[3:]) == {429}


def test_reset_requests_from_one_address_are_limited(client, db, mailoutbox):
    """Ten reset requests per hour from one client address, across any addresses typed."""
    statuses = [
        client.post(
            reverse("account_reset_password"), {"email": f"p{n}@x.test"}, REMOTE_ADDR=ATTACKER_IP
        ).status_code
        for n in range(11)
    ]

    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def signup(client, email, ip, n=0):
    return client.post(
        reverse("account_signup"),
        {"name": "Sam", "email": email, "password1": SIGNUP_PASSWORD, "kind": "consultant"},
        REMOTE_ADDR=ip,
    )


def test_signup_flood_for_one_address_is_limited_whatever_the_client_address(client, db):
    """Three sign-up attempts per hour for one address typed (each would mail its owner)."""
    answers = [signup(client, "target@x.test", f"192.0.2.{n}") for n in range(4)]

    assert [a.status_code for a in answers[:3]] == [302, 302, 302]
    assert answers[3].status_code == 200
    assert "Too many sign-ups for this address" in answers[3].content.decode()


def test_signup_flood_from_one_client_address_is_limited(client, db):
    """Ten sign-ups per hour from one client address."""
    answers = [signup(client, f"bot{n}@x.test", ATTACKER_IP) for n in range(11)]

    assert [a.status_code for a in answers[:10]] == [302] * 10
    assert answers[10].status_code == 429
    assert get_user_model().objects.count() == 10
