"""Question banks (versioned, immutable once published) and assessments with their answers."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from assessment.scoring import STAGE_NAMES, phase_of

STAGE_CHOICES = [(number, name) for number, name in STAGE_NAMES.items()]
LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
NOTE_MAX_LENGTH = 1000

PUBLISHED_IS_FROZEN = (
    "Questionnaire version {version} is published and cannot change, so results stay "
    "reproducible. Copy it to a new draft version and edit that."
)


class PublishedVersionError(Exception):
    """Raised on any attempt to change a published questionnaire version or its content."""


class FrozenWhenPublishedQuerySet(models.QuerySet):
    """Bulk update() and delete() are refused when they touch a published version's rows."""

    def _published_rows(self) -> "models.QuerySet":
        path = self.model.version_path
        field = f"{path}__status" if path else "status"
        return self.filter(**{field: QuestionnaireVersion.Status.PUBLISHED})

    def _refuse_if_published(self) -> None:
        row = self._published_rows().first()
        if row is not None:
            raise PublishedVersionError(PUBLISHED_IS_FROZEN.format(version=row.owning_version()))

    def update(self, **kwargs):
        self._refuse_if_published()
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            version = obj.owning_version()
            if version.pk is not None and version.is_published and version is not obj:
                raise PublishedVersionError(PUBLISHED_IS_FROZEN.format(version=version))
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        self._refuse_if_published()
        return super().delete()


class FrozenWhenPublished(models.Model):
    """A row that belongs to a questionnaire version and freezes with it."""

    version_path = ""  # lookup from this model to its QuestionnaireVersion

    objects = FrozenWhenPublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    def owning_version(self) -> "QuestionnaireVersion":
        target = self
        for part in self.version_path.split("__") if self.version_path else []:
            target = getattr(target, part)
        return target

    def _stored_version_is_published(self) -> bool:
        if self.pk is None:
            return False
        return type(self).objects.filter(pk=self.pk)._published_rows().exists()

    def save(self, *args, **kwargs):
        # Check both the row as stored and the version it is attached to now, so a row can
        # neither be edited in place nor moved into (or out of) a published version.
        version = self.owning_version()
        if self._stored_version_is_published() or (
            version.pk is not None and version.is_published and version is not self
        ):
            raise PublishedVersionError(PUBLISHED_IS_FROZEN.format(version=version))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_version_is_published():
            raise PublishedVersionError(PUBLISHED_IS_FROZEN.format(version=self.owning_version()))
        return super().delete(*args, **kwargs)


class Questionnaire(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name

    def current_version(self) -> "QuestionnaireVersion | None":
        return (
            self.versions.filter(status=QuestionnaireVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )


class QuestionnaireVersion(FrozenWhenPublished):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    # Each version carries its own title and description, so renaming the bank in a later
    # version leaves earlier versions exactly as they were published.
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    proactive_min = models.FloatField(default=20, help_text="Lowest score rated Proactive.")
    predictive_min = models.FloatField(default=40, help_text="Lowest score rated Predictive.")
    strategic_min = models.FloatField(default=60, help_text="Lowest score rated Strategic.")
    embedded_min = models.FloatField(default=80, help_text="Lowest score rated Embedded.")

    class Meta:
        ordering = ["questionnaire__slug", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="unique_version_number"
            ),
            models.CheckConstraint(
                condition=Q(proactive_min__gt=0)
                & Q(predictive_min__gt=models.F("proactive_min"))
                & Q(strategic_min__gt=models.F("predictive_min"))
                & Q(embedded_min__gt=models.F("strategic_min"))
                & Q(embedded_min__lte=100),
                name="thresholds_rise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.slug} v{self.number}"

    @property
    def label(self) -> str:
        """How people see the version: its name and number in words, never the slug."""
        return f"{self.name} (version {self.number})"

    def owning_version(self) -> "QuestionnaireVersion":
        return self

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Domain(FrozenWhenPublished):
    version_path = "version"

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="domains"
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.FloatField(default=1, validators=[MinValueValidator(0.01)])
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_domain_key"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="domain_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Question(FrozenWhenPublished):
    version_path = "domain__version"

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=80)
    # A short name for the practice ("customer tiers") for the roadmap and gate reasons.
    label = models.CharField(max_length=60, blank=True)
    text = models.TextField()
    help_text = models.TextField(blank=True)
    weight = models.FloatField(default=1, validators=[MinValueValidator(0.01)])
    position = models.PositiveIntegerField(default=0)
    gate_stage = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=STAGE_CHOICES[1:],
        help_text="The org cannot be rated at this stage or above unless it passes this gate.",
    )
    gate_min_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=LEVEL_VALIDATORS, help_text="Lowest passing level."
    )

    class Meta:
        ordering = ["domain__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "key"], name="unique_question_key"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="question_weight_positive"),
            models.CheckConstraint(
                condition=(Q(gate_stage__isnull=True) & Q(gate_min_level__isnull=True))
                | (
                    Q(gate_stage__gte=2, gate_stage__lte=5)
                    & Q(gate_min_level__gte=1, gate_min_level__lte=5)
                ),
                name="gate_complete_and_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_gate(self) -> bool:
        return self.gate_stage is not None


class AnswerOption(FrozenWhenPublished):
    version_path = "question__domain__version"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    text = models.TextField()

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="unique_option_level"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="option_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.text[:60]}"


class Action(FrozenWhenPublished):
    version_path = "version"

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="actions"
    )
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="actions")
    key = models.SlugField(max_length=80)
    stage = models.PositiveSmallIntegerField(
        choices=STAGE_CHOICES[1:], help_text="The stage this action establishes."
    )
    title = models.CharField(max_length=200)
    why = models.TextField()
    effort = models.CharField(max_length=60, help_text='As people say it, e.g. "2–4 weeks".')
    effort_weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Used to order quicker actions first."
    )
    tags = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Catalog v2 (practice-level). Blank on v1 actions, which establish a domain `stage`.
    lifts = models.JSONField(
        default=list, blank=True, help_text="Question keys (practices) this action lifts."
    )
    from_level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Lifts its practices from this level to the next; its stage is one above.",
    )
    done_when = models.TextField(blank=True)
    first_step = models.TextField(blank=True, help_text="What to do in the first two weeks.")
    owner = models.CharField(max_length=60, blank=True, help_text="Suggested owner role.")
    prerequisites = models.JSONField(default=list, blank=True, help_text="Other action keys.")

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_action_key"),
            models.CheckConstraint(condition=Q(stage__gte=2, stage__lte=5), name="action_stage"),
            models.CheckConstraint(
                condition=Q(from_level__isnull=True)
                | Q(from_level__gte=1, from_level__lte=4, stage=models.F("from_level") + 1),
                name="action_from_level_below_stage",
            ),
        ]

    @property
    def is_practice_action(self) -> bool:
        return self.from_level is not None

    def __str__(self) -> str:
        return self.title


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="assessments"
    )
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The frozen record of a submitted assessment: questionnaire texts, answers and result.
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    # Headline figures copied from the snapshot at submit, so lists need no JSON parsing.
    stage = models.PositiveSmallIntegerField(null=True, blank=True, choices=STAGE_CHOICES)
    score_stage = models.PositiveSmallIntegerField(null=True, blank=True, choices=STAGE_CHOICES)
    overall_score = models.FloatField(null=True, blank=True)
    # Per-domain targets chosen after submission; not part of the frozen snapshot.
    targets = models.JSONField(default=dict, blank=True)
    # When a draft should be finished: respondents who have not finished get reminders.
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=Q(status="draft"), name="one_open_draft_per_org"
            ),
        ]
        indexes = [
            # The portfolio asks "latest submitted assessment per org" for every org it lists.
            models.Index(
                fields=["org", "status", "-submitted_at", "-id"], name="assessment_latest_by_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} assessment {self.created_at:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def phase(self) -> str:
        return phase_of(self.stage) if self.stage else ""


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    dont_know = models.BooleanField(default=False)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=~Q(dont_know=True, option__isnull=False),
                name="answer_option_or_dont_know",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.respondent} on {self.question.key}"


class ExcludedRespondent(models.Model):
    """A former member's answers left out of a draft's score: the rows are kept, not scored.
    Only people who are no longer members can be excluded (assessment_respondent_exclude)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="exclusions")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"], name="one_exclusion_per_respondent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.respondent} left out of {self.assessment}"


class ReportPdf(models.Model):
    """A rendered PDF report, kept because a submitted result never changes: a repeated download
    costs a lookup, not a render. The key covers everything the PDF shows besides the snapshot."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="pdfs")
    key = models.CharField(max_length=64)
    pdf = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="one_pdf_per_key"),
        ]

    def __str__(self) -> str:
        return f"PDF of {self.assessment} ({self.key[:8]})"


class ShareLink(models.Model):
    """A read-only link to one submitted report for people without an account. Only a SHA-256
    of the token is stored: the link itself is shown once, to its creator, and a copy of the
    database opens nothing. Expired or revoked links answer 404 like a wrong token."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    show_people = models.BooleanField(
        "show respondent names and notes",
        default=False,
        help_text="Off: respondents appear as Respondent 1, 2, … and notes are left out.",
    )
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"share link {self.pk} → {self.assessment_id}"


RATIONALE_MAX_LENGTH = 500


class AgreedAnswer(models.Model):
    """A level agreed in a calibration session for one question of a draft: at submit it replaces
    the mean of the respondents' answers for that question (scoring.score's `agreed`)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="agreed")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    rationale = models.CharField(max_length=RATIONALE_MAX_LENGTH, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_agreed_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="agreed_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreed level {self.level} on {self.question_id} in {self.assessment}"
