"""The action plan's rules: adopting roadmap items, changing them (who may change what), comments,
progress figures, and the loop back into the next report. Views stay thin and call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from orgs.models import ConsultantAssignment, Membership, Organization
from orgs.permissions import Perm, Role, can
from plans.models import COMMENT_MAX_LENGTH, DROP_REASON_MAX_LENGTH, Plan, PlanComment, PlanEvent
from plans.models import PlanItem as Item

User = get_user_model()
Status = Item.Status

NOT_YOURS = "You can change only the plan items you own."
OWNER_NOT_ALLOWED = "Only a leader or consultant can change an item's owner or due date."
OWNER_NO_ACCESS = "{email} has no access to this organization, so cannot own its plan items."
UNKNOWN_STATUS = "Choose a status: planned, in progress, done or dropped."
DROP_NEEDS_REASON = "Say why the item is dropped (up to 500 characters)."
COMMENT_EMPTY = "Write a comment before sending it."
COMMENT_TOO_LONG = "A comment can be at most 2,000 characters (this one has {count})."
BAD_DATE = "Enter the due date as YYYY-MM-DD."
NOTHING_CHOSEN = "Choose at least one roadmap item to adopt."
NOT_IN_ROADMAP = "These items are not in this report's roadmap: {keys}."
NO_ROADMAP = "This report has no practice roadmap to adopt."


class PlanError(Exception):
    """A change that breaks a plan rule; the message says why, and nothing was changed."""


def plan_for(org: Organization) -> Plan:
    plan, _ = Plan.objects.get_or_create(org=org)
    return plan


# --- who may do what --------------------------------------------------------------------------


def may_manage(roles: frozenset[Role]) -> bool:
    return can(roles, Perm.PLAN_MANAGE)


def may_update(roles: frozenset[Role], item: Item, user) -> bool:
    """Leaders and consultants change any item; members only the ones they own."""
    if may_manage(roles):
        return True
    return can(roles, Perm.PLAN_UPDATE) and item.owner_id == user.pk


def eligible_owners(org: Organization) -> QuerySet:
    """Everyone with access to the org through a role in it: members, leaders, consultants."""
    member = Membership.objects.filter(org=org, user=OuterRef("pk"))
    assigned = ConsultantAssignment.objects.filter(org=org, consultant=OuterRef("pk"))
    return User.objects.filter(Q(Exists(member)) | Q(Exists(assigned))).order_by("email")


# --- adopting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Adoptable:
    """One roadmap item as it can be adopted: the action's snapshot and its horizon."""

    key: str
    title: str
    why: str
    done_when: str
    first_step: str
    domain_key: str
    domain_name: str
    lifts: tuple[dict, ...]  # {"key", "label", "from_level"}
    from_level: int
    horizon: int


def adoptables(report) -> list[Adoptable]:
    """The items of a report's practice roadmap, in the order it prints them, each action once: a
    long action whose first step is pulled into the 30 days is adopted at its full horizon."""
    if not report.is_practice_roadmap:
        return []
    names = {d.key: d.name for d in report.roadmap.domains}
    practices = {p.key: p for p in report.roadmap.practices}
    found = []
    for horizon in report.roadmap.horizons:
        for item in horizon.items:
            action = item.action
            lifted = [practices[k] for k in action.lifts if k in practices]
            found.append(
                Adoptable(
                    key=action.key,
                    title=action.title,
                    why=action.why,
                    done_when=action.done_when,
                    first_step=action.first_step,
                    domain_key=action.domain_key,
                    domain_name=names.get(action.domain_key, action.domain_key),
                    lifts=tuple(
                        {"key": p.key, "label": p.label, "from_level": p.level} for p in lifted
                    ),
                    from_level=action.from_level,
                    horizon=horizon.days,
                )
            )
    last = {a.key: a for a in found}
    return [last[key] for key in dict.fromkeys(a.key for a in found)]


def default_due(horizon: int, today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=horizon)


@transaction.atomic
def adopt(
    *, org: Organization, assessment, actor, items: Sequence[Adoptable], keys: Iterable[str] | None
) -> tuple[int, int]:
    """Adopt the chosen roadmap items (all when `keys` is None) into the org's plan. An action
    already open or done in the plan is left as it is; one that was dropped, or done but back in
    the roadmap because its practice slipped, is reopened with a new due date. Returns (added,
    reopened)."""
    by_key = {a.key: a for a in items}
    if not by_key:
        raise PlanError(NO_ROADMAP)
    chosen = list(dict.fromkeys(by_key if keys is None else keys))
    if not chosen:
        raise PlanError(NOTHING_CHOSEN)
    unknown = [k for k in chosen if k not in by_key]
    if unknown:
        raise PlanError(NOT_IN_ROADMAP.format(keys=", ".join(sorted(unknown)[:5])))
    plan = Plan.objects.select_for_update().get(pk=plan_for(org).pk)
    existing = {i.action_key: i for i in plan.items.filter(action_key__in=chosen)}
    added = reopened = 0
    events = []
    for key in chosen:
        a = by_key[key]
        item = existing.get(key)
        if item is None:
            item = Item.objects.create(
                plan=plan,
                action_key=a.key,
                title=a.title,
                why=a.why,
                done_when=a.done_when,
                first_step=a.first_step,
                domain_key=a.domain_key,
                domain_name=a.domain_name,
                lifts=list(a.lifts),
                from_level=a.from_level,
                horizon=a.horizon,
                due_date=default_due(a.horizon),
                source_assessment=assessment,
                adopted_by=actor,
            )
            events.append(PlanEvent(item=item, actor=actor, field=PlanEvent.Field.ADOPTED))
            added += 1
        elif item.status == Status.DROPPED or (
            item.status == Status.DONE and adopted_before(item, assessment)
        ):
            events.append(_event(item, actor, "status", item.get_status_display(), "Planned"))
            item.status, item.drop_reason, item.done_at = Status.PLANNED, "", None
            item.lifts, item.horizon, item.due_date = (
                list(a.lifts),
                a.horizon,
                default_due(a.horizon),
            )
            item.source_assessment = assessment
            item.save()
            reopened += 1
    PlanEvent.objects.bulk_create(events)
    return added, reopened


def _event(item: Item, actor, field: str, old: str, new: str) -> PlanEvent:
    return PlanEvent(item=item, actor=actor, field=field, old=old[:255], new=new[:255])


# --- changing ---------------------------------------------------------------------------------


@transaction.atomic
def item_update(
    *,
    item: Item,
    actor,
    roles: frozenset[Role],
    status: str | None = None,
    drop_reason: str = "",
    owner_id: int | str | None = None,
    owner_given: bool = False,
    due_date: str | datetime.date | None = None,
) -> list[PlanEvent]:
    """Change status, owner and/or due date, recording one event per field that changed.
    Members change only the status of items they own; leaders and consultants change anything."""
    if not may_update(roles, item, actor):
        raise PlanError(NOT_YOURS)
    manager = may_manage(roles)
    events = []
    if status is not None and status != item.status:
        if status not in Status.values:
            raise PlanError(UNKNOWN_STATUS)
        reason = (drop_reason or "").strip()
        if status == Status.DROPPED and not (0 < len(reason) <= DROP_REASON_MAX_LENGTH):
            raise PlanError(DROP_NEEDS_REASON)
        events.append(
            _event(item, actor, "status", item.get_status_display(), Status(status).label)
        )
        item.status = status
        item.drop_reason = reason if status == Status.DROPPED else ""
        item.done_at = timezone.now() if status == Status.DONE else None
    if owner_given:
        new_owner = None
        if owner_id not in (None, ""):
            new_owner = eligible_owners(item.plan.org).filter(pk=_int(owner_id)).first()
            if new_owner is None:
                raise PlanError(OWNER_NO_ACCESS.format(email="That person"))
        if (new_owner.pk if new_owner else None) != item.owner_id:
            if not manager:
                raise PlanError(OWNER_NOT_ALLOWED)
            old = item.owner.email if item.owner_id else ""
            events.append(_event(item, actor, "owner", old, new_owner.email if new_owner else ""))
            item.owner = new_owner
    if due_date not in (None, ""):
        day = _date(due_date)
        if day != item.due_date:
            if not manager:
                raise PlanError(OWNER_NOT_ALLOWED)
            events.append(
                _event(item, actor, "due_date", item.due_date.isoformat(), day.isoformat())
            )
            item.due_date = day
    if events:
        item.save()
        PlanEvent.objects.bulk_create(events)
    return events


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise PlanError(OWNER_NO_ACCESS.format(email="That person")) from exc


def _date(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise PlanError(BAD_DATE) from exc


def comment_add(*, item: Item, actor, roles: frozenset[Role], text: str) -> PlanComment:
    if not may_update(roles, item, actor):
        raise PlanError(NOT_YOURS)
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise PlanError(COMMENT_EMPTY)
    if len(text) > COMMENT_MAX_LENGTH:
        raise PlanError(COMMENT_TOO_LONG.format(count=len(text)))
    return PlanComment.objects.create(item=item, author=actor, text=text)


# --- reading ----------------------------------------------------------------------------------

STATUS_ORDER = (Status.PLANNED, Status.IN_PROGRESS, Status.DONE, Status.DROPPED)
HORIZONS = (30, 90, 180)
PAGE_LIMIT = 300  # a plan larger than this shows its first items and says so


@dataclass(frozen=True)
class Progress:
    done: int
    total: int  # dropped items do not count
    overdue: int
    next_due: datetime.date | None  # the first open item due today or later (overdue aside)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_annotations(prefix: str = "plan__items__") -> dict:
    """Aggregates over an org's plan items, for an Organization queryset (one query, whatever the
    number of orgs: joined and grouped, no query per org)."""
    today = timezone.localdate()
    open_q = Q(**{f"{prefix}status__in": Item.OPEN_STATUSES})
    return {
        "plan_done": Count("plan__items", filter=Q(**{f"{prefix}status": Status.DONE})),
        "plan_total": Count("plan__items", filter=~Q(**{f"{prefix}status": Status.DROPPED})),
        "plan_overdue": Count("plan__items", filter=open_q & Q(**{f"{prefix}due_date__lt": today})),
        "plan_next_due": Min(
            f"{prefix}due_date", filter=open_q & Q(**{f"{prefix}due_date__gte": today})
        ),
    }


def progress_subqueries() -> dict:
    """The same figures as correlated subqueries, for querysets that already annotate other
    subqueries (the portfolio): no GROUP BY over the whole row."""
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce

    today = timezone.localdate()

    def counted(filter_q: Q):
        rows = (
            Item.objects.filter(plan__org=OuterRef("pk"))
            .filter(filter_q)
            .order_by()
            .values("plan__org")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows[:1], output_field=IntegerField()), 0)

    open_q = Q(status__in=Item.OPEN_STATUSES)
    next_due = (
        Item.objects.filter(plan__org=OuterRef("pk"))
        .filter(open_q, due_date__gte=today)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    return {
        "plan_done": counted(Q(status=Status.DONE)),
        "plan_total": counted(~Q(status=Status.DROPPED)),
        "plan_overdue": counted(open_q & Q(due_date__lt=today)),
        "plan_next_due": Subquery(next_due),
    }


def progress(org: Organization) -> Progress:
    row = Organization.objects.filter(pk=org.pk).aggregate(**progress_annotations())
    return Progress(row["plan_done"], row["plan_total"], row["plan_overdue"], row["plan_next_due"])


def progress_of(org) -> Progress | None:
    """Progress from an org annotated with `progress_subqueries`; None when it has no items."""
    if not getattr(org, "plan_total", 0) and not getattr(org, "plan_done", 0):
        return None
    return Progress(org.plan_done, org.plan_total, org.plan_overdue, org.plan_next_due)


def is_overdue(item: Item, today: datetime.date | None = None) -> bool:
    return item.is_open and item.due_date < (today or timezone.localdate())


def items_for_board(
    org: Organization, *, owner: str = "", domain: str = ""
) -> tuple[list[Item], bool]:
    """The plan's items with their owner, filtered; comments and events come in one query each
    (prefetch), so the page costs the same for 5 items or 200. Returns (items, truncated)."""
    from django.db.models import Prefetch

    items = (
        Item.objects.filter(plan__org=org)
        .select_related("owner")
        .prefetch_related(
            Prefetch("comments", queryset=PlanComment.objects.select_related("author")),
            Prefetch("events", queryset=PlanEvent.objects.select_related("actor")),
        )
        .order_by("due_date", "id")
    )
    if owner == "none":
        items = items.filter(owner__isnull=True)
    elif owner.isdigit():
        items = items.filter(owner_id=int(owner))
    if domain:
        items = items.filter(domain_key=domain)
    found = list(items[: PAGE_LIMIT + 1])
    return found[:PAGE_LIMIT], len(found) > PAGE_LIMIT


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    items: tuple[Item, ...]


def board_columns(items: Sequence[Item], by: str) -> list[Column]:
    if by == "status":
        return [
            Column(s.value, s.label, tuple(i for i in items if i.status == s)) for s in STATUS_ORDER
        ]
    return [
        Column(str(days), f"{days} days", tuple(i for i in items if i.horizon == days))
        for days in HORIZONS
    ] + [
        Column(
            "other",
            "Other",
            tuple(i for i in items if i.horizon not in HORIZONS),
        )
    ][: 1 if any(i.horizon not in HORIZONS for i in items) else 0]


# --- the loop: what the next report says -----------------------------------------------------


def report_items(assessment) -> list[Item]:
    """The org's plan items with their owners, as a report reads them (one query for both the
    roadmap's exclusions and what the report says about the plan)."""
    return list(
        Item.objects.filter(plan__org_id=assessment.org_id)
        .select_related("owner")
        .order_by("due_date", "id")
    )


def excluded_keys(assessment, items: Sequence[Item]) -> frozenset[str]:
    """Action keys the assessment's roadmap must not propose again: open or done in the plan,
    adopted before this result was submitted from another result (items adopted from this very
    report stay in it, marked as in the plan)."""
    return frozenset(
        item.action_key
        for item in items
        if item.status != Status.DROPPED and adopted_before(item, assessment)
    )


def adopted_before(item: Item, assessment) -> bool:
    """An item the assessment's roadmap proposes although it was in the plan before the result
    (so excluded): the roadmap re-proposes such an action only when a practice it lifts
    regressed."""
    return (
        item.source_assessment_id != assessment.pk
        and assessment.submitted_at is not None
        and item.created_at < assessment.submitted_at
    )


@dataclass(frozen=True)
class Moved:
    label: str
    before: int | None
    after: int | None

    @property
    def direction(self) -> str:
        if self.before is None or self.after is None:
            return "unknown"
        return "up" if self.after > self.before else "down" if self.after < self.before else "same"


@dataclass(frozen=True)
class Outcome:
    item: Item
    practices: tuple[Moved, ...]

    @property
    def paid_off(self) -> bool:
        return any(m.direction == "up" for m in self.practices)


@dataclass(frozen=True)
class Slipped:
    key: str
    title: str
    text: str


@dataclass(frozen=True)
class ReportPlan:
    """What a report shows about the plan: outcomes since the previous result, items back in the
    roadmap because a practice slipped, and (PDF appendix) the plan items with owner and date."""

    outcomes: tuple[Outcome, ...]
    slipped: tuple[Slipped, ...]
    in_plan: frozenset[str]  # roadmap action keys already in the plan
    adoptables: tuple[Adoptable, ...]
    appendix: tuple[Item, ...]


def report_plan(
    *, assessment, report, items: Sequence[Item], previous, levels_now, levels_before
) -> ReportPlan:
    offered = adoptables(report)
    keys = {a.key for a in offered}
    outcomes = []
    if previous is not None and previous.submitted_at and assessment.submitted_at:
        for item in items:
            if (
                item.status == Status.DONE
                and item.done_at
                and previous.submitted_at < item.done_at <= assessment.submitted_at
            ):
                moved = tuple(
                    Moved(
                        p.get("label") or p["key"],
                        levels_before.get(p["key"], p.get("from_level")),
                        levels_now.get(p["key"]),
                    )
                    for p in item.lifts
                )
                outcomes.append(Outcome(item, moved))
    slipped = []
    in_plan = set()
    by_key = {i.action_key: i for i in items}
    for key in keys:
        item = by_key.get(key)
        if item is None or item.status == Status.DROPPED:
            continue
        if not adopted_before(item, assessment):
            in_plan.add(key)
            continue
        if item.is_open:
            in_plan.add(key)
            slipped.append(Slipped(key, item.title, "In the plan, but the practice slipped since."))
        else:
            when = f"{item.done_at:%B %Y}" if item.done_at else "the plan"
            slipped.append(Slipped(key, item.title, f"Done in {when}, but the practice slipped."))
    return ReportPlan(
        outcomes=tuple(outcomes),
        slipped=tuple(sorted(slipped, key=lambda s: s.title)),
        in_plan=frozenset(in_plan),
        adoptables=tuple(offered),
        appendix=tuple(i for i in items if i.status != Status.DROPPED),
    )


def plan_stamp(org_id: int) -> str:
    """Changes whenever an item is added or changed (for caches of what prints the plan)."""
    row = Item.objects.filter(plan__org_id=org_id).aggregate(n=Count("pk"), at=Max("updated_at"))
    return f"{row['n']}:{row['at'].isoformat() if row['at'] else ''}"
