"""Roadmap v2: practice-level advice. Pure Python on plain data, like scoring and roadmap v1.

Catalog v2 actions lift named practices (question keys) from one level to the next. The rules are
product.md's "Roadmap v2"; docs/roadmap.md explains them for CS leaders. Catalogs whose actions
carry no `lifts` (question bank v1) keep the v1 rules in assessment/roadmap.py, so v1 reports stay
byte-identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment.roadmap import DomainPlan
from assessment.scoring import Result


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
    target: int  # follows its domain's target stage
    previous_level: int | None = None  # from the previous result, when there is one

    @property
    def regressed(self) -> bool:
        return self.previous_level is not None and self.level < self.previous_level


@dataclass(frozen=True)
class PracticeItem:
    action: PracticeAction
    horizon: int  # 30, 90 or 180
    lifts: tuple[Practice, ...]  # the practices below target it lifts
    why_first: str  # why it sits where it does (cap, lowest level, regression, prerequisite)
    first_step_only: bool = False  # a longer action whose first step is pulled into 30 days


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

    @property
    def items(self) -> tuple[PracticeItem, ...]:
        return tuple(item for horizon in self.horizons for item in horizon.items)


def build_practice_roadmap(
    result: Result,
    actions: tuple[PracticeAction, ...],
    *,
    practices: Mapping[str, Practice],
    gate_levels: Mapping[str, int] | None = None,
    targets: Mapping[str, int] | None = None,
    tags: frozenset[str] = frozenset(),
    exclude: frozenset[str] = frozenset(),  # action keys already open or done in the plan
) -> PracticeRoadmap:
    """Deterministic. `practices` maps question keys to the org's Practice (levels, targets and,
    when there is a previous result, previous levels)."""
    raise NotImplementedError("roadmap v2 engine: being written (issue 12)")


def practice_levels(
    answers: Mapping[str, tuple[int | None, ...]],
    agreed: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Question key → the org's level on it: the agreed answer, else the mean of the answered
    levels rounded down; None ("don't know") counts as level 1; no answer at all is level 1."""
    raise NotImplementedError("roadmap v2 engine: being written (issue 12)")
