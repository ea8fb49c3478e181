"""Three pinned worlds for the report as a deliverable, on the real v2 bank, each with fixed ids,
names and dates so their PDFs read the same in every run:

- reactive: one respondent, everything at level 1 (Reactive, nothing capped, first result);
- capped: two respondents and a note; scores say Strategic but the customer-tiers gate (level 1)
  holds the org at Proactive;
- strategic: one respondent at level 4 today, at level 3 ninety days before (history).
"""

import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth import get_user_model

from assessment.bank import bank_load
from assessment.models import Assessment
from assessment.services import assessment_submit
from orgs.models import Membership, Organization
from tests.report.conftest import save_answers

DEFAULT_BANK_V2 = Path(__file__).parents[2] / "assessment" / "content" / "cs-maturity-v2.yaml"
FIXTURES = ("reactive", "capped", "strategic")
SUBMITTED_AT = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
EARLIER_AT = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
NOTE = "Tiers exist in a slide deck from 2024; nobody uses them when planning the week."


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(f"7a2e0c3d-0000-4000-8000-{n:012d}")


def _person(email: str, first: str, last: str):
    return get_user_model().objects.create_user(
        username=email, email=email, first_name=first, last_name=last, password="unused-here"
    )


def _levels(version, level: int, **overrides: int) -> dict[str, int]:
    keys = [q.key for d in version.domains.prefetch_related("questions") for q in d.questions.all()]
    return {key: overrides.get(key, level) for key in keys}


def _gate_keys(version, stage: int) -> list[str]:
    return [
        q.key
        for d in version.domains.prefetch_related("questions")
        for q in d.questions.all()
        if q.gate_stage == stage
    ]


def _submitted(n, org, version, by, people, notes, at) -> Assessment:
    draft = Assessment.objects.create(public_id=_id(n), org=org, version=version, started_by=by)
    for person, levels in people.items():
        save_answers(draft, person, levels, notes.get(person))
    assessment_submit(assessment=draft, by=by)
    Assessment.objects.filter(pk=draft.pk).update(submitted_at=at, created_at=at)
    return Assessment.objects.select_related("org", "version").get(pk=draft.pk)


def deliverable_world(name: str) -> tuple[Assessment, object]:
    """(the assessment whose report is checked, its leader) for one of FIXTURES."""
    version, _ = bank_load(text=DEFAULT_BANK_V2.read_text(encoding="utf-8"))
    n = FIXTURES.index(name) + 1
    leader = _person(f"lead-{name}@deliverable.test", "Dana", f"Lead{name.title()}")
    org = Organization.objects.create(
        public_id=_id(100 + n),
        name={"reactive": "Rookery Labs", "capped": "Capstone Health", "strategic": "Summit Pay"}[
            name
        ],
        slug=name,
        arr_band=Organization.ArrBand.FROM_5M_TO_20M,
        segment=Organization.Segment.MID_MARKET,
        team_size=Organization.TeamSize.MEDIUM,
        team_age=Organization.TeamAge.GROWING,
    )
    Membership.objects.create(org=org, user=leader, role=Membership.Role.LEADER)
    if name == "reactive":
        people = {leader: _levels(version, 1)}
        return _submitted(n * 10, org, version, leader, people, {}, SUBMITTED_AT), leader
    if name == "capped":
        member = _person("member-capped@deliverable.test", "Sam", "Member")
        Membership.objects.create(org=org, user=member, role=Membership.Role.MEMBER)
        gates = dict.fromkeys(_gate_keys(version, 3), 1)
        people = {leader: _levels(version, 4, **gates), member: _levels(version, 3, **gates)}
        notes = {leader: {next(iter(gates)): NOTE}}
        return _submitted(n * 10, org, version, leader, people, notes, SUBMITTED_AT), leader
    _submitted(n * 10 + 1, org, version, leader, {leader: _levels(version, 3)}, {}, EARLIER_AT)
    people = {leader: _levels(version, 4)}
    return _submitted(n * 10, org, version, leader, people, {}, SUBMITTED_AT), leader
