"""The loop (issue 15, item 4): the next report says which done plan items moved their
practices, and its roadmap leaves out what is open or done in the plan unless the practice
slipped, saying so."""

from datetime import timedelta

from django.utils import timezone

from assessment.models import Assessment
from assessment.report import report_build
from plans import services
from plans.models import PlanItem
from tests.report.conftest import backdate, every_question, submitted_assessment, url


def _mark_done(days_ago: int, **filters) -> None:
    PlanItem.objects.filter(**filters).update(
        status=PlanItem.Status.DONE, done_at=timezone.now() - timedelta(days=days_ago)
    )


def _result(personas, version, levels: dict, days_ago: int = 0) -> Assessment:
    assessment = submitted_assessment(
        personas.org_a, version, personas.leader_a, {personas.leader_a: levels}
    )
    return backdate(assessment, days_ago) if days_ago else assessment


def test_since_last_time_lists_done_items_with_their_practice_levels(
    personas, v2_version, first_result, adopted
):
    _mark_done(60)
    second = _result(personas, v2_version, every_question(v2_version, 1) | {"alpha-q1": 2})

    outcomes = {o.item.action_key: o for o in report_build(assessment=second).plan.outcomes}

    assert set(outcomes) == {i.action_key for i in adopted}
    tiers = outcomes["alpha-q1-tiers-list"]
    assert [(m.label, m.before, m.after) for m in tiers.practices] == [("alpha tiers", 1, 2)]
    assert tiers.paid_off
    assert not outcomes["alpha-q2-first-playbook"].paid_off


def test_items_done_before_the_previous_result_are_not_outcomes(
    personas, v2_version, first_result, adopted
):
    _mark_done(200)  # before the first result (backdated 120 days)
    second = _result(personas, v2_version, every_question(v2_version, 2))

    assert report_build(assessment=second).plan.outcomes == ()


def test_the_report_page_says_whether_the_work_paid_off(
    personas, v2_version, first_result, adopted, client_for
):
    _mark_done(60, action_key="alpha-q1-tiers-list")
    second = _result(personas, v2_version, every_question(v2_version, 1) | {"alpha-q1": 2})

    page = client_for(personas.member_a).get(url("assessment_result", second)).content.decode()

    assert "Since last time: did the work pay off?" in page
    assert "level 1 → 2" in page
    assert "moved up" in page


def test_next_roadmap_leaves_out_open_and_done_items(personas, v2_version, first_result, adopted):
    _mark_done(60, action_key="alpha-q1-tiers-list")  # done; the others stay planned
    second = _result(personas, v2_version, every_question(v2_version, 1))

    offered = {a.key for a in report_build(assessment=second).plan.adoptables}

    assert offered.isdisjoint({i.action_key for i in adopted})


def test_dropped_items_come_back_in_the_next_roadmap(personas, v2_version, first_result, adopted):
    PlanItem.objects.filter(action_key="beta-health-score").update(
        status=PlanItem.Status.DROPPED, drop_reason="No data yet."
    )
    second = _result(personas, v2_version, every_question(v2_version, 1))

    assert "beta-health-score" in {a.key for a in report_build(assessment=second).plan.adoptables}


def test_a_done_item_whose_practice_slipped_is_proposed_again_and_says_so(
    personas, v2_version, first_result, adopted, client_for
):
    _mark_done(60)
    _result(personas, v2_version, every_question(v2_version, 2), days_ago=30)
    third = _result(personas, v2_version, every_question(v2_version, 2) | {"alpha-q1": 1})

    report = report_build(assessment=third)
    done_in = (timezone.now() - timedelta(days=60)).strftime("%B %Y")

    assert "alpha-q1-tiers-list" in {a.key for a in report.plan.adoptables}
    assert [(s.key, s.text) for s in report.plan.slipped] == [
        ("alpha-q1-tiers-list", f"Done in {done_in}, but the practice slipped.")
    ]
    page = client_for(personas.leader_a).get(url("assessment_result", third)).content.decode()
    assert f"Done in {done_in}, but the practice slipped." in page


def test_adopting_a_slipped_item_reopens_it_instead_of_duplicating(
    personas, v2_version, first_result, adopted
):
    _mark_done(60)
    _result(personas, v2_version, every_question(v2_version, 2), days_ago=30)
    third = _result(personas, v2_version, every_question(v2_version, 2) | {"alpha-q1": 1})
    report = report_build(assessment=third, with_appendix=False)

    added, reopened = services.adopt(
        org=personas.org_a,
        assessment=third,
        actor=personas.leader_a,
        items=services.adoptables(report),
        keys=["alpha-q1-tiers-list"],
    )

    item = PlanItem.objects.get(action_key="alpha-q1-tiers-list")
    assert (added, reopened) == (0, 1)
    assert item.status == PlanItem.Status.PLANNED and item.done_at is None
    assert PlanItem.objects.filter(action_key="alpha-q1-tiers-list").count() == 1
    assert item.events.filter(field="status", old="Done", new="Planned").exists()


def test_the_report_a_plan_was_adopted_from_still_shows_those_items(first_result, adopted):
    report = report_build(assessment=first_result)

    assert {a.key for a in report.plan.adoptables} == {i.action_key for i in adopted}
    assert report.plan.in_plan == {i.action_key for i in adopted}
