"""A submitted assessment on the mini bank with two respondents, notes and a "Don't know"."""

import pytest
from django.urls import reverse

from assessment.models import Assessment
from assessment.scoring import DONT_KNOW
from tests.report.conftest import submitted_assessment

LEADER = {"alpha-q1": 1, "alpha-q2": 5, "alpha-q3": 3, "beta-q1": 4, "beta-q2": 4, "beta-q3": 2}
MEMBER = {
    "alpha-q1": 2,
    "alpha-q2": 2,
    "alpha-q3": 3,
    "beta-q1": 4,
    "beta-q2": DONT_KNOW,
    "beta-q3": 4,
}
FORMULA_NOTE = "=SUM(A1:A9) is how we count renewals"
PLAIN_NOTE = 'Evidence: the "renewal" playbook,\nsecond line.'


@pytest.fixture
def exported(personas, mini_version) -> Assessment:
    """Org A's result: Alpha 41.7, Beta 54.2 (a "Don't know", alignment gaps), overall 48.0
    (from the rounded domain scores): Predictive by score, capped at Proactive by the alpha-q1
    gate (levels 1 and 2)."""
    personas.org_a.arr_band, personas.org_a.industry = "5m-20m", "Fintech"
    personas.org_a.save()
    people = {personas.leader_a: LEADER, personas.member_a: MEMBER}
    notes = {
        personas.leader_a: {"alpha-q1": FORMULA_NOTE},
        personas.member_a: {"beta-q1": PLAIN_NOTE},
    }
    return submitted_assessment(personas.org_a, mini_version, personas.leader_a, people, notes)


def export_url(name: str, assessment: Assessment) -> str:
    return reverse(name, args=[assessment.org.public_id, assessment.public_id])
