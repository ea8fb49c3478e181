from django.urls import reverse

from orgs.models import ConsultantAssignment, Invitation, Membership
from orgs.services import CONSULTANT_INVITED, LAST_LEADER


def remove_url(org, membership):
    return reverse("member_remove", args=[org.public_id, membership.pk])


def test_leader_removes_member(personas, client_for):
    membership = Membership.objects.get(user=personas.member_a)
    client_for(personas.leader_a).post(remove_url(personas.org_a, membership))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_removed_member_loses_access_on_next_request(personas, client_for, client):
    client = client_for(personas.member_a)
    home = reverse("org_home", args=[personas.org_a.public_id])
    assert client.get(home).status_code == 200
    Membership.objects.filter(user=personas.member_a).delete()
    assert client.get(home).status_code == 404


def test_last_leader_cannot_be_removed(personas, client_for):
    membership = Membership.objects.get(user=personas.leader_a)
    response = client_for(personas.staff).post(remove_url(personas.org_a, membership), follow=True)
    assert LAST_LEADER in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_member_of_other_org_cannot_be_removed_through_this_org(personas, client_for):
    other = Membership.objects.get(user=personas.member_b)
    response = client_for(personas.leader_a).post(remove_url(personas.org_a, other))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_leader_grants_consultant_access(personas, client_for):
    client_for(personas.leader_a).post(
        reverse("consultant_grant", args=[personas.org_a.public_id]),
        {"email": personas.consultant_other.email},
    )
    assert ConsultantAssignment.objects.filter(
        consultant=personas.consultant_other, org=personas.org_a
    ).exists()


def test_granting_access_to_a_non_consultant_sends_an_invitation_not_access(
    personas, client_for, mailoutbox
):
    response = client_for(personas.leader_a).post(
        reverse("consultant_grant", args=[personas.org_a.public_id]),
        {"email": personas.outsider.email},
        follow=True,
    )
    message = CONSULTANT_INVITED.format(email=personas.outsider.email, org=personas.org_a.name)
    assert message in response.content.decode()
    assert not ConsultantAssignment.objects.filter(consultant=personas.outsider).exists()
    assert Invitation.objects.get().role == Invitation.Role.CONSULTANT
    assert [m.to for m in mailoutbox] == [[personas.outsider.email]]


def test_revoked_consultant_loses_access_on_next_request(personas, client_for):
    consultant_client = client_for(personas.consultant_a)
    home = reverse("org_home", args=[personas.org_a.public_id])
    assert consultant_client.get(home).status_code == 200
    assignment = ConsultantAssignment.objects.get(consultant=personas.consultant_a)
    consultant_client.logout()
    client_for(personas.leader_a).post(
        reverse("consultant_revoke", args=[personas.org_a.public_id, assignment.pk])
    )
    assert not ConsultantAssignment.objects.filter(pk=assignment.pk).exists()
    assert client_for(personas.consultant_a).get(home).status_code == 404


def test_consultant_cannot_grant_access(personas, client_for):
    response = client_for(personas.consultant_a).post(
        reverse("consultant_grant", args=[personas.org_a.public_id]),
        {"email": personas.consultant_other.email},
    )
    assert response.status_code == 403


def test_leader_edits_profile(personas, client_for):
    response = client_for(personas.leader_a).post(
        reverse("org_profile", args=[personas.org_a.public_id]),
        {
            "name": "Acme Renamed",
            "arr_band": "over-100m",
            "segment": "enterprise",
            "team_size": "21+",
            "team_age": "3y+",
            "industry": "Retail",
        },
    )
    assert response.status_code == 302
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Acme Renamed" and personas.org_a.arr_band == "over-100m"


def test_member_cannot_edit_profile(personas, client_for):
    response = client_for(personas.member_a).post(
        reverse("org_profile", args=[personas.org_a.public_id]), {"name": "Hacked"}
    )
    assert response.status_code == 403
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Acme CS"
