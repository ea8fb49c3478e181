"""The calibration workshop's read side: a draft's answers, question by question, with the
questions where respondents disagree most first, for a leader or consultant to record agreed
levels (assessment.services.agreed_answer_save). Fixed number of queries, whatever the number of
respondents or questions: the bank structure (cached once published), the answers with their
respondents and options, the agreed answers."""

from dataclasses import dataclass
from string import ascii_uppercase

from django.db.models import Q

from assessment import selectors
from assessment.models import AgreedAnswer, Answer, Assessment, Question

MIN_RESPONDENTS = 2
# A row with a choice, a "don't know" or a note: a note alone is still worth reading here.
Q_ANSWERED = Q(option__isnull=False) | Q(dont_know=True) | ~Q(note="")


@dataclass(frozen=True)
class Respondent:
    pk: int
    label: str  # the name, or "Respondent A" in a blind pass


@dataclass(frozen=True)
class Cell:
    respondent: Respondent
    level: int | None  # None: "don't know" or no answer
    dont_know: bool
    note: str

    @property
    def shown(self) -> str:
        if self.dont_know:
            return "Don't know"
        return f"Level {self.level}" if self.level is not None else "No answer"


@dataclass(frozen=True)
class CalibrationQuestion:
    question: Question
    domain_name: str
    options: tuple  # AnswerOption rows, level 1 first
    cells: tuple[Cell, ...]
    agreed: AgreedAnswer | None

    @property
    def levels(self) -> list[int]:
        return sorted(c.level for c in self.cells if c.level is not None)

    @property
    def spread(self) -> int | None:
        levels = self.levels
        return levels[-1] - levels[0] if levels else None

    @property
    def is_gap(self) -> bool:
        # The scoring rule (scoring._alignment_gaps): two levels apart is an alignment gap.
        return (self.spread or 0) >= 2

    @property
    def mean(self) -> float | None:
        counted = [1 if c.dont_know else c.level for c in self.cells if c.dont_know or c.level]
        return round(sum(counted) / len(counted), 2) if counted else None


@dataclass(frozen=True)
class Calibration:
    respondents: tuple[Respondent, ...]
    questions: tuple[CalibrationQuestion, ...]
    blind: bool

    @property
    def enough_respondents(self) -> bool:
        return len(self.respondents) >= MIN_RESPONDENTS

    @property
    def gaps(self) -> int:
        return sum(q.is_gap for q in self.questions)

    @property
    def agreed_count(self) -> int:
        return sum(q.agreed is not None for q in self.questions)


def blind_label(index: int) -> str:
    # A, B, ... Z, then AA, AB, ...: a workshop of more than 26 people still gets labels.
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = ascii_uppercase[rest] + label
    return f"Respondent {label}"


def calibration(*, assessment: Assessment, blind: bool) -> Calibration:
    structure = selectors.bank_structure(assessment.version)
    domains = {d.pk: d.name for d in structure.domains}
    # Left-out former members are not scored, so they are not calibrated either.
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .exclude(respondent_id__in=selectors.excluded_respondent_ids(assessment))
        .filter(Q_ANSWERED)
        .select_related("respondent", "option")
        .order_by("respondent_id")
    )
    people = {}
    for answer in answers:
        people.setdefault(answer.respondent_id, answer.respondent)
    # Order by id in both passes, so a blind label never hints at a name's place in the alphabet.
    respondents = tuple(
        Respondent(pk, blind_label(i) if blind else (user.get_full_name() or user.email))
        for i, (pk, user) in enumerate(sorted(people.items()))
    )
    given = {(a.question_id, a.respondent_id): a for a in answers}
    agreed = {row.question_id: row for row in assessment.agreed.select_related("by")}
    questions = []
    for question in structure.questions:
        cells = []
        for person in respondents:
            answer = given.get((question.pk, person.pk))
            cells.append(
                Cell(
                    respondent=person,
                    level=answer.option.level if answer and answer.option_id else None,
                    dont_know=bool(answer and answer.dont_know),
                    note=answer.note if answer else "",
                )
            )
        questions.append(
            CalibrationQuestion(
                question=question,
                domain_name=domains.get(question.domain_id, ""),
                options=structure.options.get(question.pk, ()),
                cells=tuple(cells),
                agreed=agreed.get(question.pk),
            )
        )
    # Largest spread first; questionnaire order within a spread (the sort is stable), and
    # questions nobody gave a level to last.
    questions.sort(key=lambda q: (q.spread is None, -(q.spread or 0)))
    return Calibration(respondents, tuple(questions), blind)
