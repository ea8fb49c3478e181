"""The reminder emails. Each one ends with the link to the person's notification settings, so
turning a kind off is one click from any message."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def settings_url() -> str:
    return absolute(reverse("account_notifications"))


def message(*, to: str, subject: str, template: str, context: dict) -> EmailMessage:
    body = render_to_string(
        f"notifications/email/{template}.txt",
        {**context, "settings_url": settings_url(), "site_url": settings.SITE_URL},
    )
    return EmailMessage(subject=subject, body=body, to=[to])


def assessment_url(assessment) -> str:
    return absolute(
        reverse(
            "assessment_resume",
            kwargs={"org_id": assessment.org.public_id, "assessment_id": assessment.public_id},
        )
    )


def assessment_reminder(*, user, assessment, due_date, days_left: int | None, by=None):
    """`days_left` None: a reminder a leader or consultant asked for from the review page."""
    org = assessment.org
    if days_left is None:
        subject = f"Reminder: please finish the {org.name} assessment"
    elif days_left == 0:
        subject = f"The {org.name} assessment is due today"
    else:
        subject = f"The {org.name} assessment is due in {days_left} days"
    return message(
        to=user.email,
        subject=subject,
        template="assessment_reminder",
        context={
            "user": user,
            "org": org,
            "due_date": due_date,
            "days_left": days_left,
            "by": by,
            "link": assessment_url(assessment),
        },
    )


def reassessment_reminder(*, user, org, last_submitted_at, days: int):
    return message(
        to=user.email,
        subject=f"Time to assess {org.name} again",
        template="reassessment_reminder",
        context={
            "user": user,
            "org": org,
            "last_submitted_at": last_submitted_at,
            "days": days,
            "link": absolute(reverse("assessment_start_confirm", kwargs={"org_id": org.public_id})),
        },
    )


def weekly_digest(*, user, items, today):
    """`items`: the person's open items due within 7 days or overdue, ordered by due date."""
    overdue = [i for i in items if i.due_date < today]
    upcoming = [i for i in items if i.due_date >= today]
    for item in items:
        item.link = absolute(
            reverse("org_plan", kwargs={"org_id": item.plan.org.public_id})
            + f"#item-{item.public_id}"
        )
    parts = []
    if overdue:
        parts.append(f"{len(overdue)} overdue")
    if upcoming:
        parts.append(f"{len(upcoming)} due this week")
    return message(
        to=user.email,
        subject="Your action plan: " + ", ".join(parts),
        template="weekly_digest",
        context={"user": user, "overdue": overdue, "upcoming": upcoming, "today": today},
    )
