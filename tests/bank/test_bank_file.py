"""parse_bank: the normalized shape of a good file and the message for each broken rule."""

import copy

import pytest
import yaml

from assessment.bank_file import (
    ALLOWED_TAGS,
    BAD_KEY,
    BAD_STAGE,
    DUPLICATE_KEY,
    EMPTY_ANSWER,
    GATE_LEVEL_RANGE,
    MISSING_FIELD,
    NOT_POSITIVE,
    NOT_YAML,
    OUT_OF_RANGE,
    THRESHOLDS_ORDER,
    TOO_LONG,
    UNKNOWN_DOMAIN,
    UNKNOWN_TAG,
    WRONG_ANSWER_COUNT,
    WRONG_TYPE,
    BankFileError,
    dump_bank,
    parse_bank,
)
from tests.conftest import MINI_BANK

STAGES_ABOVE_REACTIVE = "proactive, predictive, strategic, embedded"
MINI_RAW = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))


@pytest.fixture
def raw() -> dict:
    """The mini bank as a plain dict, ready to be broken by a test."""
    return copy.deepcopy(MINI_RAW)


def rejection(raw: dict) -> str:
    with pytest.raises(BankFileError) as excinfo:
        parse_bank(yaml.safe_dump(raw, sort_keys=False))
    return str(excinfo.value)


# --- the good file ------------------------------------------------------------------------------


def test_parse_returns_top_level_fields_with_float_thresholds(mini_bank_text):
    bank = parse_bank(mini_bank_text)

    assert (bank["slug"], bank["name"], bank["description"], bank["version"]) == (
        "mini",
        "Mini bank",
        "A small bank for tests.",
        1,
    )
    assert bank["thresholds"] == {
        "proactive": 20.0,
        "predictive": 40.0,
        "strategic": 60.0,
        "embedded": 80.0,
    }
    assert all(isinstance(v, float) for v in bank["thresholds"].values())


def test_parse_keeps_domain_and_question_order(mini_bank_text):
    bank = parse_bank(mini_bank_text)

    assert [d["key"] for d in bank["domains"]] == ["alpha", "beta"]
    assert [[q["key"] for q in d["questions"]] for d in bank["domains"]] == [
        ["alpha-q1", "alpha-q2", "alpha-q3"],
        ["beta-q1", "beta-q2", "beta-q3"],
    ]


def test_parse_normalizes_a_gated_question_with_stage_as_number(mini_bank_text):
    question = parse_bank(mini_bank_text)["domains"][0]["questions"][0]

    assert question == {
        "key": "alpha-q1",
        "text": "How does your team handle alpha practice 1?",
        "help": "Evidence: a document you can show.",
        "weight": 1.0,
        "gate": {"stage": 3, "min_level": 2},
        "answers": [
            "alpha 1: reactive practice.",
            "alpha 1: proactive practice.",
            "alpha 1: predictive practice.",
            "alpha 1: strategic practice.",
            "alpha 1: embedded practice.",
        ],
    }


def test_parse_gives_an_ungated_question_gate_none(mini_bank_text):
    question = parse_bank(mini_bank_text)["domains"][0]["questions"][1]

    assert question["gate"] is None


def test_parse_fills_default_weights_and_empty_help(raw):
    del raw["domains"][0]["weight"]
    question = raw["domains"][0]["questions"][1]
    del question["weight"], question["help"]

    bank = parse_bank(yaml.safe_dump(raw, sort_keys=False))

    assert bank["domains"][0]["weight"] == 1.0
    assert bank["domains"][0]["questions"][1]["weight"] == 1.0
    assert bank["domains"][0]["questions"][1]["help"] == ""


def test_parse_normalizes_actions_with_stage_numbers_and_tags(mini_bank_text):
    actions = parse_bank(mini_bank_text)["actions"]

    assert len(actions) == 10
    assert actions[0] == {
        "key": "alpha-proactive-2",
        "domain": "alpha",
        "stage": 2,
        "title": "Do alpha proactive work 2",
        "why": "Because it helps.",
        "effort": "2 weeks",
        "effort_weeks": 2,
        "tags": ["smb", "small-team"],
    }
    assert actions[1]["tags"] == []
    assert [a["stage"] for a in actions[:5]] == [2, 2, 3, 4, 5]


def test_dump_then_parse_gives_the_same_bank(mini_bank_text):
    bank = parse_bank(mini_bank_text)

    assert parse_bank(dump_bank(bank)) == bank


# --- rejections ---------------------------------------------------------------------------------


def test_rejects_text_that_is_not_yaml():
    text = "slug: mini\ndomains: [unclosed\n"
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        expected = NOT_YAML.format(error=exc)

    with pytest.raises(BankFileError) as excinfo:
        parse_bank(text)

    assert str(excinfo.value) == expected


@pytest.mark.parametrize(
    ("path", "field", "where"),
    [
        ((), "thresholds", "The file"),
        (("domains", 0), "name", "Domain 'alpha'"),
        (("domains", 1, "questions", 2), "text", "Question 'beta-q3'"),
        (("actions", 9), "effort_weeks", "Action 'beta-embedded-12'"),
    ],
)
def test_rejects_a_missing_required_field(raw, path, field, where):
    target = raw
    for step in path:
        target = target[step]
    del target[field]

    assert rejection(raw) == MISSING_FIELD.format(where=where, field=field)


def test_rejects_a_version_that_is_not_a_whole_number(raw):
    raw["version"] = "one"

    assert rejection(raw) == WRONG_TYPE.format(
        where="The file", field="version", kind="a whole number >= 1"
    )


def test_rejects_question_text_that_is_not_text(raw):
    raw["domains"][0]["questions"][1]["text"] = ["a", "list"]

    assert rejection(raw) == WRONG_TYPE.format(
        where="Question 'alpha-q2'", field="text", kind="non-empty text"
    )


def test_rejects_a_threshold_that_is_not_a_number(raw):
    raw["thresholds"]["strategic"] = "sixty"

    assert rejection(raw) == WRONG_TYPE.format(
        where="thresholds", field="strategic", kind="a number"
    )


def test_rejects_a_key_with_uppercase_or_underscore(raw):
    raw["domains"][1]["key"] = "Beta_Domain"

    assert rejection(raw) == BAD_KEY.format(where="A domain", key="Beta_Domain")


def test_rejects_a_duplicate_domain_key(raw):
    raw["domains"][1]["key"] = "alpha"

    assert rejection(raw) == DUPLICATE_KEY.format(kind="domain", key="alpha")


def test_rejects_a_question_key_repeated_in_another_domain(raw):
    raw["domains"][1]["questions"][0]["key"] = "alpha-q1"

    assert rejection(raw) == DUPLICATE_KEY.format(kind="question", key="alpha-q1")


def test_rejects_a_duplicate_action_key(raw):
    raw["actions"][5]["key"] = "alpha-proactive-2"

    assert rejection(raw) == DUPLICATE_KEY.format(kind="action", key="alpha-proactive-2")


@pytest.mark.parametrize("count", [4, 6])
def test_rejects_a_question_without_exactly_five_answers(raw, count):
    question = raw["domains"][0]["questions"][2]
    question["answers"] = [f"Anchor {n}" for n in range(1, count + 1)]

    assert rejection(raw) == WRONG_ANSWER_COUNT.format(key="alpha-q3", count=count)


def test_rejects_an_empty_answer_anchor(raw):
    raw["domains"][1]["questions"][1]["answers"][2] = "   "

    assert rejection(raw) == EMPTY_ANSWER.format(key="beta-q2", level=3)


@pytest.mark.parametrize(
    "thresholds",
    [
        {"proactive": 20, "predictive": 50, "strategic": 40, "embedded": 80},
        {"proactive": 20, "predictive": 40, "strategic": 40, "embedded": 80},
        {"proactive": 20, "predictive": 40, "strategic": 60, "embedded": 101},
        {"proactive": 0, "predictive": 40, "strategic": 60, "embedded": 80},
    ],
    ids=["out-of-order", "equal", "above-100", "below-1"],
)
def test_rejects_thresholds_that_do_not_rise_strictly_within_1_to_100(raw, thresholds):
    raw["thresholds"] = thresholds

    assert rejection(raw) == THRESHOLDS_ORDER.format(
        values={name: float(value) for name, value in thresholds.items()}
    )


@pytest.mark.parametrize("stage", ["reactive", "legendary"])
def test_rejects_a_gate_at_reactive_or_an_unknown_stage(raw, stage):
    raw["domains"][0]["questions"][0]["gate"]["stage"] = stage

    assert rejection(raw) == BAD_STAGE.format(
        where="Question 'alpha-q1' gate", value=stage, allowed=STAGES_ABOVE_REACTIVE
    )


@pytest.mark.parametrize("level", [0, 6])
def test_rejects_a_gate_min_level_outside_1_to_5(raw, level):
    raw["domains"][0]["questions"][0]["gate"]["min_level"] = level

    assert rejection(raw) == GATE_LEVEL_RANGE.format(key="alpha-q1", value=level)


def test_rejects_an_action_naming_an_unknown_domain(raw):
    raw["actions"][3]["domain"] = "gamma"

    assert rejection(raw) == UNKNOWN_DOMAIN.format(key="alpha-strategic-8", domain="gamma")


def test_rejects_an_action_at_reactive(raw):
    raw["actions"][0]["stage"] = "reactive"

    assert rejection(raw) == BAD_STAGE.format(
        where="Action 'alpha-proactive-2'", value="reactive", allowed=STAGES_ABOVE_REACTIVE
    )


def test_rejects_an_unknown_tag(raw):
    raw["actions"][0]["tags"] = ["smb", "unicorn"]

    assert rejection(raw) == UNKNOWN_TAG.format(
        key="alpha-proactive-2", tag="unicorn", allowed=", ".join(ALLOWED_TAGS)
    )


def test_rejects_effort_weeks_of_zero(raw):
    raw["actions"][2]["effort_weeks"] = 0

    assert rejection(raw) == OUT_OF_RANGE.format(
        where="Action 'alpha-predictive-3'", field="effort_weeks", low=1, high=520, value=0
    )


@pytest.mark.parametrize(
    ("path", "where", "weight"),
    [
        (("domains", 1), "Domain 'beta'", 0),
        (("domains", 0, "questions", 1), "Question 'alpha-q2'", -1),
    ],
    ids=["domain-zero", "question-negative"],
)
def test_rejects_a_weight_that_is_not_positive(raw, path, where, weight):
    target = raw
    for step in path:
        target = target[step]
    target["weight"] = weight

    assert rejection(raw) == NOT_POSITIVE.format(where=where, field="weight", value=weight)


@pytest.mark.parametrize("weight", [float("inf"), float("nan")], ids=["inf", "nan"])
def test_rejects_a_weight_that_is_not_finite(raw, weight):
    raw["domains"][0]["weight"] = weight

    assert rejection(raw).startswith("Domain 'alpha': 'weight' must be a positive number")


def test_rejects_effort_weeks_beyond_ten_years(raw):
    raw["actions"][2]["effort_weeks"] = 2**70
    assert rejection(raw) == OUT_OF_RANGE.format(
        where="Action 'alpha-predictive-3'", field="effort_weeks", low=1, high=520, value=2**70
    )


def test_rejects_effort_text_longer_than_its_column(raw):
    raw["actions"][2]["effort"] = "x" * 61
    assert rejection(raw) == TOO_LONG.format(
        where="Action 'alpha-predictive-3'", field="effort", length=61, limit=60
    )


def test_rejects_action_title_longer_than_its_column(raw):
    raw["actions"][2]["title"] = "x" * 201
    assert rejection(raw) == TOO_LONG.format(
        where="Action 'alpha-predictive-3'", field="title", length=201, limit=200
    )
