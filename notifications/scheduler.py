"""What is due, claimed in the ledger and queued, in batches. Run by `manage.py
send_due_notifications` (cron or a systemd timer, docs/deploy.md; `make run` loops it).

Each kind lists its candidates page by page (keyset pagination on a primary key, so a page costs
the same at user 10 as at user 10,000). For a page, one transaction inserts a ledger row per
candidate with INSERT ... ON CONFLICT DO NOTHING (`bulk_create(ignore_conflicts=True)`) carrying
this run's claim token, reads back which rows carry the token (the ones this run won), and hands
those emails to the queued email backend, which enqueues them when the transaction commits. A row
someone else inserted, now or in an earlier run, is not ours, so its email is not sent again: on
PostgreSQL a concurrent insert of the same key waits for the other transaction and then does
nothing; SQLite takes one writer at a time. Queries per page: the page itself, the insert, the
read-back, and one queue row per email sent.

Sending is at most once: if a process dies between the commit and the enqueue, that reminder is
lost rather than sent twice (a reminder is not worth a duplicate).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessment.models import Answer, Assessment, Question
from notifications import emails
from notifications.models import Kind, Notification, NotificationPreference
from orgs.models import REASSESS_MIN_DAYS, ConsultantAssignment, Membership
from plans.models import PlanItem

BATCH_SIZE = 500
REMIND_DAYS_BEFORE = 3
DIGEST_DAYS_AHEAD = 7


@dataclass(frozen=True)
class Due:
    recipient_id: int
    subject_key: str
    period: str
    build: Callable  # () -> EmailMessage, called only for the reminders this run claimed

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.recipient_id, self.subject_key, self.period)


def opted_out(kind: Kind, user_ref: str = "user_id") -> Exists:
    field = NotificationPreference.FIELD_FOR_KIND[kind]
    return Exists(
        NotificationPreference.objects.filter(user_id=OuterRef(user_ref), **{field: False})
    )


def pages(queryset: QuerySet, batch_size: int) -> Iterator[list]:
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk
        if len(rows) < batch_size:
            return


def claim_and_send(kind: Kind, dues: list[Due]) -> int:
    """Claim the ledger rows of `dues` and queue the emails of those this call won."""
    if not dues:
        return 0
    token = uuid.uuid4()
    # One order for every run, so two concurrent inserts wait on rows in the same sequence and
    # cannot deadlock.
    dues = sorted(dues, key=lambda d: d.key)
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    kind=kind,
                    subject_key=d.subject_key,
                    recipient_id=d.recipient_id,
                    period=d.period,
                    claim=token,
                )
                for d in dues
            ],
            ignore_conflicts=True,
        )
        won = set(
            Notification.objects.filter(claim=token).values_list(
                "recipient_id", "subject_key", "period"
            )
        )
        messages = [d.build() for d in dues if d.key in won]
        if messages:
            # The queued backend enqueues each message when this transaction commits.
            get_connection().send_messages(messages)
    return len(messages)


# --- assessment due dates ---------------------------------------------------------------------


def unfinished_respondents(today: date) -> QuerySet[Membership]:
    """Members and leaders of orgs whose open draft is due within REMIND_DAYS_BEFORE days (today
    included) who have not answered every question, and who have not turned these reminders
    off. Annotated with the draft (one per org at most) and its due date."""
    answered = (
        Answer.objects.filter(assessment_id=OuterRef("draft_id"), respondent_id=OuterRef("user_id"))
        .filter(Q(dont_know=True) | Q(option__isnull=False))
        .order_by()
        .values("assessment_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    total = (
        Question.objects.filter(domain__version_id=OuterRef("draft_version_id"))
        .order_by()
        .values("domain__version_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Membership.objects.annotate(
            draft_id=F("org__assessments__id"),
            draft_status=F("org__assessments__status"),
            draft_due=F("org__assessments__due_date"),
            draft_public_id=F("org__assessments__public_id"),
            draft_version_id=F("org__assessments__version_id"),
        )
        .filter(
            draft_status=Assessment.Status.DRAFT,
            draft_due__gte=today,
            draft_due__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
            user__is_active=True,
        )
        .exclude(user__email="")
        .annotate(
            answered=Coalesce(Subquery(answered), Value(0)),
            total=Coalesce(Subquery(total), Value(0)),
        )
        .filter(answered__lt=F("total"))
        .filter(~opted_out(Kind.ASSESSMENT_DUE))
        .select_related("user", "org")
    )


def assessment_due_period(due: date, today: date) -> str:
    # Both reminders name the due date, so moving it arms them again for the new date.
    return f"day-of:{due}" if due == today else f"{REMIND_DAYS_BEFORE}-days:{due}"


def assessment_due_batches(today: date, batch_size: int) -> Iterator[list[Due]]:
    for page in pages(unfinished_respondents(today), batch_size):
        dues = []
        for m in page:
            assessment = SimpleNamespace(org=m.org, public_id=m.draft_public_id)
            dues.append(
                Due(
                    recipient_id=m.user_id,
                    subject_key=f"assessment:{m.draft_public_id}",
                    period=assessment_due_period(m.draft_due, today),
                    build=lambda m=m, a=assessment: emails.assessment_reminder(
                        user=m.user,
                        assessment=a,
                        due_date=m.draft_due,
                        days_left=(m.draft_due - today).days,
                    ),
                )
            )
        yield dues


# --- re-assessment ----------------------------------------------------------------------------


def leaders_due_to_reassess(today: date) -> QuerySet[Membership]:
    """Leaders of orgs with no open draft whose last submission is at least the shortest
    allowed interval old; the org's own interval is checked per row (`reassess_due`)."""
    last = Assessment.objects.filter(
        org_id=OuterRef("org_id"), status=Assessment.Status.SUBMITTED
    ).order_by("-submitted_at", "-id")
    draft = Assessment.objects.filter(org_id=OuterRef("org_id"), status=Assessment.Status.DRAFT)
    earliest = today - timedelta(days=REASSESS_MIN_DAYS)
    return (
        Membership.objects.filter(role=Membership.Role.LEADER, user__is_active=True)
        .exclude(user__email="")
        .annotate(
            last_id=Subquery(last.values("public_id")[:1]),
            last_at=Subquery(last.values("submitted_at")[:1]),
        )
        .filter(last_at__date__lte=earliest)
        .exclude(Exists(draft))
        .filter(~opted_out(Kind.REASSESSMENT))
        .select_related("user", "org")
    )


def reassess_due(last_at, days: int, today: date) -> bool:
    return (today - timezone.localdate(last_at)).days >= days


def reassessment_batches(today: date, batch_size: int) -> Iterator[list[Due]]:
    for page in pages(leaders_due_to_reassess(today), batch_size):
        yield [
            Due(
                recipient_id=m.user_id,
                subject_key=f"org:{m.org.public_id}",
                # One reminder per submission: the next one arms after the next submission.
                period=f"after:{m.last_id}",
                build=lambda m=m: emails.reassessment_reminder(
                    user=m.user,
                    org=m.org,
                    last_submitted_at=m.last_at,
                    days=m.org.reassess_after_days,
                ),
            )
            for m in page
            if reassess_due(m.last_at, m.org.reassess_after_days, today)
        ]


# --- weekly plan digest -----------------------------------------------------------------------


def digest_items(today: date) -> QuerySet[PlanItem]:
    """Open plan items due within DIGEST_DAYS_AHEAD days or overdue, whose owner still has
    access to the org (a member, or its consultant): nobody is mailed about an org they left."""
    member = Membership.objects.filter(
        org_id=OuterRef("plan__org_id"), user_id=OuterRef("owner_id")
    )
    assigned = ConsultantAssignment.objects.filter(
        org_id=OuterRef("plan__org_id"), consultant_id=OuterRef("owner_id")
    )
    return PlanItem.objects.filter(
        status__in=PlanItem.OPEN_STATUSES,
        due_date__lte=today + timedelta(days=DIGEST_DAYS_AHEAD),
        owner__isnull=False,
    ).filter(Q(Exists(member)) | Q(Exists(assigned)))


def digest_recipients(today: date):
    items = digest_items(today).filter(owner_id=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(Exists(items), is_active=True)
        .exclude(email="")
        .filter(~opted_out(Kind.WEEKLY_DIGEST, user_ref="pk"))
    )


def digest_period(today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def digest_batches(today: date, batch_size: int) -> Iterator[list[Due]]:
    period = digest_period(today)
    for page in pages(digest_recipients(today), batch_size):
        # One query for the whole page's items, grouped by owner below.
        by_owner: dict[int, list[PlanItem]] = {}
        items = (
            digest_items(today)
            .filter(owner_id__in=[user.pk for user in page])
            .select_related("plan__org")
            .order_by("owner_id", "due_date", "id")
        )
        for item in items:
            by_owner.setdefault(item.owner_id, []).append(item)
        yield [
            Due(
                recipient_id=user.pk,
                subject_key="plan",
                period=period,
                build=partial(
                    emails.weekly_digest, user=user, items=by_owner[user.pk], today=today
                ),
            )
            for user in page
            if user.pk in by_owner
        ]


SOURCES: dict[Kind, Callable[[date, int], Iterator[list[Due]]]] = {
    Kind.ASSESSMENT_DUE: assessment_due_batches,
    Kind.REASSESSMENT: reassessment_batches,
    Kind.WEEKLY_DIGEST: digest_batches,
}


def send_due(*, today: date | None = None, batch_size: int = BATCH_SIZE) -> Counter:
    """Queue every reminder due today that no run has claimed yet; counts sent per kind."""
    today = today or timezone.localdate()
    sent: Counter = Counter()
    for kind, batches in SOURCES.items():
        for dues in batches(today, batch_size):
            sent[kind] += claim_and_send(kind, dues)
    return sent
