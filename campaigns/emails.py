"""The email a client's leader gets when a consultant's campaign starts their assessment."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from notifications.emails import assessment_url, settings_url


def campaign_started(*, user, campaign, assessment, by) -> EmailMessage:
    org = assessment.org
    body = render_to_string(
        "campaigns/email/campaign_started.txt",
        {
            "user": user,
            "org": org,
            "campaign": campaign,
            "by": by,
            "due_date": assessment.due_date,
            "link": assessment_url(assessment),
            "settings_url": settings_url(),
        },
    )
    return EmailMessage(
        subject=f"{org.name}: your assessment is open (due {assessment.due_date:%-d %B %Y})",
        body=body,
        to=[user.email],
    )
