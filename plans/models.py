"""The action plan: an org's one plan, the roadmap actions adopted into it (each a snapshot of
the action as the roadmap proposed it, so later catalog edits never rewrite a plan), their
comments, and a small event table of who changed status, owner or due date and when."""

import uuid

from django.conf import settings
from django.db import models

from orgs.models import Organization

COMMENT_MAX_LENGTH = 2000
DROP_REASON_MAX_LENGTH = 500


class Plan(models.Model):
    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="plan")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Plan of {self.org}"


class PlanItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    # The action as adopted (a snapshot: the catalog may change later).
    action_key = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    why = models.TextField(blank=True)
    done_when = models.TextField(blank=True)
    first_step = models.TextField(blank=True)
    domain_key = models.SlugField(max_length=60)
    domain_name = models.CharField(max_length=120)
    # [{"key": question key, "label": practice label, "from_level": level when adopted}, ...]
    lifts = models.JSONField(default=list)
    from_level = models.PositiveSmallIntegerField(null=True, blank=True)
    horizon = models.PositiveSmallIntegerField(help_text="30, 90 or 180 days.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    drop_reason = models.CharField(max_length=DROP_REASON_MAX_LENGTH, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    source_assessment = models.ForeignKey(
        "assessment.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "action_key"], name="one_item_per_action"),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="plan_item_owner_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PlanComment(models.Model):  # noqa: DJ008 (never shown alone)
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(max_length=COMMENT_MAX_LENGTH)

    class Meta:
        ordering = ["created_at", "id"]


class PlanEvent(models.Model):  # noqa: DJ008 (never shown alone)
    """One change to an item: adopted, or status, owner or due date from `old` to `new` (as
    shown to people: a status label, an email, an ISO date)."""

    class Field(models.TextChoices):
        ADOPTED = "adopted", "Adopted"
        STATUS = "status", "Status"
        OWNER = "owner", "Owner"
        DUE_DATE = "due_date", "Due date"

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(max_length=10, choices=Field.choices)
    old = models.CharField(max_length=255, blank=True)
    new = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["at", "id"]
