"""The archetype suite: realistic teams (tests/roadmap/archetypes.yaml) answer question bank v2,
their assessments are submitted and reported through the real stack, and the stage and roadmap
must match what a CS expert would say about each team.

The bank is loaded once per module (rolled back at its end); each archetype then runs in its own
test transaction inside it, so the suite works alike on SQLite and PostgreSQL and stays quick."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from assessment.bank import bank_load
from assessment.models import Assessment, QuestionnaireVersion
from assessment.practice_roadmap import PracticeItem, PracticeRoadmap
from assessment.report import Report, report_build
from assessment.scoring import DONT_KNOW
from orgs.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory
from tests.report.conftest import rolled_back_db, submitted_assessment

ARCHETYPES_FILE = Path(__file__).with_name("archetypes.yaml")
BANK_V2 = Path(__file__).parents[2] / "assessment" / "content" / "cs-maturity-v2.yaml"
ARCHETYPES: list[dict] = yaml.safe_load(ARCHETYPES_FILE.read_text(encoding="utf-8"))["archetypes"]
EXPECTATIONS = {
    "stage",
    "address_all",
    "address_one_of",
    "not_in_30_days",
    "not_in_roadmap",
    "warnings",
    "regressed_first",
    "address_by_90_days",
    "only_in_30_days",
    "first_item_lifts",
    "first_steps_only",
    "prerequisites_first",
}
ROLES = {"leader": Membership.Role.LEADER, "member": Membership.Role.MEMBER}


@dataclass(frozen=True)
class Bank:
    version: QuestionnaireVersion
    domains: dict[str, list[str]]  # domain key → question keys, in bank order
    actions: set[str]
    # action key → (lifts, level it lifts them to), to tell whether a prerequisite is met
    reaches: dict[str, tuple[tuple[str, ...], int]]


@pytest.fixture(scope="module")
def bank(django_db_setup, django_db_blocker) -> Bank:
    """Question bank v2 loaded with the project's loader, shared by every archetype."""
    with rolled_back_db(django_db_blocker):
        version, _ = bank_load(text=BANK_V2.read_text(encoding="utf-8"))
        domains = {
            d.key: [q.key for q in d.questions.order_by("position", "id")]
            for d in version.domains.order_by("position", "id")
        }
        rows = list(version.actions.all())
        reaches = {a.key: (tuple(a.lifts), a.from_level + 1) for a in rows}
        yield Bank(version, domains, {a.key for a in rows}, reaches)


def levels_of(answers: dict) -> dict:
    return {key: DONT_KNOW if value == "dk" else value for key, value in answers.items()}


def submit(org, version, people: list[dict]) -> Assessment:
    """Each respondent of `people` joins the org with their role and answers; the first one (a
    leader) submits."""
    by_person = {}
    for person in people:
        user = MembershipFactory(org=org, role=ROLES[person["role"]]).user
        by_person[user] = levels_of(person["answers"])
    leader = next(iter(by_person))
    return submitted_assessment(org, version, leader, by_person)


def build(archetype: dict, version: QuestionnaireVersion) -> Report:
    org = OrganizationFactory(name=archetype["name"], **archetype["profile"])
    if archetype.get("previous"):
        previous = submit(org, version, archetype["previous"])
        # A quarter earlier, as a real re-assessment would be.
        earlier = previous.submitted_at - timedelta(days=91)
        Assessment.objects.filter(pk=previous.pk).update(submitted_at=earlier)
    current = submit(org, version, archetype["respondents"])
    return report_build(assessment=current)


def lifted(items) -> set[str]:
    return {key for item in items for key in item.action.lifts}


def describe(report: Report) -> str:
    """The result and roadmap in words, shown when an expectation fails."""
    plan: PracticeRoadmap = report.roadmap
    warnings = [f"{w.kind}:{w.key}" for w in plan.warnings]
    lines = [f"stage {report.result.stage}; warnings {warnings}"]
    for horizon in plan.horizons:
        for item in horizon.items:
            moves = ", ".join(f"{p.key} {p.level}→{p.level + 1}" for p in item.lifts)
            start = " (first step)" if item.first_step_only else ""
            lines.append(
                f"  {horizon.days}d {item.action.key}{start} [{item.action.effort_weeks}w] "
                f"{moves} | {item.why_first}"
            )
    return "\n".join(lines)


# --- the archetype file itself ----------------------------------------------------------------


def test_archetype_file_has_at_least_ten_distinct_teams():
    keys = [a["key"] for a in ARCHETYPES]
    assert len(keys) >= 10
    assert len(set(keys)) == len(keys)


@pytest.mark.django_db
@pytest.mark.parametrize("archetype", ARCHETYPES, ids=lambda a: a["key"])
def test_archetype_answers_every_question_and_names_real_keys(archetype, bank):
    questions = [key for keys in bank.domains.values() for key in keys]
    people = archetype["respondents"] + archetype.get("previous", [])
    for person in people:
        assert person["role"] in ROLES
        assert list(person["answers"]) == questions, "answers must follow the bank, all 41"
        assert all(v == "dk" or v in (1, 2, 3, 4, 5) for v in person["answers"].values())
    assert people[0]["role"] == "leader"
    allowed = {"key", "name", "story", "profile", "previous", "respondents", "expect"}
    assert set(archetype) <= allowed
    expect = archetype["expect"]
    assert "stage" in expect
    assert set(expect) <= EXPECTATIONS
    practices = set(expect.get("address_all", [])) | set(expect.get("regressed_first", []))
    practices |= set(expect.get("address_by_90_days", []))
    practices |= {key for group in expect.get("address_one_of", []) for key in group}
    assert practices <= set(questions)
    only = set(expect.get("only_in_30_days", []))
    assert only <= set(questions) | set(bank.domains)
    actions = set(expect.get("not_in_30_days", [])) | set(expect.get("not_in_roadmap", []))
    assert actions <= bank.actions


# --- the expert's expectations ----------------------------------------------------------------


def check(report: Report, expect: dict, bank: Bank) -> None:
    """Assert every statement of `expect` about the report's stage, roadmap and warnings."""
    assert report.is_practice_roadmap, "a v2 result must get roadmap v2"
    plan: PracticeRoadmap = report.roadmap
    story = describe(report)
    thirty: tuple[PracticeItem, ...] = plan.horizons[0].items
    thirty_lifts = lifted(thirty)
    thirty_keys = {item.action.key for item in thirty}

    if "stage" in expect:
        assert report.result.stage == expect["stage"], story
    for key in expect.get("address_all", []):
        assert key in thirty_lifts, f"30 days must lift {key}\n{story}"
    for group in expect.get("address_one_of", []):
        assert thirty_lifts & set(group), f"30 days must lift one of {group}\n{story}"
    for key in expect.get("not_in_30_days", []):
        assert key not in thirty_keys, f"{key} must not be in the 30 days\n{story}"
    every = {item.action.key for item in plan.items}
    for key in expect.get("not_in_roadmap", []):
        assert key not in every, f"{key} must not be in the roadmap\n{story}"
    by_90 = lifted(plan.horizons[0].items + plan.horizons[1].items)
    for key in expect.get("address_by_90_days", []):
        assert key in by_90, f"90 days must lift {key}\n{story}"
    if "only_in_30_days" in expect:
        allowed = set(expect["only_in_30_days"])
        for item in thirty:
            moved = {p.key for p in item.lifts} | {p.domain_key for p in item.lifts}
            assert moved & allowed, f"{item.action.key} is outside {allowed}\n{story}"
    if "first_item_lifts" in expect:
        first = thirty[0]
        assert expect["first_item_lifts"] in {p.key for p in first.lifts}, story
        assert first.why_first.startswith("Fixes a failed foundation"), story
    for key in expect.get("regressed_first", []):
        items = [item for item in thirty if key in {p.key for p in item.lifts}]
        assert items and "slipped" in items[0].why_first, f"{key} must say it slipped\n{story}"
    if "first_steps_only" in expect:
        starts = [item.first_step_only for item in thirty]
        assert all(starts) == expect["first_steps_only"], story
    if expect.get("prerequisites_first"):
        check_prerequisites_first(plan, bank, story)
    if "warnings" in expect:
        warnings = sorted(w.kind + (f":{w.key}" if w.key else "") for w in plan.warnings)
        assert warnings == sorted(expect["warnings"]), story


def check_prerequisites_first(plan: PracticeRoadmap, bank: Bank, story: str) -> None:
    """No step is planned before what it needs is in place or planned no later than it."""
    level = {p.key: p.level for p in plan.practices}
    placed: dict[str, int] = {}
    for index, horizon in enumerate(plan.horizons):
        for item in horizon.items:
            if not item.first_step_only:
                placed.setdefault(item.action.key, index)
    for index, horizon in enumerate(plan.horizons):
        for item in horizon.items:
            for need in item.action.prerequisites:
                lifts, to_level = bank.reaches[need]
                met = all(level[key] >= to_level for key in lifts)
                assert met or placed.get(need, 99) <= index, (
                    f"{item.action.key} ({horizon.days}d) needs {need}, neither in place nor "
                    f"planned before it\n{story}"
                )


@pytest.mark.django_db
@pytest.mark.parametrize("archetype", ARCHETYPES, ids=lambda a: a["key"])
def test_archetype_gets_the_stage_and_roadmap_an_expert_expects(archetype, bank):
    report = build(archetype, bank.version)
    assert report.roadmap.horizons[0].items, "30 days must never be empty below target"
    # An expert's rule for every team: nothing is planned before what it needs.
    check(report, {**archetype["expect"], "prerequisites_first": True}, bank)
