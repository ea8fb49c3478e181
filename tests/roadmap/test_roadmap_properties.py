from hypothesis import given, settings

from assessment.roadmap import HORIZONS, build_roadmap
from tests.roadmap.strategies import GATE_LEVELS, QUESTION_DOMAINS, roadmap_inputs

FAST = settings(max_examples=60, deadline=None)


def build(inputs):
    result, actions, targets, tags = inputs
    return build_roadmap(
        result,
        actions,
        question_domains=QUESTION_DOMAINS,
        gate_levels=GATE_LEVELS,
        targets=targets,
        tags=tags,
    )


@FAST
@given(roadmap_inputs())
def test_never_an_action_two_stages_ahead_of_its_domain(inputs):
    stages = {d.key: d.stage for d in inputs[0].domains}
    for item in build(inputs).items:
        assert item.action.stage <= stages[item.action.domain_key] + 1


@FAST
@given(roadmap_inputs())
def test_horizon_sizes_and_fit(inputs):
    roadmap = build(inputs)
    for horizon, (days, most, longest) in zip(roadmap.horizons, HORIZONS, strict=True):
        assert horizon.days == days
        assert len(horizon.items) <= most
        assert all(item.action.effort_weeks <= longest for item in horizon.items)


@FAST
@given(roadmap_inputs())
def test_deterministic(inputs):
    assert build(inputs) == build(inputs)


@FAST
@given(roadmap_inputs())
def test_domain_at_or_above_its_target_gets_no_action(inputs):
    roadmap = build(inputs)
    done = {plan.key for plan in roadmap.domains if plan.stage >= plan.target}
    assert not [item for item in roadmap.items if item.action.domain_key in done]


@FAST
@given(roadmap_inputs())
def test_capping_domains_come_first(inputs):
    """No action from a non-capping domain takes a slot that a capping domain's action, left
    out of the roadmap or placed later, could have filled."""
    result, actions, _, _ = inputs
    roadmap = build(inputs)
    capping = {r.key if r.kind == "domain" else QUESTION_DOMAINS[r.key] for r in result.cap_reasons}
    placed = {item.action.key: item.horizon for item in roadmap.items}
    plans = {plan.key: plan for plan in roadmap.domains}
    candidates = [
        a
        for a in actions
        if a.domain_key in capping
        and a.stage == plans[a.domain_key].stage + 1
        and plans[a.domain_key].stage < plans[a.domain_key].target
    ]
    if any(r.kind == "gate" for r in result.cap_reasons):
        return  # foundation actions of gate domains follow their own rule (see rules tests)
    for item in roadmap.items:
        if item.action.domain_key in capping:
            continue
        longest = dict((d, w) for d, _, w in HORIZONS)[item.horizon]
        for candidate in candidates:
            if candidate.effort_weeks <= longest:
                assert placed.get(candidate.key, 10_000) <= item.horizon


@FAST
@given(roadmap_inputs())
def test_every_item_says_why(inputs):
    for item in build(inputs).items:
        assert item.domain_name in item.reason
