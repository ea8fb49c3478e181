"""The history page (GET /o/<org>/history/): list, trend chart, per-domain deltas. Who may see
it, per persona and with another org's ids, is in the permission matrix (tests/security/)."""

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from assessment.history import history_build
from assessment.models import Assessment
from tests.history.helpers import submit

SVG_NS = "{http://www.w3.org/2000/svg}"
CHAR_EM = 0.6  # average glyph width of DejaVu Sans, in em


def history_url(org, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("org_history", args=[org.public_id]) + (f"?{query}" if query else "")


def text(html: str) -> str:
    """The page's visible text, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def table_rows(html: str, css_class: str) -> list[str]:
    match = re.search(rf'<table class="[^"]*{css_class}[^"]*">(.*?)</table>', html, re.S)
    assert match, f"no table {css_class}"
    return [text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)][1:]


@pytest.fixture
def three(personas, mini_version):
    """Org A over time: Proactive (25) → Strategic (75) → Predictive (50; Alpha fell from
    Strategic to Proactive and caps the org at Predictive)."""
    by = personas.leader_a
    return [
        submit(personas.org_a, mini_version, by, {"alpha": 2, "beta": 2}, days_ago=300),
        submit(personas.org_a, mini_version, by, {"alpha": 4, "beta": 4}, days_ago=200),
        submit(personas.org_a, mini_version, by, {"alpha": 2, "beta": 4}, days_ago=100),
    ]


@pytest.fixture
def history_page(three, personas, client_for):
    response = client_for(personas.leader_a).get(history_url(personas.org_a))
    assert response.status_code == 200
    return response.content.decode()


def test_every_submitted_assessment_is_listed_oldest_first(history_page, three):
    assert "<title>History · Acme CS · Stagewise</title>" in history_page
    assert "Acme CS: history and trend</h1>" in history_page
    rows = table_rows(history_page, "history-table")
    assert len(rows) == 3
    for row, assessment in zip(rows, three, strict=True):
        assert row.startswith(date_format(localtime(assessment.submitted_at), "j M Y"))
    assert "Proactive Walk 25.0 first assessment" in rows[0]
    assert "Strategic Run 75.0 +50.0 · up from Proactive" in rows[1]
    assert "Predictive Run 50.0 -25.0 · down from Strategic" in rows[2]
    for a in three:
        assert reverse("assessment_result", args=[a.org.public_id, a.public_id]) in history_page


def test_a_regression_is_marked_in_words_not_colour_alone(history_page):
    match = re.search(r'<tr class="regressed">(.*?)</tr>', history_page, re.S)
    assert match and "down from Strategic" in text(match.group(1))
    # Two marked rows: the latest assessment in the list, and Alpha in the domain table.
    assert history_page.count('<tr class="regressed">') == 2


def test_drafts_are_not_part_of_the_history(three, personas, client_for, mini_version):
    Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    html = client_for(personas.leader_a).get(history_url(personas.org_a)).content.decode()
    assert len(table_rows(html, "history-table")) == 3


def test_domain_deltas_default_to_previous_and_latest(history_page, three):
    rows = table_rows(history_page, "domain-deltas")
    assert rows == [
        "Alpha Domain 75.0 25.0 -50.0 Strategic Proactive regressed: down from Strategic",
        "Beta Domain 75.0 75.0 0.0 Strategic Strategic",
    ]
    summary = text(re.search(r'<p class="pair-summary">(.*?)</p>', history_page, re.S).group(1))
    assert "down from Strategic to Predictive, overall score -25.0; 1 domain went down a stage" in (
        summary
    )
    assert f'<option value="{three[1].public_id}" selected>' in history_page
    assert f'<option value="{three[2].public_id}" selected>' in history_page


def test_domain_deltas_between_a_chosen_pair(three, personas, client_for):
    url = history_url(personas.org_a, **{"from": three[0].public_id, "to": three[1].public_id})
    html = client_for(personas.leader_a).get(url).content.decode()
    assert table_rows(html, "domain-deltas") == [
        "Alpha Domain 25.0 75.0 +50.0 Proactive Strategic up from Proactive",
        "Beta Domain 25.0 75.0 +50.0 Proactive Strategic up from Proactive",
    ]
    assert "regressed" not in html.split('domain-deltas">')[1]


def test_the_compare_form_is_a_labelled_get_form(history_page):
    form = re.search(
        r"<form([^>]*)>(.*?)</form>", history_page.split('id="deltas-heading"')[1], re.S
    )
    assert form and 'method="get"' in form.group(1)
    for name, field_id in (("from", "delta-from"), ("to", "delta-to")):
        assert f'<label class="form-label" for="{field_id}">' in form.group(2)
        assert f'<select class="form-select" id="{field_id}" name="{name}">' in form.group(2)
    assert 'type="submit">Compare</button>' in form.group(2)


@pytest.mark.parametrize("param", ["from", "to"])
def test_another_orgs_assessment_id_is_not_found(three, personas, client_for, mini_version, param):
    theirs = submit(personas.org_b, mini_version, personas.leader_b, 3)
    url = history_url(personas.org_a, **{param: theirs.public_id})
    assert client_for(personas.leader_a).get(url).status_code == 404


@pytest.mark.parametrize("value", ["not-a-uuid", "123", "%27%20OR%201=1"])
def test_malformed_ids_are_not_found(personas, client_for, value):
    url = history_url(personas.org_a, **{"from": value})
    assert client_for(personas.leader_a).get(url).status_code == 404


def test_an_unknown_id_is_not_found(three, personas, client_for):
    url = history_url(personas.org_a, to="00000000-0000-4000-8000-000000000000")
    assert client_for(personas.leader_a).get(url).status_code == 404


def test_a_draft_of_the_same_org_is_not_comparable(three, personas, client_for, mini_version):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    url = history_url(personas.org_a, to=draft.public_id)
    assert client_for(personas.leader_a).get(url).status_code == 404


def test_other_org_id_is_not_found_even_with_a_single_assessment(
    personas, client_for, mini_version
):
    submit(personas.org_a, mini_version, personas.leader_a, 3)
    theirs = submit(personas.org_b, mini_version, personas.leader_b, 3)
    url = history_url(personas.org_a, **{"from": theirs.public_id})
    assert client_for(personas.leader_a).get(url).status_code == 404


def test_empty_state_without_any_submitted_assessment(personas, client_for):
    html = client_for(personas.leader_a).get(history_url(personas.org_a)).content.decode()
    assert "Submit a first assessment to start the history" in html
    assert "<svg" not in html and "<table" not in html


def test_one_assessment_lists_it_and_says_the_trend_starts_with_the_second(
    personas, client_for, mini_version
):
    submit(personas.org_a, mini_version, personas.leader_a, 3)
    html = client_for(personas.leader_a).get(history_url(personas.org_a)).content.decode()
    assert "The trend starts with the second assessment" in html
    assert len(table_rows(html, "history-table")) == 1
    assert "<svg" not in html and "domain-deltas" not in html and "<select" not in html


def chart_svg(html: str) -> ET.Element:
    match = re.search(r'<svg class="line-chart".*?</svg>', html, re.S)
    assert match, "no line chart in the page"
    return ET.fromstring(match.group(0))  # noqa: S314 - our own page


def test_chart_points_are_labelled_with_their_stage_and_bands_with_stage_names(history_page):
    svg = chart_svg(history_page)
    labels = [t.text for t in svg.iter(f"{SVG_NS}text")]
    for name in ("Reactive", "Proactive", "Predictive", "Strategic", "Embedded"):
        assert name in labels
    assert len(svg.findall(f"{SVG_NS}circle")) == 3
    centred = [t.text for t in svg.iter(f"{SVG_NS}text") if t.get("text-anchor") == "middle"]
    assert centred[0::2] == ["Proactive", "Strategic", "Predictive"]  # then each one's date
    assert len(svg.findall(f"{SVG_NS}line[@stroke-dasharray]")) == 4  # the stage thresholds
    assert svg.find(f"{SVG_NS}title").text.startswith("Overall score of each submitted")


def assert_labels_inside(svg: ET.Element):
    _, _, width, height = (float(v) for v in svg.get("viewBox").split())
    for node in svg.iter(f"{SVG_NS}text"):
        x, y, font = float(node.get("x")), float(node.get("y")), float(node.get("font-size"))
        length = len(node.text) * font * CHAR_EM
        anchor = node.get("text-anchor") or "start"
        left = {"start": x, "middle": x - length / 2, "end": x - length}[anchor]
        assert left >= 0 and left + length <= width, node.text
        assert y - 0.8 * font >= 0 and y + 0.25 * font <= height, node.text
    # Presentation attributes, not CSS: WeasyPrint draws the same SVG.
    assert svg.find(f"{SVG_NS}polyline").get("stroke")


def test_chart_labels_lie_inside_the_view_box(history_page):
    assert_labels_inside(chart_svg(history_page))


def test_the_chart_is_a_function_of_the_list(three, personas):
    history = history_build(org=personas.org_a)
    assert [p.score for p in history.chart.points] == [25.0, 75.0, 50.0]
    assert history.pair.before == three[1] and history.pair.after == three[2]


@pytest.fixture
def assessments(personas, mini_version):
    def make(count: int):
        for index in range(count):
            level = 1 + index % 5
            submit(personas.org_a, mini_version, personas.leader_a, level, days_ago=count - index)

    return make


# Session, user, the org with the roles, the list, the two compared snapshots, and the top bar's
# org switcher (one query, whatever the number of orgs: it lists at most SWITCHER_LIMIT).
HISTORY_PAGE_QUERIES = 6


@pytest.mark.parametrize("count", [3, 15])
def test_query_count_does_not_grow_with_the_number_of_assessments(
    count, assessments, personas, client_for, django_assert_max_num_queries
):
    assessments(count)
    client = client_for(personas.leader_a)
    with django_assert_max_num_queries(HISTORY_PAGE_QUERIES):
        html = client.get(history_url(personas.org_a)).content.decode()
    assert len(table_rows(html, "history-table")) == count
    assert_labels_inside(chart_svg(html))
