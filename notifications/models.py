"""Who wants which reminders, and the ledger of reminders already claimed for sending."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    ASSESSMENT_DUE = "assessment_due", "Assessment due date reminder"
    REASSESSMENT = "reassessment", "Re-assessment reminder"
    WEEKLY_DIGEST = "weekly_digest", "Weekly plan digest"


class NotificationPreference(models.Model):
    """One row per person who changed a setting; no row means every kind is on (the default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    weekly_digest = models.BooleanField(
        "Weekly plan digest",
        default=True,
        help_text="Once a week: your action plan items due within 7 days and those overdue.",
    )
    assessment_reminders = models.BooleanField(
        "Assessment reminders",
        default=True,
        help_text="When an assessment you have not finished is due: 3 days before and on the "
        "day, and when a leader or consultant asks you to finish it.",
    )
    reassessment_reminders = models.BooleanField(
        "Re-assessment reminders",
        default=True,
        help_text="For leaders: when it is time to assess your organization again.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # The preference field that switches each kind on or off.
    FIELD_FOR_KIND = {
        Kind.ASSESSMENT_DUE: "assessment_reminders",
        Kind.REASSESSMENT: "reassessment_reminders",
        Kind.WEEKLY_DIGEST: "weekly_digest",
    }

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"


class Notification(models.Model):
    """The ledger: one row per reminder that was claimed for sending. The unique constraint is
    what makes sending idempotent: a scheduler inserts the row in the same transaction that
    queues the email, so a second run (or a concurrent one on another server) finds the row
    taken and sends nothing. `claim` tells a run which of its inserts won."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the reminder is about ("assessment:<public id>", "org:<public id>", "plan").
    subject_key = models.CharField(max_length=80)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Which occurrence: "3-days:2026-12-09", "day-of:2026-12-09", "after:<assessment>", "2026-W49".
    period = models.CharField(max_length=60)
    claim = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "recipient", "period"],
                name="one_notification_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} {self.period} → {self.recipient_id}"
