"""The fixed world behind the golden reports: a bank frozen beside the goldens, one org, two
people and two submitted assessments, with every id, name and date pinned, so the report
renders the same bytes in every run and on every database."""

import io
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from assessment.bank import bank_load
from assessment.models import Assessment
from assessment.scoring import DONT_KNOW
from assessment.services import assessment_submit
from orgs.models import Membership, Organization
from tests.report.conftest import save_answers

GOLDEN = Path(__file__).parent / "golden"
BANK_V1 = GOLDEN / "bank-v1.yaml"

ORG_ID = uuid.UUID("6f1d0c2e-0000-4000-8000-000000000001")
PREVIOUS_ID = uuid.UUID("6f1d0c2e-0000-4000-8000-000000000002")
CURRENT_ID = uuid.UUID("6f1d0c2e-0000-4000-8000-000000000003")
PREVIOUS_AT = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
CURRENT_AT = datetime(2026, 4, 14, 9, 30, tzinfo=UTC)

# Copied from tests/report/conftest.py on purpose, not imported: the goldens must not move when
# that shared fixture data is edited for other tests.
# Previous: the leader alone at level 4. Current: a failed gate (alpha-q1 at 1) caps the org,
# alpha-q2 splits 2 / 5 (an alignment gap), beta-q3 has a "Don't know" (a data gap), a note.
PREVIOUS_LEVELS = dict.fromkeys(
    ["alpha-q1", "alpha-q2", "alpha-q3", "beta-q1", "beta-q2", "beta-q3"], 4
)
LEADER_LEVELS = {
    "alpha-q1": 1,
    "alpha-q2": 5,
    "alpha-q3": 3,
    "beta-q1": 4,
    "beta-q2": 4,
    "beta-q3": DONT_KNOW,
}
MEMBER_LEVELS = {**LEADER_LEVELS, "alpha-q2": 2, "beta-q3": 3}
LEADER_NOTES = {"alpha-q1": "Renewal playbook exists, but nobody <b>follows</b> it & it shows."}

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@dataclass
class GoldenWorld:
    version: object
    org: Organization
    leader: object
    member: object
    previous: Assessment
    current: Assessment


def _person(email: str, first: str, last: str):
    return get_user_model().objects.create_user(
        username=email, email=email, first_name=first, last_name=last, password="unused-here"
    )


def _submitted(public_id, org, version, by, people, notes, at) -> Assessment:
    draft = Assessment.objects.create(public_id=public_id, org=org, version=version, started_by=by)
    for person, levels in people.items():
        save_answers(draft, person, levels, notes.get(person))
    assessment_submit(assessment=draft, by=by)
    # Pin the clock-given times, so the dates the report prints are the same in every run.
    Assessment.objects.filter(pk=draft.pk).update(submitted_at=at, created_at=at)
    return Assessment.objects.get(pk=draft.pk)


def golden_world() -> GoldenWorld:
    version, _ = bank_load(text=BANK_V1.read_text(encoding="utf-8"))
    leader = _person("lena.lindqvist@golden.test", "Lena", "Lindqvist")
    member = _person("omar.haddad@golden.test", "Omar", "Haddad")
    org = Organization.objects.create(
        public_id=ORG_ID,
        name="Golden Gate CS",
        slug="golden-gate-cs",
        arr_band=Organization.ArrBand.FROM_5M_TO_20M,
        segment=Organization.Segment.MID_MARKET,
        team_size=Organization.TeamSize.MEDIUM,
        team_age=Organization.TeamAge.GROWING,
        industry="Software",
    )
    Membership.objects.create(org=org, user=leader, role=Membership.Role.LEADER)
    Membership.objects.create(org=org, user=member, role=Membership.Role.MEMBER)
    previous = _submitted(
        PREVIOUS_ID, org, version, leader, {leader: PREVIOUS_LEVELS}, {}, PREVIOUS_AT
    )
    current = _submitted(
        CURRENT_ID,
        org,
        version,
        leader,
        {leader: LEADER_LEVELS, member: MEMBER_LEVELS},
        {leader: LEADER_NOTES},
        CURRENT_AT,
    )
    return GoldenWorld(version, org, leader, member, previous, current)


def _url(name: str, assessment: Assessment) -> str:
    return reverse(name, args=[assessment.org.public_id, assessment.public_id])


def report_page(assessment: Assessment, viewer) -> bytes:
    """The report page as the viewer gets it, with the one per-request part normalised: the
    CSRF token of the targets form and the logout form (masked afresh on every request)."""
    client = Client()
    client.force_login(viewer)
    response = client.get(_url("assessment_result", assessment))
    assert response.status_code == 200
    return CSRF_FIELD.sub(b'name="csrfmiddlewaretoken" value="CSRF"', response.content)


def report_pdf(assessment: Assessment, viewer) -> bytes:
    client = Client()
    client.force_login(viewer)
    response = client.get(_url("assessment_pdf", assessment))
    assert response.status_code == 200
    return response.content


def pdf_text(content: bytes) -> bytes:
    """The PDF's text, page by page, whitespace collapsed. Kept as the golden instead of the
    bytes: WeasyPrint 70 writes no render time, so one machine renders identical bytes every
    time (compared within a run), but the bytes follow the installed WeasyPrint and font
    versions (subsetting, compression), and the text does not."""
    pages = PdfReader(io.BytesIO(content)).pages
    text = "".join(
        f"--- page {number} ---\n{' '.join(page.extract_text().split())}\n"
        for number, page in enumerate(pages, start=1)
    )
    return text.encode("utf-8")
