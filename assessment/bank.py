"""Question bank services: load a bank file into the database, export it, copy and publish
versions, and build the plain definition the scoring module works on."""

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from assessment import scoring
from assessment.bank_file import BankFileError, dump_bank, parse_bank
from assessment.models import (
    Action,
    AnswerOption,
    Domain,
    PublishedVersionError,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)

VERSION_EXISTS_DIFFERENT = (
    "{slug} version {number} is already loaded with different content. A loaded version never "
    "changes: give the file a new version number."
)
ALREADY_PUBLISHED = "{version} is already published."


def bank_export(*, version: QuestionnaireVersion) -> dict:
    """The version as a normalized bank dict (the shape `parse_bank` returns)."""
    domains = list(
        version.domains.order_by("position", "id").prefetch_related("questions__options")
    )
    actions = version.actions.select_related("domain").order_by("position", "id")
    return {
        "slug": version.questionnaire.slug,
        "name": version.name,
        "description": version.description,
        "version": version.number,
        "thresholds": {
            "proactive": version.proactive_min,
            "predictive": version.predictive_min,
            "strategic": version.strategic_min,
            "embedded": version.embedded_min,
        },
        "domains": [
            {
                "key": d.key,
                "name": d.name,
                "description": d.description,
                "weight": d.weight,
                "questions": [
                    _question_export(q)
                    for q in sorted(d.questions.all(), key=lambda q: (q.position, q.id))
                ],
            }
            for d in domains
        ],
        "actions": [_action_export(a) for a in actions],
    }


def _question_export(q: Question) -> dict:
    out = {
        "key": q.key,
        "text": q.text,
        "help": q.help_text,
        "weight": q.weight,
        "gate": {"stage": q.gate_stage, "min_level": q.gate_min_level} if q.is_gate else None,
        "answers": [o.text for o in sorted(q.options.all(), key=lambda o: o.level)],
    }
    # The shape parse_bank gives: a label only where the question has one.
    if q.label:
        out["label"] = q.label
    return out


def _action_export(a: Action) -> dict:
    if not a.is_practice_action:
        return {
            "key": a.key,
            "domain": a.domain.key,
            "stage": a.stage,
            "title": a.title,
            "why": a.why,
            "effort": a.effort,
            "effort_weeks": a.effort_weeks,
            "tags": list(a.tags),
        }
    return {
        "key": a.key,
        "domain": a.domain.key,
        "stage": a.stage,
        "lifts": list(a.lifts),
        "from_level": a.from_level,
        "title": a.title,
        "why": a.why,
        "done_when": a.done_when,
        "first_step": a.first_step,
        "effort": a.effort,
        "effort_weeks": a.effort_weeks,
        "owner": a.owner,
        "prerequisites": list(a.prerequisites),
        "tags": list(a.tags),
    }


def _create_content(version: QuestionnaireVersion, bank: dict) -> None:
    domains_by_key = {}
    for d_pos, d in enumerate(bank["domains"]):
        domain = Domain.objects.create(
            version=version,
            key=d["key"],
            name=d["name"],
            description=d["description"],
            weight=d["weight"],
            position=d_pos,
        )
        domains_by_key[d["key"]] = domain
        for q_pos, q in enumerate(d["questions"]):
            gate = q["gate"] or {}
            question = Question.objects.create(
                domain=domain,
                key=q["key"],
                label=q.get("label", ""),
                text=q["text"],
                help_text=q["help"],
                weight=q["weight"],
                position=q_pos,
                gate_stage=gate.get("stage"),
                gate_min_level=gate.get("min_level"),
            )
            AnswerOption.objects.bulk_create(
                AnswerOption(question=question, level=level, text=text)
                for level, text in enumerate(q["answers"], start=1)
            )
    Action.objects.bulk_create(
        Action(
            version=version,
            domain=domains_by_key[a["domain"]],
            key=a["key"],
            stage=a["stage"],
            title=a["title"],
            why=a["why"],
            effort=a["effort"],
            effort_weeks=a["effort_weeks"],
            tags=a["tags"],
            position=position,
            lifts=a.get("lifts", []),
            from_level=a.get("from_level"),
            done_when=a.get("done_when", ""),
            first_step=a.get("first_step", ""),
            owner=a.get("owner", ""),
            prerequisites=a.get("prerequisites", []),
        )
        for position, a in enumerate(bank["actions"])
    )


@transaction.atomic
def bank_load(*, text: str, publish: bool = True) -> tuple[QuestionnaireVersion, bool]:
    """Load a bank file. Returns (version, created). Loading the same file again is a no-op;
    the same version number with other content is refused. Raises BankFileError on a bad file."""
    bank = parse_bank(text)
    questionnaire, _ = Questionnaire.objects.get_or_create(
        slug=bank["slug"], defaults={"name": bank["name"], "description": bank["description"]}
    )
    existing = questionnaire.versions.filter(number=bank["version"]).first()
    if existing is not None:
        if bank_export(version=existing) != bank:
            raise PublishedVersionError(
                VERSION_EXISTS_DIFFERENT.format(slug=bank["slug"], number=bank["version"])
            )
        return existing, False
    thresholds = bank["thresholds"]
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=bank["version"],
        name=bank["name"],
        description=bank["description"],
        proactive_min=thresholds["proactive"],
        predictive_min=thresholds["predictive"],
        strategic_min=thresholds["strategic"],
        embedded_min=thresholds["embedded"],
    )
    _create_content(version, bank)
    if publish:
        version_publish(version=version)
    return version, True


@transaction.atomic
def version_copy_to_draft(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new draft version with the same content, numbered after the newest one."""
    bank = bank_export(version=version)
    newest = version.questionnaire.versions.order_by("-number").values_list("number", flat=True)
    draft = QuestionnaireVersion.objects.create(
        questionnaire=version.questionnaire,
        number=newest[0] + 1,
        name=version.name,
        description=version.description,
        proactive_min=version.proactive_min,
        predictive_min=version.predictive_min,
        strategic_min=version.strategic_min,
        embedded_min=version.embedded_min,
    )
    _create_content(draft, bank)
    return draft


def version_publish(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    if version.is_published:
        raise PublishedVersionError(ALREADY_PUBLISHED.format(version=version))
    # A queryset update on the still-draft row; from here on the row is frozen.
    now = timezone.now()
    QuestionnaireVersion.objects.filter(pk=version.pk).update(
        status=QuestionnaireVersion.Status.PUBLISHED, published_at=now
    )
    version.status, version.published_at = QuestionnaireVersion.Status.PUBLISHED, now
    return version


def questionnaire_definition(*, version: QuestionnaireVersion) -> scoring.QuestionnaireDef:
    """The plain definition the scoring module takes, built from one version's rows."""
    domains = version.domains.order_by("position", "id").prefetch_related("questions")
    return scoring.QuestionnaireDef(
        domains=tuple(
            scoring.DomainDef(
                key=d.key,
                name=d.name,
                weight=d.weight,
                questions=tuple(
                    scoring.QuestionDef(
                        key=q.key,
                        text=q.text,
                        label=q.label,
                        weight=q.weight,
                        gate=scoring.Gate(stage=q.gate_stage, min_level=q.gate_min_level)
                        if q.is_gate
                        else None,
                    )
                    for q in sorted(d.questions.all(), key=lambda q: (q.position, q.id))
                ),
            )
            for d in domains
        ),
        thresholds=scoring.Thresholds(
            proactive=version.proactive_min,
            predictive=version.predictive_min,
            strategic=version.strategic_min,
            embedded=version.embedded_min,
        ),
    )


# --- what publishing a draft would change -------------------------------------------------------

SECTIONS = (("domains", "Domains"), ("questions", "Questions"), ("answers", "Answer options"))


@dataclass(frozen=True)
class DiffSection:
    """What changed in one kind of bank content, each entry named by its key."""

    title: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()  # "key (field, field)"

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class BankDiff:
    settings: tuple[str, ...]  # version-level fields that differ (name, thresholds, ...)
    sections: tuple[DiffSection, ...]

    @property
    def unchanged(self) -> bool:
        return not self.settings and all(s.unchanged for s in self.sections)


def _keyed(bank: dict | None) -> dict[str, dict[str, dict]]:
    """The bank's content as {kind: {key: fields}} in bank order, so two versions compare key
    by key. A question carries its domain; an option is keyed by its question and level."""
    out: dict[str, dict[str, dict]] = {"domains": {}, "questions": {}, "answers": {}, "actions": {}}
    if bank is None:
        return out
    for domain in bank["domains"]:
        fields = {k: v for k, v in domain.items() if k != "questions"}
        out["domains"][domain["key"]] = fields
        for question in domain["questions"]:
            fields = {k: v for k, v in question.items() if k != "answers"}
            out["questions"][question["key"]] = {
                **fields,
                "label": question.get("label", ""),
                "domain": domain["key"],
            }
            for level, text in enumerate(question["answers"], start=1):
                out["answers"][f"{question['key']} level {level}"] = {"text": text}
    for action in bank["actions"]:
        out["actions"][action["key"]] = action
    return out


def _moved(was: list[str], now: list[str]) -> set[str]:
    """Keys kept in both whose order among the kept keys differs: an insertion or removal
    elsewhere moves nothing, a swap moves both."""
    kept = set(was) & set(now)
    before = [k for k in was if k in kept]
    after = [k for k in now if k in kept]
    return {a for a, b in zip(before, after, strict=True) if a != b}


def _changed_fields(old: dict, new: dict) -> list[str]:
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def bank_diff(old: dict | None, new: dict) -> BankDiff:
    """What `new` adds, removes and changes against `old` (None: nothing published yet), for
    each kind of content, listed by key. Both are `bank_export` dicts."""
    before, after = _keyed(old), _keyed(new)
    sections = []
    for kind, title in (*SECTIONS, ("actions", "Actions")):
        was, now = before[kind], after[kind]
        changed = []
        # An option's place is its level, already in its key.
        moved = _moved(list(was), list(now)) if kind != "answers" else set()
        for key in now.keys() & was.keys():
            fields = _changed_fields(was[key], now[key]) + (["order"] if key in moved else [])
            if fields:
                changed.append(f"{key} ({', '.join(fields)})")
        sections.append(
            DiffSection(
                title=title,
                added=tuple(k for k in now if k not in was),
                removed=tuple(k for k in was if k not in now),
                changed=tuple(sorted(changed)),
            )
        )
    settings: tuple[str, ...] = ()
    if old is not None:
        top = ("name", "description", "thresholds")
        settings = tuple(_changed_fields({k: old[k] for k in top}, {k: new[k] for k in top}))
    return BankDiff(settings=settings, sections=tuple(sections))


def version_publish_check(*, version: QuestionnaireVersion) -> tuple[BankDiff, str, str]:
    """What publishing `version` would change against its questionnaire's current published
    version, a fingerprint of the content reviewed, and why it cannot be published ("" if it
    can): the draft must still pass every rule a bank file is held to."""
    bank = bank_export(version=version)
    current = version.questionnaire.current_version()
    diff = bank_diff(bank_export(version=current) if current else None, bank)
    try:
        parse_bank(dump_bank(bank))
    except BankFileError as exc:
        problem = str(exc)
    else:
        problem = ""
    return diff, content_fingerprint(bank), problem


def content_fingerprint(bank: dict) -> str:
    return hashlib.sha256(json.dumps(bank, sort_keys=True, default=str).encode()).hexdigest()
