"""The roadmap: which actions to take next, and when. Pure Python on plain data, like scoring.

Rules (docs/roadmap.md explains them for CS leaders):
- each domain aims one stage above where it is, unless a target says otherwise; a domain at or
  above its target gets no action;
- candidates are the catalog's actions for a domain's *next* stage only: never an action two
  stages ahead of its domain; when a failed gate question (a missing foundation) caps the org,
  the actions that establish that foundation's stage in its domain are candidates too;
- priority: domains that cap the org's stage (directly, or through a failed gate question) first,
  the most binding cap first; then the lowest domain scores; within that, actions whose profile
  tags suit the org, then the quicker ones; catalog order breaks the last ties;
- horizons: next 30 days up to 3 actions that fit in a month, 90 days up to 5 that fit in a
  quarter, 180 days up to 5 more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessment.scoring import STAGE_NAMES, Result, phase_of

HORIZONS: tuple[tuple[int, int, int], ...] = (
    # (days, most actions, longest effort in weeks that fits)
    (30, 3, 4),
    (90, 5, 13),
    (180, 5, 10_000),
)
TAG_LABELS = {
    "smb": "SMB-focused teams",
    "mid-market": "mid-market teams",
    "enterprise": "enterprise-focused teams",
    "small-team": "small CS teams",
    "large-team": "large CS teams",
    "new-team": "new CS teams",
    "established-team": "established CS teams",
    "early-stage": "early-stage companies",
    "scale-up": "scaling companies",
}
INVALID_TARGET = "Target for {domain!r} must be a stage from 1 to 5, got {value!r}."


@dataclass(frozen=True)
class ActionDef:
    key: str
    domain_key: str
    stage: int  # the stage this action establishes
    title: str
    why: str
    effort: str
    effort_weeks: int
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DomainPlan:
    key: str
    name: str
    score: float | None
    stage: int
    target: int

    @property
    def gap(self) -> int:
        return max(0, self.target - self.stage)


@dataclass(frozen=True)
class RoadmapItem:
    action: ActionDef
    domain_name: str
    reason: str
    horizon: int


@dataclass(frozen=True)
class Horizon:
    days: int
    items: tuple[RoadmapItem, ...]


@dataclass(frozen=True)
class Roadmap:
    domains: tuple[DomainPlan, ...]
    horizons: tuple[Horizon, ...]

    @property
    def items(self) -> tuple[RoadmapItem, ...]:
        return tuple(item for horizon in self.horizons for item in horizon.items)


def profile_tags(
    *, arr_band: str = "", segment: str = "", team_size: str = "", team_age: str = ""
) -> frozenset[str]:
    """The catalog tags an org profile matches (values as stored on Organization)."""
    tags = set()
    if segment in ("smb", "mid-market", "enterprise"):
        tags.add(segment)
    tags |= {"1-5": {"small-team"}, "21+": {"large-team"}}.get(team_size, set())
    tags |= {"under-1y": {"new-team"}, "3y+": {"established-team"}}.get(team_age, set())
    tags |= {
        "under-5m": {"early-stage"},
        "20m-100m": {"scale-up"},
        "over-100m": {"scale-up"},
    }.get(arr_band, set())
    return frozenset(tags)


def default_targets(result: Result) -> dict[str, int]:
    return {d.key: min(5, d.stage + 1) for d in result.domains}


def domain_plans(
    result: Result, targets: Mapping[str, int] | None = None
) -> tuple[DomainPlan, ...]:
    chosen = {**default_targets(result), **(targets or {})}
    for key, value in chosen.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValueError(INVALID_TARGET.format(domain=key, value=value))
    return tuple(
        DomainPlan(key=d.key, name=d.name, score=d.score, stage=d.stage, target=chosen[d.key])
        for d in result.domains
    )


def _binding_caps(result: Result, question_domains: Mapping[str, str]) -> dict[str, int]:
    """Domain key → the lowest stage at which something in it caps the org."""
    caps: dict[str, int] = {}
    for reason in result.cap_reasons:
        domain = reason.key if reason.kind == "domain" else question_domains.get(reason.key)
        if domain is not None:
            caps[domain] = min(caps.get(domain, 99), reason.caps_at)
    return caps


@dataclass(frozen=True)
class _Foundation:
    stage: int  # the stage whose practice the failed gate question asks for
    level: int
    cap: int


def _missing_foundations(
    result: Result, question_domains: Mapping[str, str], gate_levels: Mapping[str, int]
) -> dict[str, _Foundation]:
    """Domain key → the lowest foundation a failed gate question in it asks for."""
    found: dict[str, _Foundation] = {}
    for reason in result.cap_reasons:
        domain = question_domains.get(reason.key)
        level = gate_levels.get(reason.key)
        if reason.kind != "gate" or domain is None or level is None:
            continue
        foundation = _Foundation(stage=max(2, level), level=level, cap=reason.caps_at)
        if domain not in found or foundation.stage < found[domain].stage:
            found[domain] = foundation
    return found


def _reason(
    plan: DomainPlan,
    cap: int | None,
    matched: Sequence[str],
    foundation: _Foundation | None = None,
) -> str:
    stage = STAGE_NAMES[plan.stage]
    if foundation is not None:
        text = (
            f"A foundation question in {plan.name} is answered below level {foundation.level} "
            f"and caps you at {STAGE_NAMES[foundation.cap]} ({phase_of(foundation.cap)}); "
            "this puts that foundation in place."
        )
    elif cap is not None:
        text = (
            f"{plan.name} is {stage} and caps you at {STAGE_NAMES[cap]} ({phase_of(cap)}); "
            f"this lays a {STAGE_NAMES[plan.stage + 1]} foundation."
        )
    else:
        score = "no answers" if plan.score is None else f"score {plan.score:g}"
        text = f"{plan.name} is {stage} ({score}); this moves it to {STAGE_NAMES[plan.stage + 1]}."
    if matched:
        text += " Suits " + " and ".join(TAG_LABELS.get(t, t) for t in matched) + "."
    return text


def build_roadmap(
    result: Result,
    actions: Sequence[ActionDef],
    *,
    question_domains: Mapping[str, str],
    gate_levels: Mapping[str, int] | None = None,
    targets: Mapping[str, int] | None = None,
    tags: frozenset[str] = frozenset(),
) -> Roadmap:
    """Deterministic: the same result, catalog, targets and tags give the same roadmap.
    `question_domains` maps question keys to domain keys; `gate_levels` maps gate question keys
    to the level their gate needs."""
    plans = domain_plans(result, targets)
    by_key = {plan.key: plan for plan in plans}
    caps = _binding_caps(result, question_domains)
    foundations = _missing_foundations(result, question_domains, gate_levels or {})
    ranked = []
    for order, action in enumerate(actions):
        plan = by_key.get(action.domain_key)
        if plan is None or plan.stage >= plan.target:
            continue
        foundation = foundations.get(plan.key)
        if foundation is not None and action.stage != foundation.stage:
            foundation = None
        if action.stage != plan.stage + 1 and (foundation is None or action.stage > plan.stage):
            continue
        matched = tuple(t for t in action.tags if t in tags)
        cap = foundation.cap if foundation else caps.get(plan.key)
        score = -1.0 if plan.score is None else plan.score
        key = (cap or 99, score, -len(matched), action.effort_weeks, order)
        ranked.append((key, action, plan, cap, matched, foundation))
    ranked.sort(key=lambda row: row[0])

    slots: dict[int, list[RoadmapItem]] = {days: [] for days, _, _ in HORIZONS}
    for _, action, plan, cap, matched, foundation in ranked:
        reason = _reason(plan, cap, matched, foundation)
        for days, most, longest in HORIZONS:
            if len(slots[days]) < most and action.effort_weeks <= longest:
                slots[days].append(RoadmapItem(action, plan.name, reason, horizon=days))
                break
    return Roadmap(
        domains=plans,
        horizons=tuple(Horizon(days, tuple(slots[days])) for days, _, _ in HORIZONS),
    )
