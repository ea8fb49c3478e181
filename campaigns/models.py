"""A campaign: one questionnaire sent by a consultant to many client orgs with one due date."""

import uuid

from django.conf import settings
from django.db import models


class Campaign(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaigns"
    )
    name = models.CharField(max_length=120)
    due_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignOrg(models.Model):
    """One client org in a campaign and the assessment the campaign asked it to complete."""

    class Start(models.TextChoices):
        STARTED = "started", "Started by this campaign"
        # The org already had an open draft (one per org): the campaign follows that draft.
        JOINED = "joined", "Joined the draft that was already open"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rows")
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    # SET_NULL: an admin may delete a draft; the row then reads "not started".
    assessment = models.ForeignKey(
        "assessment.Assessment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    start = models.CharField(max_length=10, choices=Start.choices)

    class Meta:
        ordering = ["org__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="one_row_per_campaign_org")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.org}"
