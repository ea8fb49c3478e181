"""Finding 2 of the security review (issue 11): an attacker signed up as a consultant with an
address they did not own, the leader granted access to that address, and the attacker downloaded
export.json. Consultant access now goes only to a verified address; any other address gets a
consultant invitation, accepted only from the verified matching address."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from orgs import services
from orgs.models import Consultant, ConsultantAssignment, Invitation, Membership
from tests.factories import ConsultantFactory, MembershipFactory, UserFactory
from tests.history.helpers import submit

PASSWORD = "a-long-unusual-passphrase-42"
VICTIM = "cfo@victim-advisers.test"  # an address the attacker does not own


def grant(client, org, email):
    return client.post(
        reverse("consultant_grant", args=[org.public_id]), {"email": email}, follow=True
    )


def link_from(mail) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.body).group(1)


def accept_url(token):
    return f"http://testserver/invitations/{token}/"


def export_url(org, assessment):
    return reverse("assessment_export_json", args=[org.public_id, assessment.public_id])


def test_unverified_consultant_address_gets_no_access(
    personas, client_for, client, mailoutbox, mini_version
):
    """The review's reproduction, step by step: the attacker signs up as a consultant with the
    victim's address (and never confirms it), the leader grants access to that address, the
    attacker asks for export.json."""
    result = submit(personas.org_a, mini_version, personas.leader_a, 3)
    client.post(
        reverse("account_signup"),
        {"name": "Not Really", "email": VICTIM, "password1": PASSWORD, "kind": "consultant"},
    )
    attacker = Consultant.objects.get(user__email=VICTIM).user
    assert not EmailAddress.objects.get(user=attacker).verified
    mailoutbox.clear()

    page = grant(client_for(personas.leader_a), personas.org_a, VICTIM).content.decode()

    assert "has not confirmed this address yet, so nothing was granted" in page
    assert not ConsultantAssignment.objects.filter(consultant=attacker).exists()
    # The grant waits as an invitation mailed to the address, which only its owner reads.
    invitation = Invitation.objects.get(org=personas.org_a, role=Invitation.Role.CONSULTANT)
    assert invitation.email == VICTIM and [m.to for m in mailoutbox] == [[VICTIM]]
    client.force_login(attacker)
    assert client.get(export_url(personas.org_a, result)).status_code == 404
    # Even holding the link, the unconfirmed account cannot take the access up.
    accepted = client.post(link_from(mailoutbox[0]))
    assert accepted.status_code == 409
    assert "Confirm" in accepted.content.decode()
    assert not ConsultantAssignment.objects.filter(consultant=attacker).exists()
    assert client.get(export_url(personas.org_a, result)).status_code == 404


def test_verified_consultant_gets_access_at_once(personas, client_for, mailoutbox):
    page = grant(client_for(personas.leader_a), personas.org_a, personas.consultant_other.email)
    assert f"{personas.consultant_other.email} can now see Acme CS" in page.content.decode()
    assert ConsultantAssignment.objects.filter(
        consultant=personas.consultant_other, org=personas.org_a
    ).exists()
    assert not Invitation.objects.exists() and not mailoutbox


def test_grant_to_an_address_without_an_account_sends_a_consultant_invitation(
    personas, client_for, client, mailoutbox
):
    page = grant(client_for(personas.leader_a), personas.org_a, "New.Adviser@Example.com")
    assert "has no consultant account on Stagewise yet" in page.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.role == Invitation.Role.CONSULTANT
    assert invitation.email == "new.adviser@example.com"
    [mail] = mailoutbox
    assert mail.to == ["new.adviser@example.com"] and "as a consultant" in mail.subject
    # The org's page lists it among the consultants, where the leader can withdraw it.
    home = client_for(personas.leader_a).get(reverse("org_home", args=[personas.org_a.public_id]))
    assert "Pending consultant invitations" in home.content.decode()
    assert "Withdraw consultant invitation to new.adviser@example.com" in home.content.decode()
    # A visitor with no account signs up from the link (the mailed link proves the address),
    # becomes a consultant and gets the access; no membership.
    client.logout()
    link = link_from(mail)
    opened = client.get(link)
    assert opened.status_code == 200 and "Consultancy" in opened.content.decode()
    joined = client.post(link, {"name": "New Adviser", "password": PASSWORD, "company": "Acme"})
    assert joined.status_code == 302
    consultant = Consultant.objects.get(user__email="new.adviser@example.com")
    assert consultant.company == "Acme"
    assert ConsultantAssignment.objects.filter(
        consultant=consultant.user, org=personas.org_a, granted_by=personas.leader_a
    ).exists()
    assert not Membership.objects.filter(user=consultant.user).exists()
    assert client.get(reverse("org_home", args=[personas.org_a.public_id])).status_code == 200


def test_a_logged_out_visitor_with_an_account_is_offered_the_login_and_back(
    personas, client, mailoutbox
):
    services.consultant_grant(
        org=personas.org_a,
        email=personas.outsider.email,
        granted_by=personas.leader_a,
        accept_url=accept_url,
    )
    link = link_from(mailoutbox[0])
    page = client.get(link).content.decode()
    assert f"{reverse('account_login')}?next=/invitations/" in page


def test_consultant_invitation_needs_the_verified_matching_address(
    personas, client_for, client, mailoutbox
):
    """An account that is not a consultant's yet (the outsider) is invited; only that account,
    with its address verified, can accept, and accepting makes it a consultant."""
    outsider = personas.outsider
    services.consultant_grant(
        org=personas.org_a, email=outsider.email, granted_by=personas.leader_a, accept_url=str
    )
    invitation = Invitation.objects.get()
    link = accept_url(services.invitation_token(invitation))
    # Someone else, signed in, holding the link: refused.
    wrong = client_for(personas.consultant_other).post(link)
    assert wrong.status_code == 409 and outsider.email in wrong.content.decode()
    # The right account while its address is unconfirmed: refused, and told what to do.
    EmailAddress.objects.filter(user=outsider).update(verified=False)
    unconfirmed = client_for(outsider).post(link)
    assert unconfirmed.status_code == 409
    assert "Confirm" in unconfirmed.content.decode()
    assert not ConsultantAssignment.objects.filter(consultant=outsider).exists()
    assert not Consultant.objects.filter(user=outsider).exists()
    # Once it is confirmed: access, and a consultant account.
    EmailAddress.objects.filter(user=outsider).update(verified=True)
    assert client_for(outsider).post(link).status_code == 302
    assert ConsultantAssignment.objects.filter(consultant=outsider, org=personas.org_a).exists()
    assert Consultant.objects.filter(user=outsider).exists()
    assert not Membership.objects.filter(user=outsider, org=personas.org_a).exists()


def test_consultant_invitation_matches_a_verified_address_under_its_normal_form(
    personas, mailoutbox
):
    """The invitation stores the normalised address; a second, verified address of the account
    that spells it in a look-alike way still matches."""
    adviser = UserFactory(email="other@advisers.test", username="other@advisers.test")
    EmailAddress.objects.create(user=adviser, email="ſam@advisers.test", verified=True)
    grant_result = services.consultant_grant(
        org=personas.org_a, email="SAM@advisers.test", granted_by=personas.leader_a, accept_url=str
    )
    assert grant_result.invitation.email == "sam@advisers.test"
    services.invitation_accept(invitation=grant_result.invitation, user=adviser)
    assert ConsultantAssignment.objects.filter(consultant=adviser, org=personas.org_a).exists()


def test_consultant_invitation_dies_when_the_granting_leader_loses_access(
    personas, client_for, client, mailoutbox
):
    org = personas.org_a
    granting = MembershipFactory(org=org, role=Membership.Role.LEADER).user
    grant(client_for(granting), org, "adviser@example.com")
    link = link_from(mailoutbox[0])
    adviser = UserFactory(email="adviser@example.com", username="adviser@example.com")
    # Demoted to member: may no longer grant, so the pending grant is dead at open and accept.
    Membership.objects.filter(user=granting, org=org).update(role=Membership.Role.MEMBER)
    client.force_login(adviser)
    opened = client.get(link)
    assert opened.status_code == 410
    assert "can no longer grant consultant access to Acme CS" in opened.content.decode()
    assert client.post(link).status_code == 410
    with pytest.raises(services.OrgError, match="no longer valid"):
        services.invitation_accept(invitation=Invitation.objects.get(), user=adviser)
    assert not ConsultantAssignment.objects.filter(consultant=adviser).exists()
    # Removed altogether: the invitation is withdrawn with the rest of what they sent.
    Membership.objects.filter(user=granting, org=org).update(role=Membership.Role.LEADER)
    services.membership_remove(
        membership=Membership.objects.get(user=granting, org=org), by=personas.leader_a
    )
    assert Invitation.objects.get().revoked_at is not None


def test_leader_withdraws_a_consultant_invitation_and_the_link_dies(
    personas, client_for, client, mailoutbox
):
    grant(client_for(personas.leader_a), personas.org_a, "adviser@example.com")
    invitation = Invitation.objects.get()
    url = reverse(
        "consultant_invitation_revoke", args=[personas.org_a.public_id, invitation.public_id]
    )
    assert client_for(personas.consultant_a).post(url).status_code == 403
    assert client_for(personas.leader_a).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    assert client.get(link_from(mailoutbox[0])).status_code == 410


def test_consultant_invitation_is_not_withdrawn_through_the_member_invitation_url(
    personas, client_for, mailoutbox
):
    """A consultant manages member invitations but may not withdraw a pending grant."""
    grant(client_for(personas.leader_a), personas.org_a, "adviser@example.com")
    invitation = Invitation.objects.get()
    response = client_for(personas.consultant_a).post(
        reverse("invitation_revoke", args=[personas.org_a.public_id, invitation.public_id])
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_consultant_cannot_grant_through_an_invitation_either(personas, mailoutbox):
    with pytest.raises(services.OrgError, match="Only a leader"):
        services.consultant_grant(
            org=personas.org_a,
            email="friend@example.com",
            granted_by=personas.consultant_a,
            accept_url=str,
        )
    with pytest.raises(services.OrgError):
        services.invitation_create(
            org=personas.org_a,
            email="friend@example.com",
            role=Invitation.Role.CONSULTANT,
            invited_by=personas.leader_a,
            accept_url=str,
        )
    assert not Invitation.objects.exists() and not mailoutbox


def test_a_second_grant_to_a_pending_address_sends_nothing_more(personas, client_for, mailoutbox):
    client = client_for(personas.leader_a)
    grant(client, personas.org_a, "adviser@example.com")
    page = grant(client, personas.org_a, "ADVISER@example.com").content.decode()
    assert "already has a pending invitation" in page
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1


def test_an_existing_verified_consultant_accepting_keeps_their_consultant_account(
    personas, mailoutbox
):
    """A consultant whose address was unconfirmed at grant time confirms it, then accepts."""
    adviser = ConsultantFactory(
        user=UserFactory(
            email="late@advisers.test", username="late@advisers.test", verified_email=False
        ),
        company="Late Ltd",
    ).user
    result = services.consultant_grant(
        org=personas.org_a, email=adviser.email, granted_by=personas.leader_a, accept_url=str
    )
    assert result.assignment is None and "not confirmed" in result.message
    EmailAddress.objects.filter(user=adviser).update(verified=True)
    services.invitation_accept(invitation=result.invitation, user=adviser)
    assert Consultant.objects.get(user=adviser).company == "Late Ltd"
    assert ConsultantAssignment.objects.filter(consultant=adviser, org=personas.org_a).exists()
