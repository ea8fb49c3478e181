import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from orgs.permissions import (
    Perm,
    Role,
    org_for_user,
    orgs_to_switch_to,
    orgs_visible_to,
    roles_in,
)


def test_leader_has_leader_role(personas):
    assert roles_in(personas.leader_a, personas.org_a) == {Role.LEADER}


def test_assigned_consultant_has_consultant_role(personas):
    assert roles_in(personas.consultant_a, personas.org_a) == {Role.CONSULTANT}


def test_unassigned_consultant_has_no_role(personas):
    assert roles_in(personas.consultant_other, personas.org_a) == frozenset()


def test_staff_has_staff_role_everywhere(personas):
    assert roles_in(personas.staff, personas.org_b) == {Role.STAFF}


def test_outsider_gets_404_not_403(personas):
    with pytest.raises(Http404):
        org_for_user(personas.outsider, personas.org_a.public_id, Perm.VIEW)


def test_leader_of_other_org_gets_404(personas):
    with pytest.raises(Http404):
        org_for_user(personas.leader_b, personas.org_a.public_id, Perm.VIEW)


def test_unknown_org_id_gets_404(personas):
    import uuid

    with pytest.raises(Http404):
        org_for_user(personas.leader_a, uuid.uuid4(), Perm.VIEW)


def test_member_may_answer_but_not_run_assessments(personas):
    access = org_for_user(personas.member_a, personas.org_a.public_id, Perm.ANSWER)
    assert access.can_answer and not access.can_run
    with pytest.raises(PermissionDenied):
        org_for_user(personas.member_a, personas.org_a.public_id, Perm.RUN_ASSESSMENT)


def test_consultant_may_run_but_not_answer(personas):
    access = org_for_user(personas.consultant_a, personas.org_a.public_id, Perm.RUN_ASSESSMENT)
    assert access.can_run and not access.can_answer
    with pytest.raises(PermissionDenied):
        org_for_user(personas.consultant_a, personas.org_a.public_id, Perm.ANSWER)


def test_staff_may_manage_but_not_answer_or_run(personas):
    access = org_for_user(personas.staff, personas.org_a.public_id, Perm.MANAGE)
    assert access.can_manage and not access.can_answer and not access.can_run


def test_consultant_may_not_grant_consultant_access(personas):
    with pytest.raises(PermissionDenied):
        org_for_user(personas.consultant_a, personas.org_a.public_id, Perm.GRANT_CONSULTANT)


def test_orgs_visible_to_lists_only_related_orgs(personas):
    assert list(orgs_visible_to(personas.leader_a)) == [personas.org_a]
    assert list(orgs_visible_to(personas.consultant_a)) == [personas.org_a]
    assert list(orgs_visible_to(personas.outsider)) == []
    assert set(orgs_visible_to(personas.staff)) == {personas.org_a, personas.org_b}


def test_denied_access_is_logged(personas, caplog):
    with caplog.at_level("WARNING", logger="stagewise.access"), pytest.raises(Http404):
        org_for_user(personas.outsider, personas.org_a.public_id, Perm.VIEW)
    assert "access denied (404)" in caplog.text


def test_roles_query_names_the_real_tables():
    from orgs.models import ConsultantAssignment, Membership, Organization
    from orgs.permissions import ROLES_SQL

    for model in (Organization, Membership, ConsultantAssignment):
        assert f" {model._meta.db_table} " in ROLES_SQL


def test_malformed_org_id_gets_404(personas):
    with pytest.raises(Http404):
        org_for_user(personas.leader_a, "not-a-uuid", Perm.VIEW)


def test_switcher_query_returns_what_orgs_visible_to_returns(personas):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import AssignmentFactory, MembershipFactory, OrganizationFactory

    # A second org each for the leader and the consultant, one of them requiring MFA, so that
    # membership, assignment, staff and the MFA rule all decide something.
    locked = OrganizationFactory(name="Locked Co", require_mfa=True)
    MembershipFactory(org=locked, user=personas.leader_a)
    AssignmentFactory(consultant=personas.consultant_a, org=personas.org_b)
    TOTP.activate(personas.member_a, generate_totp_secret())
    MembershipFactory(org=locked, user=personas.member_a)
    people = [
        personas.leader_a,
        personas.member_a,
        personas.consultant_a,
        personas.consultant_other,
        personas.staff,
        personas.outsider,
    ]
    for user in people:
        expected = [o.pk for o in orgs_visible_to(user).order_by("name", "id")]
        assert [o.pk for o in orgs_to_switch_to(user, 50)] == expected, user.email
    assert [o.name for o in orgs_to_switch_to(personas.staff, 1)] == ["Acme CS"]


def test_switcher_query_names_the_real_tables():
    from allauth.mfa.models import Authenticator

    from orgs.models import ConsultantAssignment, Membership, Organization
    from orgs.permissions import SWITCHER_SQL

    for model in (Organization, Membership, ConsultantAssignment, Authenticator):
        assert f" {model._meta.db_table} " in SWITCHER_SQL
