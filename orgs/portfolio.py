"""The portfolio list: every visible org with its latest result, trend and open draft, as one
query whatever the number of orgs or assessments (each figure is a correlated subquery)."""

import uuid
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from assessment.compare import MAX_ORGS, MIN_ORGS
from assessment.exports import csv_safe
from assessment.models import Answer, Assessment, Question
from assessment.scoring import STAGE_NAMES, phase_of
from orgs.insight import figure_org_ids
from orgs.models import Organization
from orgs.permissions import orgs_visible_to
from plans import services as plan_services

SORTS = {
    "name": "name",
    "stage": "latest_stage",
    "score": "latest_score",
    "date": "latest_at",
    "change": "trend",
    "draft": "draft_progress",
    "plan": "plan_percent",
    "overdue": "plan_overdue",
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class PortfolioFilters:
    query: str = ""
    stage: int | None = None
    arr_band: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False
    # A portfolio insight figure (orgs/insight.py): the list shows the orgs behind it.
    insight: str = ""

    @classmethod
    def from_params(cls, params) -> "PortfolioFilters":
        """Read filters from a query string, ignoring values that are not valid choices."""
        stage = params.get("stage", "")
        sort = params.get("sort", DEFAULT_SORT)
        arr_band = params.get("arr", "")
        return cls(
            # A NUL cannot reach PostgreSQL in a query; it is never part of a name anyway.
            query=params.get("q", "").replace("\x00", "").strip()[:100],
            stage=int(stage) if stage in {"1", "2", "3", "4", "5"} else None,
            arr_band=arr_band if arr_band in Organization.ArrBand.values else "",
            sort=sort if sort in SORTS else DEFAULT_SORT,
            descending=params.get("dir") == "desc",
            insight=params.get("insight", "").replace("\x00", "").strip()[:120],
        )


def _submitted(position: int, field: str):
    latest = Assessment.objects.filter(
        org=OuterRef("pk"), status=Assessment.Status.SUBMITTED
    ).order_by("-submitted_at", "-id")
    return Subquery(latest.values(field)[position : position + 1])


def portfolio_queryset(user, filters: PortfolioFilters) -> QuerySet[Organization]:
    draft_answered = (
        Answer.objects.filter(assessment__org=OuterRef("pk"), assessment__status="draft")
        .filter(Q(dont_know=True) | Q(option__isnull=False))
        .order_by()
        .values("assessment__org")
        .annotate(count=Count("question", distinct=True))
        .values("count")
    )
    draft_total = (
        Question.objects.filter(
            domain__version__assessments__org=OuterRef("pk"),
            domain__version__assessments__status="draft",
        )
        .order_by()
        .values("domain__version__assessments__org")
        .annotate(count=Count("pk"))
        .values("count")
    )
    draft_id = Assessment.objects.filter(org=OuterRef("pk"), status="draft").values("public_id")
    orgs = orgs_visible_to(user).annotate(
        latest_id=_submitted(0, "public_id"),
        latest_stage=_submitted(0, "stage"),
        latest_score_stage=_submitted(0, "score_stage"),
        latest_score=_submitted(0, "overall_score"),
        latest_at=_submitted(0, "submitted_at"),
        previous_stage=_submitted(1, "stage"),
        previous_score=_submitted(1, "overall_score"),
        draft_id=Subquery(draft_id[:1]),
        draft_answered=Subquery(draft_answered[:1]),
        draft_total=Subquery(draft_total[:1]),
        **plan_services.progress_subqueries(),
    )
    orgs = orgs.annotate(
        # An open draft with no answer yet sorts as 0, apart from orgs with no draft at all.
        draft_progress=Case(
            When(draft_id__isnull=False, then=Coalesce("draft_answered", Value(0))),
            default=Value(None),
            output_field=IntegerField(),
        ),
        # Share of the plan done, for sorting; orgs without a plan sort apart from 0%.
        plan_percent=Case(
            When(plan_total=0, then=Value(None)),
            default=F("plan_done") * 100 / F("plan_total"),
            output_field=IntegerField(),
        ),
        trend=Case(
            When(previous_stage__isnull=True, then=Value(None)),
            When(latest_stage__gt=F("previous_stage"), then=Value(1)),
            When(latest_stage__lt=F("previous_stage"), then=Value(-1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
    if filters.query:
        orgs = orgs.filter(name__icontains=filters.query)
    if filters.stage:
        orgs = orgs.filter(latest_stage=filters.stage)
    if filters.arr_band:
        orgs = orgs.filter(arr_band=filters.arr_band)
    if filters.insight:
        ids = figure_org_ids(user, filters.insight)
        # An unknown figure shows no org rather than every org under a misleading heading.
        orgs = orgs.filter(pk__in=ids or ())
    field = SORTS[filters.sort]
    order = F(field).desc(nulls_last=True) if filters.descending else F(field).asc(nulls_last=True)
    return orgs.order_by(order, "name", "id")


# Codes for programs that read the file, each with the label a person reads beside it.
CSV_HEADER = [
    "organization",
    "arr_band",
    "arr_band_label",
    "segment",
    "segment_label",
    "stage",
    "crawl_walk_run",
    "score",
    "last_submitted",
    "previous_stage",
    "trend",
    "open_draft_answered",
    "open_draft_total",
    "plan_done",
    "plan_total",
    "plan_overdue",
    "plan_next_due",
]
TRENDS = {1: "up", -1: "down", 0: "same"}


def portfolio_csv_row(org: Organization) -> list:
    """One CSV row of an org from `portfolio_queryset`."""
    return [
        csv_safe(org.name),
        org.arr_band,
        org.get_arr_band_display(),
        org.segment,
        org.get_segment_display(),
        STAGE_NAMES.get(org.latest_stage, ""),
        phase_of(org.latest_stage) if org.latest_stage else "",
        "" if org.latest_score is None else f"{org.latest_score:.1f}",
        org.latest_at.date().isoformat() if org.latest_at else "",
        STAGE_NAMES.get(org.previous_stage, ""),
        TRENDS.get(org.trend, ""),
        (org.draft_answered or 0) if org.draft_id else "",
        (org.draft_total or 0) if org.draft_id else "",
        org.plan_done if org.plan_total else "",
        org.plan_total or "",
        org.plan_overdue if org.plan_total else "",
        org.plan_next_due.isoformat() if org.plan_next_due else "",
    ]


COMPARE_COUNT = "Choose between {low} and {high} organizations to compare (you chose {count})."


class CompareError(Exception):
    """The comparison request does not name a usable set of orgs; the message says why."""


def compare_pairs(user, raw_ids: list[str]) -> list[tuple[Organization, Assessment | None]]:
    """The requested orgs, intersected with what the user may see, each with its latest
    submitted assessment. An org outside the user's set answers 404, even inside a list."""
    ids: list[uuid.UUID] = []
    for raw in raw_ids:
        try:
            value = uuid.UUID(str(raw))
        except ValueError as exc:
            raise Http404("No such organization.") from exc
        if value not in ids:
            ids.append(value)
    if not MIN_ORGS <= len(ids) <= MAX_ORGS:
        raise CompareError(COMPARE_COUNT.format(low=MIN_ORGS, high=MAX_ORGS, count=len(ids)))
    visible = {
        org.public_id: org
        for org in orgs_visible_to(user)
        .filter(public_id__in=ids)
        .annotate(latest_pk=_submitted(0, "pk"), **plan_services.progress_subqueries())
    }
    if len(visible) != len(ids):
        raise Http404("No such organization.")
    latest = Assessment.objects.in_bulk([o.latest_pk for o in visible.values() if o.latest_pk])
    return [(visible[i], latest.get(visible[i].latest_pk)) for i in ids]
