"""Reads for org lists."""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from assessment.models import Assessment
from orgs.models import Organization


@dataclass
class OrgRow:
    org: Organization
    latest: Assessment | None


def with_latest_assessment(orgs: QuerySet[Organization]) -> QuerySet[Organization]:
    latest = (
        Assessment.objects.filter(org=OuterRef("pk"), status=Assessment.Status.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .values("pk")[:1]
    )
    return orgs.annotate(latest_id=Subquery(latest))


def org_rows(orgs) -> list[OrgRow]:
    """Rows for orgs annotated by `with_latest_assessment`: one more query for the page."""
    orgs = list(orgs)
    latest = Assessment.objects.only(
        "id", "org_id", "stage", "score_stage", "overall_score", "submitted_at", "public_id"
    ).in_bulk([o.latest_id for o in orgs if o.latest_id])
    return [OrgRow(o, latest.get(o.latest_id)) for o in orgs]
