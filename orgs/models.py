"""Organizations (the tenants), who belongs to them, and which consultants may see them."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

REASSESS_MIN_DAYS = 30
REASSESS_MAX_DAYS = 365
REASSESS_DEFAULT_DAYS = 90


class Organization(models.Model):
    class ArrBand(models.TextChoices):
        UNDER_5M = "under-5m", "Under $5M"
        FROM_5M_TO_20M = "5m-20m", "$5M–$20M"
        FROM_20M_TO_100M = "20m-100m", "$20M–$100M"
        OVER_100M = "over-100m", "Over $100M"

    class Segment(models.TextChoices):
        SMB = "smb", "SMB"
        MID_MARKET = "mid-market", "Mid-market"
        ENTERPRISE = "enterprise", "Enterprise"
        MIXED = "mixed", "Mixed"

    class TeamSize(models.TextChoices):
        SMALL = "1-5", "1–5 people"
        MEDIUM = "6-20", "6–20 people"
        LARGE = "21+", "21 or more"

    class TeamAge(models.TextChoices):
        NEW = "under-1y", "Under a year"
        GROWING = "1-3y", "1–3 years"
        ESTABLISHED = "3y+", "3 years or more"

    class PaperSize(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "letter", "US Letter"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    arr_band = models.CharField("ARR band", max_length=12, choices=ArrBand.choices, blank=True)
    segment = models.CharField(
        "customer segment", max_length=12, choices=Segment.choices, blank=True
    )
    team_size = models.CharField("CS team size", max_length=8, choices=TeamSize.choices, blank=True)
    team_age = models.CharField("CS team age", max_length=10, choices=TeamAge.choices, blank=True)
    industry = models.CharField(max_length=80, blank=True)
    paper_size = models.CharField(
        "PDF paper size",
        max_length=8,
        choices=PaperSize.choices,
        default=PaperSize.A4,
        help_text="The page size of this organization's PDF reports.",
    )
    require_mfa = models.BooleanField(
        "require two-factor authentication",
        default=False,
        help_text="Everyone with access to this organization (consultants and staff included) "
        "must turn on two-factor authentication before they can open it.",
    )
    reassess_after_days = models.PositiveSmallIntegerField(
        "re-assessment reminder after (days)",
        default=REASSESS_DEFAULT_DAYS,
        validators=[MinValueValidator(REASSESS_MIN_DAYS), MaxValueValidator(REASSESS_MAX_DAYS)],
        help_text=f"Leaders get a reminder to assess again this many days after the last "
        f"submission ({REASSESS_MIN_DAYS} to {REASSESS_MAX_DAYS}).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reassess_after_days__gte=REASSESS_MIN_DAYS)
                & Q(reassess_after_days__lte=REASSESS_MAX_DAYS),
                name="reassess_after_days_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", "Leader"
        MEMBER = "member", "Member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org", "-role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "org"], name="one_membership_per_user_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.org}"


class Consultant(models.Model):
    """Marks a user as a consultant, who holds a portfolio of client orgs."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultant"
    )
    company = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user)


class ConsultantAssignment(models.Model):
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="assignments")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultant", "org"], name="one_assignment_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.consultant} → {self.org}"


class Invitation(models.Model):
    class Role(models.TextChoices):
        """A membership role, or "consultant": a pending consultant grant to an address that has
        no verified consultant account yet (accepting it creates the assignment, not a
        membership)."""

        LEADER = "leader", "Leader"
        MEMBER = "member", "Member"
        CONSULTANT = "consultant", "Consultant"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.org}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_consultant(self) -> bool:
        return self.role == self.Role.CONSULTANT


class FirmProfile(models.Model):
    """A consultant's firm branding, shown on the reports, compare PDFs and share pages of the
    orgs the consultant is assigned to (assessment/branding.py decides which firm wins).

    The logo is kept in the database, not as a media file, so every app server reads the same
    bytes; it is always our own re-encoding of the upload (orgs/logos.py), never the upload."""

    consultant = models.OneToOneField(Consultant, on_delete=models.CASCADE, related_name="firm")
    name = models.CharField("firm name", max_length=120)
    accent = models.CharField("accent colour", max_length=7, default="#0f5f7a")
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    logo_digest = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
