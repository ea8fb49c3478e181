"""Demo data (issue 15, item 8): every demo org has a plan with owners, progress and overdue
items, and a demo org's latest report shows the outcomes of plan work."""

import pytest
from django.urls import reverse

from assessment.report import report_build
from assessment.selectors import submitted_assessments
from orgs.demo import DEMO_ORGS, demo_build
from orgs.models import Organization
from plans import services
from plans.models import PlanItem
from tests.orgs.test_demo import both_banks  # noqa: F401 - a fixture


@pytest.fixture
def demo(both_banks):  # noqa: F811
    assert demo_build()
    return {d.slug: Organization.objects.get(slug=d.slug) for d in DEMO_ORGS}


def test_every_demo_org_has_a_plan_with_owners_progress_and_overdue_items(demo):
    for slug, org in demo.items():
        items = PlanItem.objects.filter(plan__org=org)
        progress = services.progress(org)
        owners = set(items.values_list("owner", flat=True))
        assert progress.total >= 3, slug
        assert 0 < progress.done < progress.total, slug
        assert progress.overdue >= 1, slug
        assert None not in owners and len(owners) >= 3, slug
        assert owners <= set(services.eligible_owners(org).values_list("pk", flat=True)), slug


def test_a_demo_org_latest_report_shows_what_the_done_work_moved(demo, client_for):
    shown = []
    for org in demo.values():
        latest = submitted_assessments(org).first()
        outcomes = report_build(assessment=latest).plan.outcomes
        if outcomes:
            shown.append((org, latest, outcomes))
    assert shown
    org, latest, outcomes = shown[0]
    leader = org.memberships.get(role="leader").user
    page = client_for(leader).get(
        reverse("assessment_result", args=[org.public_id, latest.public_id])
    )
    assert "Since last time: did the work pay off?" in page.content.decode()
    assert all(o.item.status == "done" and o.practices for o in outcomes)
