"""Our own rate limits (orgs/ratelimits.py) and the one email normalisation in invitations and
consultant grants. allauth's limits (logins, sign-ups, resets) are in test_identity_attacks.py."""

from django.urls import reverse

from orgs import ratelimits
from orgs.models import ConsultantAssignment, Invitation
from tests.factories import ConsultantFactory, UserFactory

LIMIT = ratelimits.Limit("test", 3, 60)


def test_a_limit_allows_its_amount_then_says_how_long_to_wait(db):
    now = 1_000_000.0  # 40 s into a 60 s window
    assert [ratelimits.hit(LIMIT, "s", now=now) for _ in range(3)] == [None, None, None]
    assert ratelimits.hit(LIMIT, "s", now=now) == 20


def test_a_limit_counts_each_subject_on_its_own(db):
    for _ in range(3):
        ratelimits.hit(LIMIT, "a", now=0.0)
    assert ratelimits.hit(LIMIT, "b", now=0.0) is None


def test_a_limit_starts_again_in_the_next_window(db):
    for _ in range(4):
        ratelimits.hit(LIMIT, "s", now=10.0)
    assert ratelimits.hit(LIMIT, "s", now=61.0) is None


def test_an_invitation_flood_from_one_org_stops_at_twenty_an_hour(personas, client_for, mailoutbox):
    client = client_for(personas.leader_a)
    statuses = [
        client.post(
            reverse("invitation_new", args=[personas.org_a.public_id]),
            {"email": f"n{n}@example.com", "role": "member"},
        ).status_code
        for n in range(21)
    ]

    assert statuses == [302] * 20 + [429]
    assert len(mailoutbox) == 20 == Invitation.objects.count()


def test_an_invitation_to_a_lookalike_spelling_is_stored_in_the_plain_one(personas, client_for):
    client_for(personas.leader_a).post(
        reverse("invitation_new", args=[personas.org_a.public_id]),
        {"email": "Ｎew.Person@Example.com", "role": "member"},
    )

    assert Invitation.objects.get().email == "new.person@example.com"


def test_inviting_a_member_under_a_lookalike_spelling_is_refused(personas, client_for):
    member = UserFactory(email="kate@example.com", username="kate@example.com")
    personas.org_a.memberships.create(user=member, role="member")

    response = client_for(personas.leader_a).post(
        reverse("invitation_new", args=[personas.org_a.public_id]),
        {"email": "\u212aATE@example.com", "role": "member"},  # Kelvin sign
    )

    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_a_consultant_grant_finds_the_account_by_a_lookalike_spelling(personas, client_for):
    consultant = ConsultantFactory(
        user=UserFactory(email="sam@advisers.test", username="sam@advisers.test")
    ).user

    client_for(personas.leader_a).post(
        reverse("consultant_grant", args=[personas.org_a.public_id]),
        {"email": "ſam@ADVISERS.test"},  # long s
    )

    assert ConsultantAssignment.objects.filter(consultant=consultant, org=personas.org_a).exists()
