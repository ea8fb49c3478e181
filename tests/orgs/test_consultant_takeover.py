"""Finding 1 of the security review (issue 11): a consultant made themselves leader of a client
org, kept it after the leader revoked their access, removed the real leader and re-granted
themselves access. Each step of that reproduction is refused here, and nothing changes."""

import re

import pytest
from django.urls import reverse

from orgs import services
from orgs.models import ConsultantAssignment, Invitation, Membership
from orgs.permissions import Role, may_invite, may_remove, may_withdraw
from tests.factories import (
    AssignmentFactory,
    ConsultantFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

PASSWORD = "a-long-unusual-passphrase-42"


def invite(client, org, email, role):
    return client.post(
        reverse("invitation_new", args=[org.public_id]), {"email": email, "role": role}
    )


def link_from(mail) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.body).group(1)


def accept_url(token):
    return f"http://testserver/invitations/{token}/"


def test_consultant_cannot_invite_themselves_as_leader(personas, client_for, mailoutbox):
    consultant = personas.consultant_a
    response = invite(client_for(consultant), personas.org_a, consultant.email, "leader")
    assert response.status_code == 400
    assert "cannot invite yourself" in response.content.decode()
    assert not Invitation.objects.exists() and not mailoutbox
    assert not Membership.objects.filter(user=consultant).exists()


def test_consultant_cannot_invite_a_second_leader_into_an_org_that_has_one(
    personas, client_for, mailoutbox
):
    response = invite(
        client_for(personas.consultant_a), personas.org_a, "accomplice@example.com", "leader"
    )
    assert response.status_code == 400
    assert "Only a leader of Acme CS can invite another leader" in response.content.decode()
    assert not Invitation.objects.exists() and not mailoutbox


def test_consultant_may_still_invite_members(personas, client_for, mailoutbox):
    response = invite(
        client_for(personas.consultant_a), personas.org_a, "colleague@example.com", "member"
    )
    assert response.status_code == 302
    assert Invitation.objects.get().role == Membership.Role.MEMBER


def test_consultant_invites_the_first_leader_of_an_org_with_none(
    db, client_for, client, mailoutbox
):
    consultant = ConsultantFactory().user
    org = OrganizationFactory()
    AssignmentFactory(consultant=consultant, org=org)
    assert invite(client_for(consultant), org, "boss@example.com", "leader").status_code == 302
    client.logout()
    client.post(link_from(mailoutbox[0]), {"name": "Boss", "password": PASSWORD})
    assert Membership.objects.get(user__email="boss@example.com").role == Membership.Role.LEADER


def test_consultant_cannot_remove_the_real_leader(personas, client_for):
    leadership = Membership.objects.get(user=personas.leader_a, org=personas.org_a)
    client = client_for(personas.consultant_a)
    response = client.post(
        reverse("member_remove", args=[personas.org_a.public_id, leadership.pk]), follow=True
    )
    assert "Only a leader of Acme CS can remove a leader" in response.content.decode()
    assert Membership.objects.filter(pk=leadership.pk, role=Membership.Role.LEADER).exists()
    # The leader still reaches their own org.
    client.force_login(personas.leader_a)
    assert client.get(reverse("org_home", args=[personas.org_a.public_id])).status_code == 200


def test_consultant_sees_no_remove_button_for_the_leader(personas, client_for):
    leadership = Membership.objects.get(user=personas.leader_a, org=personas.org_a)
    page = client_for(personas.consultant_a).get(
        reverse("org_home", args=[personas.org_a.public_id])
    )
    html = page.content.decode()
    assert reverse("member_remove", args=[personas.org_a.public_id, leadership.pk]) not in html
    assert '<option value="leader"' not in html


def test_consultant_may_remove_a_member(personas, client_for):
    membership = Membership.objects.get(user=personas.member_a, org=personas.org_a)
    client_for(personas.consultant_a).post(
        reverse("member_remove", args=[personas.org_a.public_id, membership.pk])
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_revoked_consultant_keeps_nothing(personas, client_for):
    """Whatever a consultant holds in the org (here a membership obtained through a pending-era
    invitation) and whatever they sent goes with the revocation."""
    consultant, org = personas.consultant_a, personas.org_a
    MembershipFactory(user=consultant, org=org, role=Membership.Role.LEADER)
    pending = Invitation.objects.create(org=org, email="friend@example.com", invited_by=consultant)
    assignment = ConsultantAssignment.objects.get(consultant=consultant, org=org)
    client = client_for(personas.leader_a)
    client.post(reverse("consultant_revoke", args=[org.public_id, assignment.pk]))
    assert not ConsultantAssignment.objects.filter(consultant=consultant, org=org).exists()
    assert not Membership.objects.filter(user=consultant, org=org).exists()
    pending.refresh_from_db()
    assert pending.revoked_at is not None
    client.force_login(consultant)
    assert client.get(reverse("org_home", args=[org.public_id])).status_code == 404
    grant = client.post(
        reverse("consultant_grant", args=[org.public_id]), {"email": consultant.email}
    )
    assert grant.status_code == 404
    assert not ConsultantAssignment.objects.filter(consultant=consultant, org=org).exists()


def test_old_invitation_from_a_since_revoked_consultant_cannot_be_accepted(
    personas, client_for, client, mailoutbox
):
    consultant, org = personas.consultant_a, personas.org_a
    invite(client_for(consultant), org, "alias@example.com", "member")
    link = link_from(mailoutbox[0])
    invitation = Invitation.objects.get()
    # The revocation marks it withdrawn; clear that to prove acceptance re-checks the inviter.
    services.consultant_revoke(
        assignment=ConsultantAssignment.objects.get(consultant=consultant, org=org)
    )
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=None)
    alias = UserFactory(email="alias@example.com", username="alias@example.com")
    client.force_login(alias)
    opened = client.get(link)
    assert opened.status_code == 410
    assert "no longer valid" in opened.content.decode()
    accepted = client.post(link)
    assert accepted.status_code == 410
    assert not Membership.objects.filter(user=alias, org=org).exists()
    with pytest.raises(services.OrgError, match="no longer valid"):
        services.invitation_accept(invitation=invitation, user=alias)


def test_invitation_from_a_removed_member_dies_with_their_access(personas, client_for):
    org = personas.org_a
    inviter = MembershipFactory(org=org, role=Membership.Role.LEADER).user
    sent = services.invitation_create(
        org=org, email="later@example.com", role="member", invited_by=inviter, accept_url=str
    )
    services.membership_remove(
        membership=Membership.objects.get(user=inviter, org=org), by=personas.leader_a
    )
    sent.refresh_from_db()
    assert sent.revoked_at is not None


def test_self_leader_invitation_made_before_the_fix_cannot_be_accepted(personas, client_for):
    """An invitation already in the database from the old code: its inviter, a consultant of an
    org that has a leader, may not send it now, so it cannot be accepted."""
    consultant, org = personas.consultant_a, personas.org_a
    invitation = Invitation.objects.create(
        org=org, email=consultant.email, role=Membership.Role.LEADER, invited_by=consultant
    )
    with pytest.raises(services.OrgError):
        services.invitation_accept(invitation=invitation, user=consultant)
    assert not Membership.objects.filter(user=consultant, org=org).exists()


def test_consultant_first_leader_invitation_dies_once_the_org_has_a_leader(db):
    consultant = ConsultantFactory().user
    org = OrganizationFactory()
    AssignmentFactory(consultant=consultant, org=org)
    invitation = services.invitation_create(
        org=org, email="second@example.com", role="leader", invited_by=consultant, accept_url=str
    )
    MembershipFactory(org=org, role=Membership.Role.LEADER)
    second = UserFactory(email="second@example.com", username="second@example.com")
    with pytest.raises(services.OrgError, match="no longer valid"):
        services.invitation_accept(invitation=invitation, user=second)


@pytest.mark.parametrize(
    ("roles", "role", "org_has_leader", "allowed"),
    [
        ({Role.LEADER}, "leader", True, True),
        ({Role.STAFF}, "leader", True, True),
        ({Role.CONSULTANT}, "leader", True, False),
        ({Role.CONSULTANT}, "leader", False, True),
        ({Role.CONSULTANT}, "member", True, True),
        ({Role.MEMBER}, "member", True, False),
        ({Role.MEMBER}, "leader", False, False),
        # A consultant invitation is a pending grant: leaders and staff only.
        ({Role.LEADER}, "consultant", True, True),
        ({Role.STAFF}, "consultant", True, True),
        ({Role.CONSULTANT}, "consultant", False, False),
        ({Role.MEMBER}, "consultant", False, False),
    ],
)
def test_who_may_invite_which_role(roles, role, org_has_leader, allowed):
    assert may_invite(frozenset(roles), role, org_has_leader=org_has_leader) is allowed


@pytest.mark.parametrize(
    ("roles", "role", "allowed"),
    [
        ({Role.LEADER}, "leader", True),
        ({Role.STAFF}, "leader", True),
        ({Role.CONSULTANT}, "leader", False),
        ({Role.CONSULTANT}, "member", True),
        ({Role.MEMBER}, "member", False),
    ],
)
def test_who_may_remove_which_role(roles, role, allowed):
    assert may_remove(frozenset(roles), role) is allowed


@pytest.mark.parametrize(
    ("roles", "role", "allowed"),
    [
        ({Role.CONSULTANT}, "member", True),
        ({Role.CONSULTANT}, "leader", True),
        ({Role.CONSULTANT}, "consultant", False),
        ({Role.LEADER}, "consultant", True),
        ({Role.STAFF}, "consultant", True),
        ({Role.MEMBER}, "member", False),
    ],
)
def test_who_may_withdraw_which_invitation(roles, role, allowed):
    assert may_withdraw(frozenset(roles), role) is allowed
