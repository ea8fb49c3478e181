"""Catalog v2 in a bank file: practice labels and actions that lift named practices one level.
The normalized shape, the byte-identical round trip, and the message for each new rule."""

import copy
from pathlib import Path

import pytest
import yaml

from assessment.bank_file import (
    COVERAGE_GAP,
    MISSING_FIELD,
    MIXED_ACTION_FORMS,
    OUT_OF_RANGE,
    PREREQUISITE_CYCLE,
    PREREQUISITE_HIGHER,
    SELF_PREREQUISITE,
    STAGE_DISAGREES,
    TOO_LONG,
    UNKNOWN_LIFT,
    UNKNOWN_PREREQUISITE,
    WRONG_TYPE,
    BankFileError,
    dump_bank,
    parse_bank,
)
from tests.conftest import MINI_BANK

MINI_BANK_V2 = Path(__file__).parent.parent / "data" / "mini-bank-v2.yaml"
V2_TEXT = MINI_BANK_V2.read_text(encoding="utf-8")
V2_RAW = yaml.safe_load(V2_TEXT)


@pytest.fixture
def raw() -> dict:
    return copy.deepcopy(V2_RAW)


def action(raw: dict, key: str) -> dict:
    return next(a for a in raw["actions"] if a["key"] == key)


def rejection(raw: dict) -> str:
    with pytest.raises(BankFileError) as excinfo:
        parse_bank(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True))
    return str(excinfo.value)


# --- the good file ------------------------------------------------------------------------------


def test_v2_action_is_normalized_with_its_stage_derived_from_from_level():
    actions = parse_bank(V2_TEXT)["actions"]

    assert actions[1] == {
        "key": "alpha-q1-tier-reviews",
        "domain": "alpha",
        "stage": 3,
        "lifts": ["alpha-q1"],
        "from_level": 2,
        "title": "Review alpha tiers every quarter",
        "why": "Tiers drift as accounts grow.",
        "done_when": "A dated quarterly tier review exists.",
        "first_step": "Book the first review meeting.",
        "effort": "4 weeks",
        "effort_weeks": 4,
        "owner": "CS operations",
        "prerequisites": ["alpha-q1-tiers-list"],
        "tags": [],
    }
    assert [a["stage"] - a["from_level"] for a in actions] == [1] * len(actions)


def test_question_label_is_kept_only_where_the_file_gives_one():
    questions = [q for d in parse_bank(V2_TEXT)["domains"] for q in d["questions"]]

    assert [q.get("label") for q in questions] == [
        "alpha tiers",
        "alpha playbooks",
        "beta health score",
        None,
    ]
    assert "label" not in questions[3]


def test_v2_file_dumps_back_byte_identical():
    assert dump_bank(parse_bank(V2_TEXT)) == V2_TEXT


def test_v1_file_still_dumps_back_byte_identical_without_v2_fields():
    dumped = dump_bank(parse_bank(MINI_BANK.read_text(encoding="utf-8")))

    assert dump_bank(parse_bank(dumped)) == dumped
    for field in ("label:", "lifts:", "from_level:", "done_when:", "owner:", "prerequisites:"):
        assert field not in dumped


def test_a_v2_action_may_repeat_the_stage_it_lifts_to(raw):
    action(raw, "alpha-q1-tiers-list")["stage"] = "proactive"

    assert parse_bank(yaml.safe_dump(raw))["actions"][0]["stage"] == 2


# --- rejections ---------------------------------------------------------------------------------


def test_rejects_a_catalog_mixing_v1_and_v2_actions(raw):
    beta = action(raw, "beta-health-score")
    for field in ("lifts", "from_level", "done_when", "first_step", "owner"):
        del beta[field]
    beta["stage"] = "proactive"

    assert rejection(raw) == MIXED_ACTION_FORMS.format(
        key="beta-health-score",
        form="v1 ('stage', no 'lifts')",
        first="alpha-q1-tiers-list",
    )


def test_rejects_a_v1_catalog_with_one_v2_action():
    raw = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))
    raw["actions"][3]["lifts"] = ["alpha-q1"]

    assert rejection(raw) == MIXED_ACTION_FORMS.format(
        key="alpha-strategic-8", form="v2 ('lifts')", first="alpha-proactive-2"
    )


def test_rejects_a_lift_of_an_unknown_question(raw):
    action(raw, "beta-q1-alerts")["lifts"] = ["beta-q1", "gamma-q9"]

    assert rejection(raw) == UNKNOWN_LIFT.format(key="beta-q1-alerts", question="gamma-q9")


def test_rejects_empty_lifts(raw):
    action(raw, "beta-q1-alerts")["lifts"] = []

    assert rejection(raw) == WRONG_TYPE.format(
        where="Action 'beta-q1-alerts'", field="lifts", kind="a non-empty list of keys"
    )


@pytest.mark.parametrize("level", [0, 5, "two"])
def test_rejects_a_from_level_outside_1_to_4(raw, level):
    action(raw, "beta-q1-alerts")["from_level"] = level

    assert rejection(raw) == OUT_OF_RANGE.format(
        where="Action 'beta-q1-alerts'", field="from_level", low=1, high=4, value=level
    )


def test_rejects_a_stage_that_disagrees_with_from_level(raw):
    action(raw, "beta-q1-alerts")["stage"] = "strategic"

    assert rejection(raw) == STAGE_DISAGREES.format(
        key="beta-q1-alerts", stage="strategic", level=2
    )


@pytest.mark.parametrize("field", ["done_when", "first_step", "owner"])
def test_rejects_a_v2_action_without_a_practice_field(raw, field):
    del action(raw, "beta-q1-alerts")[field]

    assert rejection(raw) == MISSING_FIELD.format(where="Action 'beta-q1-alerts'", field=field)


def test_rejects_an_owner_longer_than_its_column(raw):
    action(raw, "beta-q1-alerts")["owner"] = "x" * 61

    assert rejection(raw) == TOO_LONG.format(
        where="Action 'beta-q1-alerts'", field="owner", length=61, limit=60
    )


def test_rejects_a_label_longer_than_its_column(raw):
    raw["domains"][1]["questions"][0]["label"] = "y" * 61

    assert rejection(raw) == TOO_LONG.format(
        where="Question 'beta-q1'", field="label", length=61, limit=60
    )


def test_rejects_an_unknown_prerequisite(raw):
    action(raw, "beta-q1-alerts")["prerequisites"] = ["beta-health-scor"]

    assert rejection(raw) == UNKNOWN_PREREQUISITE.format(
        key="beta-q1-alerts", prerequisite="beta-health-scor"
    )


def test_rejects_prerequisites_that_are_not_a_list_of_keys(raw):
    action(raw, "beta-q1-alerts")["prerequisites"] = "beta-health-score"

    assert rejection(raw) == WRONG_TYPE.format(
        where="Action 'beta-q1-alerts'", field="prerequisites", kind="a list of keys"
    )


def test_rejects_an_action_that_is_its_own_prerequisite(raw):
    action(raw, "beta-q1-alerts")["prerequisites"] = ["beta-q1-alerts"]

    assert rejection(raw) == SELF_PREREQUISITE.format(key="beta-q1-alerts")


def test_rejects_a_prerequisite_at_a_higher_from_level(raw):
    action(raw, "beta-health-score")["prerequisites"] = ["beta-q1-alerts"]

    assert rejection(raw) == PREREQUISITE_HIGHER.format(
        key="beta-health-score", level=1, prerequisite="beta-q1-alerts", prerequisite_level=2
    )


def test_rejects_a_prerequisite_cycle_and_names_it(raw):
    # Three actions at level 2 that wait on each other in a ring.
    action(raw, "alpha-q1-tier-reviews")["prerequisites"] = ["alpha-both-triggers"]
    action(raw, "alpha-both-triggers")["prerequisites"] = ["beta-q2-predictive"]
    action(raw, "beta-q2-predictive")["prerequisites"] = ["alpha-q1-tier-reviews"]

    assert rejection(raw) == PREREQUISITE_CYCLE.format(
        cycle="alpha-q1-tier-reviews -> alpha-both-triggers -> beta-q2-predictive "
        "-> alpha-q1-tier-reviews"
    )


def test_rejects_a_catalog_that_leaves_a_practice_step_without_an_action(raw):
    # beta-q1-alerts is the only action lifting beta-q1 from level 2; nothing else depends on it
    # once the board report no longer names it.
    raw["actions"].remove(action(raw, "beta-q1-alerts"))
    del action(raw, "beta-both-strategic")["prerequisites"]

    assert rejection(raw) == COVERAGE_GAP.format(count=1, examples="beta-q1 2->3")


def test_a_coverage_gap_names_the_first_few_missing_steps_and_counts_them_all(raw):
    raw["domains"][0]["questions"].append(
        {**copy.deepcopy(raw["domains"][0]["questions"][1]), "key": "alpha-q3"}
    )
    raw["domains"][1]["questions"].append(
        {**copy.deepcopy(raw["domains"][1]["questions"][1]), "key": "beta-q3"}
    )

    assert rejection(raw) == COVERAGE_GAP.format(
        count=8,
        examples="alpha-q3 1->2, alpha-q3 2->3, alpha-q3 3->4, alpha-q3 4->5, beta-q3 1->2, …",
    )
