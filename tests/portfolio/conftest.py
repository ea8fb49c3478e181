"""A consultant's book of five client orgs on the mini bank, with known headline figures, for
the portfolio list; and helpers to read the list page."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from assessment.models import Assessment
from orgs.models import Membership
from tests.assessment.conftest import answer
from tests.factories import (
    AssignmentFactory,
    ConsultantFactory,
    MembershipFactory,
    OrganizationFactory,
)


def result(org, version, by, *, stage, score, days_ago, score_stage=None) -> Assessment:
    """A submitted assessment with the given headline figures. The list reads only these
    columns, so no snapshot is needed to test it."""
    when = timezone.now() - timedelta(days=days_ago)
    assessment = Assessment.objects.create(
        org=org,
        version=version,
        started_by=by,
        status=Assessment.Status.SUBMITTED,
        submitted_at=when,
        submitted_by=by,
        stage=stage,
        score_stage=score_stage or stage,
        overall_score=score,
    )
    Assessment.objects.filter(pk=assessment.pk).update(created_at=when)
    return assessment


def open_draft(org, version, by, answered: int) -> Assessment:
    draft = Assessment.objects.create(org=org, version=version, started_by=by)
    keys = [q.key for d in version.domains.all() for q in d.questions.all()][:answered]
    for key in keys:
        answer(draft, by, key, 3)
    return draft


@dataclass
class Book:
    consultant: object
    orgs: dict  # short name → Organization
    results: dict  # short name → newest submitted Assessment


@pytest.fixture
def book(db, mini_version) -> Book:
    """Up Co rose from Proactive to Predictive (open draft, 4 of 6 answered); Down Co fell from
    Strategic to Proactive, capped (its score says Predictive); Same Co stayed Predictive; First
    Co has one result (Embedded); Fresh Co has none, only a draft with 2 of 6 answered."""
    consultant = ConsultantFactory().user
    bands = {
        "Up": "under-5m",
        "Down": "5m-20m",
        "Same": "20m-100m",
        "First": "over-100m",
        "Fresh": "",
    }
    orgs, leaders = {}, {}
    for short, band in bands.items():
        org = OrganizationFactory(name=f"{short} Co", arr_band=band)
        AssignmentFactory(consultant=consultant, org=org)
        orgs[short] = org
        leaders[short] = MembershipFactory(org=org, role=Membership.Role.LEADER).user
    v = mini_version
    results = {}
    result(orgs["Up"], v, leaders["Up"], stage=2, score=30.0, days_ago=200)
    results["Up"] = result(orgs["Up"], v, leaders["Up"], stage=3, score=50.0, days_ago=10)
    result(orgs["Down"], v, leaders["Down"], stage=4, score=70.0, days_ago=210)
    results["Down"] = result(
        orgs["Down"], v, leaders["Down"], stage=2, score=35.0, days_ago=20, score_stage=3
    )
    result(orgs["Same"], v, leaders["Same"], stage=3, score=45.0, days_ago=220)
    results["Same"] = result(orgs["Same"], v, leaders["Same"], stage=3, score=55.0, days_ago=30)
    results["First"] = result(orgs["First"], v, leaders["First"], stage=5, score=90.0, days_ago=40)
    open_draft(orgs["Up"], v, leaders["Up"], answered=4)
    open_draft(orgs["Fresh"], v, leaders["Fresh"], answered=2)
    return Book(consultant, orgs, results)


def listed(html: str) -> list[str]:
    """Org names in the order the portfolio table lists them."""
    return re.findall(r'aria-label="Compare ([^"]+)"', html)


def row_of(rows: list[list[str]], name: str) -> list[str]:
    return next(row for row in rows if row[1].startswith(name))
