import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from orgs import services
from orgs.models import Invitation, Membership
from tests.factories import UserFactory

PASSWORD = "a-long-unusual-passphrase-42"


def invite(client, org, email="new@example.com", role="member"):
    return client.post(
        reverse("invitation_new", args=[org.public_id]), {"email": email, "role": role}
    )


def link_from(mail) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.body).group(1)


def test_leader_invites_member_by_email(personas, client_for, mailoutbox):
    response = invite(client_for(personas.leader_a), personas.org_a)
    assert response.status_code == 302
    assert Invitation.objects.get().email == "new@example.com"
    assert len(mailoutbox) == 1 and "/invitations/" in mailoutbox[0].body


def test_member_may_not_invite(personas, client_for, mailoutbox):
    response = invite(client_for(personas.member_a), personas.org_a)
    assert response.status_code == 403
    assert not Invitation.objects.exists() and not mailoutbox


def test_invalid_invite_email_is_refused_and_nothing_sent(personas, client_for, mailoutbox):
    response = invite(client_for(personas.leader_a), personas.org_a, email="not-an-email")
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists() and not mailoutbox


def test_inviting_an_existing_member_is_refused(personas, client_for):
    response = invite(client_for(personas.leader_a), personas.org_a, email=personas.member_a.email)
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_new_person_accepts_by_creating_account(personas, client_for, client, mailoutbox):
    invite(client_for(personas.leader_a), personas.org_a)
    client.logout()
    link = link_from(mailoutbox[0])
    response = client.post(link, {"name": "New Person", "password": PASSWORD})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new@example.com")
    assert membership.org == personas.org_a and membership.role == Membership.Role.MEMBER


def test_existing_user_accepts_when_logged_in(personas, client_for, mailoutbox):
    person = UserFactory(email="known@example.com")
    invite(client_for(personas.leader_a), personas.org_a, email="known@example.com")
    client = client_for(person)
    client.post(link_from(mailoutbox[0]))
    assert Membership.objects.filter(user=person, org=personas.org_a).exists()


def test_invitation_link_works_once(personas, client_for, client, mailoutbox):
    invite(client_for(personas.leader_a), personas.org_a)
    client.logout()
    link = link_from(mailoutbox[0])
    client.post(link, {"name": "New Person", "password": PASSWORD})
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert services.INVITATION_USED in response.content.decode()


def test_expired_invitation_is_refused(personas, client, monkeypatch):
    invitation = Invitation.objects.create(
        org=personas.org_a, email="late@example.com", invited_by=personas.leader_a
    )
    token = services.invitation_token(invitation)
    monkeypatch.setattr(services, "INVITATION_MAX_AGE", timedelta(seconds=-1))
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 410
    assert services.INVITATION_EXPIRED in response.content.decode()


def test_tampered_invitation_link_is_refused(personas, client):
    invitation = Invitation.objects.create(
        org=personas.org_a, email="x@example.com", invited_by=personas.leader_a
    )
    token = services.invitation_token(invitation)[:-2] + "xx"
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 410
    assert services.INVITATION_INVALID in response.content.decode()


def test_invitation_for_someone_else_is_refused(personas, client_for):
    invitation = Invitation.objects.create(
        org=personas.org_a, email="x@example.com", invited_by=personas.leader_a
    )
    client = client_for(personas.leader_b)
    response = client.post(
        reverse("invitation_accept", args=[services.invitation_token(invitation)])
    )
    assert response.status_code == 409
    assert not Membership.objects.filter(user=personas.leader_b, org=personas.org_a).exists()


def test_withdrawn_invitation_is_refused(personas, client_for, client):
    invitation = Invitation.objects.create(
        org=personas.org_a, email="x@example.com", invited_by=personas.leader_a
    )
    client_for(personas.leader_a).post(
        reverse("invitation_revoke", args=[personas.org_a.public_id, invitation.public_id])
    )
    client.logout()
    response = client.get(
        reverse("invitation_accept", args=[services.invitation_token(invitation)])
    )
    assert services.INVITATION_REVOKED in response.content.decode()


def test_token_for_unknown_invitation_is_refused(db):
    token = signing.dumps("00000000-0000-0000-0000-000000000000", salt=services.INVITATION_SALT)
    with pytest.raises(services.OrgError, match="not valid"):
        services.invitation_from_token(token)
