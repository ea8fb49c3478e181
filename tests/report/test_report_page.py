"""The result report page (GET .../result/) of a submitted assessment."""

import re
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.test import Client
from django.utils.html import escape

from assessment.bank import bank_load
from assessment.report import report_build
from assessment.roadmap import Roadmap
from tests.conftest import MINI_BANK, Personas
from tests.report.conftest import (
    LEADER_NOTE,
    SVG_NS,
    radar_svg,
    report_scenario,
    rolled_back_db,
    section,
    squash,
    table_rows,
    url,
)

LABEL_CHAR_WIDTH = 7  # px per character at font-size 12, an estimate for DejaVu Sans
LABEL_FONT_SIZE = 12


@dataclass(frozen=True)
class Shown:
    """The fixture report's page as its leader sees it, with what the checks compare it to."""

    html: str
    submitted_at: datetime
    previous_submitted_at: datetime
    leader_name: str
    member_name: str
    snapshot: dict
    roadmap: Roadmap


@pytest.fixture(scope="module")
def shown(django_db_setup, django_db_blocker) -> Shown:
    """Made once for the read-only checks below, then rolled back."""
    with rolled_back_db(django_db_blocker):
        personas = Personas()
        version, _ = bank_load(text=MINI_BANK.read_text(encoding="utf-8"))
        previous, current = report_scenario(personas, version)
        client = Client()
        client.force_login(personas.leader_a)
        response = client.get(url("assessment_result", current))
        assert response.status_code == 200
        return Shown(
            html=response.content.decode(),
            submitted_at=current.submitted_at,
            previous_submitted_at=previous.submitted_at,
            leader_name=personas.leader_a.get_full_name(),
            member_name=personas.member_a.get_full_name(),
            snapshot=current.snapshot,
            roadmap=report_build(assessment=current).roadmap,
        )


@pytest.fixture
def report_page(shown) -> str:
    return shown.html


def test_report_shows_org_date_and_questionnaire_version(report_page, shown):
    assert '<span class="report-title-org">Acme CS</span>' in report_page
    facts = report_page.split('<dl class="report-facts"')[1].split("</dl>")[0]
    assert f"<dd>{shown.submitted_at:%-d %B %Y}</dd>" in facts
    assert "<dd>Mini bank, version 1</dd>" in facts


def test_report_lists_every_respondent(report_page, shown):
    names = sorted([shown.leader_name, shown.member_name], key=str.lower)
    assert f"<dt>Respondents</dt><dd>{', '.join(names)}</dd>" in report_page
    # With several respondents the appendix gives each a column.
    matrix = report_page.split('class="table answer-matrix"')[1].split("</thead>")[0]
    assert [f'<th scope="col" class="who">{name}</th>' in matrix for name in names] == [True, True]


def test_report_shows_the_stage_on_both_scales(report_page):
    summary = squash(section(report_page, "summary-heading"))
    # One headline: the stage with its phase, never a rival overall score beside it.
    assert (
        'Acme CS is <span class="stage stage-proactive">Proactive</span> '
        '<span class="phase">Walk</span></h2>'
    ) in summary
    assert 'aria-current="step"' in summary and "You are here" in summary
    assert "Crawl</span><span>Walk</span><span>Run" in summary
    assert "overall score" not in summary


def test_capped_result_explains_the_cap_and_how_to_lift_it(report_page):
    summary = squash(section(report_page, "summary-heading"))
    assert "<strong>Scores alone would say Predictive (Run).</strong>" in summary
    assert (
        "<strong>How does your team handle alpha practice 1?</strong> caps the organization at "
        "Proactive (Walk). Gate: answered at level 1 on average; Predictive needs at least "
        "level 2. <em>Reach level 2 or higher on this question.</em>"
    ) in summary


def test_uncapped_result_says_nothing_caps_it(plain_assessment, personas, client_for):
    html = client_for(personas.leader_a).get(url("assessment_result", plain_assessment))
    summary = squash(section(html.content.decode(), "summary-heading"))
    assert "Acme CS works at the Predictive (Run) stage, stage 3 of 5." in summary
    assert "Nothing caps the stage: its foundations support what its scores say." in summary
    assert "cap-reasons" not in summary and "Scores alone would say" not in summary


RADAR_CASES = {
    "mini bank, 2 domains": "report_assessment",
    "default bank, 8 domains": "default_assessment",
    "8 domains of 60-character names": "long_names_assessment",
}


@pytest.mark.parametrize("fixture", RADAR_CASES.values(), ids=RADAR_CASES.keys())
def test_radar_has_one_label_per_domain(fixture, request, personas, client_for):
    assessment = request.getfixturevalue(fixture)
    html = client_for(personas.leader_a).get(url("assessment_result", assessment)).content.decode()
    svg = radar_svg(html)
    labels = [
        " ".join(t.text for t in text.iter(f"{SVG_NS}tspan"))
        for text in svg.iter(f"{SVG_NS}text")
        if text.get("text-anchor")
    ]
    assert labels == [d["name"] for d in assessment.snapshot["domains"]]


def _label_box(text) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a radar label: 7 px per character of its widest tspan
    line, one font-size above the first baseline and a quarter below the last."""
    x, y = float(text.get("x")), float(text.get("y"))
    lines = list(text.iter(f"{SVG_NS}tspan"))
    baselines = []
    baseline = y
    for line in lines:
        baseline += float(line.get("dy") or 0)
        baselines.append(baseline)
    width = max(len(line.text or "") for line in lines) * LABEL_CHAR_WIDTH
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
    return left, baselines[0] - LABEL_FONT_SIZE, left + width, baselines[-1] + LABEL_FONT_SIZE / 4


@pytest.mark.parametrize("fixture", RADAR_CASES.values(), ids=RADAR_CASES.keys())
def test_radar_labels_lie_inside_the_viewbox(fixture, request, personas, client_for):
    assessment = request.getfixturevalue(fixture)
    html = client_for(personas.leader_a).get(url("assessment_result", assessment)).content.decode()
    svg = radar_svg(html)
    _, _, width, height = (float(v) for v in svg.get("viewBox").split())
    labels = [text for text in svg.iter(f"{SVG_NS}text") if text.get("text-anchor")]
    assert labels
    for text in labels:
        left, top, right, bottom = _label_box(text)
        name = " ".join(t.text for t in text.iter(f"{SVG_NS}tspan"))
        assert left >= 0 and right <= width, f"{name!r} spans x {left}..{right} of 0..{width}"
        assert top >= 0 and bottom <= height, f"{name!r} spans y {top}..{bottom} of 0..{height}"


def test_domain_table_shows_score_stage_target_gap_and_change(report_page):
    rows, _ = table_rows(report_page, "domain-table")
    # Target cells hold the inline select; their selected option is checked in test_targets.
    assert [[r[0], *r[1:3], *r[4:]] for r in rows] == [
        ["Domain", "Score", "Stage", "Gap", "Change"],
        [
            "Alpha DomainA missing foundation here caps the overall stage. "
            "It slipped since last time.",
            "37.5",
            "Proactive",
            "1 stage",
            "-37.5 regressed",
        ],
        [
            "Beta DomainOne stage below its target, Embedded.",
            "62.5",
            "Strategic",
            "1 stage",
            "-12.5",
        ],
    ]


def test_regressed_domain_row_is_marked(report_page):
    _, classes = table_rows(report_page, "domain-table")
    assert classes == ["", "regressed", ""]


def test_change_since_previous_assessment_names_the_regression(report_page, shown):
    summary = squash(section(report_page, "since-heading"))
    assert '<p class="change change-down">' in summary
    assert (
        f"Since {shown.previous_submitted_at:%-d %B %Y}: <strong>regressed</strong> from Strategic "
        "to Proactive"
    ) in summary
    assert "overall score -25.0." in summary


def test_first_assessment_shows_no_change(plain_assessment, personas, client_for):
    html = client_for(personas.leader_a).get(url("assessment_result", plain_assessment))
    page = html.content.decode()
    rows, _ = table_rows(page, "domain-table")
    assert rows[0] == ["Domain", "Score", "Stage", "Target", "Gap"]
    assert 'class="change' not in page


def test_roadmap_lists_each_horizon_with_its_items_titles_and_reasons(report_page, shown):
    roadmap = shown.roadmap
    blocks = section(report_page, "roadmap-heading").split('<li class="horizon">')[1:]
    headings = ["Next 30 days", "Within 90 days", "Within 180 days"]
    assert len(blocks) == len(roadmap.horizons) == 3
    for heading, block, horizon in zip(headings, blocks, roadmap.horizons, strict=True):
        assert f'<h3 class="horizon-when">{heading}</h3>' in block
        assert block.count('class="roadmap-item"') == len(horizon.items)
        for item in horizon.items:
            assert f"<strong>{escape(item.action.title)}</strong>" in block
            assert f'<p class="item-reason">{escape(item.reason)}</p>' in block
    # The fixture's plan: Alpha's failed gate brings its two Proactive foundation actions (a
    # quick one now, a 6-week one within 90 days) before its next-stage action; Beta's long
    # action also waits for 90 days; nothing is left for 180 days.
    assert [len(h.items) for h in roadmap.horizons] == [2, 2, 0]
    assert "Nothing planned for this horizon." in blocks[2]


def test_alignment_gaps_name_domain_question_and_spread(report_page):
    gaps = squash(section(report_page, "gaps-heading"))
    assert (
        "<li><strong>Alpha Domain:</strong> How does your team handle alpha practice 2? — "
        "answers ranged from level 2 to 5.</li>"
    ) in gaps


def test_data_gaps_name_the_dont_know_answers(report_page):
    gaps = squash(section(report_page, "gaps-heading"))
    assert (
        "<li><strong>Beta Domain:</strong> How does your team handle beta practice 3? — "
        "1 × Don&#x27;t know.</li>"
    ) in gaps


def test_appendix_shows_every_answer_with_its_note(report_page, shown):
    appendix = section(report_page, "appendix-heading")
    leader = shown.leader_name
    for domain in shown.snapshot["domains"]:
        assert f"<h3>{domain['name']}</h3>" in appendix
        for question in domain["questions"]:
            assert question["text"] in appendix
    # Two respondents: a matrix, one cell per question and respondent.
    cells = re.findall(r'<td class="level">([^<]*)</td>', appendix)
    assert len(cells) == 12  # 6 questions × 2 respondents
    assert set(cells) <= {"1", "2", "3", "4", "5", "DK", "—"} and "DK" in cells
    assert ".:" not in appendix
    assert (
        f'<span class="q-note"><strong>Note from {leader}:</strong> '
        f'<span class="note">{LEADER_NOTE}</span></span>'
    ) in appendix


def test_appendix_marks_gate_questions(report_page):
    appendix = section(report_page, "appendix-heading")
    assert appendix.count('class="gate-mark"') == 1
    assert (
        'How does your team handle alpha practice 1? <span class="gate-mark">'
        "(foundation for Predictive)</span>"
    ) in appendix


@pytest.mark.parametrize(
    ("who", "shown"), [("leader_a", True), ("consultant_a", True), ("member_a", False)]
)
def test_targets_form_is_shown_only_to_who_may_set_targets(
    who, shown, report_assessment, personas, client_for
):
    response = client_for(getattr(personas, who)).get(url("assessment_result", report_assessment))
    assert response.status_code == 200
    page = response.content.decode()
    form = f'action="{url("assessment_targets", report_assessment)}"'
    assert (form in page) is shown
    assert ('name="target-alpha"' in page) is shown


@pytest.mark.parametrize("who", ["outsider", "leader_b", "consultant_other"])
def test_report_of_another_org_is_not_found(who, report_assessment, personas, client_for):
    response = client_for(getattr(personas, who)).get(url("assessment_result", report_assessment))
    assert response.status_code == 404


def test_report_of_a_draft_redirects_to_its_review(personas, mini_version, client_for):
    from assessment.models import Assessment

    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    response = client_for(personas.leader_a).get(url("assessment_result", draft))
    assert response.status_code == 302 and response.url == url("assessment_review", draft)


# Nine queries: session, user, org with the caller's roles, assessment with version, the action
# catalog, the previous submitted assessment, the org's action plan items (issue 15), the top
# bar's org switcher, the brand (the earliest assigned consultant's firm profile, logo included,
# in one join). Everything else comes from the snapshot, so the count does not grow with
# domains, questions, answers, respondents or actions.
REPORT_PAGE_QUERIES = 9


@pytest.mark.parametrize("bank", ["report", "default"])
def test_report_page_query_count_is_bounded(
    bank, request, personas, client_for, django_assert_max_num_queries
):
    assessment = request.getfixturevalue(f"{bank}_assessment")
    client = client_for(personas.leader_a)
    with django_assert_max_num_queries(REPORT_PAGE_QUERIES):
        response = client.get(url("assessment_result", assessment))
    assert response.status_code == 200


def test_change_sentence_has_no_stray_space_before_the_comma(report_page):
    summary = squash(section(report_page, "since-heading"))
    assert "to Proactive, overall score" in summary
