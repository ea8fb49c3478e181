"""Importing an exported assessment (see `assessment.exports.assessment_export_document`) into
this instance as a new organization.

Every respondent of the export becomes a user of its own here (an inactive placeholder with an
unusable password, or the importing leader when their email matches), because the org answer to
a question is the mean over respondents and alignment gaps compare them: folding everyone into
one person would change the result. The answers are then saved and submitted through the normal
services, so the result is scored again by `assessment.scoring`, and the import is refused
unless that result equals the exported one exactly."""

import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from assessment import scoring
from assessment.exports import EXPORT_FORMAT, EXPORT_FORMAT_VERSION, ORG_PROFILE_FIELDS
from assessment.models import NOTE_MAX_LENGTH, Assessment, Question, QuestionnaireVersion
from assessment.services import AnswerInput, AssessmentError, answers_save, assessment_submit
from orgs.models import Organization
from orgs.services import org_create, unique_org_slug

NOT_JSON = "The file is not valid JSON ({detail})."
NOT_AN_EXPORT = (
    "The file is not a Stagewise assessment export: 'format' must be '{expected}' (found {found})."
)
UNSUPPORTED_VERSION = (
    "Unsupported export format_version {found}; this instance reads format_version {expected}."
)
MISSING_KEY = "The export has no '{key}'."
WRONG_TYPE = "'{key}' in the export must be {kind}."
BAD_CHOICE = "org.{field} is {value!r}, which is not one of: {choices}."
BAD_DATE = "'submitted_at' must be an ISO 8601 date and time with a time zone (found {value!r})."
QUESTIONNAIRE_MISMATCH = (
    "The export names questionnaire {outer} but its snapshot was made with {inner}."
)
UNKNOWN_RESPONDENT = "Answer {index} names respondent {respondent!r}, who is not in 'respondents'."
BAD_LEVEL = "Answer {index} has level {level!r}; a level is 1 to 5, or null."
LEVEL_AND_DONT_KNOW = "Answer {index} has both a level and dont_know."
NOTE_TOO_LONG = f"Answer {{index}} has a note longer than {NOTE_MAX_LENGTH} characters."
DUPLICATE_ANSWER = "Respondent {respondent!r} answers question {question!r} more than once."
BAD_RESULT = "The exported result cannot be read: {detail}"
VERSION_NOT_LOADED = (
    "Questionnaire {slug} version {version} is not loaded on this instance. Load that bank file "
    "with `manage.py load_questionnaire` first."
)
VERSION_NOT_PUBLISHED = (
    "Questionnaire {slug} version {version} is loaded here but not published; publish it first."
)
UNKNOWN_QUESTION = "Question {key!r} is not part of {slug} version {version} on this instance."
BAD_ORG_NAME = "The organization name {name!r} is empty or longer than 120 characters."
NO_SUCH_LEADER = "There is no user with the email {email}; create the account first."
NOT_SCORABLE = "The answers cannot be submitted here: {detail}"
RESULT_DIFFERS = (
    "Scoring the imported answers gives a different result from the exported one (stage "
    "{new_stage} and score {new_score} here, stage {old_stage} and score {old_score} in the "
    "file). The file may have been edited."
)
PLACEHOLDER_EMAIL = "imported+{tag}-{n}@invalid"


class AssessmentImportError(Exception):
    """The file cannot be imported; the message names the problem. Nothing was created."""


def _require(container: dict, key: str, kind: type | tuple, label: str, where: str = ""):
    name = f"{where}.{key}" if where else key
    if key not in container:
        raise AssessmentImportError(MISSING_KEY.format(key=name))
    value = container[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise AssessmentImportError(WRONG_TYPE.format(key=name, kind=label))
    return value


def _check_org(org: dict) -> None:
    name = _require(org, "name", str, "a text", "org")
    if not name.strip() or len(name) > Organization._meta.get_field("name").max_length:
        raise AssessmentImportError(BAD_ORG_NAME.format(name=name[:40]))
    for field in ORG_PROFILE_FIELDS:
        value = org.get(field, "")
        if not isinstance(value, str):
            raise AssessmentImportError(WRONG_TYPE.format(key=f"org.{field}", kind="a text"))
        choices = Organization._meta.get_field(field).choices
        if value and choices and value not in {c for c, _ in choices}:
            raise AssessmentImportError(
                BAD_CHOICE.format(
                    field=field, value=value, choices=", ".join(c for c, _ in choices)
                )
            )
    if len(org.get("industry", "")) > Organization._meta.get_field("industry").max_length:
        raise AssessmentImportError(WRONG_TYPE.format(key="org.industry", kind="at most 80 chars"))


def _check_answers(snapshot: dict) -> None:
    respondents = _require(snapshot, "respondents", list, "a list", "snapshot")
    ids = set()
    for person in respondents:
        if not isinstance(person, dict):
            raise AssessmentImportError(
                WRONG_TYPE.format(key="snapshot.respondents", kind="a list of objects")
            )
        ids.add(_require(person, "id", str, "a text", "snapshot.respondents[]"))
        _require(person, "name", str, "a text", "snapshot.respondents[]")
        _require(person, "email", str, "a text", "snapshot.respondents[]")
    seen = set()
    for index, answer in enumerate(_require(snapshot, "answers", list, "a list", "snapshot")):
        if not isinstance(answer, dict):
            raise AssessmentImportError(
                WRONG_TYPE.format(key="snapshot.answers", kind="a list of objects")
            )
        where = "snapshot.answers[]"
        respondent = _require(answer, "respondent", str, "a text", where)
        question = _require(answer, "question", str, "a text", where)
        dont_know = _require(answer, "dont_know", bool, "true or false", where)
        note = _require(answer, "note", str, "a text", where)
        if "level" not in answer:
            raise AssessmentImportError(MISSING_KEY.format(key=f"{where}.level"))
        level = answer["level"]
        if respondent not in ids:
            raise AssessmentImportError(
                UNKNOWN_RESPONDENT.format(index=index, respondent=respondent)
            )
        if level is not None and (
            not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5
        ):
            raise AssessmentImportError(BAD_LEVEL.format(index=index, level=level))
        if level is not None and dont_know:
            raise AssessmentImportError(LEVEL_AND_DONT_KNOW.format(index=index))
        if len(note) > NOTE_MAX_LENGTH:
            raise AssessmentImportError(NOTE_TOO_LONG.format(index=index))
        if (respondent, question) in seen:
            raise AssessmentImportError(
                DUPLICATE_ANSWER.format(respondent=respondent, question=question)
            )
        seen.add((respondent, question))


def import_document_parse(text: str) -> dict:
    """The export as a dict, checked for shape, or AssessmentImportError naming the problem."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AssessmentImportError(NOT_JSON.format(detail=exc)) from exc
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise AssessmentImportError(NOT_AN_EXPORT.format(expected=EXPORT_FORMAT, found=repr(found)))
    if "format_version" not in document:
        raise AssessmentImportError(MISSING_KEY.format(key="format_version"))
    if document["format_version"] != EXPORT_FORMAT_VERSION:
        raise AssessmentImportError(
            UNSUPPORTED_VERSION.format(
                found=repr(document["format_version"]), expected=EXPORT_FORMAT_VERSION
            )
        )
    _check_org(_require(document, "org", dict, "an object"))
    outer = _require(document, "questionnaire", dict, "an object")
    slug = _require(outer, "slug", str, "a text", "questionnaire")
    number = _require(outer, "version", int, "a whole number", "questionnaire")
    raw_date = _require(document, "submitted_at", str, "a text")
    try:
        when = datetime.fromisoformat(raw_date)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise AssessmentImportError(BAD_DATE.format(value=raw_date[:40]))
    snapshot = _require(document, "snapshot", dict, "an object")
    inner = _require(snapshot, "questionnaire", dict, "an object", "snapshot")
    if (inner.get("slug"), inner.get("version")) != (slug, number):
        raise AssessmentImportError(
            QUESTIONNAIRE_MISMATCH.format(
                outer=f"{slug} v{number}", inner=f"{inner.get('slug')} v{inner.get('version')}"
            )
        )
    _check_answers(snapshot)
    result = _require(snapshot, "result", dict, "an object", "snapshot")
    try:
        scoring.result_from_dict(result)
    except (KeyError, TypeError, ValueError) as exc:
        raise AssessmentImportError(
            BAD_RESULT.format(detail=f"{type(exc).__name__}: {exc}")
        ) from exc
    return document


def _version(slug: str, number: int) -> QuestionnaireVersion:
    version = (
        QuestionnaireVersion.objects.select_related("questionnaire")
        .filter(questionnaire__slug=slug, number=number)
        .first()
    )
    if version is None:
        raise AssessmentImportError(VERSION_NOT_LOADED.format(slug=slug, version=number))
    if not version.is_published:
        raise AssessmentImportError(VERSION_NOT_PUBLISHED.format(slug=slug, version=number))
    return version


def _answer_inputs(
    answers: list[dict], questions: dict[str, Question]
) -> dict[str, list[AnswerInput]]:
    """Respondent id → their answers as the autosave service takes them."""
    by_respondent: dict[str, list[AnswerInput]] = {}
    for answer in answers:
        question = questions[answer["question"]]
        if answer["dont_know"]:
            value = scoring.DONT_KNOW
        elif answer["level"] is not None:
            value = str(next(o.pk for o in question.options.all() if o.level == answer["level"]))
        else:
            value = ""  # a note without a choice
        by_respondent.setdefault(answer["respondent"], []).append(
            AnswerInput(str(question.pk), value, answer["note"])
        )
    return by_respondent


def _placeholder(tag: str, n: int, name: str):
    email = PLACEHOLDER_EMAIL.format(tag=tag, n=n)
    user = get_user_model()(username=email, email=email, first_name=name[:150], is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def assessment_import(*, document: dict, org_name: str = "", leader_email: str = "") -> Assessment:
    """Create a new org (new public ids) holding the exported assessment, re-scored here.
    `document` comes from `import_document_parse`. All or nothing."""
    slug, number = document["questionnaire"]["slug"], document["questionnaire"]["version"]
    version = _version(slug, number)
    snapshot = document["snapshot"]
    questions = {
        q.key: q
        for q in Question.objects.filter(domain__version=version).prefetch_related("options")
    }
    for answer in snapshot["answers"]:
        if answer["question"] not in questions:
            raise AssessmentImportError(
                UNKNOWN_QUESTION.format(key=answer["question"], slug=slug, version=number)
            )
    leader = None
    if leader_email:
        leader = get_user_model().objects.filter(email__iexact=leader_email).first()
        if leader is None:
            raise AssessmentImportError(NO_SUCH_LEADER.format(email=leader_email))
    inputs = _answer_inputs(snapshot["answers"], questions)
    profile = {field: document["org"].get(field, "") for field in ORG_PROFILE_FIELDS}
    name = (org_name or document["org"]["name"]).strip()
    if not 0 < len(name) <= Organization._meta.get_field("name").max_length:
        raise AssessmentImportError(BAD_ORG_NAME.format(name=name[:40]))
    with transaction.atomic():
        if leader is not None:
            org = org_create(name=name, created_by=leader, **profile)
        else:
            org = Organization.objects.create(name=name, slug=unique_org_slug(name), **profile)
        people = {}
        for n, person in enumerate(snapshot["respondents"], start=1):
            if person["id"] not in inputs:
                continue
            if leader is not None and person["email"].lower() == leader.email.lower():
                people[person["id"]] = leader
            else:
                people[person["id"]] = _placeholder(org.public_id.hex[:12], n, person["name"])
        by = leader or next(iter(people.values()), None)
        if by is None:
            raise AssessmentImportError(NOT_SCORABLE.format(detail="the export has no answers."))
        draft = Assessment.objects.create(org=org, version=version, started_by=by)
        try:
            for respondent, items in inputs.items():
                answers_save(assessment=draft, respondent=people[respondent], items=items)
            assessment = assessment_submit(assessment=draft, by=by)
        except AssessmentError as exc:
            raise AssessmentImportError(NOT_SCORABLE.format(detail=exc)) from exc
        expected = snapshot["result"]
        if assessment.snapshot["result"] != expected:
            raise AssessmentImportError(
                RESULT_DIFFERS.format(
                    new_stage=assessment.stage,
                    new_score=assessment.overall_score,
                    old_stage=expected.get("stage"),
                    old_score=expected.get("overall_score"),
                )
            )
        # Keep the original date, so the imported result sits where it belongs in the history.
        when = datetime.fromisoformat(document["submitted_at"])
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=when, created_at=when)
        assessment.submitted_at = assessment.created_at = when
    return assessment
