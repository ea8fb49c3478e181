"""Comparing 2 to 12 orgs side by side: the page, its CSV and its PDF."""

import csv
import io
import uuid
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import AssignmentFactory, ConsultantFactory, OrganizationFactory
from tests.report.conftest import pdf_pages_text, section, squash, submitted_assessment, table_rows

KEYS = ["alpha-q1", "alpha-q2", "alpha-q3", "beta-q1", "beta-q2", "beta-q3"]


def levels(alpha: int, beta: int) -> dict:
    return {key: alpha if key.startswith("alpha") else beta for key in KEYS}


@pytest.fixture
def clients(db, mini_version, personas):
    """Three assigned orgs with results: North (everything at 4: Strategic, 75 in both domains),
    South (Alpha at 3 = 50, Beta at 1 = 0) and West (no result yet)."""
    consultant = ConsultantFactory().user
    orgs = {}
    for name in ("North", "South", "West"):
        orgs[name] = OrganizationFactory(name=name)
        AssignmentFactory(consultant=consultant, org=orgs[name])
    leader = personas.leader_a  # answers need a person; membership does not matter to scoring
    submitted_assessment(orgs["North"], mini_version, leader, {leader: levels(4, 4)})
    submitted_assessment(orgs["South"], mini_version, leader, {leader: levels(3, 1)})
    return consultant, orgs


def query(*orgs) -> str:
    return "?" + "&".join(f"org={o.public_id}" for o in orgs)


@pytest.mark.parametrize("name", ["compare", "compare_csv", "compare_pdf"])
@pytest.mark.parametrize("count", [1, 13])
def test_fewer_than_2_or_more_than_12_redirects_with_a_message(db, client_for, name, count):
    consultant = ConsultantFactory().user
    orgs = [OrganizationFactory() for _ in range(count)]
    for org in orgs:
        AssignmentFactory(consultant=consultant, org=org)
    response = client_for(consultant).get(reverse(name) + query(*orgs))
    assert response.status_code == 302 and response.url == reverse("home")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Choose between 2 and 12 organizations to compare (you chose {count})."
    ]


def test_twelve_orgs_are_fine(db, client_for):
    consultant = ConsultantFactory().user
    orgs = [OrganizationFactory() for _ in range(12)]
    for org in orgs:
        AssignmentFactory(consultant=consultant, org=org)
    response = client_for(consultant).get(reverse("compare") + query(*orgs))
    assert response.status_code == 200 and b"Compare 12 organizations" in response.content


@pytest.mark.parametrize("name", ["compare", "compare_csv", "compare_pdf"])
def test_an_org_outside_the_portfolio_inside_the_list_is_404(clients, personas, client_for, name):
    consultant, orgs = clients
    url = reverse(name) + query(orgs["North"], personas.org_b, orgs["South"])
    assert client_for(consultant).get(url).status_code == 404


@pytest.mark.parametrize("name", ["compare", "compare_csv", "compare_pdf"])
def test_unknown_or_malformed_ids_are_404(clients, client_for, name):
    consultant, orgs = clients
    client = client_for(consultant)
    assert client.get(reverse(name) + query(orgs["North"]) + "&org=not-a-uuid").status_code == 404
    assert client.get(
        reverse(name) + query(orgs["North"]) + f"&org={uuid.uuid4()}"
    ).status_code == (404)


def test_duplicates_collapse(clients, client_for):
    consultant, orgs = clients
    url = reverse("compare") + query(orgs["North"], orgs["North"], orgs["South"], orgs["North"])
    html = client_for(consultant).get(url).content.decode()
    assert "Compare 2 organizations" in html
    rows, _ = table_rows(html, "heatmap")
    assert rows[0] == ["Domain", "North", "South", "Spread"]


def test_one_duplicated_org_is_one_org(clients, client_for):
    consultant, orgs = clients
    response = client_for(consultant).get(reverse("compare") + query(orgs["North"], orgs["North"]))
    assert response.status_code == 302


def test_heatmap_cells_show_the_score_and_the_stage_name(clients, client_for):
    consultant, orgs = clients
    url = reverse("compare") + query(orgs["North"], orgs["South"], orgs["West"])
    html = client_for(consultant).get(url).content.decode()
    rows, _ = table_rows(html, "heatmap")
    # The number and the stage are on two lines (a <br>), so the cell text joins them.
    assert rows == [
        ["Domain", "North", "South", "West", "Spread"],
        ["Alpha Domain", "75.0Strategic", "50.0Predictive", "—", "25.0"],
        ["Beta Domain", "75.0Strategic", "0.0Reactive", "—", "75.0"],
    ]
    assert (
        '<td class="heat stage-reactive"><strong>0.0</strong><br>'
        '<span class="small">Reactive</span></td>'
    ) in html
    stages, _ = table_rows(html, "compare-stages")
    assert stages[3][:2] == ["West", "Not assessed yet"]


def test_where_they_differ_most_puts_the_widest_spread_first(clients, client_for):
    consultant, orgs = clients
    html = client_for(consultant).get(reverse("compare") + query(orgs["North"], orgs["South"]))
    text = squash(section(html.content.decode(), "diff-heading"))
    beta = text.index("<strong>Beta Domain</strong>: 75.0 points")
    alpha = text.index("<strong>Alpha Domain</strong>: 25.0 points")
    assert beta < alpha


def test_csv_has_a_score_and_stage_column_per_org(clients, client_for):
    consultant, orgs = clients
    response = client_for(consultant).get(
        reverse("compare_csv") + query(orgs["South"], orgs["North"])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["domain", "South score", "South stage", "North score", "North stage"],
        ["Alpha Domain", "50.0", "Predictive", "75.0", "Strategic"],
        ["Beta Domain", "0.0", "Reactive", "75.0", "Strategic"],
        ["Overall", "25.0", "Proactive", "75.0", "Strategic"],
        ["Crawl / Walk / Run", "", "Walk", "", "Run"],
    ]


def test_pdf_is_a_readable_pdf_naming_every_org(clients, client_for):
    consultant, orgs = clients
    response = client_for(consultant).get(
        reverse("compare_pdf") + query(orgs["North"], orgs["South"], orgs["West"])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = squash(" ".join(pdf_pages_text(response.content)))
    for name in ("North", "South", "West"):
        assert name in text
    assert "Comparison of 3 organizations" in text


def test_a_loop_of_compare_pdf_renders_gets_429_after_six_a_minute(clients, client_for):
    """Finding 7: four parallel compare.pdf loops raised other users' login latency 40-fold."""
    consultant, orgs = clients
    client = client_for(consultant)
    path = reverse("compare_pdf") + query(orgs["North"], orgs["South"])
    with mock.patch("orgs.views.portfolio.render_pdf_bounded", return_value=b"%PDF-stand-in"):
        statuses = [client.get(path).status_code for _ in range(7)]

    assert statuses == [200] * 6 + [429]
