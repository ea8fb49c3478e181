"""The portfolio (GET /): contents, sorting, filters, pagination, who sees what, CSV export."""

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from orgs.models import Membership
from orgs.portfolio import CSV_HEADER
from tests.factories import (
    AssignmentFactory,
    ConsultantFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.portfolio.conftest import listed, row_of
from tests.report.conftest import table_rows

ALL = ["Down Co", "First Co", "Fresh Co", "Same Co", "Up Co"]


@pytest.fixture
def page(book, client_for):
    client = client_for(book.consultant)

    def get(query: str = "") -> str:
        response = client.get(reverse("home") + query)
        assert response.status_code == 200
        return response.content.decode()

    return get


# --- contents ---------------------------------------------------------------------------------


def test_rows_show_stage_on_both_scales_score_date_and_change(page, book):
    rows, _ = table_rows(page(), "portfolio")
    date = f"{book.results['Up'].submitted_at:%-d %b %Y}"
    assert row_of(rows, "Up Co")[2:] == [
        "Predictive",
        "Run",
        "50.0",
        date,
        "▲ up from Proactive",
        "4/6",
        "No plan",
        "—",
    ]
    assert row_of(rows, "Down Co")[2:7] == [
        "Proactive capped",
        "Walk",
        "35.0",
        f"{book.results['Down'].submitted_at:%-d %b %Y}",
        "▼ down from Strategic",
    ]
    assert row_of(rows, "Same Co")[2:7] == [
        "Predictive",
        "Run",
        "55.0",
        f"{book.results['Same'].submitted_at:%-d %b %Y}",
        "= same stage",
    ]
    assert row_of(rows, "First Co")[2:7] == [
        "Embedded",
        "Run",
        "90.0",
        f"{book.results['First'].submitted_at:%-d %b %Y}",
        "first result",
    ]


def test_org_without_a_result_shows_its_open_draft_progress(page):
    html = page()
    rows, _ = table_rows(html, "portfolio")
    assert row_of(rows, "Fresh Co")[2:] == ["Not assessed yet", "2/6", "No plan", "—"]
    assert 'aria-label="Open draft: 2 of 6 questions answered"' in html
    assert row_of(rows, "Same Co")[-3] == "—"  # no open draft


def test_regressed_row_is_marked_and_links_to_its_result(page, book):
    html = page()
    _, classes = table_rows(html, "portfolio")
    rows, _ = table_rows(html, "portfolio")
    assert [c for r, c in zip(rows, classes, strict=True) if r[1].startswith("Down Co")] == [
        "regressed"
    ]
    down = book.results["Down"]
    assert reverse("assessment_result", args=[down.org.public_id, down.public_id]) in html


def test_arr_band_is_shown_next_to_the_name(page):
    rows, _ = table_rows(page(), "portfolio")
    assert row_of(rows, "Down Co")[1] == "Down Co $5M–$20M"


# --- sorting ----------------------------------------------------------------------------------

SORTED = {
    ("name", False): ALL,
    ("name", True): ALL[::-1],
    ("stage", False): ["Down Co", "Same Co", "Up Co", "First Co", "Fresh Co"],
    ("stage", True): ["First Co", "Same Co", "Up Co", "Down Co", "Fresh Co"],
    ("score", False): ["Down Co", "Up Co", "Same Co", "First Co", "Fresh Co"],
    ("score", True): ["First Co", "Same Co", "Up Co", "Down Co", "Fresh Co"],
    ("date", False): ["First Co", "Same Co", "Down Co", "Up Co", "Fresh Co"],
    ("date", True): ["Up Co", "Down Co", "Same Co", "First Co", "Fresh Co"],
    ("change", False): ["Down Co", "Same Co", "Up Co", "First Co", "Fresh Co"],
    ("change", True): ["Up Co", "Same Co", "Down Co", "First Co", "Fresh Co"],
    ("draft", False): ["Fresh Co", "Up Co", "Down Co", "First Co", "Same Co"],
    ("draft", True): ["Up Co", "Fresh Co", "Down Co", "First Co", "Same Co"],
}


@pytest.mark.parametrize(("key", "descending"), list(SORTED), ids=lambda v: str(v))
def test_every_sort_key_orders_both_ways_with_empty_values_last(page, key, descending):
    query = f"?sort={key}" + ("&dir=desc" if descending else "")
    assert listed(page(query)) == SORTED[key, descending]


def test_sort_header_flips_direction_and_keeps_filters(page):
    html = page("?arr=5m-20m&sort=score")
    assert 'href="?arr=5m-20m&amp;sort=score&amp;dir=desc"' in html
    assert 'href="?arr=5m-20m&amp;sort=stage"' in html
    assert 'aria-sort="ascending"' in html


# --- filters ----------------------------------------------------------------------------------


def test_search_matches_part_of_the_name_ignoring_case(page):
    assert listed(page("?q=dOWn")) == ["Down Co"]
    assert listed(page("?q=co")) == ALL


def test_stage_filter_uses_the_latest_stage(page):
    assert listed(page("?stage=3")) == ["Same Co", "Up Co"]
    assert listed(page("?stage=4")) == []  # Down Co was Strategic before, not now


def test_arr_filter(page):
    assert listed(page("?arr=5m-20m")) == ["Down Co"]
    assert listed(page("?arr=over-100m&stage=5")) == ["First Co"]


def test_no_match_says_so_and_offers_to_clear(page):
    html = page("?q=nothing-like-this")
    assert "No organization matches these filters." in html and listed(html) == []


@pytest.mark.parametrize(
    "query",
    ["?stage=9", "?stage=abc", "?arr=bogus", "?sort=password", "?dir=sideways", "?page=zz"],
)
def test_invalid_filter_values_are_ignored(page, query):
    assert listed(page(query)) == ALL


def test_pagination_keeps_the_filters(book, client_for):
    for n in range(30):
        org = OrganizationFactory(name=f"Client {n:02d}", arr_band="over-100m")
        AssignmentFactory(consultant=book.consultant, org=org)
    client = client_for(book.consultant)
    first = client.get(reverse("home") + "?arr=over-100m&sort=name").content.decode()
    assert len(listed(first)) == 25 and "Page 1 of 2" in first
    next_href = unescape(re.search(r'href="(\?[^"]*page=2)"', first).group(1))
    assert "arr=over-100m" in next_href and "sort=name" in next_href
    second = client.get(reverse("home") + next_href).content.decode()
    names = listed(second)
    # 31 orgs in the band: 30 clients and First Co; the rest of the book is filtered out.
    assert names == ["Client 25", "Client 26", "Client 27", "Client 28", "Client 29", "First Co"]
    assert "Page 2 of 2" in second


# --- who sees what ----------------------------------------------------------------------------


def test_staff_sees_every_org(personas, book, client_for):
    html = client_for(personas.staff).get(reverse("home")).content.decode()
    assert "All organizations" in html
    assert set(listed(html)) == {"Acme CS", "Bravo CS", *ALL}


def test_consultant_sees_only_assigned_orgs(personas, book, client_for):
    assert listed(client_for(personas.consultant_a).get(reverse("home")).content.decode()) == [
        "Acme CS"
    ]
    assert set(listed(client_for(book.consultant).get(reverse("home")).content.decode())) == set(
        ALL
    )


def test_member_of_two_orgs_sees_both(personas, client_for):
    person = UserFactory()
    MembershipFactory(user=person, org=personas.org_a, role=Membership.Role.MEMBER)
    MembershipFactory(user=person, org=personas.org_b, role=Membership.Role.LEADER)
    response = client_for(person).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert listed(html) == ["Acme CS", "Bravo CS"] and "Your organizations" in html


def test_new_consultant_sees_the_empty_state(db, client_for):
    html = client_for(ConsultantFactory().user).get(reverse("home")).content.decode()
    assert "No clients yet" in html and listed(html) == []
    assert reverse("portfolio_csv") not in html  # nothing to export


# --- CSV --------------------------------------------------------------------------------------


def csv_rows(client, query: str = "") -> list[list[str]]:
    response = client.get(reverse("portfolio_csv") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize(
    "query", ["", "?stage=3&sort=score&dir=desc", "?arr=5m-20m", "?q=co&sort=change"]
)
def test_csv_has_the_rows_the_page_shows(page, book, client_for, query):
    rows = csv_rows(client_for(book.consultant), query)
    assert rows[0] == CSV_HEADER
    assert [row[0] for row in rows[1:]] == listed(page(query))


def test_csv_row_contents(book, client_for):
    rows = {row[0]: row for row in csv_rows(client_for(book.consultant))[1:]}
    date = book.results["Down"].submitted_at.date().isoformat()
    assert rows["Down Co"] == [
        "Down Co",
        "5m-20m",
        "$5M–$20M",
        "mid-market",
        "Mid-market",
        "Proactive",
        "Walk",
        "35.0",
        date,
        "Strategic",
        "down",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    assert rows["Up Co"][10:13] == ["up", "4", "6"]
    assert rows["First Co"][9:11] == ["", ""]
    assert rows["Fresh Co"][5:13] == ["", "", "", "", "", "", "2", "6"]


def test_csv_neutralizes_a_name_that_looks_like_a_formula(book, client_for):
    org = OrganizationFactory(name='=HYPERLINK("http://evil.example","x")')
    AssignmentFactory(consultant=book.consultant, org=org)
    rows = csv_rows(client_for(book.consultant), "?q=HYPERLINK")
    assert rows[1:2] and rows[1][0] == "'" + org.name


def test_csv_needs_a_login(client, db):
    assert client.get(reverse("portfolio_csv")).status_code == 302
