"""Portfolio insight: each figure from the book of five orgs, the orgs behind each figure as a
filtered portfolio list, the CSV, and a fixed number of queries whatever the portfolio's size."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Assessment
from orgs.demo import CONSULTANT_EMAIL, demo_build_portfolio
from orgs.insight import insight_build, quarter_start
from plans.models import Plan, PlanItem
from tests.factories import ConsultantFactory
from tests.html import main_of
from tests.portfolio.conftest import listed

# session, user, the fingerprint's three aggregates, the cache read; then, when nothing is cached
# yet, insight_build's four (orgs, latest answers, labels per version, plan items) and the cache
# write (the database cache's own five).
INSIGHT_QUERIES_WARM = 6
INSIGHT_QUERIES_COLD = 15


def snapshot(levels: dict[str, int | None]) -> dict:
    """A snapshot with only what insight reads: questions (q1 has a practice label) and answers;
    None stands for "don't know"."""
    return {
        "domains": [
            {"key": "d1", "questions": [{"key": "q1", "label": "Health scores"}, {"key": "q2"}]},
            {"key": "d2", "questions": [{"key": "q3", "label": "Renewal forecast"}]},
        ],
        "answers": [
            {"respondent": "1", "question": k, "level": v, "dont_know": v is None, "note": ""}
            for k, v in levels.items()
        ],
    }


def with_snapshots(book):
    # q3 is missed most (mean 1.5), then q1 (2.0); q2 is strong everywhere.
    data = {
        "Up": {"q1": 1, "q2": 4, "q3": 2},
        "Down": {"q1": 2, "q2": 5, "q3": None},
        "Same": {"q1": 3, "q2": 4, "q3": 1},
        "First": {"q1": 2, "q2": 5, "q3": 2},
    }
    for short, levels in data.items():
        Assessment.objects.filter(pk=book.results[short].pk).update(snapshot=snapshot(levels))
    # Down fell from Strategic to Proactive today: a regression this quarter whatever the date.
    Assessment.objects.filter(pk=book.results["Down"].pk).update(submitted_at=timezone.now())
    return book


def plan_item(org, key, title, *, horizon=30, status=PlanItem.Status.PLANNED, days=5):
    plan, _ = Plan.objects.get_or_create(org=org)
    return PlanItem.objects.create(
        plan=plan,
        action_key=key,
        title=title,
        domain_key="d1",
        domain_name="Domain",
        horizon=horizon,
        status=status,
        due_date=timezone.localdate() + timedelta(days=days),
    )


@pytest.fixture
def insight_book(book):
    with_snapshots(book)
    o = book.orgs
    plan_item(o["Up"], "score-health", "Score account health")
    plan_item(o["Same"], "score-health", "Score account health")
    plan_item(o["Down"], "score-health", "Score account health", days=-3)  # overdue
    plan_item(o["Down"], "forecast", "Forecast renewals")
    plan_item(o["First"], "forecast", "Forecast renewals", status=PlanItem.Status.DONE)
    plan_item(o["First"], "later", "A 90-day action", horizon=90)
    return book


def test_stage_mix_counts_each_org_once_on_its_latest_result(insight_book):
    insight = insight_build(insight_book.consultant)
    o = insight_book.orgs
    by_key = {f.key: f for f in insight.stages + insight.phases}
    assert (insight.orgs, insight.assessed) == (5, 4)
    assert by_key["stage-2"].org_ids == {o["Down"].pk}
    assert by_key["stage-3"].org_ids == {o["Up"].pk, o["Same"].pk}
    assert by_key["stage-5"].org_ids == {o["First"].pk}
    assert sum(f.value for f in insight.stages) == 4
    assert sum(f.value for f in insight.phases) == 4


def test_regressions_are_lower_latest_stages_submitted_this_quarter(insight_book):
    insight = insight_build(insight_book.consultant)
    assert insight.regressions.org_ids == {insight_book.orgs["Down"].pk}
    next_quarter = quarter_start(timezone.localdate()) + timedelta(days=100)
    assert insight_build(insight_book.consultant, today=next_quarter).regressions.value == 0


def test_open_drafts_and_overdue_items_name_their_orgs(insight_book):
    insight = insight_build(insight_book.consultant)
    o = insight_book.orgs
    assert insight.drafts.org_ids == {o["Up"].pk, o["Fresh"].pk}
    assert (insight.overdue.value, insight.overdue.org_ids) == (1, {o["Down"].pk})


def test_practices_most_missed_are_the_lowest_mean_levels_with_their_labels(insight_book):
    insight = insight_build(insight_book.consultant)
    o = insight_book.orgs
    first, second, third = insight.practices
    # "don't know" counts as level 1, as in the roadmap: q3 = (2 + 1 + 1 + 2) / 4
    assert (first.detail, first.label, first.value) == ("q3", "Renewal forecast", 1.5)
    assert first.org_ids == {o["Up"].pk, o["Down"].pk, o["Same"].pk, o["First"].pk}
    assert (second.detail, second.label, second.value) == ("q1", "Health scores", 2.0)
    assert second.org_ids == {o["Up"].pk, o["Down"].pk, o["First"].pk}
    # Without a label in the snapshot the question key stands in.
    assert (third.label, third.value) == ("q2", 4.5)


def test_next_actions_are_open_thirty_day_plan_items_ranked_by_orgs(insight_book):
    insight = insight_build(insight_book.consultant)
    o = insight_book.orgs
    assert [(f.label, f.value) for f in insight.actions] == [
        ("Score account health", 3),
        ("Forecast renewals", 1),  # First Co's is done; the 90-day item is not a next action
    ]
    assert insight.actions[1].org_ids == {o["Down"].pk}


def test_each_figure_links_to_a_portfolio_list_of_the_orgs_behind_it(insight_book, client_for):
    client = client_for(insight_book.consultant)
    page = client.get(reverse("portfolio_insight")).content.decode()
    assert "Renewal forecast" in page and "?insight=practice-q1" in page
    listing = client.get(reverse("home"), {"insight": "practice-q1"}).content.decode()
    assert sorted(listed(listing)) == ["Down Co", "First Co", "Up Co"]
    regressed = client.get(reverse("home"), {"insight": "regressed"}).content.decode()
    assert listed(regressed) == ["Down Co"]


def test_an_unknown_figure_lists_no_org_and_says_so(insight_book, client_for):
    client = client_for(insight_book.consultant)
    page = client.get(reverse("home"), {"insight": "practice-nope"}).content.decode()
    assert listed(page) == []
    assert "missing practice nope" in page


def test_insight_sees_only_the_orgs_the_user_may_see(insight_book):
    stranger = ConsultantFactory().user
    insight = insight_build(stranger)
    assert (insight.orgs, insight.practices, insight.actions) == (0, [], [])


def test_insight_csv_has_one_row_per_figure(insight_book, client_for):
    response = client_for(insight_book.consultant).get(reverse("portfolio_insight_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "key", "label", "value", "organizations"]
    assert ["practice_missed", "q3", "Renewal forecast", "1.5", "4"] in rows
    assert ["next_action", "score-health", "Score account health", "3", "3"] in rows
    assert ["regressed", "regressed", "Fell a stage this quarter", "1", "1"] in rows


@pytest.mark.parametrize(("orgs", "assessments"), [(10, 1), (120, 4)])
def test_insight_queries_do_not_grow_with_the_portfolio(
    default_version, client_for, django_assert_num_queries, django_user_model, orgs, assessments
):
    built = demo_build_portfolio(orgs=orgs, assessments=assessments, seed=5)
    assert built.orgs == orgs
    client = client_for(django_user_model.objects.get(username=CONSULTANT_EMAIL))
    with django_assert_num_queries(INSIGHT_QUERIES_COLD):
        response = client.get(reverse("portfolio_insight"))
    assert response.status_code == 200
    assert "Practices most clients miss" in response.content.decode()
    with django_assert_num_queries(INSIGHT_QUERIES_WARM):
        again = client.get(reverse("portfolio_insight"))
    assert main_of(again.content.decode()) == main_of(response.content.decode())
    with django_assert_num_queries(INSIGHT_QUERIES_WARM):
        assert client.get(reverse("portfolio_insight_csv")).status_code == 200


def test_cached_insight_follows_a_new_plan_item_and_a_new_result(insight_book, client_for):
    client = client_for(insight_book.consultant)
    assert "Forecast renewals: " in client.get(reverse("portfolio_insight")).content.decode()
    o = insight_book.orgs
    for short in ("Up", "Same", "Fresh"):
        plan_item(o[short], "forecast", "Forecast renewals")
    page = client.get(reverse("portfolio_insight")).content.decode()
    assert page.index("Forecast renewals") < page.index("Score account health")
    Assessment.objects.filter(pk=insight_book.results["Down"].pk).delete()
    regressed = client.get(reverse("home"), {"insight": "regressed"}).content.decode()
    assert listed(regressed) == []
