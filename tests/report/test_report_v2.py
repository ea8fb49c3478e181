"""The report of an assessment on a practice-level catalog (bank v2): roadmap v2 picked by the
catalog, its steps shown on the page and in the PDF, warnings in the summary. v1 reports keep
the v1 roadmap (the golden tests prove them byte-identical)."""

import pytest
from django.utils.html import escape

from assessment.bank import bank_load
from assessment.practice_roadmap import PracticeRoadmap
from assessment.report import practice_label, report_build
from assessment.roadmap import Roadmap
from assessment.scoring import DONT_KNOW
from tests.bank.test_bank_file_v2 import V2_TEXT
from tests.report.conftest import (
    backdate,
    every_question,
    pdf_pages_text,
    section,
    squash,
    submitted_assessment,
    url,
)
from tests.report.test_report_page import REPORT_PAGE_QUERIES

# Before: the leader alone, every practice at level 2.
# Now: alpha-q1 (a gate for Predictive, "alpha tiers") at 1 by both: regressed, and it caps the
# org. alpha-q2 at 1 and 2 → level 1. beta-q1 "Don't know" twice → level 1, and half of Beta's
# answers are "Don't know" (uncertain domain). beta-q2 at 2 and 5 → level 3, an alignment gap on
# 1 of 4 answered questions (25%: deep disagreement).
LEADER = {"alpha-q1": 1, "alpha-q2": 1, "beta-q1": DONT_KNOW, "beta-q2": 2}
MEMBER = {"alpha-q1": 1, "alpha-q2": 2, "beta-q1": DONT_KNOW, "beta-q2": 5}


@pytest.fixture
def v2_version(db):
    version, _ = bank_load(text=V2_TEXT)
    return version


@pytest.fixture
def v2_assessment(personas, v2_version):
    previous = submitted_assessment(
        personas.org_a,
        v2_version,
        personas.leader_a,
        {personas.leader_a: every_question(v2_version, 2)},
    )
    backdate(previous, 91)
    people = {personas.leader_a: LEADER, personas.member_a: MEMBER}
    return submitted_assessment(personas.org_a, v2_version, personas.leader_a, people)


@pytest.fixture
def v2_report(v2_assessment):
    return report_build(assessment=v2_assessment)


@pytest.fixture
def v2_page(v2_assessment, personas, client_for) -> str:
    response = client_for(personas.leader_a).get(url("assessment_result", v2_assessment))
    assert response.status_code == 200
    return response.content.decode()


def steps(report, days: int):
    return next(h.steps for h in report.practice_horizons if h.days == days)


# --- which engine -------------------------------------------------------------------------------


def test_a_practice_level_catalog_gets_roadmap_v2(v2_report):
    assert isinstance(v2_report.roadmap, PracticeRoadmap)
    assert v2_report.is_practice_roadmap


def test_a_stage_catalog_keeps_the_v1_roadmap(report_assessment):
    report = report_build(assessment=report_assessment)

    assert isinstance(report.roadmap, Roadmap)
    assert (report.practice_horizons, report.warnings) == ((), ())


def test_practices_come_from_the_snapshot_answers_with_previous_levels(v2_report):
    practices = {p.key: p for p in v2_report.roadmap.practices}

    assert {k: (p.level, p.previous_level) for k, p in practices.items()} == {
        "alpha-q1": (1, 2),
        "alpha-q2": (1, 2),
        "beta-q1": (1, 2),
        "beta-q2": (3, 2),
    }
    assert practices["alpha-q1"].regressed
    assert practices["alpha-q1"].label == "alpha tiers"


def test_a_question_without_a_label_is_named_by_its_key_in_words():
    assert practice_label({"key": "beta-q2", "text": "How does your team handle it?"}) == (
        "beta q2"
    )
    assert practice_label({"key": "beta-q1", "label": "beta health score", "text": "?"}) == (
        "beta health score"
    )


def test_the_snapshot_keeps_labels_of_a_v2_bank_only(v2_assessment, report_assessment):
    v2_questions = [q for d in v2_assessment.snapshot["domains"] for q in d["questions"]]
    v1_questions = [q for d in report_assessment.snapshot["domains"] for q in d["questions"]]

    assert [q.get("label") for q in v2_questions] == [
        "alpha tiers",
        "alpha playbooks",
        "beta health score",
        None,
    ]
    assert all("label" not in q for q in v1_questions)


def test_the_first_30_days_lift_the_capping_and_lowest_practices(v2_report):
    month = steps(v2_report, 30)
    whole = [s.action.key for s in month if not s.item.first_step_only]
    started = [s.action.key for s in month if s.item.first_step_only]

    # The failed gate (alpha tiers) first; the other level-1 practices' quick steps with it, and
    # the first step of the longer one (the first playbook, 8 weeks) started now.
    assert whole[0] == "alpha-q1-tiers-list"
    assert set(whole) == {"alpha-q1-tiers-list", "beta-health-score"}
    assert started == ["alpha-q2-first-playbook"]
    assert [s.practices for s in month] == ["alpha tiers", "beta health score", "alpha playbooks"]


def test_a_previous_result_on_v1_gives_previous_levels_for_the_questions_it_shares(
    personas, mini_version, v2_version
):
    previous = submitted_assessment(
        personas.org_a,
        mini_version,
        personas.leader_a,
        {personas.leader_a: every_question(mini_version, 4)},
    )
    backdate(previous, 120)
    current = submitted_assessment(
        personas.org_a, v2_version, personas.leader_a, {personas.leader_a: LEADER}
    )

    practices = report_build(assessment=current).roadmap.practices

    # The v1 mini bank has all four v2 keys (and two more the v2 bank dropped).
    assert {p.key: p.previous_level for p in practices} == dict.fromkeys(
        ["alpha-q1", "alpha-q2", "beta-q1", "beta-q2"], 4
    )


# --- the page -----------------------------------------------------------------------------------


def test_report_page_shows_each_step_with_its_practice_levels_and_fields(v2_page, v2_report):
    roadmap = squash(section(v2_page, "roadmap-heading"))

    assert "Lifts alpha tiers from level 1 to level 2." in squash(
        section(v2_page, "roadmap-heading").replace("<strong>", "").replace("</strong>", "")
    )
    for step in (s for h in v2_report.practice_horizons for s in h.steps):
        for text in (
            step.action.title,
            step.item.why_first,
            step.action.why,
            step.action.done_when,
            step.action.first_step,
            step.action.owner,
            step.action.effort,
        ):
            assert squash(escape(text)) in roadmap, text
        assert f"<strong>{escape(step.practices)}</strong> from level" in roadmap


def test_report_page_marks_a_first_step_only_item_start_now(v2_page):
    roadmap = squash(section(v2_page, "roadmap-heading"))
    start_now = roadmap.split('class="roadmap-item start-now"')

    assert len(start_now) == 2  # exactly one item marked
    assert (
        '<span class="start-now-mark">Start now</span> <strong>Write the first alpha playbook'
        in (start_now[1])
    )
    assert "Start this now; the whole step takes 6–8 weeks" in start_now[1]


def test_report_summary_shows_the_warnings_and_the_roadmap_says_answers_are_averaged(
    v2_page, v2_report
):
    summary = squash(section(v2_page, "summary-heading"))

    assert {w.kind for w in v2_report.warnings} == {"deep-disagreement", "uncertain-domain"}
    for warning in v2_report.warnings:
        assert squash(escape(warning.text)) in summary
    assert "Built on averaged answers" in squash(section(v2_page, "roadmap-heading"))


def test_v1_report_page_has_no_v2_parts(report_assessment, personas, client_for):
    page = client_for(personas.leader_a).get(url("assessment_result", report_assessment))

    for text in ("Done when", "Start now", "Before you act", "Built on averaged answers"):
        assert text not in page.content.decode()


def test_v2_report_page_query_count_is_the_v1_bound(
    v2_assessment, personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas.leader_a)
    with django_assert_max_num_queries(REPORT_PAGE_QUERIES):
        response = client.get(url("assessment_result", v2_assessment))
    assert response.status_code == 200


# --- the PDF ------------------------------------------------------------------------------------


def test_report_pdf_shows_the_v2_steps_and_warnings(v2_assessment, v2_report, personas, client_for):
    response = client_for(personas.leader_a).get(url("assessment_pdf", v2_assessment))
    assert response.status_code == 200
    text = squash(" ".join(pdf_pages_text(response.content)))

    assert "Lifts alpha tiers from level 1 to level 2." in text
    assert "Start now Write the first alpha playbook" in text
    for step in (s for h in v2_report.practice_horizons for s in h.steps):
        for text_part in (step.action.done_when, step.action.first_step, step.action.owner):
            assert squash(text_part) in text, text_part
    for warning in v2_report.warnings:
        assert squash(warning.text) in text
