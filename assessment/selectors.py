"""Reads for the questionnaire pages: what a respondent sees, progress, what is unanswered."""

import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from assessment.models import Answer, AnswerOption, Assessment, Domain, ExcludedRespondent, Question
from assessment.scoring import DONT_KNOW
from orgs.models import Membership


@dataclass
class DomainProgress:
    domain: Domain
    total: int = 0
    answered: int = 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered >= self.total


@dataclass(frozen=True)
class Choice:
    """One radio button of a question: the option, its element id, whether it is chosen."""

    option: AnswerOption
    input_id: str
    checked: bool


def answer_version(*, value: str, note: str) -> str:
    """The version a page carries for one answer: a digest of its content ("" value and note
    when there is no answer). A digest rather than a counter or a timestamp, so it needs no
    column and no clock: a change is applied only if the stored answer is still the one the
    page was showing."""
    return hashlib.sha256(f"{value}\x00{note}".encode()).hexdigest()[:16]


def stored_value(answer: Answer | None) -> str:
    if answer is None:
        return ""
    return DONT_KNOW if answer.dont_know else str(answer.option_id or "")


def stored_version(answer: Answer | None) -> str:
    return answer_version(value=stored_value(answer), note=answer.note if answer else "")


@dataclass
class QuestionView:
    question: Question
    options: list
    answer: Answer | None = None

    @property
    def selected(self) -> str:
        if self.answer is None:
            return ""
        if self.answer.dont_know:
            return "dont_know"
        return str(self.answer.option_id or "")

    @property
    def version(self) -> str:
        return stored_version(self.answer)

    @property
    def choices(self) -> list[Choice]:
        # Worked out here rather than in the template: per option, the template's lookups and
        # comparisons cost more than the rest of the page.
        chosen = self.answer.option_id if self.answer is not None else None
        return [
            Choice(option, f"q-{self.question.pk}-{option.level}", option.pk == chosen)
            for option in self.options
        ]


@dataclass
class DomainPage:
    domain: Domain
    questions: list[QuestionView]
    navigator: list[DomainProgress]
    previous: Domain | None
    next: Domain | None
    answered: int = 0
    total: int = 0
    position: int = 0
    extras: dict = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass(frozen=True)
class BankStructure:
    """A version's domains, questions and options, in page order."""

    domains: tuple[Domain, ...]
    questions: tuple[Question, ...]
    options: dict[int, tuple[AnswerOption, ...]]  # question id -> options by level


# A published version can never change (the models refuse it), so every page and autosave can
# share one read of it instead of three queries each; keyed by publication time as well, so a
# reused primary key (test databases roll back) never finds another version's structure.
_STRUCTURES: dict[tuple[int, object], BankStructure] = {}
_STRUCTURES_KEPT = 16


def bank_structure(version) -> BankStructure:
    """The structure of a questionnaire version: read once per process when it is published,
    on every call while it is a draft (drafts are still being edited)."""
    key = (version.pk, version.published_at)
    kept = version.is_published and version.published_at is not None
    if kept and key in _STRUCTURES:
        return _STRUCTURES[key]
    domains = tuple(Domain.objects.filter(version_id=version.pk).order_by("position", "id"))
    questions = tuple(
        Question.objects.filter(domain__version_id=version.pk).order_by(
            "domain__position", "position", "id"
        )
    )
    options: dict[int, list[AnswerOption]] = {}
    for option in AnswerOption.objects.filter(question__domain__version_id=version.pk).order_by(
        "question_id", "level"
    ):
        options.setdefault(option.question_id, []).append(option)
    structure = BankStructure(
        domains, questions, {pk: tuple(found) for pk, found in options.items()}
    )
    if kept:
        if len(_STRUCTURES) >= _STRUCTURES_KEPT:
            _STRUCTURES.pop(next(iter(_STRUCTURES)))
        _STRUCTURES[key] = structure
    return structure


def _is_answered(answer: Answer) -> bool:
    return answer.dont_know or answer.option_id is not None


def domain_page(*, assessment: Assessment, respondent, domain_key: str | None) -> DomainPage | None:
    """The page for one domain, or None when the key is not a domain of this version. Without a
    key: the first domain where the respondent has something left to answer."""
    structure = bank_structure(assessment.version)
    domains, questions = list(structure.domains), structure.questions
    answers = (
        {
            a.question_id: a
            for a in Answer.objects.filter(assessment=assessment, respondent=respondent)
        }
        if respondent is not None
        else {}
    )
    progress = {d.pk: DomainProgress(domain=d) for d in domains}
    for q in questions:
        progress[q.domain_id].total += 1
        if q.pk in answers and _is_answered(answers[q.pk]):
            progress[q.domain_id].answered += 1
    navigator = [progress[d.pk] for d in domains]
    if domain_key is None:
        current = next(
            (p.domain for p in navigator if not p.complete), domains[0] if domains else None
        )
    else:
        current = next((d for d in domains if d.key == domain_key), None)
    if current is None:
        return None
    index = domains.index(current)
    page_questions = [q for q in questions if q.domain_id == current.pk]
    options = structure.options
    return DomainPage(
        domain=current,
        questions=[
            QuestionView(q, list(options.get(q.pk, ())), answers.get(q.pk)) for q in page_questions
        ],
        navigator=navigator,
        previous=domains[index - 1] if index > 0 else None,
        next=domains[index + 1] if index + 1 < len(domains) else None,
        answered=sum(p.answered for p in navigator),
        total=len(questions),
        position=index + 1,
    )


@dataclass
class RespondentProgress:
    membership: Membership
    answered: int
    total: int
    dont_know: int = 0  # answered, but "Don't know": scores as level 1

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def respondent_progress(*, assessment: Assessment) -> list[RespondentProgress]:
    """How far each member of the org has got (members who have not started included)."""
    total = Question.objects.filter(domain__version_id=assessment.version_id).count()
    answered_filter = Q(user__answers__assessment=assessment) & (
        Q(user__answers__dont_know=True) | Q(user__answers__option__isnull=False)
    )
    members = (
        assessment.org.memberships.select_related("user")
        .annotate(
            answered=Count("user__answers", filter=answered_filter),
            dont_know=Count(
                "user__answers",
                filter=Q(user__answers__assessment=assessment, user__answers__dont_know=True),
            ),
        )
        .order_by("-role", "user__first_name", "user__email")
    )
    return [RespondentProgress(m, m.answered, total, m.dont_know) for m in members]


@dataclass
class FormerRespondent:
    """Someone who answered this draft and is no longer a member of the org."""

    user: object
    answered: int
    excluded: bool  # their answers are kept but not scored
    dont_know: int = 0


def former_respondents(*, assessment: Assessment) -> list[FormerRespondent]:
    members = assessment.org.memberships.values("user_id")
    counts = (
        Answer.objects.filter(assessment=assessment)
        .exclude(respondent_id__in=members)
        .values("respondent_id")
        .annotate(
            answered=Count("pk", filter=Q(dont_know=True) | Q(option__isnull=False)),
            dont_know=Count("pk", filter=Q(dont_know=True)),
        )
        .order_by("respondent_id")
    )
    answered = {row["respondent_id"]: row["answered"] for row in counts}
    dont_know = {row["respondent_id"]: row["dont_know"] for row in counts}
    users = get_user_model().objects.in_bulk(list(answered))
    excluded = set(assessment.exclusions.values_list("respondent_id", flat=True))
    found = [
        FormerRespondent(users[pk], answered[pk], pk in excluded, dont_know[pk]) for pk in answered
    ]
    return sorted(found, key=lambda f: (f.user.get_full_name() or f.user.email).lower())


def excluded_respondent_ids(assessment: Assessment):
    """Whose answers are left out of the score: excluded, and still not members (someone who
    rejoins the org counts again). A subquery, so filtering by it costs no statement."""
    members = Membership.objects.filter(org_id=assessment.org_id).values("user_id")
    return (
        ExcludedRespondent.objects.filter(assessment_id=assessment.pk)
        .exclude(respondent_id__in=members)
        .values("respondent_id")
    )


@dataclass
class UnansweredDomain:
    domain: Domain
    questions: list[Question]


def unanswered_by_domain(*, assessment: Assessment, respondent=None) -> list[UnansweredDomain]:
    """Questions nobody has answered (or, given a respondent, that this person has not)."""
    answered = (
        Answer.objects.filter(assessment=assessment)
        .filter(Q(dont_know=True) | Q(option__isnull=False))
        .exclude(respondent_id__in=excluded_respondent_ids(assessment))
    )
    if respondent is not None:
        answered = answered.filter(respondent=respondent)
    answered_ids = set(answered.values_list("question_id", flat=True))
    groups: dict[int, UnansweredDomain] = {}
    for q in (
        Question.objects.filter(domain__version_id=assessment.version_id)
        .select_related("domain")
        .order_by("domain__position", "position", "id")
    ):
        if q.pk not in answered_ids:
            groups.setdefault(q.domain_id, UnansweredDomain(q.domain, [])).questions.append(q)
    return list(groups.values())


def open_draft(org) -> Assessment | None:
    return org.assessments.filter(status=Assessment.Status.DRAFT).select_related("version").first()


def submitted_assessments(org):
    return org.assessments.filter(status=Assessment.Status.SUBMITTED).order_by(
        "-submitted_at", "-id"
    )


def answered_count(*, assessment: Assessment, respondent) -> int:
    return (
        Answer.objects.filter(assessment=assessment, respondent=respondent)
        .filter(Q(dont_know=True) | Q(option__isnull=False))
        .count()
    )


@dataclass(frozen=True)
class GridCell:
    domain: Domain
    answered: int
    total: int

    @property
    def state(self) -> str:
        if self.answered == 0:
            return "none"
        return "complete" if self.answered >= self.total else "partial"


@dataclass
class GridRow:
    """One respondent's line of the completion grid: answered questions per domain."""

    name: str
    cells: list[GridCell]
    answered: int
    dont_know: int = 0
    former: bool = False
    excluded: bool = False  # a former member's answers the leader left out of the score
    user_id: int = 0


@dataclass
class GridDomain:
    domain: Domain
    total: int
    covered: int  # questions with at least one scored answer, from anyone


@dataclass
class ReviewSummary:
    """What the review and the submit confirmation show: who answered what, per domain, and
    what would go into the result as it stands."""

    domains: list[GridDomain]
    rows: list[GridRow]
    unanswered: list[UnansweredDomain]  # nobody has answered these (scored answers only)
    total: int

    @property
    def covered(self) -> int:
        return sum(d.covered for d in self.domains)

    @property
    def gaps(self) -> int:
        return self.total - self.covered

    @property
    def answers(self) -> int:
        return sum(row.answered for row in self.rows if not row.excluded)

    @property
    def dont_know(self) -> int:
        return sum(row.dont_know for row in self.rows if not row.excluded)

    @property
    def scored_rows(self) -> list[GridRow]:
        return [row for row in self.rows if not row.excluded and row.answered]

    @property
    def domains_without_answers(self) -> list[Domain]:
        return [d.domain for d in self.domains if d.covered == 0]


def review_summary(
    *, assessment: Assessment, progress: list[RespondentProgress], former: list[FormerRespondent]
) -> ReviewSummary:
    """Members (from `respondent_progress`) and former members (from `former_respondents`) ×
    domains, in one query on top of the two lists the review page reads anyway."""
    structure = bank_structure(assessment.version)
    domains = list(structure.domains)
    totals: dict[int, int] = {}
    for q in structure.questions:
        totals[q.domain_id] = totals.get(q.domain_id, 0) + 1
    counts: dict[tuple[int, int], int] = {}
    for row in (
        Answer.objects.filter(assessment=assessment)
        .filter(Q(dont_know=True) | Q(option__isnull=False))
        .values("respondent_id", "question__domain_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["respondent_id"], row["question__domain_id"])] = row["n"]

    def cells(user_id: int) -> list[GridCell]:
        return [GridCell(d, counts.get((user_id, d.pk), 0), totals.get(d.pk, 0)) for d in domains]

    rows = [
        GridRow(
            name=p.membership.user.get_full_name() or p.membership.user.email,
            cells=cells(p.membership.user_id),
            answered=p.answered,
            dont_know=p.dont_know,
            user_id=p.membership.user_id,
        )
        for p in progress
    ] + [
        GridRow(
            name=f.user.get_full_name() or f.user.email,
            cells=cells(f.user.pk),
            answered=f.answered,
            dont_know=f.dont_know,
            former=True,
            excluded=f.excluded,
            user_id=f.user.pk,
        )
        for f in former
    ]
    unanswered = unanswered_by_domain(assessment=assessment)
    missing = {group.domain.pk: len(group.questions) for group in unanswered}
    grid_domains = [
        GridDomain(d, totals.get(d.pk, 0), totals.get(d.pk, 0) - missing.get(d.pk, 0))
        for d in domains
    ]
    return ReviewSummary(grid_domains, rows, unanswered, len(structure.questions))
