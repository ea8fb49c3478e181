"""One test per scoring rule, at its boundaries. Plain pytest: no Django, no database."""

import json
import math
import re

import pytest

from assessment.scoring import (
    DONT_KNOW,
    DUPLICATE_DOMAIN_KEY,
    DUPLICATE_QUESTION_KEY,
    EMPTY_DOMAIN,
    INVALID_ANSWER,
    INVALID_GATE_LEVEL,
    INVALID_GATE_STAGE,
    INVALID_STAGE,
    INVALID_WEIGHT,
    NO_DOMAINS,
    PHASES,
    STAGE_KEYS,
    STAGE_NAMES,
    STAGES,
    UNKNOWN_QUESTION,
    UNKNOWN_SNAPSHOT_FORMAT,
    AlignmentGap,
    AnswerValue,
    CapReason,
    DataGap,
    DomainDef,
    Gate,
    QuestionDef,
    QuestionnaireDef,
    Result,
    Thresholds,
    phase_of,
    result_from_dict,
    result_to_dict,
    score,
)

# --- builders ---------------------------------------------------------------------------------


def question(key: str, weight: float = 1.0, gate: Gate | None = None) -> QuestionDef:
    return QuestionDef(key=key, text=f"Text of {key}", weight=weight, gate=gate)


def domain(key: str, *questions: QuestionDef, weight: float = 1.0, name: str = "") -> DomainDef:
    return DomainDef(key=key, name=name or f"Domain {key}", questions=questions, weight=weight)


def questionnaire(*domains: DomainDef, thresholds: Thresholds | None = None) -> QuestionnaireDef:
    return QuestionnaireDef(domains=domains, thresholds=thresholds or Thresholds())


def domain_scoring(
    key: str, hundredths: int, weight: float = 1.0
) -> tuple[DomainDef, dict[str, AnswerValue]]:
    """A domain whose score is exactly hundredths/100 before rounding.

    A level-5 question (100 points) weighted `hundredths` next to a level-1 question (0 points)
    weighted `10000 - hundredths` averages to hundredths / 100.
    """
    questions = []
    given: dict[str, AnswerValue] = {}
    if hundredths > 0:
        questions.append(question(f"{key}-high", weight=hundredths))
        given[f"{key}-high"] = 5
    if hundredths < 10000:
        questions.append(question(f"{key}-low", weight=10000 - hundredths))
        given[f"{key}-low"] = 1
    return domain(key, *questions, weight=weight), given


def at(value: float) -> int:
    """A score as the hundredths domain_scoring takes."""
    return round(value * 100)


# --- stages and thresholds --------------------------------------------------------------------

BOUNDARIES = [
    (0, 1),
    (19.9, 1),
    (20, 2),
    (39.9, 2),
    (40, 3),
    (59.9, 3),
    (60, 4),
    (79.9, 4),
    (80, 5),
    (100, 5),
]


@pytest.mark.parametrize(("value", "stage"), BOUNDARIES)
def test_stage_for_puts_a_threshold_score_in_the_higher_stage(value: float, stage: int) -> None:
    assert Thresholds().stage_for(value) == stage


def test_stage_for_follows_custom_thresholds() -> None:
    thresholds = Thresholds(proactive=10, predictive=30, strategic=50, embedded=90)
    assert [thresholds.stage_for(v) for v in (9.9, 10, 29.9, 30, 49.9, 50, 89.9, 90)] == [
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
    ]


def test_minimum_is_zero_for_reactive_and_the_threshold_above_it() -> None:
    assert [Thresholds().minimum(stage) for stage in STAGES] == [0, 20, 40, 60, 80]


@pytest.mark.parametrize("stage", [0, 6, True])
def test_minimum_rejects_an_unknown_stage(stage: int) -> None:
    with pytest.raises(ValueError, match=re.escape(INVALID_STAGE.format(stage=stage))):
        Thresholds().minimum(stage)


@pytest.mark.parametrize(("value", "stage"), BOUNDARIES)
def test_score_at_each_threshold_gives_the_stage_of_its_band(value: float, stage: int) -> None:
    definition, given = domain_scoring("d", at(value))

    result = score(questionnaire(definition), {"r1": given})

    assert result.domains[0].score == value
    assert result.domains[0].stage == stage
    assert result.overall_score == value
    assert result.score_stage == stage
    assert result.stage == stage


@pytest.mark.parametrize(("hundredths", "shown", "stage"), [(1996, 20.0, 2), (1994, 19.9, 1)])
def test_stage_is_taken_from_the_rounded_score(hundredths: int, shown: float, stage: int) -> None:
    definition, given = domain_scoring("d", hundredths)

    result = score(questionnaire(definition), {"r1": given})

    assert result.domains[0].score == shown
    assert result.domains[0].stage == stage
    assert result.score_stage == stage


def test_stage_keys_and_names_cover_every_stage() -> None:
    assert tuple(STAGE_KEYS) == STAGES
    assert tuple(STAGE_NAMES) == STAGES
    assert STAGE_KEYS[1] == "reactive"
    assert STAGE_NAMES[5] == "Embedded"


# --- phases -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "phase"), [(1, "Crawl"), (2, "Walk"), (3, "Run"), (4, "Run"), (5, "Run")]
)
def test_phase_of_maps_stages_to_crawl_walk_run(stage: int, phase: str) -> None:
    assert phase_of(stage) == phase
    assert phase in PHASES


@pytest.mark.parametrize("stage", [0, 6])
def test_phase_of_rejects_an_unknown_stage(stage: int) -> None:
    with pytest.raises(ValueError, match=re.escape(INVALID_STAGE.format(stage=stage))):
        phase_of(stage)


def test_result_gives_the_phase_of_both_the_score_stage_and_the_gated_stage() -> None:
    strong, strong_answers = domain_scoring("strong", at(100), weight=9)
    weak, weak_answers = domain_scoring("weak", at(0))

    result = score(questionnaire(strong, weak), {"r1": strong_answers | weak_answers})

    assert (result.overall_score, result.score_stage, result.score_phase) == (90.0, 5, "Run")
    assert (result.stage, result.phase) == (2, "Walk")
    assert (result.score_stage_name, result.stage_name) == ("Embedded", "Proactive")
    assert result.capped


# --- answer scores ----------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "points"), [(1, 0), (2, 25), (3, 50), (4, 75), (5, 100)])
def test_each_level_scores_its_anchor_value(level: int, points: float) -> None:
    result = score(questionnaire(domain("d", question("q"))), {"r1": {"q": level}})

    assert result.domains[0].score == points


def test_dont_know_scores_like_level_one() -> None:
    definition = questionnaire(domain("d", question("q")))

    assert score(definition, {"r1": {"q": DONT_KNOW}}).domains[0].score == 0.0
    assert score(definition, {"r1": {"q": DONT_KNOW}, "r2": {"q": 5}}).domains[0].score == 50.0


def test_dont_know_is_a_data_gap_counting_each_respondent_who_said_it() -> None:
    definition = questionnaire(domain("d", question("q1"), question("q2")))

    result = score(definition, {"a": {"q1": DONT_KNOW, "q2": 3}, "b": {"q1": DONT_KNOW}, "c": {}})

    assert result.data_gaps == (DataGap("q1", "d", dont_know=2, unanswered=False),)


def test_dont_know_counts_as_answered_for_completeness() -> None:
    definition = questionnaire(domain("d", question("q1"), question("q2")))

    result = score(definition, {"r1": {"q1": DONT_KNOW, "q2": DONT_KNOW}})

    assert result.completeness == 1.0
    assert result.domains[0].answered == 2


@pytest.mark.parametrize("value", [0, 6, -1, 2.5, "3", "Don't know", None, True])
def test_answer_that_is_not_a_level_or_dont_know_is_rejected(value: object) -> None:
    definition = questionnaire(domain("d", question("q")))
    message = INVALID_ANSWER.format(respondent="r1", key="q", value=value)

    with pytest.raises(ValueError, match=re.escape(message)):
        score(definition, {"r1": {"q": value}})  # type: ignore[dict-item]


def test_answer_to_a_question_not_in_the_questionnaire_is_rejected() -> None:
    definition = questionnaire(domain("d", question("q")))
    message = UNKNOWN_QUESTION.format(respondent=7, key="other")

    with pytest.raises(ValueError, match=re.escape(message)):
        score(definition, {7: {"q": 3, "other": 3}})


# --- means and weights ------------------------------------------------------------------------


def test_question_score_is_the_mean_of_the_respondents_who_answered_it() -> None:
    definition = questionnaire(domain("d", question("q")), domain("other", question("o")))
    answers: dict[str, dict[str, AnswerValue]] = {
        "a": {"q": 1},
        "b": {"q": 2},
        "c": {"q": 4},
        "only-other": {"o": 3},
    }

    result = score(definition, answers)

    assert result.domains[0].score == 33.3  # (0 + 25 + 75) / 3; "only-other" doesn't count


def test_question_weights_weight_the_domain_score() -> None:
    definition = questionnaire(domain("d", question("q1", weight=3), question("q2", weight=1)))

    result = score(definition, {"r1": {"q1": 5, "q2": 1}})

    assert result.domains[0].score == 75.0


def test_equal_question_weights_give_the_plain_mean() -> None:
    definition = questionnaire(domain("d", question("q1"), question("q2")))

    assert score(definition, {"r1": {"q1": 5, "q2": 1}}).domains[0].score == 50.0


def test_domain_score_is_rounded_to_one_decimal() -> None:
    definition = questionnaire(domain("d", question("q1"), question("q2"), question("q3")))

    result = score(definition, {"r1": {"q1": 2, "q2": 1, "q3": 1}})

    assert result.domains[0].score == 8.3  # 25 / 3 = 8.333...


def test_domain_weights_weight_the_overall_score() -> None:
    high, high_answers = domain_scoring("high", at(100), weight=3)
    low, low_answers = domain_scoring("low", at(0), weight=1)

    result = score(questionnaire(high, low), {"r1": high_answers | low_answers})

    assert result.overall_score == 75.0


def test_overall_score_is_the_rounded_mean_of_the_rounded_domain_scores() -> None:
    low = domain("low", question("l1"), question("l2"))
    high = domain("high", question("h1"))

    result = score(questionnaire(low, high), {"r1": {"l1": 2, "l2": 1, "h1": 5}})

    assert [d.score for d in result.domains] == [12.5, 100.0]
    assert result.overall_score == round((12.5 + 100.0) / 2, 1) == 56.2


# --- missing answers --------------------------------------------------------------------------


def test_unanswered_question_is_left_out_of_the_domain_score() -> None:
    definition = questionnaire(domain("d", question("q1"), question("q2")))

    result = score(definition, {"r1": {"q1": 5}})

    assert result.domains[0].score == 100.0
    assert (result.domains[0].answered, result.domains[0].total) == (1, 2)


def test_unanswered_question_is_an_unanswered_data_gap() -> None:
    definition = questionnaire(domain("d", question("q1"), question("q2")))

    result = score(definition, {"r1": {"q1": 5}})

    assert result.data_gaps == (DataGap("q2", "d", dont_know=0, unanswered=True),)


def test_completeness_is_the_share_of_questions_answered_by_anyone() -> None:
    definition = questionnaire(
        domain("a", question("q1"), question("q2")), domain("b", question("q3"), question("q4"))
    )

    result = score(definition, {"r1": {"q1": 2}, "r2": {"q1": 3, "q3": DONT_KNOW}, "r3": {"q4": 4}})

    assert result.completeness == 0.75


def test_domain_nobody_answered_has_no_score_and_is_reactive() -> None:
    definition = questionnaire(domain("a", question("q1")), domain("b", question("q2")))

    result = score(definition, {"r1": {"q1": 5}})

    assert (result.domains[1].score, result.domains[1].stage) == (None, 1)
    assert result.domains[1].answered == 0


def test_domain_nobody_answered_is_left_out_of_the_overall_score() -> None:
    definition = questionnaire(domain("a", question("q1")), domain("b", question("q2")))

    result = score(definition, {"r1": {"q1": 3}})

    assert result.overall_score == 50.0


def test_no_answers_at_all_score_zero_reactive_crawl() -> None:
    result = score(questionnaire(domain("d", question("q"))), {})

    assert (result.overall_score, result.stage, result.phase) == (0.0, 1, "Crawl")
    assert (result.completeness, result.respondents) == (0.0, 0)
    assert result.cap_reasons == ()


def test_respondents_counts_only_people_who_answered_something() -> None:
    definition = questionnaire(domain("d", question("q")))

    result = score(definition, {"a": {"q": 2}, "b": {"q": DONT_KNOW}, "c": {}})

    assert result.respondents == 2


def test_respondent_ids_may_be_strings_or_integers() -> None:
    definition = questionnaire(domain("d", question("q")))

    assert score(definition, {1: {"q": 2}, "two": {"q": 4}}).domains[0].score == 50.0


# --- weakest-domain cap -----------------------------------------------------------------------


def test_domain_one_stage_below_the_score_stage_does_not_cap() -> None:
    strong, strong_answers = domain_scoring("strong", at(100))
    weak, weak_answers = domain_scoring("weak", at(40))

    result = score(questionnaire(strong, weak), {"r1": strong_answers | weak_answers})

    assert (result.overall_score, result.score_stage) == (70.0, 4)
    assert result.domains[1].stage == 3
    assert result.stage == 4
    assert not result.capped
    assert result.cap_reasons == ()


def test_domain_two_stages_below_caps_the_org_one_stage_above_it() -> None:
    strong, strong_answers = domain_scoring("strong", at(100))
    weak, weak_answers = domain_scoring("weak", at(39.9))

    result = score(questionnaire(strong, weak), {"r1": strong_answers | weak_answers})

    assert result.score_stage == 4
    assert result.domains[1].stage == 2
    assert result.stage == 3
    assert [(r.kind, r.key, r.caps_at) for r in result.cap_reasons] == [("domain", "weak", 3)]


def test_domain_nobody_answered_caps_as_reactive() -> None:
    strong, strong_answers = domain_scoring("strong", at(100))
    silent = domain("silent", question("s1"), name="Metrics & Data")

    result = score(questionnaire(strong, silent), {"r1": strong_answers})

    assert (result.overall_score, result.score_stage, result.stage) == (100.0, 5, 2)
    assert result.cap_reasons == (
        CapReason(
            kind="domain",
            key="silent",
            label="Metrics & Data",
            caps_at=2,
            detail=(
                "Metrics & Data has no answers, so it counts as Reactive, "
                "and the org can be at most one stage above its weakest domain."
            ),
            lift=(
                "Answer the Metrics & Data questions and raise it to Strategic (score 60 or more)."
            ),
        ),
    )


def test_every_weak_domain_is_named_not_only_the_weakest() -> None:
    strong, strong_answers = domain_scoring("strong", at(100), weight=20)
    weakest, weakest_answers = domain_scoring("weakest", at(0))
    weak, weak_answers = domain_scoring("weak", at(20))

    result = score(
        questionnaire(strong, weakest, weak),
        {"r1": strong_answers | weakest_answers | weak_answers},
    )

    assert result.score_stage == 5
    assert result.stage == 2
    assert [(r.key, r.caps_at) for r in result.cap_reasons] == [("weakest", 2), ("weak", 3)]


# --- gates ------------------------------------------------------------------------------------


def gated(gate: Gate) -> QuestionnaireDef:
    """One domain scoring 95+ whatever the gate question says, so only the gate can cap it."""
    return questionnaire(
        domain("d", question("solid", weight=99), question("gate", weight=1, gate=gate))
    )


def test_gate_passes_at_exactly_its_min_level() -> None:
    result = score(gated(Gate(stage=3, min_level=3)), {"r1": {"solid": 5, "gate": 3}})

    assert (result.score_stage, result.stage) == (5, 5)
    assert result.cap_reasons == ()


@pytest.mark.parametrize(
    "gate_answers",
    [[2], [2, 3]],
    ids=["one-respondent-one-level-below", "mean-2.5-of-two-respondents"],
)
def test_gate_just_below_its_min_level_caps_one_stage_below_its_stage(
    gate_answers: list[int],
) -> None:
    answers = {f"r{i}": {"solid": 5, "gate": level} for i, level in enumerate(gate_answers)}

    result = score(gated(Gate(stage=3, min_level=3)), answers)

    assert (result.score_stage, result.stage) == (5, 2)
    assert [(r.kind, r.key, r.caps_at) for r in result.cap_reasons] == [("gate", "gate", 2)]


def test_gate_level_is_the_mean_of_several_respondents() -> None:
    answers = {"a": {"solid": 5, "gate": 1}, "b": {"solid": 5, "gate": 3}}

    result = score(gated(Gate(stage=4, min_level=2)), answers)

    assert result.stage == 5  # (1 + 3) / 2 = 2


def test_gate_counts_dont_know_as_level_one() -> None:
    gate = Gate(stage=3, min_level=2)

    passing = score(gated(gate), {"a": {"solid": 5, "gate": DONT_KNOW}, "b": {"gate": 3}})
    failing = score(gated(gate), {"a": {"solid": 5, "gate": DONT_KNOW}, "b": {"gate": 2}})

    assert passing.stage == 5  # (1 + 3) / 2 = 2
    assert failing.stage == 2  # (1 + 2) / 2 = 1.5
    assert failing.cap_reasons[0].detail == (
        "Gate: answered at level 1.5 on average (don't know counts as level 1); "
        "Predictive needs at least level 2."
    )


def test_gate_reason_with_one_respondent_does_not_say_on_average() -> None:
    result = score(gated(Gate(stage=3, min_level=2)), {"a": {"solid": 5, "gate": 1}})

    assert result.cap_reasons[0].detail == (
        "Gate: answered at level 1; Predictive needs at least level 2."
    )


def test_gate_reason_names_the_practice_label_when_the_bank_has_one() -> None:
    labelled = QuestionDef(
        key="gate", text="How does your team X?", gate=Gate(stage=3, min_level=2),
        label="customer tiers",
    )  # fmt: skip
    bank = questionnaire(domain("d", question("solid", weight=99), labelled))

    labelled_result = score(bank, {"a": {"solid": 5, "gate": 1}})
    unlabelled_result = score(gated(Gate(stage=3, min_level=2)), {"a": {"solid": 5, "gate": 1}})

    assert labelled_result.cap_reasons[0].label == "Customer tiers"
    assert unlabelled_result.cap_reasons[0].label == "Text of gate"


def test_gate_with_only_dont_know_passes_a_level_one_requirement() -> None:
    result = score(gated(Gate(stage=5, min_level=1)), {"a": {"solid": 5, "gate": DONT_KNOW}})

    assert result.stage == 5


def test_gate_nobody_answered_fails() -> None:
    result = score(gated(Gate(stage=2, min_level=1)), {"a": {"solid": 5}})

    assert (result.score_stage, result.stage, result.phase) == (5, 1, "Crawl")
    reason = result.cap_reasons[0]
    assert (reason.kind, reason.key, reason.caps_at) == ("gate", "gate", 1)
    assert reason.detail == (
        "Gate: nobody answered this question; Proactive needs at least level 1."
    )
    assert reason.lift == "Answer this question at level 1 or higher."


def test_failing_gate_at_or_above_the_score_stage_holds_nothing_back() -> None:
    definition = questionnaire(
        domain("d", question("q"), question("gate", gate=Gate(stage=4, min_level=5)))
    )

    result = score(definition, {"r1": {"q": 5, "gate": 1}})

    assert (result.overall_score, result.score_stage, result.stage) == (50.0, 3, 3)
    assert result.cap_reasons == ()


# --- cap reasons ------------------------------------------------------------------------------


def test_weak_domain_reason_says_why_and_what_lifts_it() -> None:
    segmentation = domain(
        "segmentation", question("tiers"), question("coverage"), name="Segmentation & Coverage"
    )
    health = domain("health", question("score"))

    result = score(
        questionnaire(segmentation, health), {"r1": {"tiers": 2, "coverage": 1, "score": 5}}
    )

    assert (result.domains[0].score, result.score_stage, result.stage) == (12.5, 3, 2)
    assert result.cap_reasons == (
        CapReason(
            kind="domain",
            key="segmentation",
            label="Segmentation & Coverage",
            caps_at=2,
            detail=(
                "Segmentation & Coverage is Reactive (score 12.5), "
                "and the org can be at most one stage above its weakest domain."
            ),
            lift="Raise Segmentation & Coverage to Proactive (score 20 or more).",
        ),
    )


def test_failing_gate_reason_says_why_and_what_lifts_it() -> None:
    definition = questionnaire(
        domain(
            "health",
            question("signals", weight=9),
            QuestionDef("exists", "A health score exists.", gate=Gate(stage=3, min_level=2)),
        )
    )

    result = score(definition, {"a": {"signals": 5, "exists": 1}, "b": {"signals": 5, "exists": 2}})

    assert result.cap_reasons == (
        CapReason(
            kind="gate",
            key="exists",
            label="A health score exists.",
            caps_at=2,
            detail="Gate: answered at level 1.5 on average; Predictive needs at least level 2.",
            lift="Reach level 2 or higher on this question.",
        ),
    )


def test_cap_reasons_are_ordered_by_cap_then_kind_then_questionnaire_order() -> None:
    strong = domain(
        "strong",
        question("s1", weight=1000),
        question("late-gate", gate=Gate(stage=4, min_level=4)),
        question("early-gate", gate=Gate(stage=2, min_level=3)),
        question("passing-gate", gate=Gate(stage=3, min_level=1)),
        weight=100,
    )
    zeta, zeta_answers = domain_scoring("zeta", at(0))
    alpha, alpha_answers = domain_scoring("alpha", at(0))
    middle, middle_answers = domain_scoring("middle", at(25))
    answers = {
        "r1": {"s1": 5, "late-gate": 3, "early-gate": 2, "passing-gate": 1}
        | zeta_answers
        | alpha_answers
        | middle_answers
    }

    # strong comes first so a gate precedes "middle" in questionnaire order yet sorts after it.
    result = score(questionnaire(strong, zeta, middle, alpha), answers)

    assert result.score_stage == 5
    assert [(r.caps_at, r.kind, r.key) for r in result.cap_reasons] == [
        (1, "gate", "early-gate"),
        (2, "domain", "zeta"),
        (2, "domain", "alpha"),
        (3, "domain", "middle"),
        (3, "gate", "late-gate"),
    ]
    assert result.stage == 1


def test_uncapped_result_has_no_cap_reasons() -> None:
    definition, given = domain_scoring("d", at(85))

    result = score(questionnaire(definition), {"r1": given})

    assert (result.stage, result.capped, result.cap_reasons) == (5, False, ())


# --- alignment --------------------------------------------------------------------------------


def test_spread_of_one_level_is_not_an_alignment_gap() -> None:
    definition = questionnaire(domain("d", question("q")))

    result = score(definition, {"a": {"q": 2}, "b": {"q": 3}, "c": {"q": 3}})

    assert result.alignment_gaps == ()


def test_spread_of_two_levels_is_an_alignment_gap() -> None:
    definition = questionnaire(domain("d", question("q")))

    result = score(definition, {"a": {"q": 3}, "b": {"q": 1}, "c": {"q": 2}})

    assert result.alignment_gaps == (AlignmentGap("q", "d", levels=(1, 2, 3), spread=2),)


def test_dont_know_is_left_out_of_alignment() -> None:
    definition = questionnaire(domain("d", question("q")))

    result = score(definition, {"a": {"q": 3}, "b": {"q": DONT_KNOW}, "c": {"q": 4}})

    assert result.alignment_gaps == ()


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("weight", [0, -1, math.nan, math.inf])
def test_question_weight_must_be_a_positive_number(weight: float) -> None:
    definition = questionnaire(domain("d", question("q", weight=weight)))
    message = INVALID_WEIGHT.format(owner="Question 'q'", weight=weight)

    with pytest.raises(ValueError, match=re.escape(message)):
        score(definition, {})


@pytest.mark.parametrize("weight", [0, -0.5])
def test_domain_weight_must_be_a_positive_number(weight: float) -> None:
    definition = questionnaire(domain("d", question("q"), weight=weight))
    message = INVALID_WEIGHT.format(owner="Domain 'd'", weight=weight)

    with pytest.raises(ValueError, match=re.escape(message)):
        score(definition, {})


def test_domain_keys_must_be_unique() -> None:
    definition = questionnaire(domain("d", question("q1")), domain("d", question("q2")))

    with pytest.raises(ValueError, match=re.escape(DUPLICATE_DOMAIN_KEY.format(key="d"))):
        score(definition, {})


def test_question_keys_must_be_unique_across_domains() -> None:
    definition = questionnaire(domain("a", question("q")), domain("b", question("q")))

    with pytest.raises(ValueError, match=re.escape(DUPLICATE_QUESTION_KEY.format(key="q"))):
        score(definition, {})


@pytest.mark.parametrize("stage", [0, 1, 6])
def test_gate_stage_must_be_proactive_to_embedded(stage: int) -> None:
    definition = questionnaire(domain("d", question("q", gate=Gate(stage=stage, min_level=2))))
    message = INVALID_GATE_STAGE.format(key="q", stage=stage)

    with pytest.raises(ValueError, match=re.escape(message)):
        score(definition, {})


@pytest.mark.parametrize("level", [0, 6])
def test_gate_min_level_must_be_one_to_five(level: int) -> None:
    definition = questionnaire(domain("d", question("q", gate=Gate(stage=2, min_level=level))))
    message = INVALID_GATE_LEVEL.format(key="q", level=level)

    with pytest.raises(ValueError, match=re.escape(message)):
        score(definition, {})


@pytest.mark.parametrize(
    "thresholds",
    [
        Thresholds(proactive=40, predictive=40),
        Thresholds(strategic=30),
        Thresholds(proactive=0),
        Thresholds(embedded=100.5),
        Thresholds(predictive=math.nan),
    ],
)
def test_thresholds_must_rise_strictly_within_zero_to_one_hundred(thresholds: Thresholds) -> None:
    definition = questionnaire(domain("d", question("q")), thresholds=thresholds)

    with pytest.raises(ValueError, match="Thresholds .* are invalid"):
        score(definition, {})


def test_domain_must_have_questions() -> None:
    with pytest.raises(ValueError, match=re.escape(EMPTY_DOMAIN.format(key="d"))):
        score(questionnaire(domain("d")), {})


def test_questionnaire_must_have_domains() -> None:
    with pytest.raises(ValueError, match=re.escape(NO_DOMAINS)):
        score(questionnaire(), {})


# --- snapshots --------------------------------------------------------------------------------


def rich_result() -> Result:
    """A result that uses every field: None score, caps of both kinds, both gap kinds."""
    definition = questionnaire(
        domain(
            "core",
            question("c1", weight=20),
            question("c2", gate=Gate(stage=3, min_level=4)),
            question("c3"),
            weight=10,
        ),
        domain("weak", question("w1")),
        domain("silent", question("s1")),
    )
    answers: dict[object, dict[str, AnswerValue]] = {
        "a": {"c1": 5, "c2": 1, "c3": DONT_KNOW, "w1": 1},
        2: {"c1": 5, "c2": 4, "w1": 2},
    }
    return score(definition, answers)


def test_rich_result_exercises_every_snapshot_field() -> None:
    result = rich_result()

    assert None in [d.score for d in result.domains]
    assert {r.kind for r in result.cap_reasons} == {"domain", "gate"}
    assert result.data_gaps and result.alignment_gaps


def test_result_round_trips_through_a_dict() -> None:
    result = rich_result()

    assert result_from_dict(result_to_dict(result)) == result


def test_result_round_trips_through_json() -> None:
    result = rich_result()

    restored = result_from_dict(json.loads(json.dumps(result_to_dict(result))))

    assert restored == result
    assert hash(restored) == hash(result)


def test_snapshot_holds_only_json_types() -> None:
    snapshot = result_to_dict(rich_result())

    assert json.loads(json.dumps(snapshot)) == snapshot


def test_snapshot_in_an_unknown_format_is_rejected() -> None:
    snapshot = result_to_dict(rich_result()) | {"format": 99}

    with pytest.raises(
        ValueError, match=re.escape(UNKNOWN_SNAPSHOT_FORMAT.format(value=99, expected=1))
    ):
        result_from_dict(snapshot)


# --- the worked examples in docs/scoring.md (keep the two in step) ----------------------------


def test_docs_example_1_weakest_domain_holds_a_strong_team_back() -> None:
    definition = questionnaire(
        domain(
            "segmentation", question("tiers"), question("coverage"), name="Segmentation & Coverage"
        ),
        domain("health", question("score"), question("save-plays")),
        domain("metrics", question("grr"), question("nrr")),
    )
    answers = {
        "leader": {"tiers": 2, "coverage": 1, "score": 4, "save-plays": 5, "grr": 4, "nrr": 4}
    }

    result = score(definition, answers)

    assert [d.score for d in result.domains] == [12.5, 87.5, 75.0]
    assert [d.stage for d in result.domains] == [1, 5, 4]
    assert (result.overall_score, result.score_stage_name, result.score_phase) == (
        58.3,
        "Predictive",
        "Run",
    )
    assert (result.stage_name, result.phase) == ("Proactive", "Walk")
    assert [(r.detail, r.lift) for r in result.cap_reasons] == [
        (
            "Segmentation & Coverage is Reactive (score 12.5), "
            "and the org can be at most one stage above its weakest domain.",
            "Raise Segmentation & Coverage to Proactive (score 20 or more).",
        )
    ]


def test_docs_example_2_gate_weights_and_dont_know() -> None:
    definition = questionnaire(
        domain(
            "health",
            question("score", weight=2, gate=Gate(stage=3, min_level=3)),
            question("save-plays"),
        ),
        domain("metrics", question("grr"), question("nrr"), question("ttv"), weight=2),
    )
    answers: dict[str, dict[str, AnswerValue]] = {
        "leader": {"score": 4, "save-plays": 4, "grr": 5, "nrr": DONT_KNOW, "ttv": 3},
        "csm": {"score": 1, "save-plays": 3, "grr": 4, "nrr": 3},
    }

    result = score(definition, answers)

    assert [d.score for d in result.domains] == [45.8, 54.2]
    assert (result.overall_score, result.score_stage_name) == (51.4, "Predictive")
    assert (result.stage_name, result.phase) == ("Proactive", "Walk")
    assert [(r.detail, r.lift) for r in result.cap_reasons] == [
        (
            "Gate: answered at level 2.5 on average; Predictive needs at least level 3.",
            "Reach level 3 or higher on this question.",
        )
    ]
    assert result.data_gaps == (DataGap("nrr", "metrics", dont_know=1, unanswered=False),)
    assert result.alignment_gaps == (AlignmentGap("score", "health", levels=(1, 4), spread=3),)


def test_docs_example_3_domain_nobody_answered() -> None:
    definition = questionnaire(
        domain("journey", question("onboarding"), question("playbooks")),
        domain("expansion", question("reviews"), question("pipeline")),
        domain("tooling", question("platform"), question("ai"), name="Tooling, Data & AI"),
    )
    answers = {
        "leader": {"onboarding": 5, "playbooks": 4, "reviews": 5, "pipeline": 4},
        "csm-1": {"onboarding": 4, "playbooks": 5, "reviews": 4, "pipeline": 4},
        "csm-2": {"onboarding": 4, "playbooks": 4, "reviews": 5},
    }

    result = score(definition, answers)

    assert [d.score for d in result.domains] == [83.3, 83.3, None]
    assert (result.overall_score, result.score_stage_name) == (83.3, "Embedded")
    assert (result.stage_name, result.phase) == ("Proactive", "Walk")
    assert round(result.completeness, 2) == 0.67
    assert [r.lift for r in result.cap_reasons] == [
        "Answer the Tooling, Data & AI questions and raise it to Strategic (score 60 or more)."
    ]


# --- agreed answers (calibration) -------------------------------------------------------------


def test_agreed_answer_replaces_the_mean_for_its_question_only() -> None:
    q = questionnaire(domain("a", question("q1"), question("q2")))
    answers = {"ana": {"q1": 1, "q2": 2}, "bo": {"q1": 5, "q2": 4}}

    # Mean: q1 (0+100)/2 = 50, q2 (25+75)/2 = 50 -> 50. Agreed q1 = 2 -> 25: (25+50)/2 = 37.5.
    assert score(q, answers).domains[0].score == 50
    assert score(q, answers, {"q1": 2}).domains[0].score == 37.5


def test_agreed_answer_decides_a_gate() -> None:
    gated = question("q1", gate=Gate(stage=3, min_level=3))
    q = questionnaire(domain("a", gated, question("q2")))
    answers = {"ana": {"q1": 1, "q2": 5}, "bo": {"q1": 4, "q2": 5}}  # q1 mean 2.5: gate fails

    failing = score(q, answers)
    passing = score(q, answers, {"q1": 3})

    assert [r.key for r in failing.cap_reasons] == ["q1"]
    assert passing.cap_reasons == ()
    assert passing.stage > failing.stage


def test_agreed_level_below_the_gate_is_named_as_agreed() -> None:
    gated = question("q1", gate=Gate(stage=3, min_level=3))
    q = questionnaire(domain("a", gated, question("q2")))
    answers = {"ana": {"q1": 4, "q2": 5}, "bo": {"q1": 4, "q2": 5}}

    reason = score(q, answers, {"q1": 2}).cap_reasons[0]

    assert reason.detail.startswith("Gate: agreed at level 2 in calibration;")


def test_agreed_answer_keeps_the_alignment_gap_listed_as_resolved() -> None:
    q = questionnaire(domain("a", question("q1"), question("q2")))
    answers = {"ana": {"q1": 1, "q2": 1}, "bo": {"q1": 4, "q2": 4}}

    gaps = score(q, answers, {"q1": 3}).alignment_gaps

    assert [(g.question_key, g.resolved) for g in gaps] == [("q1", True), ("q2", False)]


def test_agreed_answer_on_a_question_nobody_answered_counts_as_answered() -> None:
    q = questionnaire(domain("a", question("q1"), question("q2")))

    result = score(q, {"ana": {"q1": 3}}, {"q2": 5})

    assert result.completeness == 1.0
    assert result.data_gaps == ()
    assert result.domains[0].score == 75


@pytest.mark.parametrize("level", [0, 6, "3", True, None, DONT_KNOW])
def test_agreed_answer_outside_levels_one_to_five_is_rejected(level: object) -> None:
    q = questionnaire(domain("a", question("q1")))

    with pytest.raises(ValueError, match="must be a level 1 to 5"):
        score(q, {"ana": {"q1": 3}}, {"q1": level})  # type: ignore[dict-item]


def test_agreed_answer_for_an_unknown_question_is_rejected() -> None:
    q = questionnaire(domain("a", question("q1")))

    with pytest.raises(ValueError, match="'nope', which is not in this questionnaire"):
        score(q, {"ana": {"q1": 3}}, {"nope": 3})


def test_snapshot_from_before_calibration_reads_gaps_as_unresolved() -> None:
    q = questionnaire(domain("a", question("q1")))
    data = result_to_dict(score(q, {"ana": {"q1": 1}, "bo": {"q1": 5}}))

    assert "resolved" not in data["alignment_gaps"][0]
    assert result_from_dict(data).alignment_gaps[0].resolved is False
    resolved = result_to_dict(score(q, {"ana": {"q1": 1}, "bo": {"q1": 5}}, {"q1": 3}))
    assert result_from_dict(resolved).alignment_gaps[0].resolved is True


def test_docs_example_4_calibration_session_after_example_2() -> None:
    definition = questionnaire(
        domain(
            "health",
            question("score", weight=2, gate=Gate(stage=3, min_level=3)),
            question("save-plays"),
        ),
        domain("metrics", question("grr"), question("nrr"), question("ttv"), weight=2),
    )
    answers: dict[str, dict[str, AnswerValue]] = {
        "leader": {"score": 4, "save-plays": 4, "grr": 5, "nrr": DONT_KNOW, "ttv": 3},
        "csm": {"score": 1, "save-plays": 3, "grr": 4, "nrr": 3},
    }

    agreed_3 = score(definition, answers, {"score": 3})
    agreed_2 = score(definition, answers, {"score": 2})

    assert [d.score for d in agreed_3.domains] == [54.2, 54.2]
    assert (agreed_3.overall_score, agreed_3.stage_name, agreed_3.phase) == (
        54.2,
        "Predictive",
        "Run",
    )
    assert agreed_3.cap_reasons == ()
    assert agreed_3.alignment_gaps == (
        AlignmentGap("score", "health", levels=(1, 4), spread=3, resolved=True),
    )
    assert agreed_3.data_gaps == (DataGap("nrr", "metrics", dont_know=1, unanswered=False),)
    assert [d.score for d in agreed_2.domains] == [37.5, 54.2]
    assert (agreed_2.overall_score, agreed_2.stage_name) == (48.6, "Proactive")
    assert [r.detail for r in agreed_2.cap_reasons] == [
        "Gate: agreed at level 2 in calibration; Predictive needs at least level 3."
    ]
