"""Roadmap v2 properties over generated orgs and catalogs (product.md "Roadmap v2")."""

from dataclasses import dataclass, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.practice_roadmap import (
    Practice,
    PracticeAction,
    PracticeRoadmap,
    build_practice_roadmap,
)
from assessment.roadmap import HORIZONS
from assessment.scoring import CapReason, DomainResult, Result, phase_of

SETTINGS = settings(max_examples=120, deadline=None)
TAGS = ("smb", "enterprise", "small-team", "scale-up")


@dataclass(frozen=True)
class World:
    result: Result
    practices: dict[str, Practice]
    actions: tuple[PracticeAction, ...]
    gate_levels: dict[str, int]
    targets: dict[str, int]
    tags: frozenset[str]
    exclude: frozenset[str]

    def build(self, **changes) -> PracticeRoadmap:
        inputs = {
            "practices": self.practices,
            "gate_levels": self.gate_levels,
            "targets": self.targets,
            "tags": self.tags,
            "exclude": self.exclude,
            **changes,
        }
        return build_practice_roadmap(self.result, self.actions, **inputs)


def _action(key, lifts, from_level, weeks, prerequisites=(), tags=()):
    return PracticeAction(
        key=key,
        domain_key="d0",
        lifts=tuple(lifts),
        from_level=from_level,
        title=f"Title {key}",
        why="why",
        done_when="done",
        first_step="first",
        effort=f"{weeks} weeks",
        effort_weeks=weeks,
        owner="CS lead",
        prerequisites=tuple(prerequisites),
        tags=tuple(tags),
    )


@st.composite
def worlds(draw, max_practices=8, extras=True, excluding=True, loadable=False):
    """An org with 1-3 domains, its practices and a catalog that covers every step (one action
    per practice and level lifting that practice alone), plus optional shared actions; the
    catalog is shuffled and prerequisites only point backwards in it, so they never loop.
    `loadable`: only catalogs the bank loader accepts, whose prerequisites start at the same
    level as the action that needs them or lower (assessment/bank_file.py)."""
    domain_count = draw(st.integers(1, 3))
    stages = draw(st.lists(st.integers(1, 5), min_size=domain_count, max_size=domain_count))
    domains = tuple(
        DomainResult(f"d{n}", f"Domain {n}", (stage - 1) * 20.0 + 5, stage, 1, 1)
        for n, stage in enumerate(stages)
    )
    practice_count = draw(st.integers(domain_count, max(domain_count, max_practices)))
    practices = {}
    for n in range(practice_count):
        # The first practices go one per domain, so every domain has at least one.
        domain = f"d{n}" if n < domain_count else f"d{draw(st.integers(0, domain_count - 1))}"
        level = draw(st.integers(1, 5))
        previous = draw(st.one_of(st.none(), st.integers(1, 5)))
        practices[f"p{n}"] = Practice(f"p{n}", domain, f"practice {n}", level, 0, previous)
    keys = list(practices)
    score_stage = draw(st.integers(1, 5))
    caps = [
        CapReason("domain", d.key, d.name, d.stage + 1, "", "")
        for d in domains
        if d.stage + 1 < score_stage
    ]
    gated = draw(st.lists(st.sampled_from(keys), max_size=2, unique=True))
    caps += [CapReason("gate", key, "A gate", draw(st.integers(1, 4)), "", "") for key in gated]
    result = Result(
        domains=domains,
        overall_score=50.0,
        score_stage=score_stage,
        score_phase=phase_of(score_stage),
        stage=min([score_stage, *(c.caps_at for c in caps)]),
        phase=phase_of(min([score_stage, *(c.caps_at for c in caps)])),
        cap_reasons=tuple(caps),
        data_gaps=(),
        alignment_gaps=(),
        completeness=1.0,
        respondents=1,
    )
    steps = [([key], level) for key in keys for level in (1, 2, 3, 4)]
    if extras:
        shared = st.tuples(
            st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True), st.integers(1, 4)
        )
        steps += draw(st.lists(shared, max_size=4))
    order = draw(st.permutations(range(len(steps))))
    actions = []
    for position, index in enumerate(order):
        lifts, level = steps[index]
        earlier = draw(st.lists(st.integers(0, position - 1), max_size=2)) if position else []
        prerequisites = {
            actions[i].key for i in earlier if not loadable or actions[i].from_level <= level
        }
        actions.append(
            _action(
                f"a{index}",
                lifts,
                level,
                weeks=draw(st.integers(1, 30)),
                prerequisites=sorted(prerequisites),
                tags=draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
            )
        )
    action_keys = [a.key for a in actions]
    return World(
        result=result,
        practices=practices,
        actions=tuple(actions),
        gate_levels={key: draw(st.integers(2, 5)) for key in gated},
        targets=draw(st.dictionaries(st.sampled_from([d.key for d in domains]), st.integers(1, 5))),
        tags=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=3))),
        exclude=frozenset(
            draw(st.lists(st.sampled_from(action_keys), max_size=4)) if excluding else ()
        ),
    )


def _full_items(roadmap):
    return [item for item in roadmap.items if not item.first_step_only]


def _lifts_from(roadmap, key, level):
    return [
        item
        for item in roadmap.items
        if key in item.action.lifts and item.action.from_level == level
    ]


@SETTINGS
@given(worlds())
def test_prerequisites_never_sit_in_a_later_horizon_than_their_dependents(world):
    """Nor is a step proposed while a prerequisite is out of reach: it waits in `deferred`."""
    roadmap = world.build()
    items = _full_items(roadmap)
    position = {item.action.key: n for n, item in enumerate(items)}
    horizon = {item.action.key: item.horizon for item in items}
    levels = {key: p.level for key, p in world.practices.items()}
    by_key = {a.key: a for a in world.actions}
    for item in items:
        for key in item.action.prerequisites:
            prerequisite = by_key[key]
            met = all(levels[k] >= prerequisite.to_level for k in prerequisite.lifts)
            out_of_reach = any(levels[k] < prerequisite.from_level for k in prerequisite.lifts)
            regressed = any(world.practices[k].regressed for k in prerequisite.lifts)
            excluded = key in world.exclude and not regressed
            assert met or excluded or not out_of_reach, (
                f"{item.action.key} is proposed while its prerequisite {key} is out of reach"
            )
            if met or excluded:
                continue
            assert key in horizon, f"{item.action.key} is proposed without its prerequisite {key}"
            assert horizon[key] <= item.horizon
            assert position[key] < position[item.action.key]


@SETTINGS
@given(worlds())
def test_no_action_is_more_than_one_level_above_a_practice_it_lifts(world):
    roadmap = world.build()
    for item in roadmap.items:
        action = item.action
        assert all(world.practices[k].level >= action.from_level for k in action.lifts)
        assert item.lifts, "every item moves at least one practice"
        assert all(p.level == action.from_level for p in item.lifts)


@SETTINGS
@given(worlds())
def test_horizons_keep_their_size_and_effort_limits(world):
    roadmap = world.build()
    full = _full_items(roadmap)
    assert len({i.action.key for i in full}) == len(full), "no action is proposed twice"
    for horizon, (days, most, longest) in zip(roadmap.horizons, HORIZONS, strict=True):
        assert horizon.days == days
        assert len(horizon.items) <= most
        for item in horizon.items:
            assert item.horizon == days
            if not item.first_step_only:
                assert item.action.effort_weeks <= longest
    later = {i.action.key for h in roadmap.horizons[1:] for i in h.items}
    for item in roadmap.items:
        if item.first_step_only:
            assert item.horizon == 30 and item.action.key in later


@SETTINGS
@given(worlds(excluding=False, loadable=True))
def test_30_days_never_empty_while_a_domain_is_below_its_target(world):
    """For any catalog the bank loader accepts. One whose step needs a later step of the same
    practice can leave nothing to start: nothing stands in for what is out of reach."""
    roadmap = world.build()
    lagging = [
        plan
        for plan in roadmap.domains
        if plan.stage < plan.target
        and any(p.domain_key == plan.key and p.level < 5 for p in world.practices.values())
    ]
    if lagging:
        assert roadmap.horizons[0].items


@SETTINGS
@given(worlds(max_practices=5, extras=False), st.data())
def test_lowering_a_practice_never_removes_the_action_for_it(world, data):
    """With one action per step and at most five practices everything proposed fits, so only
    the rules can drop an action. The practice is recorded at its old level, so it regressed and
    an exclusion cannot hide it either. The one rule that may hold it back: a prerequisite out of
    reach (nothing stands in for it any more). Then, while the practice is below its target, the
    step waits in `deferred` and, for a catalog the bank loader accepts, the step that clears its
    way says so."""
    key = data.draw(st.sampled_from(sorted(world.practices)))
    practice = world.practices[key]
    if practice.level == 1:
        return
    lower = data.draw(st.integers(1, practice.level - 1))
    before = world.build(practices={**world.practices, key: replace(practice, previous_level=None)})
    lowered = replace(practice, level=lower, previous_level=practice.level)
    after = world.build(practices={**world.practices, key: lowered})
    target = next(p.target for p in after.practices if p.key == key)
    if not _lifts_from(before, key, practice.level) or _lifts_from(after, key, lower):
        return
    # Below its target, the practice's next step is a candidate: proposed, or waiting. At or above
    # it, the step was there only to clear the way for another, which may now wait itself.
    if lower < target:
        waiting = [
            d for d in after.deferred if key in d.action.lifts and d.action.from_level == lower
        ]
        assert waiting and waiting[0].reason.startswith("Needs ")
        by_key = {a.key: a for a in world.actions}
        # A catalog the bank loader would reject can leave nothing to clear the way.
        loadable = all(
            by_key[need].from_level <= a.from_level
            for a in world.actions
            for need in a.prerequisites
        )
        if loadable:
            also = f"Also needed before: {waiting[0].action.title}"
            assert any(also in item.why_first for item in after.items)


@SETTINGS
@given(worlds(), st.randoms(use_true_random=False))
def test_same_input_gives_the_same_roadmap_whatever_the_practice_order(world, random):
    first = world.build()
    assert world.build() == first
    shuffled = list(world.practices.items())
    random.shuffle(shuffled)
    again = world.build(practices=dict(shuffled))
    assert again.horizons == first.horizons
    assert again.warnings == first.warnings
    assert again.deferred == first.deferred
    assert again.domains == first.domains
    assert sorted(again.practices, key=lambda p: p.key) == sorted(
        first.practices, key=lambda p: p.key
    )
