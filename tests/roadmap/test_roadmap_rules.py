import pytest

from assessment.roadmap import (
    INVALID_TARGET,
    ActionDef,
    build_roadmap,
    domain_plans,
    profile_tags,
)
from assessment.scoring import CapReason, DomainResult, Result


def result_with(domains, caps=(), stage=2, score_stage=3):
    return Result(
        domains=tuple(DomainResult(k, k.title(), s, st, 1, 1) for k, s, st in domains),
        overall_score=50.0,
        score_stage=score_stage,
        score_phase="Run",
        stage=stage,
        phase="Walk",
        cap_reasons=tuple(caps),
        data_gaps=(),
        alignment_gaps=(),
        completeness=1.0,
        respondents=1,
    )


def action(key, domain, stage, weeks=2, tags=()):
    return ActionDef(key, domain, stage, f"Title {key}", "why", f"{weeks} weeks", weeks, tags)


def build(result, actions, **kwargs):
    return build_roadmap(result, actions, question_domains={"seg-q": "seg"}, **kwargs)


def test_capping_domain_reason_names_the_cap():
    result = result_with(
        [("seg", 10.0, 1), ("health", 50.0, 3)],
        caps=[CapReason("domain", "seg", "Seg", 2, "", "")],
    )
    roadmap = build(result, [action("a", "seg", 2), action("b", "health", 4)])
    first = roadmap.horizons[0].items[0]
    assert first.action.key == "a"
    assert first.reason.startswith("Seg is Reactive and caps you at Proactive (Walk)")


def test_gate_cap_prioritises_the_gate_questions_domain():
    result = result_with(
        [("seg", 45.0, 3), ("health", 30.0, 2)],
        caps=[CapReason("gate", "seg-q", "Q", 2, "", "")],
    )
    roadmap = build(result, [action("h", "health", 3), action("s", "seg", 4)])
    assert [i.action.key for i in roadmap.horizons[0].items] == ["s", "h"]


def test_weakest_domain_first_when_nothing_caps():
    result = result_with([("a", 35.0, 2), ("b", 25.0, 2)], stage=3)
    roadmap = build(result, [action("a1", "a", 3), action("b1", "b", 3)])
    assert [i.action.key for i in roadmap.items] == ["b1", "a1"]


def test_quicker_action_first_within_a_domain():
    result = result_with([("a", 35.0, 2)], stage=3)
    roadmap = build(result, [action("slow", "a", 3, weeks=3), action("quick", "a", 3, weeks=1)])
    assert [i.action.key for i in roadmap.items] == ["quick", "slow"]


def test_profile_tags_rerank_within_a_domain():
    result = result_with([("a", 35.0, 2)], stage=3)
    actions = [action("plain", "a", 3, weeks=1), action("smb", "a", 3, weeks=3, tags=("smb",))]
    roadmap = build(result, actions, tags=frozenset({"smb"}))
    assert [i.action.key for i in roadmap.items] == ["smb", "plain"]
    assert "Suits SMB-focused teams." in roadmap.items[0].reason


def test_long_action_waits_for_a_later_horizon():
    result = result_with([("a", 35.0, 2)], stage=3)
    roadmap = build(result, [action("long", "a", 3, weeks=10), action("huge", "a", 3, weeks=20)])
    assert [h.days for h in roadmap.horizons if h.items] == [90, 180]


def test_thirty_day_horizon_holds_three_at_most():
    result = result_with([("a", 35.0, 2)], stage=3)
    roadmap = build(result, [action(f"x{n}", "a", 3, weeks=1) for n in range(9)])
    assert [len(h.items) for h in roadmap.horizons] == [3, 5, 1]


def test_target_at_current_stage_means_no_action():
    result = result_with([("a", 35.0, 2)], stage=3)
    assert not build(result, [action("a1", "a", 3)], targets={"a": 2}).items


def test_target_two_stages_up_still_only_next_stage_actions():
    result = result_with([("a", 35.0, 2)], stage=3)
    roadmap = build(result, [action("a3", "a", 3), action("a4", "a", 4)], targets={"a": 4})
    assert [i.action.key for i in roadmap.items] == ["a3"]


def test_embedded_domain_gets_nothing_by_default():
    result = result_with([("a", 95.0, 5)], stage=5, score_stage=5)
    assert domain_plans(result)[0].target == 5
    assert not build(result, [action("a5", "a", 5)]).items


@pytest.mark.parametrize("bad", [0, 6, "3", True])
def test_invalid_target_is_refused(bad):
    result = result_with([("a", 35.0, 2)], stage=3)
    with pytest.raises(ValueError, match="must be a stage from 1 to 5"):
        domain_plans(result, {"a": bad})
    assert INVALID_TARGET.startswith("Target for")


def test_profile_tags_from_org_profile():
    tags = profile_tags(arr_band="over-100m", segment="smb", team_size="1-5", team_age="under-1y")
    assert tags == {"scale-up", "smb", "small-team", "new-team"}
    assert profile_tags() == frozenset()


def test_failed_gate_brings_the_foundation_action_of_its_domain_first():
    # Seg scores Predictive, but its tiers question (gate: level 2) failed and caps at Proactive.
    result = result_with(
        [("seg", 45.0, 3), ("health", 30.0, 2)],
        caps=[CapReason("gate", "seg-q", "Tiers?", 2, "", "")],
    )
    actions = [action("tiers", "seg", 2), action("seg4", "seg", 4), action("h3", "health", 3)]
    roadmap = build(result, actions, gate_levels={"seg-q": 2})
    first = roadmap.horizons[0].items[0]
    assert first.action.key == "tiers"
    assert first.reason.startswith("A foundation question in Seg is answered below level 2")


def test_foundation_action_is_never_ahead_of_its_domain():
    result = result_with(
        [("seg", 10.0, 1)], caps=[CapReason("gate", "seg-q", "Q", 2, "", "")], score_stage=3
    )
    roadmap = build(
        result, [action("s3", "seg", 3), action("s2", "seg", 2)], gate_levels={"seg-q": 3}
    )
    assert [i.action.key for i in roadmap.items] == ["s2"]
