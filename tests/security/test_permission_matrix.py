"""Issue #6, item 1: the permission matrix. Every URL × persona × method runs with org A's ids,
with org B's ids and with A's org around B's objects, against the outcome written down in
tests/security/matrix.py. Besides the status: a request that is refused changes no data (and an
allowed write does change it, so the payloads are known to bite), no page names an org its viewer
is not in, and no request reaching into another tenant succeeds. The matrix must list every URL,
and losing a membership, an assignment or a role takes effect on an open session's next request.
"""

from collections import Counter
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from assessment.models import AgreedAnswer, Answer, Assessment, ExcludedRespondent, ShareLink
from notifications.models import NotificationPreference
from orgs.models import (
    Consultant,
    ConsultantAssignment,
    FirmProfile,
    Invitation,
    Membership,
    Organization,
)
from orgs.services import membership_remove
from plans.models import Plan, PlanComment, PlanEvent, PlanItem
from tests.security.matrix import CASES, PERSONAS, ROWS
from tests.security.world import case_url, markers, payload

# The cases share one world (see conftest); the marker only tells pytest-django to create the
# test database even when no test of the run asks for the `db` fixture.
pytestmark = pytest.mark.django_db

LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


@dataclass(frozen=True)
class Observed:
    status: int
    location: str
    wrote: bool
    leaked: tuple[str, ...]


# Filled as the cases run, so the summary at the end reads what the cases saw (and runs any case
# that did not run in this session, when it is selected on its own).
OBSERVED: dict[str, Observed] = {}


# Every table a request could change. Users are read without last_login: signing in is no change
# of data. Caches (rendered PDFs) and sessions are left out on purpose.
WATCHED = [
    EmailAddress,
    Authenticator,
    Organization,
    Membership,
    Consultant,
    ConsultantAssignment,
    Invitation,
    Assessment,
    Answer,
    ExcludedRespondent,
    AgreedAnswer,
    NotificationPreference,
    Plan,
    PlanItem,
    PlanComment,
    PlanEvent,
    ShareLink,
    FirmProfile,
]
USER_COLUMNS = (
    "id, password, is_superuser, username, email, is_staff, is_active, first_name, last_name"
)


def data_state() -> list:
    """Every row of the watched tables, in plain SQL: one cheap query per table."""
    users = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {USER_COLUMNS} FROM {users} ORDER BY id")  # noqa: S608
        state = [cursor.fetchall()]
        for model in WATCHED:
            cursor.execute(f"SELECT * FROM {model._meta.db_table} ORDER BY id")  # noqa: S608
            state.append(cursor.fetchall())
    return state


def observe(case, world) -> Observed:
    """The case's request, made once in a savepoint that is rolled back afterwards."""
    if case.id not in OBSERVED:
        with transaction.atomic():
            OBSERVED[case.id] = _request(case, world)
            transaction.set_rollback(True)
    return OBSERVED[case.id]


def _request(case, world) -> Observed:
    client = Client()
    if case.persona != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[case.persona]
    url = case_url(case, world)
    before = data_state()
    if case.row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, payload(case, world))
    wrote = data_state() != before
    leaked: tuple[str, ...] = ()
    # Invitation links are exempt: the signed token is the credential (see matrix.py).
    readable = not response.get("Content-Type", "").startswith("application/pdf")
    if 200 <= response.status_code < 300 and readable and not case.row.by_token:
        body = response.content.decode(errors="replace")
        leaked = tuple(marker for marker in markers(case.persona, world) if marker in body)
    return Observed(response.status_code, response.get("Location", ""), wrote, leaked)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission(case, in_world):
    seen, expected = observe(case, in_world), case.expected
    got = f"{case.id}: got {seen.status} {seen.location}, expected {expected.name}"
    assert seen.status == expected.status, got
    if expected.status == 302 and expected.to:
        assert seen.location.startswith(expected.to), got
    elif expected.status == 302:
        assert not seen.location.startswith(LOGIN_PAGES), got
    if expected.writes:
        assert seen.wrote, f"{case.id}: allowed, but nothing changed"
    else:
        assert not seen.wrote, f"{case.id}: data changed"
    assert seen.leaked == (), f"{case.id}: the page shows {seen.leaked}"


def test_the_matrix_puts_every_persona_on_every_url():
    names = {row.name for row in ROWS}
    per_row = Counter((case.row.label, case.row.method, case.variant) for case in CASES)
    assert set(per_row.values()) == {len(PERSONAS)}
    assert len(CASES) > len(names) * 8


def url_names(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        else:
            yield f"{namespace}{pattern.name or f'unnamed {pattern.pattern}'}"


def test_every_url_is_in_the_matrix():
    """admin: names are covered by a rule instead (next test); everything else needs rows."""
    listed = {row.name for row in ROWS}
    names = set(url_names(get_resolver()))
    missing = sorted(name for name in names - listed if not name.startswith("admin:"))
    assert missing == [], f"URLs missing from tests/security/matrix.py: {missing}"
    assert "admin:index" in listed and any(n.endswith("_changelist") for n in listed)
    assert listed <= names, f"rows for URLs that do not exist: {sorted(listed - names)}"


# The rule for admin: URLs. Django's admin wraps every page but its login page in
# AdminSite.admin_view, which lets only active staff through; the matrix samples the index and
# two changelists, and this test checks the rule on every named admin URL.
def test_every_admin_page_turns_away_a_signed_in_user_who_is_not_staff(in_world):
    client = Client()
    client.force_login(in_world.people["leader_a"])
    resolver = get_resolver()
    admin = next(p for p in resolver.url_patterns if getattr(p, "namespace", "") == "admin")
    checked = 0
    for pattern, name in _admin_patterns(admin):
        if name == "admin:login":
            continue
        kwargs = {group: _fill(group) for group in pattern.pattern.regex.groupindex}
        response = client.get(reverse(name, kwargs=kwargs))
        where = response.get("Location", "").split("?")[0]
        assert response.status_code == 302 and where in ("/admin/login/", "/admin/"), name
        checked += 1
    assert checked > 40


def _admin_patterns(resolver: URLResolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _admin_patterns(pattern)
        elif pattern.name:
            yield pattern, f"admin:{pattern.name}"


def _fill(group: str) -> str:
    if group == "app_label":
        return "auth"  # the app_list pattern accepts only registered apps
    return "1"


# --- revocation -----------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def org_pages(side) -> list[str]:
    org, draft, submitted = side.org.public_id, side.draft.public_id, side.submitted.public_id
    return [
        reverse("org_home", args=[org]),
        reverse("assessment_result", args=[org, submitted]),
        reverse("assessment_domain", args=[org, draft, "alpha"]),
        reverse("assessment_export_json", args=[org, submitted]),
    ]


def test_a_member_removed_by_a_leader_is_refused_on_their_next_request(in_world):
    side, people = in_world.sides["A"], in_world.people
    member = signed_in(people["member_a"])
    assert [member.get(url).status_code for url in org_pages(side)] == [200, 200, 200, 200]
    remove = reverse("member_remove", args=[side.org.public_id, side.membership.pk])
    assert signed_in(people["leader_a"]).post(remove).status_code == 302
    assert [member.get(url).status_code for url in org_pages(side)] == [404, 404, 404, 404]
    question, option = next(iter(in_world.answers.items()))
    autosave = reverse("assessment_autosave", args=[side.org.public_id, side.draft.public_id])
    assert member.post(autosave, {"question": question, "value": option}).status_code == 404
    # Still signed in: refused for lack of a relation, not sent to log in again.
    assert member.get(reverse("account_change_password")).status_code == 200


def test_a_membership_removed_by_the_service_ends_access_of_an_open_session(in_world):
    side = in_world.sides["A"]
    member = signed_in(in_world.people["member_a"])
    assert member.get(org_pages(side)[0]).status_code == 200
    membership_remove(membership=side.membership, by=in_world.people["leader_a"])
    assert [member.get(url).status_code for url in org_pages(side)] == [404, 404, 404, 404]


def test_a_consultant_whose_assignment_is_revoked_is_refused_on_their_next_request(in_world):
    side, people = in_world.sides["A"], in_world.people
    consultant = signed_in(people["consultant_a"])
    compare = (
        reverse("compare")
        + "?"
        + "&".join(f"org={in_world.orgs[key].public_id}" for key in ("A", "A2"))
    )
    assert [consultant.get(url).status_code for url in [*org_pages(side), compare]] == [200] * 5
    revoke = reverse("consultant_revoke", args=[side.org.public_id, side.assignment.pk])
    assert signed_in(people["leader_a"]).post(revoke).status_code == 302
    assert [consultant.get(url).status_code for url in [*org_pages(side), compare]] == [404] * 5
    submit = reverse("assessment_submit", args=[side.org.public_id, side.draft.public_id])
    assert consultant.post(submit, {"confirm": "1"}).status_code == 404
    portfolio = consultant.get(reverse("home")).content.decode()
    assert "Acme Labs" in portfolio and side.org.name not in portfolio


def test_a_leader_demoted_to_member_loses_management_on_the_next_request(in_world):
    side, leader = in_world.sides["A"], in_world.people["leader_a"]
    client = signed_in(leader)
    profile = reverse("org_profile", args=[side.org.public_id])
    assert client.get(profile).status_code == 200
    Membership.objects.filter(org=side.org, user=leader).update(role=Membership.Role.MEMBER)
    assert client.get(profile).status_code == 403
    assert client.post(profile, {"name": "Renamed Co"}).status_code == 403
    assert Organization.objects.get(pk=side.org.pk).name == side.org.name


def test_staff_who_lose_the_staff_flag_lose_every_org_on_the_next_request(in_world):
    staff = in_world.people["staff"]
    client = signed_in(staff)
    home_b = reverse("org_home", args=[in_world.orgs["B"].public_id])
    assert client.get(home_b).status_code == 200
    get_user_model().objects.filter(pk=staff.pk).update(is_staff=False)
    assert client.get(home_b).status_code == 404


def succeeded(seen: Observed) -> bool:
    return 200 <= seen.status < 300 or seen.wrote


# Last in the file, so that in a full run it reads the cases' own observations. Measured
# 2026-11-25: 1,737 cases, 1,050 of them reaching into another tenant, none succeeding; 243
# allowed (SQLite and PostgreSQL alike).
def test_no_request_into_another_tenant_succeeds(in_world):
    observed = {case.id: observe(case, in_world) for case in CASES}
    crossing = [case for case in CASES if case.crosses_tenants]
    # A request into another tenant that got through, or any page naming an org its viewer is
    # not in (a list, say, on a URL that names no org).
    leaks = [case.id for case in crossing if succeeded(observed[case.id])]
    leaks += [case.id for case in CASES if observed[case.id].leaked]
    allowed = [case.id for case in CASES if succeeded(observed[case.id])]
    statuses = dict(sorted(Counter(seen.status for seen in observed.values()).items()))
    print(
        f"\npermission matrix: {len(CASES)} cases, {len(crossing)} across tenants, "
        f"{len(allowed)} allowed; statuses {statuses}"
    )
    assert leaks == []
    # The check above means something only if the same requests do succeed within a tenant.
    assert len(allowed) > 100 and len(crossing) > 400
