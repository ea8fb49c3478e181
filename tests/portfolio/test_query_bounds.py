"""The portfolio and the comparison make a fixed number of SQL queries, whatever the number of
orgs or assessments: every figure of the list is a correlated subquery of one query."""

import pytest
from django.urls import reverse

from orgs.demo import CONSULTANT_EMAIL, demo_build_portfolio
from orgs.models import Organization

# session, user, "is this a consultant?", the orgs held back until MFA is on, the paginator's
# count, the page of orgs
PORTFOLIO_QUERIES = 6
# session, user, the orgs (visible ∩ requested, each with its latest result id), the results
COMPARE_QUERIES = 4
# session, user, the orgs with every figure
PORTFOLIO_CSV_QUERIES = 3


@pytest.fixture
def portfolio(default_version, django_user_model):
    def build(orgs: int, assessments: int):
        built = demo_build_portfolio(orgs=orgs, assessments=assessments, seed=3)
        assert (built.orgs, built.assessments) == (orgs, orgs * assessments)
        return django_user_model.objects.get(username=CONSULTANT_EMAIL)

    return build


SIZES = [pytest.param(10, 1, id="10-orgs-1-each"), pytest.param(200, 4, id="200-orgs-4-each")]
PAGES = ["", "?sort=change&dir=desc", "?stage=3&arr=5m-20m&sort=draft&dir=desc", "?page=2"]


@pytest.mark.parametrize(("orgs", "assessments"), SIZES)
def test_portfolio_queries_do_not_grow(
    portfolio, client_for, django_assert_max_num_queries, orgs, assessments
):
    client = client_for(portfolio(orgs, assessments))
    for query in PAGES:
        with django_assert_max_num_queries(PORTFOLIO_QUERIES, info=query):
            response = client.get(reverse("home") + query)
        assert response.status_code == 200
    with django_assert_max_num_queries(PORTFOLIO_CSV_QUERIES):
        response = client.get(reverse("portfolio_csv"))
    assert len(response.content.decode().splitlines()) == orgs + 1


@pytest.mark.parametrize("compared", [2, 12])
def test_compare_page_queries_do_not_grow(
    portfolio, client_for, django_assert_max_num_queries, compared
):
    client = client_for(portfolio(12, 2))
    ids = [
        str(i) for i in Organization.objects.order_by("slug").values_list("public_id", flat=True)
    ]
    with django_assert_max_num_queries(COMPARE_QUERIES):
        response = client.get(reverse("compare"), {"org": ids[:compared]})
    assert response.status_code == 200
    assert f"Compare {compared} organizations" in response.content.decode()
