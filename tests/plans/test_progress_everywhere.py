"""Plan progress on the org overview, the portfolio (columns, sorting, CSV; a fixed number of
queries for 10 and 1,000 orgs) and the comparison."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from orgs.demo import CONSULTANT_EMAIL, demo_build_portfolio
from orgs.models import Organization
from plans.models import Plan, PlanItem
from tests.portfolio.test_query_bounds import (
    COMPARE_QUERIES,
    PORTFOLIO_CSV_QUERIES,
    PORTFOLIO_QUERIES,
)


def _give_plans(orgs, *, every: int = 1) -> None:
    """Each `every`-th org gets a plan of four items: one done, one overdue, two open."""
    today = timezone.localdate()
    plans = Plan.objects.bulk_create([Plan(org=o) for o in orgs[::every]])
    items = []
    for n, plan in enumerate(plans):
        for k, (status, days) in enumerate(
            [("done", -5), ("planned", -(n % 3) - 1), ("in_progress", 20), ("planned", 60 + n)]
        ):
            items.append(
                PlanItem(
                    plan=plan,
                    action_key=f"a{k}",
                    title=f"Action {k}",
                    domain_key="d",
                    domain_name="D",
                    horizon=30,
                    status=status,
                    due_date=today + datetime.timedelta(days=days),
                )
            )
    PlanItem.objects.bulk_create(items)


@pytest.fixture
def consultant_with(default_version, django_user_model):
    def build(orgs: int):
        demo_build_portfolio(orgs=orgs, assessments=1, seed=5)
        _give_plans(list(Organization.objects.order_by("id")), every=2)
        return django_user_model.objects.get(username=CONSULTANT_EMAIL)

    return build


@pytest.mark.parametrize("orgs", [10, 1000])
def test_portfolio_plan_columns_keep_the_query_count(
    consultant_with, client_for, django_assert_max_num_queries, orgs
):
    client = client_for(consultant_with(orgs))

    for query in ("", "?sort=plan&dir=desc", "?sort=overdue"):
        with django_assert_max_num_queries(PORTFOLIO_QUERIES, info=query):
            response = client.get(reverse("home") + query)
        assert "Plan done" in response.content.decode()
    with django_assert_max_num_queries(PORTFOLIO_CSV_QUERIES):
        response = client.get(reverse("portfolio_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == orgs
    with_plan = [r for r in rows if r["plan_total"]]
    assert len(with_plan) == orgs // 2
    assert all(
        (r["plan_done"], r["plan_total"], r["plan_overdue"]) == ("1", "4", "1") for r in with_plan
    )


def test_portfolio_sorts_by_plan_progress_and_overdue(
    default_version, client_for, django_user_model
):
    demo_build_portfolio(orgs=4, assessments=1, seed=5)
    orgs = list(Organization.objects.filter(slug__startswith="scale-").order_by("slug"))
    _give_plans(orgs[:2])
    PlanItem.objects.filter(plan__org=orgs[1]).update(status="done")
    client = client_for(django_user_model.objects.get(username=CONSULTANT_EMAIL))

    page = client.get(reverse("home") + "?sort=plan&dir=desc").content.decode()
    overdue = client.get(reverse("home") + "?sort=overdue&dir=desc").content.decode()

    assert page.index(orgs[1].name) < page.index(orgs[0].name) < page.index(orgs[2].name)
    assert overdue.index(orgs[0].name) < overdue.index(orgs[1].name)
    assert "4 of 4 done" in page and "1 overdue" in page and "No plan" in page


def test_org_overview_shows_done_total_overdue_and_next_due(personas, adopted, client_for):
    today = timezone.localdate()
    PlanItem.objects.filter(pk=adopted[0].pk).update(status="done")
    PlanItem.objects.filter(pk=adopted[1].pk).update(due_date=today - datetime.timedelta(days=2))
    PlanItem.objects.filter(pk=adopted[2].pk).update(due_date=today + datetime.timedelta(days=9))

    page = (
        client_for(personas.member_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )

    assert f"1 of {len(adopted)} done" in page
    assert "1 overdue" in page
    assert f"next due {today + datetime.timedelta(days=9):%-d %b %Y}" in page


def test_org_overview_without_a_plan_says_how_to_start_one(personas, client_for):
    page = (
        client_for(personas.leader_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )

    assert "No action plan yet" in page


def test_compare_shows_plan_progress_per_org_in_the_same_queries(
    consultant_with, client_for, django_assert_max_num_queries
):
    client = client_for(consultant_with(4))
    ids = [str(i) for i in Organization.objects.order_by("id").values_list("public_id", flat=True)]

    with django_assert_max_num_queries(COMPARE_QUERIES):
        response = client.get(reverse("compare"), {"org": ids})

    page = response.content.decode()
    assert "Action plan progress" in page
    assert page.count("1 of 4") == 2 and page.count("No action plan yet") == 2
