"""Stagewise scoring: a questionnaire version and its answers in, a maturity result out.

Pure and deterministic on purpose: a result is stored as a snapshot when an assessment is
submitted and must be reproducible forever from the same questionnaire version and answers, so
nothing here touches Django, the database, the clock or randomness. The rules are explained for
CS leaders in docs/scoring.md; keep the two in step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final, Literal

STAGES: Final[tuple[int, ...]] = (1, 2, 3, 4, 5)
STAGE_KEYS: Final[dict[int, str]] = {
    1: "reactive",
    2: "proactive",
    3: "predictive",
    4: "strategic",
    5: "embedded",
}
STAGE_NAMES: Final[dict[int, str]] = {
    1: "Reactive",
    2: "Proactive",
    3: "Predictive",
    4: "Strategic",
    5: "Embedded",
}
PHASES: Final[tuple[str, ...]] = ("Crawl", "Walk", "Run")
LEVELS: Final[tuple[int, ...]] = (1, 2, 3, 4, 5)
DONT_KNOW: Final = "dont_know"

AnswerValue = int | Literal["dont_know"]
# Respondent ids are opaque to scoring (user ids, UUIDs, emails): only their answers matter.
Answers = Mapping[Any, Mapping[str, AnswerValue]]
CapKind = Literal["domain", "gate"]

# Bumped only if the snapshot layout changes; stored snapshots must stay readable forever.
SNAPSHOT_FORMAT: Final = 1

# Error messages are constants so tests (and callers) can assert on them.
INVALID_STAGE = "Unknown stage {stage!r}; stages are 1 to 5."
INVALID_THRESHOLDS = (
    "Thresholds {values} are invalid: they must rise strictly "
    "(proactive < predictive < strategic < embedded) and lie above 0 and at most 100."
)
NO_DOMAINS = "The questionnaire has no domains."
EMPTY_DOMAIN = "Domain {key!r} has no questions."
DUPLICATE_DOMAIN_KEY = "Domain key {key!r} is used more than once; domain keys must be unique."
DUPLICATE_QUESTION_KEY = (
    "Question key {key!r} is used more than once; question keys must be unique "
    "across the whole questionnaire."
)
INVALID_WEIGHT = "{owner} has weight {weight!r}; weights must be positive numbers."
INVALID_GATE_STAGE = (
    "Question {key!r} has a gate at stage {stage!r}; "
    "a gate stage must be 2 to 5 (Proactive to Embedded)."
)
INVALID_GATE_LEVEL = (
    "Question {key!r} has a gate with min_level {level!r}; min_level must be 1 to 5."
)
UNKNOWN_QUESTION = (
    "Respondent {respondent!r} answered question {key!r}, which is not in this questionnaire."
)
INVALID_ANSWER = (
    "Respondent {respondent!r} gave {value!r} for question {key!r}; "
    "an answer must be a level 1 to 5 or 'dont_know'."
)
UNKNOWN_SNAPSHOT_FORMAT = "Unknown result snapshot format {value!r}; expected {expected}."
INVALID_CAP_KIND = "Unknown cap reason kind {value!r}; expected 'domain' or 'gate'."
UNKNOWN_AGREED_QUESTION = (
    "An agreed answer names question {key!r}, which is not in this questionnaire."
)
INVALID_AGREED_LEVEL = (
    "The agreed answer for question {key!r} is {value!r}; an agreed answer must be a level 1 to 5."
)

WEAKEST_DOMAIN_RULE = "the org can be at most one stage above its weakest domain"


def phase_of(stage: int) -> str:
    _check_stage(stage)
    if stage == 1:
        return "Crawl"
    if stage == 2:
        return "Walk"
    # Run covers three stages because a single "Run" is too coarse for mature teams.
    return "Run"


@dataclass(frozen=True)
class Thresholds:
    """Minimum score (0-100) of each stage above Reactive; field names are the stage keys."""

    proactive: float = 20
    predictive: float = 40
    strategic: float = 60
    embedded: float = 80

    def minimum(self, stage: int) -> float:
        _check_stage(stage)
        if stage == 1:
            return 0.0
        value: float = getattr(self, STAGE_KEYS[stage])
        return value

    def stage_for(self, score: float) -> int:
        # Highest stage whose floor the score reaches; a floor is inclusive (20 is Proactive).
        for stage in reversed(STAGES[1:]):
            if score >= self.minimum(stage):
                return stage
        return 1


@dataclass(frozen=True)
class Gate:
    """The org cannot be rated at `stage` or above unless its level on the question >= min_level."""

    stage: int
    min_level: int


@dataclass(frozen=True)
class QuestionDef:
    key: str
    text: str
    weight: float = 1.0
    gate: Gate | None = None
    label: str = ""  # a short practice label ("customer tiers"); bank v1 has none


@dataclass(frozen=True)
class DomainDef:
    key: str
    name: str
    questions: tuple[QuestionDef, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class QuestionnaireDef:
    domains: tuple[DomainDef, ...]
    thresholds: Thresholds = Thresholds()


@dataclass(frozen=True)
class DomainResult:
    key: str
    name: str
    score: float | None  # None when nobody answered any of its questions
    stage: int  # 1 when score is None
    answered: int  # questions with at least one answer, "don't know" included
    total: int


@dataclass(frozen=True)
class CapReason:
    kind: CapKind
    key: str  # domain key or question key
    label: str  # domain name or question text
    caps_at: int  # the highest stage this reason allows
    detail: str
    lift: str


@dataclass(frozen=True)
class DataGap:
    question_key: str
    domain_key: str
    dont_know: int
    unanswered: bool


@dataclass(frozen=True)
class AlignmentGap:
    question_key: str
    domain_key: str
    levels: tuple[int, ...]  # sorted, "don't know" excluded
    spread: int
    # True when a calibration session recorded an agreed answer for the question: the
    # disagreement stays on record, but the agreed level is what was scored.
    resolved: bool = False


@dataclass(frozen=True)
class Result:
    domains: tuple[DomainResult, ...]
    overall_score: float
    score_stage: int
    score_phase: str
    stage: int
    phase: str
    cap_reasons: tuple[CapReason, ...]
    data_gaps: tuple[DataGap, ...]
    alignment_gaps: tuple[AlignmentGap, ...]
    completeness: float
    respondents: int

    @property
    def capped(self) -> bool:
        return self.stage < self.score_stage

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]

    @property
    def score_stage_name(self) -> str:
        return STAGE_NAMES[self.score_stage]


# --- validation -------------------------------------------------------------------------------


def validate_questionnaire(questionnaire: QuestionnaireDef) -> None:
    """Raise ValueError naming the first problem; score() calls this before anything else."""
    _check_thresholds(questionnaire.thresholds)
    if not questionnaire.domains:
        raise ValueError(NO_DOMAINS)
    domain_keys: set[str] = set()
    question_keys: set[str] = set()
    for domain in questionnaire.domains:
        if domain.key in domain_keys:
            raise ValueError(DUPLICATE_DOMAIN_KEY.format(key=domain.key))
        domain_keys.add(domain.key)
        _check_weight(domain.weight, owner=f"Domain {domain.key!r}")
        if not domain.questions:
            raise ValueError(EMPTY_DOMAIN.format(key=domain.key))
        for question in domain.questions:
            if question.key in question_keys:
                raise ValueError(DUPLICATE_QUESTION_KEY.format(key=question.key))
            question_keys.add(question.key)
            _check_weight(question.weight, owner=f"Question {question.key!r}")
            if question.gate is not None:
                _check_gate(question.key, question.gate)


def _is_int(value: object) -> bool:
    # bool is an int subclass, but True as a level or stage is always a bug upstream.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_stage(stage: int) -> None:
    if not _is_int(stage) or stage not in STAGES:
        raise ValueError(INVALID_STAGE.format(stage=stage))


def _check_thresholds(thresholds: Thresholds) -> None:
    values = [thresholds.minimum(stage) for stage in STAGES[1:]]
    # Rising floors keep stage_for monotonic; a floor of 0 would make Reactive unreachable and
    # one above 100 would make its stage unreachable.
    valid = (
        all(_is_number(v) and math.isfinite(v) for v in values)
        and values[0] > 0
        and all(low < high for low, high in pairwise(values))
        and values[-1] <= 100
    )
    if not valid:
        raise ValueError(INVALID_THRESHOLDS.format(values=values))


def _check_weight(weight: float, *, owner: str) -> None:
    if not (_is_number(weight) and math.isfinite(weight) and weight > 0):
        raise ValueError(INVALID_WEIGHT.format(owner=owner, weight=weight))


def _check_gate(question_key: str, gate: Gate) -> None:
    # A gate at Reactive would be meaningless: every org is at least Reactive.
    if not _is_int(gate.stage) or gate.stage not in STAGES[1:]:
        raise ValueError(INVALID_GATE_STAGE.format(key=question_key, stage=gate.stage))
    if not _is_int(gate.min_level) or gate.min_level not in LEVELS:
        raise ValueError(INVALID_GATE_LEVEL.format(key=question_key, level=gate.min_level))


# --- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tally:
    """All answers to one question, reduced to what the rules need.

    Kept as sorted levels and a count so that nothing downstream depends on respondent order.
    """

    levels: tuple[int, ...]
    dont_know: int
    # The level agreed in a calibration session; it replaces the mean of the answers.
    agreed: int | None = None

    @property
    def responses(self) -> int:
        return len(self.levels) + self.dont_know

    @property
    def answered(self) -> bool:
        # An agreed answer is the org's answer even if no single respondent gave one.
        return self.responses > 0 or self.agreed is not None

    def mean_level(self) -> float:
        # "Don't know" counts as level 1: we can't credit a practice nobody can vouch for.
        return (sum(self.levels) + self.dont_know * 1) / self.responses

    def org_score(self) -> float:
        if self.agreed is not None:
            return answer_score(self.agreed)
        # Sums of whole numbers are exact, so the mean doesn't depend on respondent order.
        return sum(answer_score(level) for level in self.levels) / self.responses

    def org_level(self) -> float:
        # Same reasoning for gates: the agreed level, else the mean with "don't know" as 1.
        return self.agreed if self.agreed is not None else self.mean_level()

    @property
    def calibrated(self) -> bool:
        """An agreed answer that differs from what the answers alone say (worth naming)."""
        return self.agreed is not None and (self.responses == 0 or self.agreed != self.mean_level())


def answer_score(level: int) -> int:
    """Level k scores (k-1)*25, so the five anchors spread evenly over 0-100."""
    return (level - 1) * 25


def _tally_answers(
    questionnaire: QuestionnaireDef, answers: Answers, agreed: Mapping[str, int]
) -> tuple[dict[str, _Tally], int]:
    """Validate every answer and group them by question; also count who answered anything."""
    levels: dict[str, list[int]] = {q.key: [] for d in questionnaire.domains for q in d.questions}
    dont_know = dict.fromkeys(levels, 0)
    respondents = 0
    for respondent, given in answers.items():
        if given:
            respondents += 1
        for key, value in given.items():
            if key not in levels:
                raise ValueError(UNKNOWN_QUESTION.format(respondent=respondent, key=key))
            if value == DONT_KNOW:
                dont_know[key] += 1
            elif _is_int(value) and value in LEVELS:
                levels[key].append(int(value))
            else:
                raise ValueError(INVALID_ANSWER.format(respondent=respondent, key=key, value=value))
    for key, value in agreed.items():
        if key not in levels:
            raise ValueError(UNKNOWN_AGREED_QUESTION.format(key=key))
        if not (_is_int(value) and value in LEVELS):
            raise ValueError(INVALID_AGREED_LEVEL.format(key=key, value=value))
    tallies = {
        key: _Tally(tuple(sorted(levels[key])), dont_know[key], agreed.get(key)) for key in levels
    }
    return tallies, respondents


# --- scores -----------------------------------------------------------------------------------


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when there are none."""
    items = list(pairs)
    if not items:
        return None
    # fsum keeps the result independent of float error build-up across many questions.
    return math.fsum(v * w for v, w in items) / math.fsum(w for _, w in items)


def _score_domain(
    domain: DomainDef, tallies: Mapping[str, _Tally], thresholds: Thresholds
) -> DomainResult:
    answered = [q for q in domain.questions if tallies[q.key].answered]
    mean = _weighted_mean((tallies[q.key].org_score(), q.weight) for q in answered)
    # Round before taking the stage so the number shown and the stage shown always agree.
    score = None if mean is None else round(mean, 1)
    return DomainResult(
        key=domain.key,
        name=domain.name,
        score=score,
        stage=1 if score is None else thresholds.stage_for(score),
        answered=len(answered),
        total=len(domain.questions),
    )


def _overall_score(questionnaire: QuestionnaireDef, domains: tuple[DomainResult, ...]) -> float:
    # Built from the rounded domain scores, i.e. the numbers the leader sees.
    mean = _weighted_mean(
        (result.score, definition.weight)
        for definition, result in zip(questionnaire.domains, domains, strict=True)
        if result.score is not None
    )
    return 0.0 if mean is None else round(mean, 1)


# --- caps -------------------------------------------------------------------------------------


def _format_number(value: float) -> str:
    # Scores and levels are shown without a trailing ".0": "20", "12.5", "1.67".
    return f"{value:g}"


def _domain_cap_reason(domain: DomainResult, thresholds: Thresholds, score_stage: int) -> CapReason:
    # The domain stops holding the org back once it is one stage below the score-implied stage.
    target = score_stage - 1
    target_text = (
        f"{STAGE_NAMES[target]} (score {_format_number(thresholds.minimum(target))} or more)"
    )
    if domain.score is None:
        detail = (
            f"{domain.name} has no answers, so it counts as Reactive, and {WEAKEST_DOMAIN_RULE}."
        )
        lift = f"Answer the {domain.name} questions and raise it to {target_text}."
    else:
        detail = (
            f"{domain.name} is {STAGE_NAMES[domain.stage]} "
            f"(score {_format_number(domain.score)}), and {WEAKEST_DOMAIN_RULE}."
        )
        lift = f"Raise {domain.name} to {target_text}."
    return CapReason(
        kind="domain",
        key=domain.key,
        label=domain.name,
        caps_at=domain.stage + 1,
        detail=detail,
        lift=lift,
    )


def _gate_passes(gate: Gate, tally: _Tally) -> bool:
    # Nobody vouching for a foundation means the org hasn't shown it.
    return tally.answered and tally.org_level() >= gate.min_level


def _displayed_level(level: float, min_level: int) -> str:
    shown = round(level, 2)
    # Never let rounding show a failing level as reaching the requirement (1.999 -> "1.99").
    if shown >= min_level:
        shown = math.floor(level * 100) / 100
    return _format_number(shown)


def _gate_cap_reason(question: QuestionDef, gate: Gate, tally: _Tally) -> CapReason:
    needs = f"{STAGE_NAMES[gate.stage]} needs at least level {gate.min_level}."
    if not tally.answered:
        detail = f"Gate: nobody answered this question; {needs}"
        lift = f"Answer this question at level {gate.min_level} or higher."
    elif tally.calibrated:
        detail = f"Gate: agreed at level {tally.agreed} in calibration; {needs}"
        lift = f"Reach level {gate.min_level} or higher on this question."
    else:
        level = _displayed_level(tally.org_level(), gate.min_level)
        counted = " (don't know counts as level 1)" if tally.dont_know else ""
        # A mean is only "on average" when more than one person answered.
        averaged = " on average" if tally.responses > 1 else ""
        detail = f"Gate: answered at level {level}{averaged}{counted}; {needs}"
        lift = f"Reach level {gate.min_level} or higher on this question."
    return CapReason(
        kind="gate",
        key=question.key,
        # A short practice label reads as a name ("Customer tiers caps ..."); a question doesn't.
        label=question.label[:1].upper() + question.label[1:] if question.label else question.text,
        caps_at=gate.stage - 1,
        detail=detail,
        lift=lift,
    )


def _cap_reasons(
    questionnaire: QuestionnaireDef,
    domains: tuple[DomainResult, ...],
    tallies: Mapping[str, _Tally],
    score_stage: int,
) -> tuple[CapReason, ...]:
    """Every domain and failing gate that holds the org below its score-implied stage.

    Each weak domain is named, not only the weakest, so the leader sees all the work needed.
    Ordered by (caps_at, kind, questionnaire order): the tightest cap first.
    """
    ranked: list[tuple[int, str, int, CapReason]] = []
    for index, domain in enumerate(domains):
        if domain.stage + 1 < score_stage:
            reason = _domain_cap_reason(domain, questionnaire.thresholds, score_stage)
            ranked.append((reason.caps_at, reason.kind, index, reason))
    questions = [q for d in questionnaire.domains for q in d.questions]
    for index, question in enumerate(questions):
        gate = question.gate
        if gate is None or gate.stage - 1 >= score_stage:
            continue
        tally = tallies[question.key]
        if not _gate_passes(gate, tally):
            reason = _gate_cap_reason(question, gate, tally)
            ranked.append((reason.caps_at, reason.kind, index, reason))
    ranked.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in ranked)


# --- gaps -------------------------------------------------------------------------------------


def _data_gaps(
    questionnaire: QuestionnaireDef, tallies: Mapping[str, _Tally]
) -> tuple[DataGap, ...]:
    return tuple(
        DataGap(
            question_key=q.key,
            domain_key=d.key,
            dont_know=tallies[q.key].dont_know,
            unanswered=not tallies[q.key].answered,
        )
        for d in questionnaire.domains
        for q in d.questions
        if tallies[q.key].dont_know or not tallies[q.key].answered
    )


def _alignment_gaps(
    questionnaire: QuestionnaireDef, tallies: Mapping[str, _Tally]
) -> tuple[AlignmentGap, ...]:
    gaps = []
    for d in questionnaire.domains:
        for q in d.questions:
            levels = tallies[q.key].levels
            # Two levels apart means respondents describe different practices, not nuance.
            if levels and levels[-1] - levels[0] >= 2:
                resolved = tallies[q.key].agreed is not None
                gaps.append(AlignmentGap(q.key, d.key, levels, levels[-1] - levels[0], resolved))
    return tuple(gaps)


# --- entry point ------------------------------------------------------------------------------


def score(
    questionnaire: QuestionnaireDef,
    answers: Answers,
    agreed: Mapping[str, int] | None = None,
) -> Result:
    """Score one assessment.

    `answers` maps respondent id -> question key -> level 1-5 or DONT_KNOW; a question missing
    from a respondent's mapping is unanswered by them. `agreed` maps question key -> the level
    agreed in a calibration session: it replaces the mean for that question everywhere (domain
    score, gates, stage) and marks the question's alignment gap resolved. Raises ValueError for
    an invalid questionnaire, an unknown question key or an answer that is not a level or
    DONT_KNOW, and for an agreed answer on an unknown question or outside levels 1 to 5.
    """
    validate_questionnaire(questionnaire)
    tallies, respondents = _tally_answers(questionnaire, answers, agreed or {})
    thresholds = questionnaire.thresholds
    domains = tuple(_score_domain(d, tallies, thresholds) for d in questionnaire.domains)
    overall_score = _overall_score(questionnaire, domains)
    score_stage = thresholds.stage_for(overall_score)
    cap_reasons = _cap_reasons(questionnaire, domains, tallies, score_stage)
    # Reasons are exactly the caps below the score-implied stage, so the tightest one wins.
    stage = min([score_stage, *(reason.caps_at for reason in cap_reasons)])
    total = sum(domain.total for domain in domains)
    answered = sum(domain.answered for domain in domains)
    return Result(
        domains=domains,
        overall_score=overall_score,
        score_stage=score_stage,
        score_phase=phase_of(score_stage),
        stage=stage,
        phase=phase_of(stage),
        cap_reasons=cap_reasons,
        data_gaps=_data_gaps(questionnaire, tallies),
        alignment_gaps=_alignment_gaps(questionnaire, tallies),
        completeness=answered / total,
        respondents=respondents,
    )


# --- snapshots --------------------------------------------------------------------------------


def result_to_dict(result: Result) -> dict[str, Any]:
    """A JSON-safe snapshot (lists, dicts, str, numbers, bools, None only)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "domains": [
            {
                "key": d.key,
                "name": d.name,
                "score": d.score,
                "stage": d.stage,
                "answered": d.answered,
                "total": d.total,
            }
            for d in result.domains
        ],
        "overall_score": result.overall_score,
        "score_stage": result.score_stage,
        "score_phase": result.score_phase,
        "stage": result.stage,
        "phase": result.phase,
        "cap_reasons": [
            {
                "kind": r.kind,
                "key": r.key,
                "label": r.label,
                "caps_at": r.caps_at,
                "detail": r.detail,
                "lift": r.lift,
            }
            for r in result.cap_reasons
        ],
        "data_gaps": [
            {
                "question_key": g.question_key,
                "domain_key": g.domain_key,
                "dont_know": g.dont_know,
                "unanswered": g.unanswered,
            }
            for g in result.data_gaps
        ],
        "alignment_gaps": [_alignment_gap_dict(g) for g in result.alignment_gaps],
        "completeness": result.completeness,
        "respondents": result.respondents,
    }


def _alignment_gap_dict(gap: AlignmentGap) -> dict[str, Any]:
    out: dict[str, Any] = {
        "question_key": gap.question_key,
        "domain_key": gap.domain_key,
        "levels": list(gap.levels),
        "spread": gap.spread,
    }
    # Written only when set, so an uncalibrated result keeps the snapshot layout it always had.
    if gap.resolved:
        out["resolved"] = True
    return out


def _cap_kind(value: str) -> CapKind:
    if value == "domain":
        return "domain"
    if value == "gate":
        return "gate"
    raise ValueError(INVALID_CAP_KIND.format(value=value))


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Exact inverse of result_to_dict, also after a trip through JSON."""
    if data.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(
            UNKNOWN_SNAPSHOT_FORMAT.format(value=data.get("format"), expected=SNAPSHOT_FORMAT)
        )
    # Numbers are coerced because some JSON stores hand back 50 for 50.0.
    return Result(
        domains=tuple(
            DomainResult(
                key=d["key"],
                name=d["name"],
                score=None if d["score"] is None else float(d["score"]),
                stage=int(d["stage"]),
                answered=int(d["answered"]),
                total=int(d["total"]),
            )
            for d in data["domains"]
        ),
        overall_score=float(data["overall_score"]),
        score_stage=int(data["score_stage"]),
        score_phase=data["score_phase"],
        stage=int(data["stage"]),
        phase=data["phase"],
        cap_reasons=tuple(
            CapReason(
                kind=_cap_kind(r["kind"]),
                key=r["key"],
                label=r["label"],
                caps_at=int(r["caps_at"]),
                detail=r["detail"],
                lift=r["lift"],
            )
            for r in data["cap_reasons"]
        ),
        data_gaps=tuple(
            DataGap(
                question_key=g["question_key"],
                domain_key=g["domain_key"],
                dont_know=int(g["dont_know"]),
                unanswered=bool(g["unanswered"]),
            )
            for g in data["data_gaps"]
        ),
        alignment_gaps=tuple(
            AlignmentGap(
                question_key=g["question_key"],
                domain_key=g["domain_key"],
                levels=tuple(int(level) for level in g["levels"]),
                spread=int(g["spread"]),
                # Snapshots from before calibration have no such key: nothing was resolved.
                resolved=bool(g.get("resolved", False)),
            )
            for g in data["alignment_gaps"]
        ),
        completeness=float(data["completeness"]),
        respondents=int(data["respondents"]),
    )
