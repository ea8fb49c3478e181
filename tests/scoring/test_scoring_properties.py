"""Properties that must hold for any questionnaire and any answers (hypothesis, no Django)."""

import json
import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.scoring import (
    DONT_KNOW,
    STAGES,
    AnswerValue,
    DomainDef,
    Gate,
    QuestionDef,
    QuestionnaireDef,
    Result,
    Thresholds,
    result_from_dict,
    result_to_dict,
    score,
)

# Moderate on purpose: the whole scoring run must stay well under ten seconds. No example
# database, so running the tests never writes into the repository.
PROPERTY = settings(max_examples=50, deadline=None, database=None)

RespondentAnswers = dict[str, AnswerValue]
AnswerSet = dict[str | int, RespondentAnswers]

thresholds = st.one_of(
    st.just(Thresholds()),
    st.lists(st.integers(min_value=1, max_value=100), min_size=4, max_size=4, unique=True).map(
        lambda values: Thresholds(*sorted(values))
    ),
)
# Ints and strs mixed, "7" next to 7, because respondent ids are opaque to scoring.
respondent_ids: st.SearchStrategy[str | int] = st.sampled_from([1, 2, 7, "7", "ana", "bo"])

# Questionnaires and answers are decoded from bytes: one hypothesis draw per domain or per
# respondent instead of one per value, which keeps generation (not scoring, ~1 ms) fast.


def weight_from_byte(byte: int) -> float:
    # 0.1 to 4.0: steps of 0.1 are not exact binary fractions, like real weights (0.3, 1.5).
    return (1 + byte % 40) / 10


def gate_from_byte(byte: int) -> Gate | None:
    n = byte % 40
    # Half the bytes mean no gate; the rest cover every stage 2-5 x min_level 1-5.
    return None if n < 20 else Gate(stage=2 + (n - 20) // 5, min_level=1 + (n - 20) % 5)


# Indexed by byte % 7. Hypothesis often tries all-zero bytes, so 0 is a real mid-level answer
# rather than "unanswered": an all-zero draw still exercises the scoring.
ANSWER_BY_BYTE: tuple[AnswerValue | None, ...] = (3, 1, 2, 4, 5, DONT_KNOW, None)


def answer_from_byte(byte: int) -> AnswerValue | None:
    """None leaves the question unanswered."""
    return ANSWER_BY_BYTE[byte % 7]


def domain_from_bytes(index: int, blob: bytes) -> DomainDef:
    """blob[0] is the domain weight; then (weight, gate) byte pairs, one pair per question."""
    pairs = zip(blob[1::2], blob[2::2], strict=False)
    return DomainDef(
        key=f"d{index}",
        name=f"Domain {index}",
        weight=weight_from_byte(blob[0]),
        questions=tuple(
            QuestionDef(
                key=f"d{index}-q{q}",
                text=f"Question {q} of domain {index}",
                weight=weight_from_byte(weight_byte),
                gate=gate_from_byte(gate_byte),
            )
            for q, (weight_byte, gate_byte) in enumerate(pairs)
        ),
    )


# 1 to 8 domains of 1 to 6 questions each.
domain_blobs = st.lists(st.binary(min_size=3, max_size=13), min_size=1, max_size=8)


@st.composite
def questionnaires(draw: st.DrawFn, *, default_thresholds: bool = False) -> QuestionnaireDef:
    domains = tuple(domain_from_bytes(i, blob) for i, blob in enumerate(draw(domain_blobs)))
    chosen = Thresholds() if default_thresholds else draw(thresholds)
    return QuestionnaireDef(domains=domains, thresholds=chosen)


def question_keys(questionnaire: QuestionnaireDef) -> list[str]:
    return [q.key for d in questionnaire.domains for q in d.questions]


@st.composite
def answer_sets(draw: st.DrawFn, questionnaire: QuestionnaireDef) -> AnswerSet:
    questions = [
        (d, q.key) for d, domain in enumerate(questionnaire.domains) for q in domain.questions
    ]
    ids = draw(st.lists(respondent_ids, min_size=1, max_size=4, unique=True))
    answers: AnswerSet = {}
    for respondent in ids:
        # Bit d set: this respondent skipped domain d, so whole domains go unanswered often
        # enough to exercise the "no answers counts as Reactive" cap.
        skipped_domains = draw(st.integers(min_value=0, max_value=255))
        blob = draw(st.binary(min_size=len(questions), max_size=len(questions)))
        given_answers: RespondentAnswers = {}
        for (d, key), byte in zip(questions, blob, strict=True):
            value = answer_from_byte(byte)
            if value is not None and not skipped_domains >> d & 1:
                given_answers[key] = value
        answers[respondent] = given_answers
    return answers


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[QuestionnaireDef, AnswerSet]:
    questionnaire = draw(questionnaires())
    return questionnaire, draw(answer_sets(questionnaire))


def uniform_answers(questionnaire: QuestionnaireDef, level: int, respondents: int) -> AnswerSet:
    return {r: dict.fromkeys(question_keys(questionnaire), level) for r in range(respondents)}


def assert_not_lower(before: Result, after: Result) -> None:
    for old, new in zip(before.domains, after.domains, strict=True):
        # Changing an existing answer never changes which questions are answered.
        assert (old.score is None) == (new.score is None)
        if old.score is not None and new.score is not None:
            assert new.score >= old.score
    assert after.overall_score >= before.overall_score
    assert after.score_stage >= before.score_stage
    assert after.stage >= before.stage


@PROPERTY
@given(scenarios())
def test_every_score_lies_between_0_and_100(scenario: tuple[QuestionnaireDef, AnswerSet]) -> None:
    result = score(*scenario)

    for domain in result.domains:
        assert domain.score is None or 0 <= domain.score <= 100
        assert domain.stage in STAGES
    assert 0 <= result.overall_score <= 100
    assert 0 <= result.completeness <= 1
    assert result.stage in STAGES and result.score_stage in STAGES


@PROPERTY
@given(scenarios())
def test_same_input_gives_an_equal_result(scenario: tuple[QuestionnaireDef, AnswerSet]) -> None:
    assert score(*scenario) == score(*scenario)


@PROPERTY
@given(scenarios(), st.integers(min_value=0, max_value=2**32))
def test_order_of_respondents_and_answers_does_not_matter(
    scenario: tuple[QuestionnaireDef, AnswerSet], seed: int
) -> None:
    questionnaire, answers = scenario
    shuffler = random.Random(seed)  # seeded: a failure replays exactly
    respondents = list(answers.items())
    shuffler.shuffle(respondents)
    shuffled: AnswerSet = {}
    for respondent, given_answers in respondents:
        items = list(given_answers.items())
        shuffler.shuffle(items)
        shuffled[respondent] = dict(items)

    assert score(questionnaire, shuffled) == score(questionnaire, answers)


@PROPERTY
@given(st.data())
def test_raising_one_answer_by_one_level_never_lowers_a_score_or_stage(data: st.DataObject) -> None:
    questionnaire, answers = data.draw(scenarios())
    raisable = [
        (respondent, key, value)
        for respondent, given_answers in answers.items()
        for key, value in given_answers.items()
        if isinstance(value, int) and value < 5
    ]
    if not raisable:
        return
    respondent, key, level = data.draw(st.sampled_from(raisable))
    raised = {r: dict(a) for r, a in answers.items()}
    raised[respondent][key] = level + 1

    assert_not_lower(score(questionnaire, answers), score(questionnaire, raised))


@PROPERTY
@given(st.data())
def test_turning_dont_know_into_any_level_never_lowers_a_score_or_stage(
    data: st.DataObject,
) -> None:
    questionnaire, answers = data.draw(scenarios())
    unknown = [
        (respondent, key)
        for respondent, given_answers in answers.items()
        for key, value in given_answers.items()
        if value == DONT_KNOW
    ]
    if not unknown:
        return
    respondent, key = data.draw(st.sampled_from(unknown))
    known = {r: dict(a) for r, a in answers.items()}
    known[respondent][key] = data.draw(st.integers(min_value=1, max_value=5))

    assert_not_lower(score(questionnaire, answers), score(questionnaire, known))


@PROPERTY
@given(scenarios())
def test_gated_stage_never_exceeds_the_score_stage(
    scenario: tuple[QuestionnaireDef, AnswerSet],
) -> None:
    result = score(*scenario)

    assert result.stage <= result.score_stage
    # Every reason holds the org back, the tightest one decides, and they come tightest first.
    assert all(reason.caps_at < result.score_stage for reason in result.cap_reasons)
    assert result.stage == min([result.score_stage, *(r.caps_at for r in result.cap_reasons)])
    assert result.capped == bool(result.cap_reasons)
    caps = [reason.caps_at for reason in result.cap_reasons]
    assert caps == sorted(caps)


@PROPERTY
@given(scenarios())
def test_shown_scores_and_stages_agree(scenario: tuple[QuestionnaireDef, AnswerSet]) -> None:
    questionnaire, answers = scenario
    result = score(questionnaire, answers)

    for domain in result.domains:
        if domain.score is not None:
            assert domain.stage == questionnaire.thresholds.stage_for(domain.score)
            assert domain.score == round(domain.score, 1)
    assert result.score_stage == questionnaire.thresholds.stage_for(result.overall_score)


@PROPERTY
@given(scenarios())
def test_overall_score_is_the_weighted_mean_of_the_shown_domain_scores(
    scenario: tuple[QuestionnaireDef, AnswerSet],
) -> None:
    questionnaire, answers = scenario
    result = score(questionnaire, answers)
    pairs = [
        (shown.score, defined.weight)
        for defined, shown in zip(questionnaire.domains, result.domains, strict=True)
        if shown.score is not None
    ]
    expected = (
        round(math.fsum(s * w for s, w in pairs) / math.fsum(w for _, w in pairs), 1)
        if pairs
        else 0.0
    )

    assert result.overall_score == expected


@PROPERTY
@given(questionnaires(default_thresholds=True), st.integers(min_value=1, max_value=4))
def test_all_answers_at_level_one_are_reactive_crawl(
    questionnaire: QuestionnaireDef, respondents: int
) -> None:
    result = score(questionnaire, uniform_answers(questionnaire, 1, respondents))

    assert result.overall_score == 0.0
    assert (result.score_stage, result.stage, result.phase) == (1, 1, "Crawl")


@PROPERTY
@given(questionnaires(default_thresholds=True), st.integers(min_value=1, max_value=4))
def test_all_answers_at_level_five_are_embedded_run(
    questionnaire: QuestionnaireDef, respondents: int
) -> None:
    result = score(questionnaire, uniform_answers(questionnaire, 5, respondents))

    assert result.overall_score == 100.0
    assert (result.score_stage, result.stage, result.phase) == (5, 5, "Run")
    assert result.cap_reasons == ()
    assert result.completeness == 1.0


@PROPERTY
@given(scenarios())
def test_result_round_trips_through_dict_and_json(
    scenario: tuple[QuestionnaireDef, AnswerSet],
) -> None:
    result = score(*scenario)

    assert result_from_dict(result_to_dict(result)) == result
    assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result


# --- agreed answers (calibration) -------------------------------------------------------------


@st.composite
def agreed_sets(draw: st.DrawFn, questionnaire: QuestionnaireDef) -> dict[str, int]:
    """Agreed levels for some of the questions (answered or not): byte % 6 == 0 means none."""
    keys = question_keys(questionnaire)
    blob = draw(st.binary(min_size=len(keys), max_size=len(keys)))
    return {key: byte % 6 for key, byte in zip(keys, blob, strict=True) if byte % 6}


@st.composite
def calibrated_scenarios(draw: st.DrawFn) -> tuple[QuestionnaireDef, AnswerSet, dict[str, int]]:
    questionnaire, answers = draw(scenarios())
    return questionnaire, answers, draw(agreed_sets(questionnaire))


@PROPERTY
@given(scenarios())
def test_agreeing_on_the_level_everyone_gave_changes_nothing(
    scenario: tuple[QuestionnaireDef, AnswerSet],
) -> None:
    questionnaire, answers = scenario
    given_levels: dict[str, list[AnswerValue]] = {}
    for given_answers in answers.values():
        for key, value in given_answers.items():
            given_levels.setdefault(key, []).append(value)
    unanimous = {
        key: values[0]
        for key, values in given_levels.items()
        if values[0] != DONT_KNOW and len(set(values)) == 1
    }
    agreed = {key: int(level) for key, level in unanimous.items()}

    assert score(questionnaire, answers, agreed) == score(questionnaire, answers)


@PROPERTY
@given(st.data())
def test_raising_an_agreed_level_by_one_never_lowers_a_score_or_stage(
    data: st.DataObject,
) -> None:
    questionnaire, answers, agreed = data.draw(calibrated_scenarios())
    raisable = [key for key, level in agreed.items() if level < 5]
    if not raisable:
        return
    key = data.draw(st.sampled_from(raisable))
    raised = {**agreed, key: agreed[key] + 1}

    assert_not_lower(score(questionnaire, answers, agreed), score(questionnaire, answers, raised))


@PROPERTY
@given(calibrated_scenarios())
def test_agreed_answers_resolve_exactly_their_alignment_gaps(
    scenario: tuple[QuestionnaireDef, AnswerSet, dict[str, int]],
) -> None:
    questionnaire, answers, agreed = scenario
    calibrated = score(questionnaire, answers, agreed)
    plain = score(questionnaire, answers)

    # The disagreement stays on record: the same gaps, only marked resolved.
    assert [g.question_key for g in calibrated.alignment_gaps] == [
        g.question_key for g in plain.alignment_gaps
    ]
    for gap in calibrated.alignment_gaps:
        assert gap.resolved == (gap.question_key in agreed)


@PROPERTY
@given(calibrated_scenarios())
def test_calibrated_result_round_trips_through_dict_and_json(
    scenario: tuple[QuestionnaireDef, AnswerSet, dict[str, int]],
) -> None:
    result = score(*scenario)

    assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result
