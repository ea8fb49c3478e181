"""Writes for assessments: start, save answers (autosave and plain form), submit."""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessment import scoring, selectors
from assessment.bank import questionnaire_definition
from assessment.models import (
    NOTE_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    AgreedAnswer,
    Answer,
    Assessment,
    ExcludedRespondent,
    Question,
    Questionnaire,
    ReportPdf,
)
from assessment.pdf import render_pdf_bounded
from assessment.selectors import answer_version, stored_version
from assessment.snapshot import build_snapshot
from plans import services as plan_services

DEFAULT_QUESTIONNAIRE = "cs-maturity"

NO_PUBLISHED_VERSION = "No published questionnaire is available yet. Ask an admin to publish one."
DRAFT_ALREADY_OPEN = "An assessment is already open for this organization; finish that one first."
NOT_A_DRAFT = "This assessment has been submitted; its answers can no longer change."
UNKNOWN_QUESTION = "That question is not part of this assessment."
UNKNOWN_OPTION = "That answer is not one of the choices for this question."
NOTE_TOO_LONG = f"Notes are limited to {NOTE_MAX_LENGTH} characters."
NOTE_HAS_NUL = "Notes cannot contain null characters."
TARGETS_NEED_SUBMITTED = "Targets are set on a submitted assessment's result."
TARGET_UNKNOWN_DOMAIN = "There is no domain '{key}' in this assessment."
TARGET_OUT_OF_RANGE = "A target must be a stage from 1 (Reactive) to 5 (Embedded)."
DOMAIN_UNANSWERED = "Nobody has answered any question in {domains} yet."
RESPONDENT_UNKNOWN = "That person has no answers in this assessment."
RESPONDENT_IS_MEMBER = (
    "{name} is still a member of {org}; only a former member's answers can be left out."
)
AGREED_LEVEL_INVALID = "An agreed level must be a level from 1 to 5."
RATIONALE_TOO_LONG = f"The rationale is limited to {RATIONALE_MAX_LENGTH} characters."
RATIONALE_HAS_NUL = "The rationale cannot contain null characters."
ANSWER_CHANGED_ELSEWHERE = (
    "This answer was changed elsewhere (another tab or device) after this page was loaded. "
    "The newer saved answer is kept; choose again to replace it."
)


class AssessmentError(Exception):
    """A request that breaks an assessment rule; the message is shown to the user."""


def current_published_version(slug: str = DEFAULT_QUESTIONNAIRE):
    questionnaire = Questionnaire.objects.filter(slug=slug).first()
    version = questionnaire.current_version() if questionnaire else None
    if version is None:
        raise AssessmentError(NO_PUBLISHED_VERSION)
    return version


def assessment_start(*, org, by, slug: str = DEFAULT_QUESTIONNAIRE) -> Assessment:
    version = current_published_version(slug)
    if org.assessments.filter(status=Assessment.Status.DRAFT).exists():
        raise AssessmentError(DRAFT_ALREADY_OPEN)
    try:
        with transaction.atomic():
            return Assessment.objects.create(org=org, version=version, started_by=by)
    except IntegrityError as exc:  # a concurrent start won the race for the one open draft
        raise AssessmentError(DRAFT_ALREADY_OPEN) from exc


@dataclass(frozen=True)
class AnswerInput:
    """One answer as posted: `value` is an option id, "dont_know", or "" to clear the choice.
    `base` is the `answer_version` of the answer the page showed when the person changed it;
    None skips the stale-page check (imports and other server-side callers)."""

    question_id: str
    value: str
    note: str = ""
    base: str | None = None


@dataclass(frozen=True)
class AnswerConflict:
    """A change made on a page older than the stored answer: not applied. Both are shown."""

    question: Question
    stored: Answer | None
    posted_option: object  # AnswerOption | None
    posted_dont_know: bool
    posted_note: str
    version: str  # the stored answer's version, for the page to carry from now on

    @staticmethod
    def _label(option, dont_know: bool) -> str:
        if dont_know:
            return "Don't know"
        return f"Level {option.level}: {option.text}" if option is not None else "no choice"

    @property
    def stored_label(self) -> str:
        answer = self.stored
        return self._label(answer.option if answer else None, bool(answer and answer.dont_know))

    @property
    def stored_note(self) -> str:
        return self.stored.note if self.stored else ""

    @property
    def posted_label(self) -> str:
        return self._label(self.posted_option, self.posted_dont_know)


@dataclass(frozen=True)
class SaveResult:
    saved: int
    conflicts: tuple[AnswerConflict, ...] = ()
    versions: dict = field(default_factory=dict)  # question id -> version of the stored answer


def _clean(item: AnswerInput, structure: selectors.BankStructure, questions: dict[int, Question]):
    try:
        if not str(item.question_id).isdigit():
            raise ValueError(item.question_id)
        question = questions[int(item.question_id)]
    except (KeyError, TypeError, ValueError) as exc:
        raise AssessmentError(UNKNOWN_QUESTION) from exc
    # Refused rather than stripped, as Django's forms do: PostgreSQL cannot store a NUL in text,
    # and a note silently changed on the way in is not the note the person wrote.
    if "\x00" in (item.note or ""):
        raise AssessmentError(NOTE_HAS_NUL)
    note = (item.note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise AssessmentError(NOTE_TOO_LONG)
    value = (item.value or "").strip()
    if value in ("", scoring.DONT_KNOW):
        return question, None, value == scoring.DONT_KNOW, note
    options = {str(option.pk): option for option in structure.options.get(question.pk, ())}
    if value not in options:
        raise AssessmentError(UNKNOWN_OPTION)
    return question, options[value], False, note


def answers_save(*, assessment: Assessment, respondent, items: list[AnswerInput]) -> SaveResult:
    """Upsert the respondent's answers. All or nothing for bad input: one bad item saves none.

    Stale pages (optimistic concurrency, by `AnswerInput.base`): an item equal to the stored
    answer is not written again; an item the person did not change on their page (equal to its
    base) is not written either, so a page loaded earlier never re-sends an old answer over a
    newer one; a changed item whose base is older than the stored answer is not applied and
    comes back as a conflict. Everything else is saved (last write wins without a base)."""
    structure = selectors.bank_structure(assessment.version)
    questions = {q.pk: q for q in structure.questions}
    cleaned = [(_clean(item, structure, questions), item.base) for item in items]

    def row(question, option, dont_know, note):
        return Answer(
            assessment=assessment,
            respondent=respondent,
            question=question,
            option=option,
            dont_know=dont_know,
            note=note,
        )

    with transaction.atomic():
        # Lock the assessment row, then re-read its status, so no save slips in after a submit
        # (and two saves of one respondent's answers cannot interleave between check and write).
        locked = Assessment.objects.select_for_update().only("status").get(pk=assessment.pk)
        if not locked.is_draft:
            raise AssessmentError(NOT_A_DRAFT)
        mine = Answer.objects.filter(assessment=assessment, respondent=respondent)
        stored = {
            a.question_id: a
            for a in mine.filter(question_id__in=[c[0].pk for c, _ in cleaned]).select_related(
                "option"
            )
        }
        apply, conflicts = [], []
        for (question, option, dont_know, note), base in cleaned:
            value = scoring.DONT_KNOW if dont_know else str(option.pk if option else "")
            posted = answer_version(value=value, note=note)
            current = stored_version(stored.get(question.pk))
            if posted == current:
                continue  # unchanged: nothing to write
            if base is not None and posted == base:
                continue  # not changed on this page: the stored answer may be newer
            if base is not None and base != current:
                conflicts.append(
                    AnswerConflict(
                        question, stored.get(question.pk), option, dont_know, note, current
                    )
                )
                continue
            apply.append((question, option, dont_know, note))

        # A posted item without a choice never erases a given answer: a stale page or tab posts
        # blanks for questions it did not show answered. Without a choice, only the note is
        # kept, and an item with neither choice nor note only clears a note-only row.
        chosen = [row(*item) for item in apply if item[1] is not None or item[2]]
        notes = [row(*item) for item in apply if item[1] is None and not item[2] and item[3]]
        blanks = [q.pk for q, option, dont_know, note in apply if not (option or dont_know or note)]
        if blanks:
            mine.filter(question_id__in=blanks, option__isnull=True, dont_know=False).delete()
        # INSERT ... ON CONFLICT DO UPDATE: a true upsert on SQLite and PostgreSQL alike.
        unique = ["assessment", "respondent", "question"]
        for rows, fields in (
            (chosen, ["option", "dont_know", "note", "updated_at"]),
            (notes, ["note", "updated_at"]),
        ):
            if rows:
                Answer.objects.bulk_create(
                    rows, update_conflicts=True, unique_fields=unique, update_fields=fields
                )
        written = {q.pk for q, *_ in apply}
        now = {a.question_id: a for a in mine.filter(question_id__in=written)} if written else {}
    # Written rows are read back (a blank may have removed one, a note-only item kept a choice).
    after = {**stored, **{pk: now.get(pk) for pk in written}}
    versions = {
        question.pk: stored_version(after.get(question.pk)) for (question, *_), _ in cleaned
    }
    return SaveResult(len(chosen) + len(notes), tuple(conflicts), versions)


def answers_mapping(answers) -> dict[str, dict[str, scoring.AnswerValue]]:
    """Answers as the scoring module takes them: respondent id → question key → level/don't know."""
    mapping: dict[str, dict[str, scoring.AnswerValue]] = {}
    for answer in answers:
        if answer.dont_know:
            value: scoring.AnswerValue = scoring.DONT_KNOW
        elif answer.option_id is not None:
            value = answer.option.level
        else:
            continue
        mapping.setdefault(str(answer.respondent_id), {})[answer.question.key] = value
    return mapping


def submit_refusal(*, domains_without_answers: list[str]) -> str:
    """Why a draft cannot be submitted yet ("" when it can): every domain needs at least one
    scored answer. The review page asks this before offering the button; the submit itself
    asks it again inside its transaction."""
    if domains_without_answers:
        return DOMAIN_UNANSWERED.format(domains=", ".join(domains_without_answers))
    return ""


def agreed_answer_save(
    *, assessment: Assessment, by, question_id: str, level: str, rationale: str = ""
) -> AgreedAnswer | None:
    """Record (or change) the level a calibration session agreed for one question of a draft;
    an empty level removes the agreed answer, so the mean counts again. Returns the stored row,
    None after a removal. Bad input raises AssessmentError and changes nothing."""
    structure = selectors.bank_structure(assessment.version)
    questions = {str(q.pk): q for q in structure.questions}
    question = questions.get(str(question_id).strip())
    if question is None:
        raise AssessmentError(UNKNOWN_QUESTION)
    if "\x00" in (rationale or ""):
        raise AssessmentError(RATIONALE_HAS_NUL)
    rationale = (rationale or "").strip()
    if len(rationale) > RATIONALE_MAX_LENGTH:
        raise AssessmentError(RATIONALE_TOO_LONG)
    level = (level or "").strip()
    if level and level not in {str(n) for n in scoring.LEVELS}:
        raise AssessmentError(AGREED_LEVEL_INVALID)
    with transaction.atomic():
        # The same lock submit takes: an agreement never lands after the snapshot was frozen.
        locked = Assessment.objects.select_for_update().only("status").get(pk=assessment.pk)
        if not locked.is_draft:
            raise AssessmentError(NOT_A_DRAFT)
        if not level:
            AgreedAnswer.objects.filter(assessment=assessment, question=question).delete()
            return None
        row, _ = AgreedAnswer.objects.update_or_create(
            assessment=assessment,
            question=question,
            defaults={"level": int(level), "rationale": rationale, "by": by},
        )
    return row


def agreed_answers(assessment: Assessment) -> list[AgreedAnswer]:
    """The draft's agreed answers with their question and author, in questionnaire order."""
    return list(
        assessment.agreed.select_related("question__domain", "by").order_by(
            "question__domain__position", "question__position"
        )
    )


def assessment_submit(*, assessment: Assessment, by) -> Assessment:
    """Score and freeze the assessment in one transaction. Submitting twice is harmless: the
    second call finds it submitted and returns it unchanged."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_draft:
            return locked
        # A former member's answers the leader left out stay in the draft but are not scored.
        answers = list(
            locked.answers.exclude(respondent_id__in=selectors.excluded_respondent_ids(locked))
            .select_related("question__domain", "option", "respondent")
            .order_by("question__domain__position", "question__position", "respondent_id")
        )
        definition = questionnaire_definition(version=locked.version)
        mapping = answers_mapping(answers)
        answered_domains = {
            a.question.domain.key for a in answers if a.dont_know or a.option_id is not None
        }
        refusal = submit_refusal(
            domains_without_answers=[
                d.name for d in definition.domains if d.key not in answered_domains
            ]
        )
        if refusal:
            raise AssessmentError(refusal)
        agreed = agreed_answers(locked)
        result = scoring.score(definition, mapping, {row.question.key: row.level for row in agreed})
        locked.snapshot = build_snapshot(
            version=locked.version, answers=answers, result=result, agreed=agreed
        )
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        locked.stage, locked.score_stage = result.stage, result.score_stage
        locked.overall_score = result.overall_score
        locked.save(
            update_fields=[
                "snapshot",
                "status",
                "submitted_at",
                "submitted_by",
                "stage",
                "score_stage",
                "overall_score",
            ]
        )
    return locked


def assessment_respondent_exclude(*, assessment: Assessment, respondent_id, excluded: bool, by):
    """Leave a former member's answers out of the draft's score (`excluded`), or count them
    again. The answers themselves are kept either way. Returns the respondent."""
    if not str(respondent_id).isdigit():
        raise AssessmentError(RESPONDENT_UNKNOWN)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_draft:
            raise AssessmentError(NOT_A_DRAFT)
        # Looked up through the assessment's answers: nobody outside this draft can be named.
        answer = (
            locked.answers.filter(respondent_id=int(respondent_id))
            .select_related("respondent")
            .first()
        )
        if answer is None:
            raise AssessmentError(RESPONDENT_UNKNOWN)
        person = answer.respondent
        if locked.org.memberships.filter(user=person).exists():
            name = person.get_full_name() or person.email
            raise AssessmentError(RESPONDENT_IS_MEMBER.format(name=name, org=locked.org.name))
        if excluded:
            ExcludedRespondent.objects.get_or_create(
                assessment=locked, respondent=person, defaults={"excluded_by": by}
            )
        else:
            ExcludedRespondent.objects.filter(assessment=locked, respondent=person).delete()
    return person


def assessment_targets_set(*, assessment: Assessment, targets: dict[str, str]) -> dict[str, int]:
    """Store per-domain targets (stage numbers) for a submitted assessment. The snapshot is not
    touched: targets steer the roadmap, they do not change the result."""
    if assessment.is_draft:
        raise AssessmentError(TARGETS_NEED_SUBMITTED)
    keys = {d["key"] for d in assessment.snapshot["domains"]}
    cleaned: dict[str, int] = {}
    for key, raw in targets.items():
        if key not in keys:
            raise AssessmentError(TARGET_UNKNOWN_DOMAIN.format(key=key[:60]))
        try:
            value = int(raw)
        except (TypeError, ValueError) as exc:
            raise AssessmentError(TARGET_OUT_OF_RANGE) from exc
        if not 1 <= value <= 5:
            raise AssessmentError(TARGET_OUT_OF_RANGE)
        cleaned[key] = value
    with transaction.atomic():
        # Merge into the stored targets under a row lock, so two people saving different
        # domains at once both keep their change.
        stored = Assessment.objects.select_for_update().only("targets").get(pk=assessment.pk)
        merged = {**stored.targets, **cleaned}
        Assessment.objects.filter(pk=assessment.pk).update(targets=merged)
    assessment.targets = merged
    return merged


PDF_LAYOUT_VERSION = 3  # bump when the report template changes what a PDF shows


def report_pdf_key(
    *, assessment: Assessment, tags: frozenset[str], with_appendix: bool = True, branding=None
) -> str:
    """Everything a PDF shows besides the frozen snapshot: targets, the org's name, profile
    tags and paper size, the branding on its cover (Branding.key), whether the appendix is in,
    the layout version. Same key, same bytes."""
    from assessment.branding import branding_for  # the white-label module imports models

    brand = branding or branding_for(assessment.org)
    material = {
        "paper": assessment.org.paper_size,
        "branding": brand.key,
        "appendix": with_appendix,
        "assessment": str(assessment.public_id),
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else "",
        "targets": dict(sorted(assessment.targets.items())),
        "org": assessment.org.name,
        "tags": sorted(tags),
        "layout": PDF_LAYOUT_VERSION,
        # The appendix prints the plan's owners and dates: a plan change makes a new PDF.
        "plan": plan_services.plan_stamp(assessment.org_id),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def report_pdf_get_or_render(*, assessment: Assessment, key: str, render_html) -> bytes:
    """The cached PDF for this key, or render `render_html()` once and keep it."""
    cached = ReportPdf.objects.filter(assessment=assessment, key=key).values_list("pdf", flat=True)
    for pdf in cached:
        return bytes(pdf)
    pdf = render_pdf_bounded(render_html())
    ReportPdf.objects.bulk_create(
        [ReportPdf(assessment=assessment, key=key, pdf=pdf)], ignore_conflicts=True
    )
    return pdf
