from django.urls import reverse

from tests.factories import AssignmentFactory, ConsultantFactory, OrganizationFactory


def test_anonymous_home_invites_to_sign_up(client, db):
    body = client.get(reverse("home")).content.decode()
    assert reverse("account_signup") in body


def test_leader_with_one_org_goes_straight_to_it(personas, client_for):
    response = client_for(personas.leader_a).get(reverse("home"))
    assert response.url == reverse("org_home", args=[personas.org_a.public_id])


def test_new_consultant_sees_empty_state_explaining_how_to_add_a_client(db, client_for):
    consultant = ConsultantFactory().user
    body = client_for(consultant).get(reverse("home")).content.decode()
    assert "No clients yet" in body and reverse("org_new") in body


def test_consultant_home_lists_only_assigned_orgs(personas, client_for):
    body = client_for(personas.consultant_a).get(reverse("home")).content.decode()
    assert "Acme CS" in body and "Bravo CS" not in body


def test_home_paginates(db, client_for):
    consultant = ConsultantFactory().user
    for n in range(30):
        AssignmentFactory(consultant=consultant, org=OrganizationFactory(name=f"Client {n:02d}"))
    client = client_for(consultant)
    first = client.get(reverse("home")).content.decode()
    second = client.get(reverse("home") + "?page=2").content.decode()
    assert "Client 00" in first and "Client 29" not in first
    assert "Client 29" in second and "Page 2 of 2" in second


def test_home_search_filters_by_name(personas, client_for):
    body = client_for(personas.staff).get(reverse("home") + "?q=bravo").content.decode()
    assert "Bravo CS" in body and "Acme CS" not in body


def test_consultant_creates_client_org_and_is_assigned(db, client_for):
    consultant = ConsultantFactory().user
    response = client_for(consultant).post(reverse("org_new"), {"name": "New Client"})
    assert response.status_code == 302
    assert consultant.assignments.get().org.name == "New Client"
