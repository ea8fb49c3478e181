"""Roadmap v2 rules (product.md "Roadmap v2"), one small hand-built catalog per rule."""

from dataclasses import replace

import pytest

from assessment.practice_roadmap import (
    DUPLICATE_ACTION_KEY,
    INVALID_ANSWER_LEVEL,
    INVALID_FROM_LEVEL,
    INVALID_LEVEL,
    INVALID_SHARE,
    NO_ROOM,
    PREREQUISITE_CYCLE,
    PREREQUISITE_NO_ROOM,
    THIRTY_DAY_WINDOW,
    UNKNOWN_DOMAIN,
    UNKNOWN_PRACTICE,
    UNKNOWN_PREREQUISITE,
    Practice,
    PracticeAction,
    build_practice_roadmap,
    practice_levels,
    practices_for,
)
from assessment.roadmap import INVALID_TARGET
from assessment.scoring import AlignmentGap, CapReason, DomainResult, Result

# --- builders ---------------------------------------------------------------------------------

NAMES = {"seg": "Segmentation", "health": "Health", "metrics": "Metrics"}


def result_with(stages, caps=(), answered=None, gaps=0, stage=2):
    """`stages`: domain key → stage. Scores follow the stage (default thresholds)."""
    domains = tuple(
        DomainResult(key, NAMES.get(key, key), (st - 1) * 20.0 + 5, st, 1, 1)
        for key, st in stages.items()
    )
    if answered is not None:
        domains = tuple(
            DomainResult(d.key, d.name, d.score, d.stage, answered[d.key], answered[d.key])
            for d in domains
        )
    return Result(
        domains=domains,
        overall_score=50.0,
        score_stage=3,
        score_phase="Run",
        stage=stage,
        phase="Walk",
        cap_reasons=tuple(caps),
        data_gaps=(),
        alignment_gaps=tuple(AlignmentGap(f"q{n}", domains[0].key, (1, 3), 2) for n in range(gaps)),
        completeness=1.0,
        respondents=2,
    )


def practice(key, domain, level, previous=None, label=None):
    # The target is a placeholder on purpose: the engine sets it from the domain's target.
    return Practice(key, domain, label or key.replace("-", " "), level, 0, previous)


def practices(*items):
    return {p.key: p for p in items}


def action(key, lifts, from_level, weeks=2, pre=(), tags=(), title=None):
    return PracticeAction(
        key=key,
        domain_key="seg",
        lifts=tuple(lifts),
        from_level=from_level,
        title=title or f"Title {key}",
        why="why",
        done_when="done",
        first_step="first step",
        effort=f"{weeks} weeks",
        effort_weeks=weeks,
        owner="CS lead",
        prerequisites=tuple(pre),
        tags=tuple(tags),
    )


def keys(roadmap, days=None):
    return [
        i.action.key
        for h in roadmap.horizons
        if days is None or h.days == days
        for i in h.items
        if not i.first_step_only
    ]


def by_horizon(roadmap):
    return {h.days: [(i.action.key, i.first_step_only) for i in h.items] for h in roadmap.horizons}


# --- rule 1: levels and targets ---------------------------------------------------------------


def test_agreed_answer_wins_over_the_mean():
    assert practice_levels({"q": (1, 1, 2)}, agreed={"q": 4}) == {"q": 4}


def test_mean_of_answered_levels_is_rounded_down():
    assert practice_levels({"a": (2, 3), "b": (3, 3, 4), "c": (4, 5, 5)}) == {
        "a": 2,
        "b": 3,
        "c": 4,
    }


def test_dont_know_counts_as_level_one():
    assert practice_levels({"a": (None, 4), "b": (None, None)}) == {"a": 2, "b": 1}


def test_question_nobody_answered_is_level_one():
    assert practice_levels({"q": ()}) == {"q": 1}


@pytest.mark.parametrize("value", [0, 6, True, "3", 2.5])
def test_answer_that_is_not_a_level_is_rejected(value):
    with pytest.raises(ValueError) as error:
        practice_levels({"q": (2, value)})
    assert str(error.value) == INVALID_ANSWER_LEVEL.format(key="q", value=value)


def test_agreed_level_out_of_range_is_rejected():
    with pytest.raises(ValueError, match="level must be a whole number from 1 to 5"):
        practice_levels({}, agreed={"q": 7})


def test_practice_target_follows_its_domain_target_not_the_callers_value():
    result = result_with({"seg": 1, "health": 3})
    given = practices(practice("tiers", "seg", 1), practice("score", "health", 3))
    roadmap = build_practice_roadmap(result, (), practices=given, targets={"health": 5})
    assert {p.key: p.target for p in roadmap.practices} == {"tiers": 2, "score": 5}


def test_practices_for_takes_levels_labels_and_domain_targets():
    result = result_with({"seg": 2})
    built = practices_for(
        result,
        levels={"tiers": 3},
        labels={"tiers": "customer tiers", "cov": "coverage model"},
        question_domains={"tiers": "seg", "cov": "seg"},
        previous_levels={"tiers": 4},
    )
    assert built == {
        "tiers": Practice("tiers", "seg", "customer tiers", 3, 3, 4),
        "cov": Practice("cov", "seg", "coverage model", 1, 3, None),
    }


def test_invalid_target_is_rejected_with_the_v1_message():
    with pytest.raises(ValueError) as error:
        build_practice_roadmap(result_with({"seg": 1}), (), practices={}, targets={"seg": 6})
    assert str(error.value) == INVALID_TARGET.format(domain="seg", value=6)


# --- rule 2: candidates -----------------------------------------------------------------------


def test_practice_at_its_target_gets_no_action():
    result = result_with({"seg": 2}, stage=2)  # target Predictive (3)
    given = practices(practice("tiers", "seg", 3), practice("cov", "seg", 2))
    catalog = (action("t3", ["tiers"], 3), action("c2", ["cov"], 2))
    assert keys(build_practice_roadmap(result, catalog, practices=given)) == ["c2"]


def test_only_the_action_for_the_next_level_is_a_candidate():
    result = result_with({"seg": 1})
    given = practices(practice("tiers", "seg", 1))
    catalog = (action("t2", ["tiers"], 2), action("t1", ["tiers"], 1), action("t3", ["tiers"], 3))
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"seg": 5})
    assert keys(roadmap) == ["t1"]


def test_shared_action_waits_while_one_of_its_practices_lags_two_levels_behind():
    result = result_with({"seg": 2})
    given = practices(practice("tiers", "seg", 2), practice("cov", "seg", 1))
    shared = action("both2", ["tiers", "cov"], 2)
    roadmap = build_practice_roadmap(result, (shared, action("c1", ["cov"], 1)), practices=given)
    assert keys(roadmap) == ["c1"]


def test_unmet_prerequisites_are_pulled_in_recursively_and_come_first():
    result = result_with({"seg": 2, "health": 3})  # health target 4, seg target 3
    given = practices(
        practice("plays", "seg", 2),
        practice("data", "health", 4),  # at target, but its level-4 step is not done
        practice("model", "health", 4),
    )
    catalog = (
        action("play", ["plays"], 2, pre=["modelled"]),
        action("modelled", ["model"], 4, pre=["cleaned"]),
        action("cleaned", ["data"], 4),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert keys(roadmap) == ["cleaned", "modelled", "play"]
    why = {i.action.key: i.why_first for i in roadmap.items}
    assert why["cleaned"] == "Needed before Title modelled."
    assert why["modelled"] == "Needed before Title play."


def test_met_prerequisite_is_not_proposed_again():
    result = result_with({"seg": 2})
    given = practices(practice("plays", "seg", 2), practice("tiers", "seg", 3))
    catalog = (action("play", ["plays"], 2, pre=["tier2"]), action("tier2", ["tiers"], 2))
    assert keys(build_practice_roadmap(result, catalog, practices=given)) == ["play"]


def test_step_whose_prerequisite_is_out_of_reach_waits_and_nothing_stands_in_for_it():
    result = result_with({"seg": 2, "health": 1})
    given = practices(practice("plays", "seg", 2), practice("tiers", "health", 1))
    catalog = (
        action("play", ["plays"], 2, pre=["tier3"]),
        action("tier3", ["tiers"], 3),  # two levels above tiers: never proposed
        action("tier1", ["tiers"], 1),
    )
    # Health holds at Reactive, yet tier1 is proposed: it is the way to play.
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"health": 1})
    assert keys(roadmap) == ["tier1"]
    assert roadmap.items[0].why_first == (
        "Lifts tiers from level 1 to 2. Also needed before: Title play."
    )
    assert [(d.action.key, d.reason) for d in roadmap.deferred] == [
        ("play", "Needs Title tier3 first, which starts from level 3, and tiers is at level 1.")
    ]


def test_lagging_practice_in_the_plan_says_what_it_also_unblocks():
    result = result_with({"seg": 2, "health": 1})
    given = practices(
        practice("alerts", "health", 2, label="risk response"),
        practice("score", "health", 1, label="health score"),
    )
    catalog = (
        action("routing", ["alerts"], 2, pre=["automate"], title="Route alerts"),
        action("automate", ["score"], 2, title="Automate the score"),
        action("simple", ["score"], 1, title="Build a simple score"),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"health": 3})
    assert keys(roadmap) == ["simple"]
    assert roadmap.items[0].why_first == (
        "Lowest practice level in your plan (level 1): lifts health score to level 2. "
        "Also needed before: Route alerts."
    )
    assert [d.action.key for d in roadmap.deferred] == ["routing"]


def test_step_whose_prerequisite_waits_waits_too():
    result = result_with({"seg": 2})
    given = practices(
        practice("plays", "seg", 3), practice("model", "seg", 2), practice("data", "seg", 1)
    )
    catalog = (
        action("play", ["plays"], 3, pre=["modelled"], title="Play"),
        action("modelled", ["model"], 2, pre=["cleaned"], title="Model"),
        action("cleaned", ["data"], 2, title="Clean"),
        action("collect", ["data"], 1, title="Collect"),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"seg": 4})
    assert keys(roadmap) == ["collect"]
    assert roadmap.items[0].why_first.endswith(" Also needed before: Model; Play.")
    assert [(d.action.key, d.reason) for d in roadmap.deferred] == [
        ("modelled", "Needs Clean first, which starts from level 2, and data is at level 1."),
        ("play", "Needs Model first, which cannot start yet either."),
    ]


def test_excluded_action_is_not_proposed():
    result = result_with({"seg": 1})
    given = practices(practice("tiers", "seg", 1), practice("cov", "seg", 1))
    catalog = (action("t1", ["tiers"], 1), action("c1", ["cov"], 1))
    roadmap = build_practice_roadmap(result, catalog, practices=given, exclude=frozenset({"t1"}))
    assert keys(roadmap) == ["c1"]


def test_excluded_action_comes_back_when_its_practice_regressed():
    result = result_with({"seg": 1})
    given = practices(practice("tiers", "seg", 1, previous=2), practice("cov", "seg", 1))
    catalog = (action("t1", ["tiers"], 1), action("c1", ["cov"], 1))
    roadmap = build_practice_roadmap(result, catalog, practices=given, exclude=frozenset({"t1"}))
    assert keys(roadmap) == ["t1", "c1"]


def test_excluded_prerequisite_counts_as_under_way_and_delays_nothing():
    result = result_with({"seg": 2})
    given = practices(practice("plays", "seg", 2), practice("tiers", "seg", 2))
    catalog = (action("play", ["plays"], 2, pre=["tier2"]), action("tier2", ["tiers"], 2, 20))
    roadmap = build_practice_roadmap(result, catalog, practices=given, exclude=frozenset({"tier2"}))
    assert by_horizon(roadmap) == {30: [("play", False)], 90: [], 180: []}


# --- rule 3: order ----------------------------------------------------------------------------


def test_failed_gate_comes_before_lower_levels_elsewhere():
    gate = CapReason("gate", "tiers", "Do you tier customers?", 2, "", "")
    result = result_with({"seg": 3, "health": 1}, caps=[gate])
    given = practices(practice("tiers", "seg", 2), practice("score", "health", 1))
    catalog = (action("s1", ["score"], 1), action("t2", ["tiers"], 2))
    roadmap = build_practice_roadmap(
        result, catalog, practices=given, gate_levels={"tiers": 3}, targets={"seg": 3}
    )
    assert keys(roadmap) == ["t2", "s1"]


def test_failed_gates_come_before_the_weakest_domain_cap():
    caps = [
        CapReason("domain", "health", "Health", 2, "", ""),
        CapReason("gate", "tiers", "Do you tier customers?", 3, "", ""),
    ]
    result = result_with({"seg": 3, "health": 1}, caps=caps)
    given = practices(practice("tiers", "seg", 2), practice("score", "health", 1))
    catalog = (action("s1", ["score"], 1), action("t2", ["tiers"], 2))
    roadmap = build_practice_roadmap(result, catalog, practices=given, gate_levels={"tiers": 3})
    assert keys(roadmap) == ["t2", "s1"]


def test_capping_domain_comes_before_lower_levels_elsewhere():
    cap = CapReason("domain", "health", "Health", 3, "", "")
    result = result_with({"seg": 1, "health": 2}, caps=[cap])
    given = practices(practice("tiers", "seg", 1), practice("score", "health", 2))
    catalog = (action("t1", ["tiers"], 1), action("s2", ["score"], 2))
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert keys(roadmap) == ["s2", "t1"]
    assert roadmap.items[0].why_first == (
        "Health caps you at Predictive; this lifts score from level 2 to 3."
    )


def test_every_level_one_practice_before_level_two_practices_elsewhere():
    result = result_with({"seg": 1, "health": 2, "metrics": 3})
    given = practices(
        practice("m", "metrics", 1),
        practice("h", "health", 2),
        practice("s", "seg", 1),
        practice("m2", "metrics", 2),
    )
    catalog = (
        action("h2", ["h"], 2, weeks=1),
        action("m2-2", ["m2"], 2, weeks=1),
        action("m1", ["m"], 1, weeks=4),
        action("s1", ["s"], 1, weeks=3),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert keys(roadmap) == ["s1", "m1", "h2", "m2-2"]


def test_regressed_practice_comes_first_within_its_level():
    result = result_with({"seg": 2})
    given = practices(practice("tiers", "seg", 2), practice("cov", "seg", 2, previous=3))
    catalog = (action("t2", ["tiers"], 2, weeks=1), action("c2", ["cov"], 2, weeks=4))
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert keys(roadmap) == ["c2", "t2"]
    assert roadmap.items[0].why_first == "Cov slipped from level 3 to 2 since the last assessment."


def test_regression_does_not_beat_a_lower_level():
    result = result_with({"seg": 2})
    given = practices(practice("tiers", "seg", 1), practice("cov", "seg", 2, previous=3))
    catalog = (action("c2", ["cov"], 2), action("t1", ["tiers"], 1))
    assert keys(build_practice_roadmap(result, catalog, practices=given)) == ["t1", "c2"]


def test_foundation_comes_before_a_quicker_step_even_when_its_gate_caps_nothing_now():
    result = result_with({"seg": 1})  # no cap reason: no gate fails today
    given = practices(practice("cov", "seg", 1), practice("tiers", "seg", 1))
    catalog = (action("quick", ["cov"], 1, weeks=1), action("tier1", ["tiers"], 1, weeks=2))
    roadmap = build_practice_roadmap(result, catalog, practices=given, gate_levels={"tiers": 3})
    assert keys(roadmap) == ["tier1", "quick"]


def test_foundation_whose_gate_needs_the_lower_level_comes_first():
    result = result_with({"seg": 1})
    given = practices(practice("triggers", "seg", 1), practice("tiers", "seg", 1))
    catalog = (action("trig1", ["triggers"], 1, weeks=1), action("tier1", ["tiers"], 1))
    gates = {"triggers": 3, "tiers": 2}
    roadmap = build_practice_roadmap(result, catalog, practices=given, gate_levels=gates)
    assert keys(roadmap) == ["tier1", "trig1"]


def test_regression_comes_before_a_foundation():
    result = result_with({"seg": 2})
    given = practices(practice("tiers", "seg", 2), practice("cov", "seg", 2, previous=3))
    catalog = (action("t2", ["tiers"], 2), action("c2", ["cov"], 2))
    roadmap = build_practice_roadmap(result, catalog, practices=given, gate_levels={"tiers": 3})
    assert keys(roadmap) == ["c2", "t2"]


def test_weaker_domain_comes_before_a_quicker_step_elsewhere():
    result = result_with({"seg": 3, "health": 2})  # health scores 25, seg 45
    given = practices(practice("tiers", "seg", 2), practice("score", "health", 2))
    catalog = (action("t2", ["tiers"], 2, weeks=1), action("s2", ["score"], 2, weeks=4))
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"seg": 4})
    assert keys(roadmap) == ["s2", "t2"]


def test_domain_with_no_score_counts_as_the_weakest():
    result = result_with({"seg": 1, "health": 1})
    unscored = tuple(
        replace(d, score=None) if d.key == "health" else replace(d, score=0.0)
        for d in result.domains
    )
    result = replace(result, domains=unscored)
    given = practices(practice("tiers", "seg", 1), practice("score", "health", 1))
    catalog = (action("t1", ["tiers"], 1, weeks=1), action("s1", ["score"], 1, weeks=3))
    assert keys(build_practice_roadmap(result, catalog, practices=given)) == ["s1", "t1"]


def test_prerequisites_beat_profile_tags():
    result = result_with({"seg": 2})
    given = practices(practice("plays", "seg", 2), practice("tiers", "seg", 2))
    catalog = (
        action("play", ["plays"], 2, tags=["smb"], pre=["tier2"]),
        action("tier2", ["tiers"], 2, weeks=2),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given, tags=frozenset({"smb"}))
    assert keys(roadmap) == ["tier2", "play"]


def test_effort_breaks_ties_before_profile_tags():
    result = result_with({"seg": 2})
    given = practices(practice("a", "seg", 2), practice("b", "seg", 2))
    catalog = (action("slow", ["a"], 2, weeks=3, tags=["smb"]), action("quick", ["b"], 2, weeks=1))
    roadmap = build_practice_roadmap(result, catalog, practices=given, tags=frozenset({"smb"}))
    assert keys(roadmap) == ["quick", "slow"]


def test_profile_tags_break_ties_of_equal_effort_and_catalog_order_breaks_the_rest():
    result = result_with({"seg": 2})
    given = practices(practice("a", "seg", 2), practice("b", "seg", 2), practice("c", "seg", 2))
    catalog = (
        action("plain1", ["a"], 2),
        action("plain2", ["c"], 2),
        action("suited", ["b"], 2, tags=["smb"]),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given, tags=frozenset({"smb"}))
    assert keys(roadmap) == ["suited", "plain1", "plain2"]
    assert roadmap.items[0].why_first.endswith(" Suits SMB-focused teams.")


# --- rule 4: horizons -------------------------------------------------------------------------


def test_single_weak_level_one_foundation_lands_in_30_days():
    gate = CapReason("gate", "tiers", "Do you tier customers?", 2, "", "")
    result = result_with({"seg": 2, "health": 3}, caps=[gate], stage=2)
    given = practices(
        practice("tiers", "seg", 1, label="customer tiers"),
        practice("cov", "seg", 3),
        practice("score", "health", 4),
    )
    catalog = (action("tier1", ["tiers"], 1, weeks=3),)
    roadmap = build_practice_roadmap(result, catalog, practices=given, gate_levels={"tiers": 2})
    assert by_horizon(roadmap) == {30: [("tier1", False)], 90: [], 180: []}
    item = roadmap.items[0]
    assert [(p.key, p.level) for p in item.lifts] == [("tiers", 1)]
    assert item.why_first == (
        "Fixes a failed foundation (customer tiers) that caps you at Proactive; "
        "the next stage needs level 2."
    )


def test_horizons_hold_3_then_5_then_5_actions_that_fit():
    result = result_with({"seg": 1})
    given = practices(*(practice(f"p{n}", "seg", 1) for n in range(15)))
    catalog = tuple(action(f"a{n}", [f"p{n}"], 1, weeks=2) for n in range(15))
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert [len(h.items) for h in roadmap.horizons] == [3, 5, 5]
    assert [d.action.key for d in roadmap.deferred] == ["a13", "a14"]
    assert {d.reason for d in roadmap.deferred} == {NO_ROOM}


def test_action_waits_for_the_horizon_that_fits_its_effort():
    result = result_with({"seg": 1})
    given = practices(practice("a", "seg", 1), practice("b", "seg", 1), practice("c", "seg", 1))
    catalog = (
        action("long", ["a"], 1, 20),
        action("mid", ["b"], 1, 13),
        action("short", ["c"], 1, 4),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert keys(roadmap, 30) == ["short"]
    assert keys(roadmap, 90) == ["mid"]
    assert keys(roadmap, 180) == ["long"]


def test_action_never_sits_in_an_earlier_horizon_than_its_prerequisite():
    result = result_with({"seg": 2})
    given = practices(practice("plays", "seg", 2), practice("tiers", "seg", 2))
    catalog = (
        action("play", ["plays"], 2, weeks=1, pre=["tier2"]),
        action("tier2", ["tiers"], 2, 10),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert keys(roadmap, 90) == ["tier2", "play"]
    assert keys(roadmap, 30) == []


def test_dependent_of_a_prerequisite_with_no_room_is_deferred_too():
    result = result_with({"seg": 1})
    given = practices(*(practice(f"p{n}", "seg", 1) for n in range(6)), practice("x", "seg", 2))
    catalog = (
        *(action(f"a{n}", [f"p{n}"], 1, weeks=20) for n in range(6)),
        action("dep", ["x"], 2, weeks=1, pre=["a5"]),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"seg": 3})
    assert [(d.action.key, d.reason) for d in roadmap.deferred] == [
        ("a5", NO_ROOM),
        ("dep", PREREQUISITE_NO_ROOM.format(title="Title a5")),
    ]


def test_strategic_org_still_gets_first_steps_in_its_30_day_horizon():
    result = result_with({"seg": 4, "health": 4}, stage=4)
    given = practices(practice("tiers", "seg", 4), practice("score", "health", 4))
    catalog = (action("t4", ["tiers"], 4, weeks=12), action("s4", ["score"], 4, weeks=26))
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert by_horizon(roadmap) == {
        30: [("t4", True), ("s4", True)],
        90: [("t4", False)],
        180: [("s4", False)],
    }
    assert roadmap.horizons[0].items[0].why_first.startswith("First step of a longer action")


def test_first_steps_fill_only_the_free_30_day_slots():
    result = result_with({"seg": 1})
    given = practices(*(practice(f"p{n}", "seg", 1) for n in range(4)))
    catalog = (
        action("q0", ["p0"], 1, weeks=1),
        action("q1", ["p1"], 1, weeks=2),
        action("l2", ["p2"], 1, weeks=8),
        action("l3", ["p3"], 1, weeks=9),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert by_horizon(roadmap)[30] == [("q0", False), ("q1", False), ("l2", True)]


def test_no_first_step_for_an_action_whose_prerequisite_is_not_in_30_days():
    result = result_with({"seg": 2})
    given = practices(practice("plays", "seg", 2), practice("tiers", "seg", 2))
    catalog = (
        action("play", ["plays"], 2, weeks=20, pre=["tier2"]),
        action("tier2", ["tiers"], 2, 10),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given)
    assert by_horizon(roadmap) == {
        30: [("tier2", True)],
        90: [("tier2", False)],
        180: [("play", False)],
    }


def test_quick_step_below_the_30_day_window_waits_for_the_90_days():
    result = result_with({"seg": 1, "health": 2})  # seg is the weaker domain
    given = practices(
        *(practice(f"p{n}", "seg", 1) for n in range(THIRTY_DAY_WINDOW)),
        practice("quick", "health", 1),
    )
    catalog = (
        *(action(f"long{n}", [f"p{n}"], 1, weeks=20) for n in range(THIRTY_DAY_WINDOW)),
        action("q1", ["quick"], 1, weeks=1),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"health": 3})
    assert by_horizon(roadmap)[30] == [("long0", True), ("long1", True), ("long2", True)]
    assert keys(roadmap, 90) == ["q1"]


def test_quick_steps_inside_the_window_take_the_30_day_slots_before_first_steps():
    result = result_with({"seg": 1, "health": 2})
    given = practices(
        *(practice(f"p{n}", "seg", 1) for n in range(THIRTY_DAY_WINDOW - 1)),
        practice("quick", "health", 1),
    )
    catalog = (
        *(action(f"long{n}", [f"p{n}"], 1, weeks=6) for n in range(THIRTY_DAY_WINDOW - 1)),
        action("q1", ["quick"], 1, weeks=1),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"health": 3})
    assert by_horizon(roadmap)[30] == [("q1", False), ("long0", True), ("long1", True)]


def test_candidates_waiting_for_a_prerequisite_count_in_the_30_day_window():
    # The single weak foundation: the health steps that need the automated score wait, yet they
    # still outrank the quick tooling step, which must not take a 30-day slot on speed alone.
    result = result_with({"health": 1, "tooling": 2})
    given = practices(
        practice("score", "health", 1),
        *(practice(f"h{n}", "health", 2) for n in range(THIRTY_DAY_WINDOW - 1)),
        practice("policy", "tooling", 2),
    )
    catalog = (
        action("simple", ["score"], 1, weeks=2),
        action("automate", ["score"], 2, weeks=8),
        *(
            action(f"uses{n}", [f"h{n}"], 2, weeks=6, pre=["automate"])
            for n in range(THIRTY_DAY_WINDOW - 1)
        ),
        action("ai-policy", ["policy"], 2, weeks=4),
    )
    targets = {"health": 3, "tooling": 3}
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets=targets)
    assert [key for key, _ in by_horizon(roadmap)[30]] == ["simple"]
    assert keys(roadmap, 90) == ["ai-policy"]
    assert [d.action.key for d in roadmap.deferred] == [
        f"uses{n}" for n in range(THIRTY_DAY_WINDOW - 1)
    ]


def test_domain_below_target_with_every_practice_at_target_still_gets_a_next_step():
    # An agreed answer can put every practice at the target while the domain score lags.
    result = result_with({"seg": 1})
    given = practices(practice("tiers", "seg", 2), practice("cov", "seg", 3))
    catalog = (action("t2", ["tiers"], 2), action("c3", ["cov"], 3))
    assert keys(build_practice_roadmap(result, catalog, practices=given)) == ["t2"]


# --- rule 5: what each item says --------------------------------------------------------------


def test_item_names_the_practices_it_lifts_and_from_what_level():
    result = result_with({"seg": 1})
    given = practices(
        practice("tiers", "seg", 1, label="customer tiers"),
        practice("cov", "seg", 1, label="coverage model"),
        practice("owner", "seg", 2, label="account owners"),  # already past this step
    )
    catalog = (action("basics", ["tiers", "owner", "cov"], 1),)
    item = build_practice_roadmap(result, catalog, practices=given).items[0]
    assert [(p.key, p.level) for p in item.lifts] == [("tiers", 1), ("cov", 1)]
    assert (item.action.from_level, item.action.to_level) == (1, 2)
    assert item.why_first == (
        "Lowest practice level in your plan (level 1): lifts customer tiers and coverage model "
        "to level 2."
    )


def test_item_above_the_lowest_level_says_it_is_the_next_step():
    result = result_with({"seg": 1})
    given = practices(practice("a", "seg", 1), practice("b", "seg", 2, label="playbooks"))
    catalog = (action("a1", ["a"], 1), action("b2", ["b"], 2))
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"seg": 3})
    assert roadmap.items[1].why_first == "Next step for playbooks: level 2 to 3."


# --- rule 6: warnings -------------------------------------------------------------------------


def test_deep_disagreement_warning_from_25_percent_of_answered_questions():
    at = result_with({"seg": 2, "health": 2}, answered={"seg": 3, "health": 5}, gaps=2)
    below = result_with({"seg": 2, "health": 2}, answered={"seg": 4, "health": 5}, gaps=2)
    warned = build_practice_roadmap(at, (), practices={}).warnings
    assert [(w.kind, w.key) for w in warned] == [("deep-disagreement", "")]
    assert warned[0].text.startswith(
        "Calibrate before acting: respondents disagree on 2 of 8 answered questions"
    )
    assert build_practice_roadmap(below, (), practices={}).warnings == ()


def test_uncertain_domain_warning_from_40_percent_dont_know():
    result = result_with({"seg": 2, "health": 2, "metrics": 2})
    shares = {"metrics": 2 / 5, "seg": 0.41, "health": 0.3999}
    warned = build_practice_roadmap(result, (), practices={}, dont_know_share=shares).warnings
    assert [(w.kind, w.key) for w in warned] == [
        ("uncertain-domain", "seg"),
        ("uncertain-domain", "metrics"),
    ]
    assert warned[1].text.startswith('Metrics is uncertain: 40% of its answers are "Don\'t know"')


@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan"), True, "0.5"])
def test_dont_know_share_outside_0_to_1_is_rejected(value):
    with pytest.raises(ValueError) as error:
        build_practice_roadmap(
            result_with({"seg": 2}), (), practices={}, dont_know_share={"seg": value}
        )
    assert str(error.value) == INVALID_SHARE.format(key="seg", value=value)


def test_dont_know_share_for_an_unknown_domain_is_rejected():
    with pytest.raises(ValueError) as error:
        build_practice_roadmap(
            result_with({"seg": 2}), (), practices={}, dont_know_share={"ops": 0.5}
        )
    assert str(error.value) == UNKNOWN_DOMAIN.format(key="ops")


# --- bad input --------------------------------------------------------------------------------


def test_prerequisite_cycle_is_rejected_naming_its_actions():
    given = practices(practice("a", "seg", 1), practice("b", "seg", 1))
    catalog = (action("x", ["a"], 1, pre=["y"]), action("y", ["b"], 1, pre=["x"]))
    with pytest.raises(ValueError) as error:
        build_practice_roadmap(result_with({"seg": 1}), catalog, practices=given)
    assert str(error.value) == PREREQUISITE_CYCLE.format(keys="x, y")


@pytest.mark.parametrize(
    ("catalog", "message"),
    [
        (
            (action("x", ["a"], 1, pre=["nope"]),),
            UNKNOWN_PREREQUISITE.format(key="x", prerequisite="nope"),
        ),
        ((action("x", ["zz"], 1),), UNKNOWN_PRACTICE.format(key="x", practice="zz")),
        ((action("x", ["a"], 1), action("x", ["a"], 2)), DUPLICATE_ACTION_KEY.format(key="x")),
        ((action("x", ["a"], 5),), INVALID_FROM_LEVEL.format(key="x", value=5)),
    ],
)
def test_bad_catalog_is_rejected_with_a_clear_message(catalog, message):
    with pytest.raises(ValueError) as error:
        build_practice_roadmap(
            result_with({"seg": 1}), catalog, practices=practices(practice("a", "seg", 1))
        )
    assert str(error.value) == message


def test_practice_level_out_of_range_is_rejected():
    with pytest.raises(ValueError) as error:
        build_practice_roadmap(
            result_with({"seg": 1}), (), practices=practices(practice("a", "seg", 0))
        )
    assert str(error.value) == INVALID_LEVEL.format(key="a", value=0)


def test_step_needing_a_later_step_of_its_own_practice_waits_with_nothing_standing_in():
    # play needs plan2; plan2 needs tier3, out of reach until play itself lifts tiers. The bank
    # loader rejects such a catalog (a prerequisite starting above its dependent); the engine
    # proposes neither rather than plan a step on a practice two levels short.
    result = result_with({"seg": 1})
    given = practices(practice("tiers", "seg", 1), practice("plan", "seg", 2))
    catalog = (
        action("play", ["tiers"], 1, pre=["plan2"]),
        action("plan2", ["plan"], 2, pre=["tier3"]),
        action("tier3", ["tiers"], 3),
    )
    roadmap = build_practice_roadmap(result, catalog, practices=given, targets={"seg": 3})
    assert keys(roadmap) == []
    assert [d.action.key for d in roadmap.deferred] == ["play", "plan2"]
