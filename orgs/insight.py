"""Portfolio insight: figures across every org a user may see (stage mix, regressions this
quarter, open drafts, overdue plan items, practices most clients miss, most common next actions),
each with the orgs behind it so a figure can open a filtered portfolio list.

Speed: four queries whatever the number of orgs or assessments.
1. the visible orgs, each with its latest and previous stage, latest date, open draft and overdue
   plan items (correlated subqueries, as the portfolio list);
2. the answers of each org's latest snapshot (only that JSON key is read);
3. the questions (with practice labels) of one snapshot per questionnaire version in use, since
   every result on a version has the same questions;
4. the open 30-day plan items of those orgs, grouped by action and org.

"Most common next actions" come from adopted plan items (query 4): the items a client accepted
from its roadmap's first 30 days and has not finished. Recomputing every client's roadmap from its
snapshot would cost a roadmap build per org; the plan is already stored, and it is what the
client actually agreed to do. Orgs without a plan do not contribute to that figure.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from assessment.models import Assessment
from assessment.practice_roadmap import practice_levels
from assessment.scoring import PHASES, STAGE_NAMES, phase_of
from orgs.permissions import orgs_visible_to
from plans import services as plan_services
from plans.models import PlanItem

# A practice is "missed" by an org whose level on it is at most this (of 1 to 5).
MISS_LEVEL = 2
TOP_PRACTICES = 5
TOP_ACTIONS = 5
NEXT_ACTION_HORIZON = 30


@dataclass(frozen=True)
class Figure:
    """One number on the page and the orgs behind it. `key` is what the portfolio list filter
    reads (`?insight=<key>`)."""

    key: str
    label: str
    value: float | int
    org_ids: frozenset[int]
    detail: str = ""

    @property
    def orgs(self) -> int:
        return len(self.org_ids)


@dataclass
class Insight:
    orgs: int
    assessed: int
    stages: list[Figure] = field(default_factory=list)
    phases: list[Figure] = field(default_factory=list)
    regressions: Figure | None = None
    drafts: Figure | None = None
    overdue: Figure | None = None
    practices: list[Figure] = field(default_factory=list)
    actions: list[Figure] = field(default_factory=list)
    quarter_start: datetime.date | None = None

    def figures(self) -> list[Figure]:
        single = [f for f in (self.regressions, self.drafts, self.overdue) if f]
        return [*self.stages, *self.phases, *single, *self.practices, *self.actions]

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures() if f.key == key), None)


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _submitted(position: int, field_name: str):
    rows = Assessment.objects.filter(
        org=OuterRef("pk"), status=Assessment.Status.SUBMITTED
    ).order_by("-submitted_at", "-id")
    return Subquery(rows.values(field_name)[position : position + 1])


def _mean_levels(snapshots, labels_by_version) -> tuple[dict, dict, dict]:
    """Per question key: the levels of every org, the label, and the orgs that miss it."""
    levels: dict[str, list[int]] = defaultdict(list)
    missing: dict[str, set[int]] = defaultdict(set)
    labels: dict[str, str] = {}
    for org_id, version_id, answers in snapshots:
        given: dict[str, list[int | None]] = defaultdict(list)
        for a in answers or ():
            if a.get("dont_know") or a.get("level") is not None:
                given[a["question"]].append(None if a.get("dont_know") else a["level"])
        questions = labels_by_version.get(version_id, {})
        # Unanswered questions count as level 1, as in the roadmap.
        for key in questions:
            given.setdefault(key, [])
        for key, level in practice_levels(given).items():
            levels[key].append(level)
            if level <= MISS_LEVEL:
                missing[key].add(org_id)
            labels.setdefault(key, questions.get(key) or key)
    return levels, labels, missing


def insight_build(user, *, today: datetime.date | None = None) -> Insight:
    today = today or timezone.localdate()
    start = quarter_start(today)
    progress = plan_services.progress_subqueries()
    rows = list(
        orgs_visible_to(user)
        .annotate(
            latest_pk=_submitted(0, "pk"),
            latest_stage=_submitted(0, "stage"),
            latest_at=_submitted(0, "submitted_at"),
            latest_version=_submitted(0, "version_id"),
            previous_stage=_submitted(1, "stage"),
            draft_pk=Subquery(
                Assessment.objects.filter(org=OuterRef("pk"), status="draft").values("pk")[:1]
            ),
            plan_overdue=progress["plan_overdue"],
        )
        .order_by()
        .values_list(
            "pk",
            "latest_pk",
            "latest_stage",
            "latest_at",
            "latest_version",
            "previous_stage",
            "draft_pk",
            "plan_overdue",
        )
    )
    org_ids = [r[0] for r in rows]
    latest = [r for r in rows if r[1] is not None]
    insight = Insight(orgs=len(rows), assessed=len(latest), quarter_start=start)

    by_stage: dict[int, set[int]] = defaultdict(set)
    for org_id, _, stage, *_ in latest:
        by_stage[stage].add(org_id)
    insight.stages = [
        Figure(f"stage-{s}", STAGE_NAMES[s], len(by_stage[s]), frozenset(by_stage[s]))
        for s in sorted(STAGE_NAMES)
    ]
    for phase in PHASES:
        ids = frozenset(i for s, ids in by_stage.items() if phase_of(s) == phase for i in ids)
        insight.phases.append(Figure(f"phase-{phase.lower()}", phase, len(ids), ids))

    regressed = frozenset(
        r[0]
        for r in latest
        if r[5] is not None and r[2] < r[5] and timezone.localdate(r[3]) >= start
    )
    insight.regressions = Figure(
        "regressed", "Fell a stage this quarter", len(regressed), regressed
    )
    drafts = frozenset(r[0] for r in rows if r[6] is not None)
    insight.drafts = Figure("drafts", "Open drafts", len(drafts), drafts)
    overdue_ids = frozenset(r[0] for r in rows if r[7])
    insight.overdue = Figure(
        "overdue",
        "Overdue plan items",
        sum(r[7] for r in rows),
        overdue_ids,
        detail=f"across {len(overdue_ids)} organizations",
    )

    if latest:
        snapshots = list(
            Assessment.objects.filter(pk__in=[r[1] for r in latest])
            .order_by()
            .values_list("org_id", "version_id", "snapshot__answers")
        )
        one_per_version = {r[4]: r[1] for r in latest}
        labels_by_version = {
            version: {
                q["key"]: q.get("label") or q.get("text") or ""
                for d in domains or ()
                for q in d["questions"]
            }
            for version, domains in Assessment.objects.filter(pk__in=one_per_version.values())
            .order_by()
            .values_list("version_id", "snapshot__domains")
        }
        levels, labels, missing = _mean_levels(snapshots, labels_by_version)
        lowest = sorted(levels, key=lambda k: (sum(levels[k]) / len(levels[k]), k))
        insight.practices = [
            Figure(
                f"practice-{key}",
                labels[key],
                round(sum(levels[key]) / len(levels[key]), 2),
                frozenset(missing[key]),
                detail=key,
            )
            for key in lowest[:TOP_PRACTICES]
        ]

    actions: dict[str, set[int]] = defaultdict(set)
    titles: dict[str, str] = {}
    for key, title, org_id in (
        PlanItem.objects.filter(
            plan__org_id__in=org_ids,
            horizon=NEXT_ACTION_HORIZON,
            status__in=PlanItem.OPEN_STATUSES,
        )
        .order_by()
        .values_list("action_key", "title", "plan__org_id")
        .distinct()
    ):
        actions[key].add(org_id)
        titles.setdefault(key, title)
    ranked = sorted(actions, key=lambda k: (-len(actions[k]), titles[k]))
    insight.actions = [
        Figure(f"action-{k}", titles[k], len(actions[k]), frozenset(actions[k]))
        for k in ranked[:TOP_ACTIONS]
    ]
    return insight


CACHE_SECONDS = 600


def _fingerprint(user, today: datetime.date) -> str:
    """What the figures depend on, in three small aggregate queries: the set of visible orgs,
    their assessments (a submission, a new or deleted draft, a deleted result) and their plan
    items (any change bumps updated_at), and the day (overdue items, the quarter)."""
    visible = orgs_visible_to(user).order_by()
    ids = visible.values("pk")
    orgs = visible.aggregate(n=Count("pk"), s=Sum("pk"), m=Max("pk"))
    runs = Assessment.objects.filter(org__in=ids).aggregate(
        n=Count("pk"),
        m=Max("pk"),
        at=Max("submitted_at"),
        drafts=Count("pk", filter=Q(status=Assessment.Status.DRAFT)),
    )
    items = PlanItem.objects.filter(plan__org__in=ids).aggregate(
        n=Count("pk"), at=Max("updated_at")
    )
    return f"{today}|{sorted(orgs.items())}|{sorted(runs.items())}|{sorted(items.items())}"


def insight_for(user, *, today: datetime.date | None = None) -> Insight:
    """`insight_build`, cached per user until anything it reads changes. Reading every org's
    latest snapshot is the one cost that grows with the portfolio (about 0.3 s for 1,000 orgs);
    the fingerprint costs three aggregate queries, so a page with nothing new stays as fast for
    1,000 orgs as for 10 (docs/performance.md)."""
    today = today or timezone.localdate()
    digest = hashlib.sha256(_fingerprint(user, today).encode()).hexdigest()[:32]
    key = f"insight:{user.pk}:{digest}"
    found = cache.get(key)
    if found is None:
        found = insight_build(user, today=today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def figure_org_ids(user, key: str) -> frozenset[int] | None:
    """The orgs behind the figure `key`, or None when no figure has that key."""
    found = insight_for(user).figure(key)
    return None if found is None else found.org_ids


CSV_HEADER = ["figure", "key", "label", "value", "organizations"]


def insight_csv_rows(insight: Insight) -> list[list]:
    from assessment.exports import csv_safe

    groups = [("stage", insight.stages), ("crawl_walk_run", insight.phases)]
    singles = [insight.regressions, insight.drafts, insight.overdue]
    rows = [[group, f.key, csv_safe(f.label), f.value, f.orgs] for group, fs in groups for f in fs]
    rows += [[f.key, f.key, csv_safe(f.label), f.value, f.orgs] for f in singles if f]
    rows += [
        ["practice_missed", f.detail, csv_safe(f.label), f.value, f.orgs] for f in insight.practices
    ]
    rows += [
        ["next_action", f.key.removeprefix("action-"), csv_safe(f.label), f.value, f.orgs]
        for f in insight.actions
    ]
    return rows
