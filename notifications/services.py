"""Writes behind the notification pages: preferences, an assessment's due date, and the
"Remind" button (which only queues emails; the queue delivers them)."""

from dataclasses import dataclass, field
from datetime import date

from django.core.mail import get_connection
from django.utils import timezone

from assessment import selectors
from assessment.models import Assessment
from notifications import emails
from notifications.models import NotificationPreference
from orgs import ratelimits

NOT_A_DRAFT = "This assessment has been submitted; its due date can no longer change."
DUE_IN_PAST = "Choose today or a later day for the due date."


class NotificationError(Exception):
    """A request that breaks a rule; the message is shown to the user."""


def preferences_for(user) -> NotificationPreference:
    """The person's settings; an unsaved row with every kind on when they never changed any."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def due_date_set(*, assessment: Assessment, due_date: date | None) -> Assessment:
    if not assessment.is_draft:
        raise NotificationError(NOT_A_DRAFT)
    if due_date is not None and due_date < timezone.localdate():
        raise NotificationError(DUE_IN_PAST)
    assessment.due_date = due_date
    assessment.save(update_fields=["due_date"])
    return assessment


@dataclass
class RemindResult:
    sent: list = field(default_factory=list)  # users
    held_back: list = field(default_factory=list)  # (user, seconds until allowed again)
    opted_out: list = field(default_factory=list)  # users


def remind_unfinished(*, assessment: Assessment, by) -> RemindResult:
    """Queue a reminder to each member or leader who has not finished the draft, at most once
    per respondent in 12 hours, leaving out those who turned assessment reminders off."""
    if not assessment.is_draft:
        raise NotificationError(NOT_A_DRAFT)
    unfinished = [
        p.membership.user
        for p in selectors.respondent_progress(assessment=assessment)
        if p.answered < p.total and p.membership.user.is_active and p.membership.user.email
    ]
    off = set(
        NotificationPreference.objects.filter(
            user__in=unfinished, assessment_reminders=False
        ).values_list("user_id", flat=True)
    )
    result = RemindResult()
    messages = []
    for user in unfinished:
        if user.pk in off:
            result.opted_out.append(user)
            continue
        wait = ratelimits.once(ratelimits.REMIND_PER_RESPONDENT, f"{assessment.pk}:{user.pk}")
        if wait is not None:
            result.held_back.append((user, wait))
            continue
        messages.append(
            emails.assessment_reminder(
                user=user,
                assessment=assessment,
                due_date=assessment.due_date,
                days_left=None,
                by=by,
            )
        )
        result.sent.append(user)
    if messages:
        get_connection().send_messages(messages)
    return result
