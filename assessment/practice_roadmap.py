"""Roadmap v2: practice-level advice. Pure Python on plain data, like scoring and roadmap v1.

Catalog v2 actions lift named practices (question keys) from one level to the next. The rules are
product.md's "Roadmap v2"; docs/roadmap.md explains them for CS leaders. Catalogs whose actions
carry no `lifts` (question bank v1) keep the v1 rules in assessment/roadmap.py, so v1 reports stay
byte-identical.

How the rules are read here, where product.md leaves room, and the rules the archetype suite
(tests/roadmap/test_archetypes.py) led to:
- a practice is *in the plan* when its level is below its target. A failed gate question is in the
  plan too while it is below its gate's level, even if its domain's target would not reach it,
  because it caps the whole org. A domain below its target whose practices all meet the target
  (possible with agreed answers or custom thresholds) puts its lowest practices in the plan, so
  such a domain is never left without a next step;
- an action is proposed only when none of the practices it lifts is below its `from_level`
  ("never more than one level above its practice");
- an action whose unmet prerequisite is out of reach in that sense (it lifts a practice still
  below the prerequisite's from_level), or waits itself, is not proposed this time: it goes to
  `deferred` with the reason, since it would sit two levels above a foundation. Nothing stands in
  for it. The lagging practice's own next step is proposed instead, even when that practice is
  not in the plan itself, ranked where the waiting action would rank, and its why_first says
  "Also needed before: <title>". The bank loader rejects prerequisites that start above the
  action needing them, so this always leaves something to start;
- order, each rule breaking the ties of the one before: (a) what caps the stage (failed gates,
  then the weakest-domain cap, tightest first); (b) lower practice levels first; (c) practices
  that regressed first; then foundations first: practices that are gate questions of the bank
  (`gate_levels` keys), whether or not their gate caps the org now, before the others, the gate
  needing the lower level first; then the weaker domain first (lower domain score; a domain with
  no score is the weakest); only then effort, profile tags and catalog order. Prerequisites always
  come before what needs them and rank at least as high;
- horizons: only the THIRTY_DAY_WINDOW best-ranked candidates may take a full 30-day slot (the
  window counts candidates that wait for a prerequisite too, and always holds the best proposed
  action); those of 4 weeks or less among them take the slots, and free slots go to the first
  steps of the best-ranked longer actions. A quick action further down waits for the 90 days
  like everything else, so it never wins a slot just for being quick;
- actions excluded by the caller (open or done in the plan) are not proposed, and as prerequisites
  they count as under way: they neither block nor delay what depends on them.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from assessment.roadmap import HORIZONS, TAG_LABELS, DomainPlan, domain_plans
from assessment.scoring import LEVELS, STAGE_NAMES, Result

DISAGREEMENT_SHARE = 0.25  # alignment gaps on at least this share of answered questions
DONT_KNOW_SHARE = 0.40  # "don't know" on at least this share of a domain's answers
# Only this many top-ranked actions may take a full 30-day slot: a quick action further down the
# ranking is not urgent for being quick, so it waits for the 90 days like everything else.
THIRTY_DAY_WINDOW = 5
NO_ROOM = "No room left in the 180 days; it comes after these steps."
PREREQUISITE_NO_ROOM = "Needs {title} first, which found no room in the 180 days."
# Shares are computed by callers in floating point (2/5 may arrive as 0.39999999999999997).
_SHARE_SLACK = 1e-9

INVALID_LEVEL = "Practice {key!r} has level {value!r}; a level must be a whole number from 1 to 5."
INVALID_ANSWER_LEVEL = (
    "Question {key!r} has answer {value!r}; an answer must be a level from 1 to 5 or None "
    "(don't know)."
)
MISMATCHED_PRACTICE_KEY = "Practice stored under {key!r} has key {value!r}; they must match."
INVALID_FROM_LEVEL = (
    "Action {key!r} lifts from level {value!r}; from_level must be a whole number from 1 to 4."
)
INVALID_EFFORT = (
    "Action {key!r} has effort_weeks {value!r}; it must be a whole number of weeks, 0 or more."
)
DUPLICATE_ACTION_KEY = "Action key {key!r} is used more than once; action keys must be unique."
NO_LIFTS = "Action {key!r} lifts no practice."
UNKNOWN_PRACTICE = "Action {key!r} lifts {practice!r}, which is not one of the org's practices."
UNKNOWN_PREREQUISITE = "Action {key!r} needs {prerequisite!r}, which is not in the catalog."
PREREQUISITE_CYCLE = "Actions {keys} need each other in a cycle; prerequisites must not loop."
INVALID_SHARE = "Don't-know share for domain {key!r} is {value!r}; it must be a number from 0 to 1."
UNKNOWN_DOMAIN = "Don't-know share given for {key!r}, which is not a domain of this result."
MISSING_LABEL = "Question {key!r} has no practice label."
UNKNOWN_QUESTION_DOMAIN = "Question {key!r} belongs to {domain!r}, which is not in this result."


@dataclass(frozen=True)
class PracticeAction:
    key: str
    domain_key: str
    lifts: tuple[str, ...]  # question keys (practices) this action lifts
    from_level: int  # lifts each of them from this level to the next (1..4)
    title: str
    why: str
    done_when: str  # observable; matches the anchor of level from_level + 1
    first_step: str  # what to do in the first two weeks
    effort: str
    effort_weeks: int
    owner: str  # suggested owner role
    prerequisites: tuple[str, ...] = ()  # other action keys
    tags: tuple[str, ...] = ()

    @property
    def to_level(self) -> int:
        return self.from_level + 1


@dataclass(frozen=True)
class Practice:
    key: str  # question key
    domain_key: str
    label: str  # a short practice label ("customer tiers"), not the question text
    level: int  # agreed answer, else mean rounded down; "don't know" counts as 1
    target: int  # follows its domain's target stage (build_practice_roadmap enforces it)
    previous_level: int | None = None  # from the previous result, when there is one

    @property
    def regressed(self) -> bool:
        return self.previous_level is not None and self.level < self.previous_level


@dataclass(frozen=True)
class PracticeItem:
    action: PracticeAction
    horizon: int  # 30, 90 or 180
    # The practices this action moves now (each at the action's from_level), in the action's
    # `lifts` order; a prerequisite may move practices that are already at their target.
    lifts: tuple[Practice, ...]
    why_first: str  # why it sits where it does (cap, lowest level, regression, prerequisite)
    first_step_only: bool = False  # a longer action whose first step is pulled into 30 days


@dataclass(frozen=True)
class DeferredAction:
    action: PracticeAction
    reason: str  # why it is not in this roadmap


@dataclass(frozen=True)
class PracticeHorizon:
    days: int
    items: tuple[PracticeItem, ...]


@dataclass(frozen=True)
class Warning:
    kind: str  # "deep-disagreement" | "uncertain-domain"
    key: str  # "" for the org, else the domain key
    text: str


@dataclass(frozen=True)
class PracticeRoadmap:
    domains: tuple[DomainPlan, ...]
    practices: tuple[Practice, ...]
    horizons: tuple[PracticeHorizon, ...]
    warnings: tuple[Warning, ...] = ()
    # Actions not in this roadmap: first those that found no room in any horizon, best first
    # ("and later: ..."), then the candidates whose prerequisites cannot start yet.
    deferred: tuple[DeferredAction, ...] = ()

    @property
    def items(self) -> tuple[PracticeItem, ...]:
        return tuple(item for horizon in self.horizons for item in horizon.items)


# --- levels -----------------------------------------------------------------------------------


def _is_level(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in LEVELS


def practice_levels(
    answers: Mapping[str, Sequence[int | None]],
    agreed: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Question key → the org's level on it: the agreed answer, else the mean of the answered
    levels rounded down; None ("don't know") counts as level 1; no answer at all is level 1.
    Keys are those of `answers` then any only in `agreed`, in that order."""
    agreed = agreed or {}
    levels: dict[str, int] = {}
    for key, given in answers.items():
        for value in given:
            if value is not None and not _is_level(value):
                raise ValueError(INVALID_ANSWER_LEVEL.format(key=key, value=value))
        counted = [1 if value is None else value for value in given]
        # Integer floor division: exact, so 2.999... can never round up to 3.
        levels[key] = sum(counted) // len(counted) if counted else 1
    for key, value in agreed.items():
        if not _is_level(value):
            raise ValueError(INVALID_LEVEL.format(key=key, value=value))
        levels[key] = value
    return levels


def practices_for(
    result: Result,
    *,
    levels: Mapping[str, int],
    labels: Mapping[str, str],
    question_domains: Mapping[str, str],
    targets: Mapping[str, int] | None = None,
    previous_levels: Mapping[str, int] | None = None,
) -> dict[str, Practice]:
    """The org's practices, in `question_domains` order: level from `levels` (1 when missing, as
    for an unanswered question), target from its domain's target stage, previous level when the
    previous result has the question."""
    plans = {plan.key: plan for plan in domain_plans(result, targets)}
    previous_levels = previous_levels or {}
    practices = {}
    for key, domain in question_domains.items():
        if domain not in plans:
            raise ValueError(UNKNOWN_QUESTION_DOMAIN.format(key=key, domain=domain))
        if not labels.get(key):
            raise ValueError(MISSING_LABEL.format(key=key))
        practices[key] = Practice(
            key=key,
            domain_key=domain,
            label=labels[key],
            level=levels.get(key, 1),
            target=plans[domain].target,
            previous_level=previous_levels.get(key),
        )
    return practices


# --- validation -------------------------------------------------------------------------------


def _check_inputs(actions: Sequence[PracticeAction], practices: Mapping[str, Practice]) -> None:
    for key, practice in practices.items():
        if practice.key != key:
            raise ValueError(MISMATCHED_PRACTICE_KEY.format(key=key, value=practice.key))
        if not _is_level(practice.level):
            raise ValueError(INVALID_LEVEL.format(key=key, value=practice.level))
        if practice.previous_level is not None and not _is_level(practice.previous_level):
            raise ValueError(INVALID_LEVEL.format(key=key, value=practice.previous_level))
    keys: set[str] = set()
    for action in actions:
        if action.key in keys:
            raise ValueError(DUPLICATE_ACTION_KEY.format(key=action.key))
        keys.add(action.key)
        level = action.from_level
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 4:
            raise ValueError(INVALID_FROM_LEVEL.format(key=action.key, value=level))
        weeks = action.effort_weeks
        if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 0:
            raise ValueError(INVALID_EFFORT.format(key=action.key, value=weeks))
        if not action.lifts:
            raise ValueError(NO_LIFTS.format(key=action.key))
        for practice in action.lifts:
            if practice not in practices:
                raise ValueError(UNKNOWN_PRACTICE.format(key=action.key, practice=practice))
    for action in actions:
        for prerequisite in action.prerequisites:
            if prerequisite not in keys:
                raise ValueError(
                    UNKNOWN_PREREQUISITE.format(key=action.key, prerequisite=prerequisite)
                )
    _check_no_cycle(actions)


def _check_no_cycle(actions: Sequence[PracticeAction]) -> None:
    needs = {action.key: action.prerequisites for action in actions}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in needs:
        if root in state:
            continue
        # Iterative DFS: a long prerequisite chain must not hit Python's recursion limit.
        path: list[str] = []
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            key, index = stack.pop()
            if index == 0:
                state[key] = 1
                path.append(key)
            if index < len(needs[key]):
                stack.append((key, index + 1))
                nxt = needs[key][index]
                if state.get(nxt) == 1:
                    loop = path[path.index(nxt) :]
                    raise ValueError(PREREQUISITE_CYCLE.format(keys=", ".join(loop)))
                if nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[key] = 2
                path.pop()


def _check_shares(result: Result, shares: Mapping[str, float]) -> None:
    domains = {d.key for d in result.domains}
    for key, value in shares.items():
        if key not in domains:
            raise ValueError(UNKNOWN_DOMAIN.format(key=key))
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or not 0 <= value <= 1:
            raise ValueError(INVALID_SHARE.format(key=key, value=value))


# --- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cap:
    group: int  # 0: failed gate, 1: capping domain
    caps_at: int
    domain_name: str = ""
    gate_level: int | None = None


def _with_domain_targets(
    practices: Mapping[str, Practice], plans: Mapping[str, DomainPlan]
) -> dict[str, Practice]:
    """Each practice's target is its domain's target, whatever the caller put in it."""
    fixed = {}
    for key, practice in practices.items():
        plan = plans.get(practice.domain_key)
        if plan is not None and practice.target != plan.target:
            practice = replace(practice, target=plan.target)
        fixed[key] = practice
    return fixed


def _practice_caps(
    result: Result,
    practices: Mapping[str, Practice],
    gate_levels: Mapping[str, int] | None,
    plans: Mapping[str, DomainPlan],
) -> dict[str, _Cap]:
    """Practice key → the tightest cap it is part of (a failed gate beats a capping domain)."""
    caps: dict[str, _Cap] = {}
    gates = gate_levels or {}
    domain_caps: dict[str, int] = {}
    for reason in result.cap_reasons:
        if reason.kind == "gate":
            practice = practices.get(reason.key)
            need = gates.get(reason.key)
            if practice is None or (need is not None and practice.level >= need):
                continue
            cap = _Cap(0, reason.caps_at, gate_level=need)
            if reason.key not in caps or cap.caps_at < caps[reason.key].caps_at:
                caps[reason.key] = cap
        elif reason.kind == "domain":
            domain_caps[reason.key] = min(domain_caps.get(reason.key, 99), reason.caps_at)
    for key, practice in practices.items():
        if key in caps or practice.domain_key not in domain_caps:
            continue
        plan = plans.get(practice.domain_key)
        name = plan.name if plan else practice.domain_key
        caps[key] = _Cap(1, domain_caps[practice.domain_key], domain_name=name)
    return caps


def _in_plan(
    practices: Mapping[str, Practice],
    plans: Sequence[DomainPlan],
    caps: Mapping[str, _Cap],
) -> set[str]:
    chosen = {
        key
        for key, p in practices.items()
        if p.level < 5 and (p.level < p.target or caps.get(key, _Cap(9, 9)).group == 0)
    }
    for plan in plans:
        if plan.stage >= plan.target:
            continue
        own = [p for p in practices.values() if p.domain_key == plan.key and p.level < 5]
        if own and not any(p.key in chosen for p in own):
            lowest = min(p.level for p in own)
            chosen |= {p.key for p in own if p.level == lowest}
    return chosen


def _moves(action: PracticeAction, practices: Mapping[str, Practice]) -> tuple[Practice, ...]:
    return tuple(practices[k] for k in action.lifts if practices[k].level == action.from_level)


def _is_met(action: PracticeAction, practices: Mapping[str, Practice]) -> bool:
    return all(practices[k].level >= action.to_level for k in action.lifts)


def _holding_back(action: PracticeAction, practices: Mapping[str, Practice]) -> list[Practice]:
    """The practices too low for this action to be proposed yet (below its from_level)."""
    return [practices[k] for k in action.lifts if practices[k].level < action.from_level]


@dataclass
class _Graph:
    order: dict[str, int]  # action key → catalog position
    needs: dict[str, list[str]]  # proposed action → proposed actions that must come first
    candidates: set[str]  # next steps of practices in the plan (as opposed to pure enablers)
    # Candidates not proposed this time, in catalog order: key → why they wait.
    waiting: dict[str, str]
    # Next step of a practice holding a waiting candidate back → those candidates.
    enables: dict[str, list[str]]


def _topological(actions: Sequence[PracticeAction]) -> list[PracticeAction]:
    """Every action after its prerequisites (prerequisites never loop: _check_no_cycle)."""
    by_key = {a.key: a for a in actions}
    unplaced = {a.key: len(set(a.prerequisites)) for a in actions}
    dependents: dict[str, list[str]] = {a.key: [] for a in actions}
    for action in actions:
        for key in set(action.prerequisites):
            dependents[key].append(action.key)
    ready = deque(a.key for a in actions if unplaced[a.key] == 0)
    ordered = []
    while ready:
        key = ready.popleft()
        ordered.append(by_key[key])
        for dependent in dependents[key]:
            unplaced[dependent] -= 1
            if unplaced[dependent] == 0:
                ready.append(dependent)
    return ordered


def _build_graph(
    actions: Sequence[PracticeAction],
    practices: Mapping[str, Practice],
    in_plan: set[str],
    exclude: frozenset[str],
) -> _Graph:
    by_key = {a.key: a for a in actions}
    order = {a.key: n for n, a in enumerate(actions)}

    def excluded(action: PracticeAction) -> bool:
        regressed = any(practices[k].regressed for k in action.lifts)
        return action.key in exclude and not regressed

    def open_prerequisites(action: PracticeAction) -> list[PracticeAction]:
        """Its prerequisites neither met nor under way (excluded by the caller)."""
        found = []
        for key in dict.fromkeys(action.prerequisites):
            prerequisite = by_key[key]
            if not _is_met(prerequisite, practices) and not excluded(prerequisite):
                found.append(prerequisite)
        return found

    # Why an action cannot be proposed yet because of what it needs, and the practices at the
    # root of it (too low for some prerequisite down the chain). Prerequisites first, so each
    # action reads its prerequisites' verdicts.
    blocked: dict[str, str] = {}
    lagging: dict[str, tuple[Practice, ...]] = {}
    for action in _topological(actions):
        for prerequisite in open_prerequisites(action):
            low = _holding_back(prerequisite, practices)
            if low:
                levels = _join([f"{p.label} is at level {p.level}" for p in low])
                blocked[action.key] = (
                    f"Needs {prerequisite.title} first, which starts from level "
                    f"{prerequisite.from_level}, and {levels}."
                )
                lagging[action.key] = tuple(low)
                break
            if prerequisite.key in blocked:
                blocked[action.key] = (
                    f"Needs {prerequisite.title} first, which cannot start yet either."
                )
                lagging[action.key] = lagging[prerequisite.key]
                break

    graph = _Graph(order=order, needs={}, candidates=set(), waiting={}, enables={})
    for action in actions:
        moved = _moves(action, practices)
        if (
            any(p.key in in_plan for p in moved)
            and not _holding_back(action, practices)
            and not excluded(action)
        ):
            if action.key in blocked:
                graph.waiting[action.key] = blocked[action.key]
            else:
                graph.candidates.add(action.key)
    next_steps: dict[tuple[str, int], list[str]] = {}
    for action in actions:
        for practice in action.lifts:
            next_steps.setdefault((practice, action.from_level), []).append(action.key)

    def enablers(key: str, visiting: frozenset[str]) -> list[str]:
        """The next steps of the practices that hold `key` back, each one that can start now;
        for a next step that waits too, those of the practices holding it back in turn."""
        found: list[str] = []
        for practice in lagging[key]:
            for step in next_steps.get((practice.key, practice.level), []):
                action = by_key[step]
                if step in visiting or excluded(action) or _holding_back(action, practices):
                    continue
                found += enablers(step, visiting | {step}) if step in blocked else [step]
        return found

    # The lagging practice's next step is proposed even when that practice is not in the plan
    # itself: it is the way to what waits.
    for key in graph.waiting:
        for step in enablers(key, frozenset({key})):
            graph.enables.setdefault(step, [])
            if key not in graph.enables[step]:
                graph.enables[step].append(key)
    # Every action to propose, breadth first from the candidates and enablers in catalog order.
    # None of them waits, so neither does anything pulled in here.
    queue = deque(a.key for a in actions if a.key in graph.candidates or a.key in graph.enables)
    seen = set(queue)
    while queue:
        key = queue.popleft()
        graph.needs[key] = [p.key for p in open_prerequisites(by_key[key])]
        for required in graph.needs[key]:
            if required not in seen:
                seen.add(required)
                queue.append(required)
    return graph


# --- ranking ----------------------------------------------------------------------------------

_RankKey = tuple[int, int, int, int, int, float, int, int, int]
_NO_RANK: _RankKey = (9, 99, 9, 9, 9, math.inf, 10**9, 0, 10**9)
# A domain with no score (nothing answered) counts as the weakest.
_NO_SCORE = -1.0


def _score_key(score: float | None) -> float:
    return _NO_SCORE if score is None else score


def _own_rank(
    action: PracticeAction,
    graph: _Graph,
    by_key: Mapping[str, PracticeAction],
    rank_of: Callable[[PracticeAction], _RankKey],
    practices: Mapping[str, Practice],
    in_plan: set[str],
    caps: Mapping[str, _Cap],
    tags: frozenset[str],
    gates: Mapping[str, int],
    scores: Mapping[str, float | None],
) -> _RankKey:
    """Where a candidate ranks on its own merits (the order rules, most important first). A step
    proposed only to clear the way for waiting candidates ranks where the best of them would."""
    moved = [p for p in _moves(action, practices) if p.key in in_plan]
    if not moved and action.key in graph.enables:
        return min(rank_of(by_key[key]) for key in graph.enables[action.key])
    if not moved or (action.key not in graph.candidates and action.key not in graph.waiting):
        return _NO_RANK
    cap = min(
        ((caps[p.key].group, caps[p.key].caps_at) for p in moved if p.key in caps),
        default=(2, 0),
    )
    regressed = 0 if any(p.regressed for p in moved) else 1
    # Foundations first: a gate question, and the lower the level its gate needs, the more basic
    # the foundation; practices that are no gate come after every gate.
    foundation = min((gates[p.key] for p in moved if p.key in gates), default=9)
    weakest = min(_score_key(scores.get(p.domain_key)) for p in moved)
    matched = sum(1 for t in action.tags if t in tags)
    return (
        cap[0],
        cap[1],
        action.from_level,
        regressed,
        foundation,
        weakest,
        action.effort_weeks,
        -matched,
        graph.order[action.key],
    )


@dataclass(frozen=True)
class _Ranking:
    ranked: list[str]  # proposed actions best first, prerequisites before what needs them
    needed_by: dict[str, str]  # action pulled forward → the action that needs it
    in_window: set[str]  # proposed actions among the THIRTY_DAY_WINDOW best candidates
    waiting: list[str]  # candidates that cannot start yet, best first


def _rank(
    graph: _Graph,
    by_key: Mapping[str, PracticeAction],
    rank_of: Callable[[PracticeAction], _RankKey],
) -> _Ranking:
    """Actions best first, prerequisites always before what needs them; also, for each action
    pulled forward by something that needs it, that something."""
    own = {key: rank_of(by_key[key]) for key in graph.needs}
    # An action ranks at least as high as anything that needs it.
    dependents: dict[str, list[str]] = {key: [] for key in graph.needs}
    for key, needs in graph.needs.items():
        for required in needs:
            dependents[required].append(key)
    effective = dict(own)
    needed_by: dict[str, str] = {}
    for key in sorted(graph.needs, key=lambda k: own[k]):
        stack = [key]
        while stack:
            current = stack.pop()
            for required in graph.needs[current]:
                if effective[key] < effective[required]:
                    effective[required] = effective[key]
                    needed_by[required] = current
                    stack.append(required)
    unplaced = {key: len(needs) for key, needs in graph.needs.items()}
    heap = [(effective[k], graph.order[k], k) for k, n in unplaced.items() if n == 0]
    heapq.heapify(heap)
    ranked = []
    while heap:
        _, _, key = heapq.heappop(heap)
        ranked.append(key)
        for dependent in dependents[key]:
            unplaced[dependent] -= 1
            if unplaced[dependent] == 0:
                heapq.heappush(heap, (effective[dependent], graph.order[dependent], dependent))
    # The window counts the candidates that wait for a prerequisite too: they are among the most
    # urgent needs even though they cannot start yet, and a quick step ranked below them is not.
    waiting = sorted(graph.waiting, key=lambda k: rank_of(by_key[k]))
    waiting_ranks = [rank_of(by_key[k]) for k in waiting]
    in_window = set()
    for position, key in enumerate(ranked):
        ahead = position + sum(1 for rank in waiting_ranks if rank < effective[key])
        # The best proposed action always counts, so the 30 days are never empty for want of it.
        if ahead < THIRTY_DAY_WINDOW or position == 0:
            in_window.add(key)
    return _Ranking(ranked, needed_by, in_window, waiting)


# --- wording ----------------------------------------------------------------------------------


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _why_first(
    action: PracticeAction,
    practices: Mapping[str, Practice],
    in_plan: set[str],
    caps: Mapping[str, _Cap],
    lowest: int,
    needed_by: PracticeAction | None,
    tags: frozenset[str],
    unblocks: Sequence[str] = (),
) -> str:
    moved = [p for p in _moves(action, practices) if p.key in in_plan]
    labels = _join([p.label for p in moved])
    step = f"level {action.from_level} to {action.to_level}"
    gate = [p for p in moved if p.key in caps and caps[p.key].group == 0]
    domain = [p for p in moved if p.key in caps and caps[p.key].group == 1]
    regressed = [p for p in moved if p.regressed]
    if needed_by is not None:
        text = f"Needed before {needed_by.title}"
    elif gate:
        cap = min((caps[p.key] for p in gate), key=lambda c: c.caps_at)
        text = (
            f"Fixes a failed foundation ({_join([p.label for p in gate])}) that caps you at "
            f"{STAGE_NAMES[cap.caps_at]}"
        )
        if cap.gate_level is not None:
            text += f"; the next stage needs level {cap.gate_level}"
    elif domain:
        cap = min((caps[p.key] for p in domain), key=lambda c: c.caps_at)
        text = (
            f"{cap.domain_name} caps you at {STAGE_NAMES[cap.caps_at]}; this lifts "
            f"{_join([p.label for p in domain])} from {step}"
        )
    elif regressed:
        first = regressed[0]
        text = (
            f"{_capitalised(first.label)} slipped from level {first.previous_level} to "
            f"{first.level} since the last assessment"
        )
    elif moved and action.from_level == lowest:
        text = f"Lowest practice level in your plan (level {lowest}): lifts {labels} to level "
        text += str(action.to_level)
    elif moved:
        text = f"Next step for {labels}: {step}"
    else:
        text = f"Lifts {_join([p.label for p in _moves(action, practices)])} from {step}"
    matched = [t for t in action.tags if t in tags]
    text += "."
    if unblocks:
        text += " Also needed before: " + "; ".join(unblocks) + "."
    if matched:
        text += " Suits " + " and ".join(TAG_LABELS.get(t, t) for t in matched) + "."
    return text


def _warnings(
    result: Result, shares: Mapping[str, float], plans: Sequence[DomainPlan]
) -> tuple[Warning, ...]:
    warnings = []
    answered = sum(d.answered for d in result.domains)
    # A gap resolved in a calibration session is no longer a reason to calibrate first.
    disagreed = len({g.question_key for g in result.alignment_gaps if not g.resolved})
    # Whole numbers times 0.25 are exact in floating point, so the boundary is exact too.
    if answered and disagreed >= DISAGREEMENT_SHARE * answered:
        warnings.append(
            Warning(
                kind="deep-disagreement",
                key="",
                text=(
                    f"Calibrate before acting: respondents disagree on {disagreed} of "
                    f"{answered} answered questions, and this roadmap is built on their "
                    "averaged answers."
                ),
            )
        )
    for plan in plans:  # result order, whatever the order of `shares`
        share = shares.get(plan.key)
        if share is None or share < DONT_KNOW_SHARE - _SHARE_SLACK:
            continue
        percent = math.floor(share * 100 + _SHARE_SLACK)
        warnings.append(
            Warning(
                kind="uncertain-domain",
                key=plan.key,
                text=(
                    f'{plan.name} is uncertain: {percent}% of its answers are "Don\'t know", '
                    "so its levels and actions may be off. Find out who knows before acting."
                ),
            )
        )
    return tuple(warnings)


# --- entry point ------------------------------------------------------------------------------


def build_practice_roadmap(
    result: Result,
    actions: Sequence[PracticeAction],
    *,
    practices: Mapping[str, Practice],
    gate_levels: Mapping[str, int] | None = None,
    targets: Mapping[str, int] | None = None,
    tags: frozenset[str] = frozenset(),
    exclude: frozenset[str] = frozenset(),  # action keys already open or done in the plan
    dont_know_share: Mapping[str, float] | None = None,
) -> PracticeRoadmap:
    """Deterministic. `practices` maps question keys to the org's Practice (levels and, when
    there is a previous result, previous levels); each practice's target is reset to its domain's
    target from `targets` (default: one stage above the domain). `gate_levels` maps gate question
    keys to the level their gate needs. `tags` are the org's profile tags. `dont_know_share` maps
    domain keys to the share (0..1) of that domain's answers that are "don't know".
    Raises ValueError on bad input (messages are the module's constants)."""
    _check_inputs(actions, practices)
    shares = dont_know_share or {}
    _check_shares(result, shares)
    plans = domain_plans(result, targets)
    plan_by_key = {plan.key: plan for plan in plans}
    practices = _with_domain_targets(practices, plan_by_key)
    caps = _practice_caps(result, practices, gate_levels, plan_by_key)
    in_plan = _in_plan(practices, plans, caps)
    by_key = {a.key: a for a in actions}
    graph = _build_graph(actions, practices, in_plan, exclude)
    gates = dict(gate_levels or {})
    scores = {plan.key: plan.score for plan in plans}

    def rank_of(action: PracticeAction) -> _RankKey:
        return _own_rank(
            action, graph, by_key, rank_of, practices, in_plan, caps, tags, gates, scores
        )

    ranking = _rank(graph, by_key, rank_of)
    ranked, needed_by = ranking.ranked, ranking.needed_by
    waiting_position = {key: n for n, key in enumerate(ranking.waiting)}
    lowest = min((by_key[k].from_level for k in graph.candidates), default=0)

    def item(key: str, days: int, first_step_only: bool = False) -> PracticeItem:
        action = by_key[key]
        need = by_key[needed_by[key]] if key in needed_by else None
        enabled = sorted(graph.enables.get(key, ()), key=waiting_position.__getitem__)
        unblocks = list(dict.fromkeys(by_key[k].title for k in enabled))
        why = _why_first(action, practices, in_plan, caps, lowest, need, tags, unblocks)
        if first_step_only:
            why = f"First step of a longer action, started now. {why}"
        return PracticeItem(
            action=action,
            horizon=days,
            lifts=_moves(action, practices),
            why_first=why,
            first_step_only=first_step_only,
        )

    placed: dict[str, int] = {}  # action key → horizon index
    slots: list[list[str]] = [[] for _ in HORIZONS]
    deferred = []
    for key in ranked:
        needs = graph.needs[key]
        missing = [required for required in needs if required not in placed]
        if missing:
            # Its prerequisite found no room, so neither can it.
            reason = PREREQUISITE_NO_ROOM.format(title=by_key[missing[0]].title)
            deferred.append(DeferredAction(by_key[key], reason))
            continue
        earliest = max((placed[required] for required in needs), default=0)
        if key not in ranking.in_window:
            earliest = max(earliest, 1)
        for index in range(earliest, len(HORIZONS)):
            _, most, longest = HORIZONS[index]
            if len(slots[index]) < most and by_key[key].effort_weeks <= longest:
                slots[index].append(key)
                placed[key] = index
                break
        else:
            deferred.append(DeferredAction(by_key[key], NO_ROOM))
    deferred += [DeferredAction(by_key[key], graph.waiting[key]) for key in ranking.waiting]

    horizons = [[item(key, days) for key in slots[i]] for i, (days, _, _) in enumerate(HORIZONS)]
    # Never an empty month while there is work: start the best longer actions now. The best-ranked
    # action is in the window and has no prerequisite, so it is either in the 30 days or longer
    # than they allow and started here.
    free = HORIZONS[0][1] - len(slots[0])
    longer = [
        key
        for key in ranked
        if placed.get(key, 0) > 0 and by_key[key].effort_weeks > HORIZONS[0][2]
    ]
    starts = [key for key in longer if all(placed[r] == 0 for r in graph.needs[key])][:free]
    horizons[0] += [item(key, HORIZONS[0][0], first_step_only=True) for key in starts]
    return PracticeRoadmap(
        domains=plans,
        practices=_ordered(practices.values(), plans),
        horizons=tuple(
            PracticeHorizon(days, tuple(items))
            for (days, _, _), items in zip(HORIZONS, horizons, strict=True)
        ),
        warnings=_warnings(result, shares, plans),
        deferred=tuple(deferred),
    )


def _ordered(practices: Iterable[Practice], plans: Sequence[DomainPlan]) -> tuple[Practice, ...]:
    """Domain order of the result, then the caller's order within a domain."""
    position = {plan.key: n for n, plan in enumerate(plans)}
    rows = sorted(
        (position.get(p.domain_key, len(position)), n, p) for n, p in enumerate(practices)
    )
    return tuple(row[2] for row in rows)
