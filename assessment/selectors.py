"""Reads for the questionnaire pages: what a respondent sees, progress, what is unanswered."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from assessment.models import Answer, Assessment, Domain, Question
from orgs.models import Membership


@dataclass
class DomainProgress:
    domain: Domain
    total: int = 0
    answered: int = 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered >= self.total


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


def _is_answered(answer: Answer) -> bool:
    return answer.dont_know or answer.option_id is not None


def domain_page(*, assessment: Assessment, respondent, domain_key: str | None) -> DomainPage | None:
    """The page for one domain, or None when the key is not a domain of this version. Without a
    key: the first domain where the respondent has something left to answer."""
    domains = list(assessment.version.domains.order_by("position", "id"))
    questions = list(
        Question.objects.filter(domain__version_id=assessment.version_id).order_by(
            "domain__position", "position", "id"
        )
    )
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
    options = {}
    for option in current.questions.model.options.field.model.objects.filter(
        question__in=page_questions
    ).order_by("question_id", "level"):
        options.setdefault(option.question_id, []).append(option)
    return DomainPage(
        domain=current,
        questions=[
            QuestionView(q, options.get(q.pk, []), answers.get(q.pk)) for q in page_questions
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
        .annotate(answered=Count("user__answers", filter=answered_filter))
        .order_by("-role", "user__first_name", "user__email")
    )
    return [RespondentProgress(m, m.answered, total) for m in members]


@dataclass
class UnansweredDomain:
    domain: Domain
    questions: list[Question]


def unanswered_by_domain(*, assessment: Assessment, respondent=None) -> list[UnansweredDomain]:
    """Questions nobody has answered (or, given a respondent, that this person has not)."""
    answered = Answer.objects.filter(assessment=assessment).filter(
        Q(dont_know=True) | Q(option__isnull=False)
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
