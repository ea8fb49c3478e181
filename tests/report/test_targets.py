"""Per-domain targets set on a submitted result (POST .../targets/, fields target-<domain>)."""

import json

import pytest
from django.utils.html import escape

from assessment.models import Assessment
from assessment.report import report_build
from assessment.services import (
    TARGET_OUT_OF_RANGE,
    TARGET_UNKNOWN_DOMAIN,
    TARGETS_NEED_SUBMITTED,
)
from tests.report.conftest import section, squash, table_rows, url

# In the fixture Alpha is Proactive (2) and Beta Strategic (4).


def post_targets(client, assessment, **targets):
    data = {f"target-{key}": value for key, value in targets.items()}
    return client.post(url("assessment_targets", assessment), data)


def roadmap_titles(html: str) -> list[str]:
    roadmap = section(html, "roadmap-heading")
    return [
        part.split("</strong>")[0] for part in roadmap.split('<p class="item-title"><strong>')[1:]
    ]


def stored_targets(assessment) -> dict:
    return Assessment.objects.get(pk=assessment.pk).targets


def test_leader_sets_a_target_and_it_is_stored(report_assessment, personas, client_for):
    response = post_targets(client_for(personas.leader_a), report_assessment, alpha="4")
    assert response.status_code == 302
    # Back at the domain table, where the confirmation sits beside the form just used.
    assert response.url == url("assessment_result", report_assessment) + "?saved=1#domains"
    assert stored_targets(report_assessment) == {"alpha": 4}


def test_targets_merge_with_earlier_ones(report_assessment, personas, client_for):
    client = client_for(personas.leader_a)
    post_targets(client, report_assessment, alpha="4")
    post_targets(client, report_assessment, beta="4")
    assert stored_targets(report_assessment) == {"alpha": 4, "beta": 4}


def test_consultant_sets_a_target(report_assessment, personas, client_for):
    post_targets(client_for(personas.consultant_a), report_assessment, beta="5")
    assert stored_targets(report_assessment) == {"beta": 5}


def test_saved_targets_are_confirmed_on_the_report(report_assessment, personas, client_for):
    client = client_for(personas.leader_a)
    response = post_targets(client, report_assessment, alpha="3")
    page = client.get(response.url).content.decode()
    assert "Targets saved; the roadmap below follows them." in page


def test_setting_targets_leaves_the_snapshot_byte_identical(
    report_assessment, personas, client_for
):
    before = Assessment.objects.get(pk=report_assessment.pk)
    post_targets(client_for(personas.leader_a), report_assessment, alpha="5", beta="2")
    after = Assessment.objects.get(pk=report_assessment.pk)
    assert json.dumps(after.snapshot) == json.dumps(before.snapshot)
    assert (after.stage, after.score_stage, after.overall_score, after.submitted_at) == (
        before.stage,
        before.score_stage,
        before.overall_score,
        before.submitted_at,
    )


def test_target_shows_in_the_domain_table(report_assessment, personas, client_for):
    client = client_for(personas.leader_a)
    post_targets(client, report_assessment, alpha="5")
    rows, _ = table_rows(
        client.get(url("assessment_result", report_assessment)).content.decode(), "domain-table"
    )
    assert rows[1][0].startswith("Alpha Domain")
    assert rows[1][1:3] == ["37.5", "Proactive"]
    assert rows[1][4] == "3 stages"
    page = squash(client.get(url("assessment_result", report_assessment)).content.decode())
    alpha_select = page.split('name="target-alpha">')[1].split("</select>")[0]
    assert '<option value="5" selected>Embedded</option>' in alpha_select


def test_domain_set_to_its_current_stage_loses_its_actions(report_assessment, personas, client_for):
    client = client_for(personas.leader_a)
    page = client.get(url("assessment_result", report_assessment)).content.decode()
    assert "Do alpha predictive work 3" in roadmap_titles(page)
    post_targets(client, report_assessment, alpha="2")
    page = client.get(url("assessment_result", report_assessment)).content.decode()
    assert roadmap_titles(page) == ["Do beta embedded work 12"]
    rows, _ = table_rows(page, "domain-table")
    assert rows[1][4] == "at target"


def test_target_two_stages_up_never_brings_actions_two_stages_ahead(
    report_assessment, personas, client_for
):
    client = client_for(personas.leader_a)
    post_targets(client, report_assessment, alpha="4")
    page = client.get(url("assessment_result", report_assessment)).content.decode()
    alpha_titles = [t for t in roadmap_titles(page) if t.startswith("Do alpha")]
    # Alpha is Proactive with its Proactive-level gate failed: its Proactive foundation actions
    # and the Predictive (next-stage) one, never the Strategic one.
    assert sorted(alpha_titles) == [
        "Do alpha predictive work 3",
        "Do alpha proactive work 2",
        "Do alpha proactive work 6",
    ]
    stages = {
        item.action.stage
        for item in report_build(
            assessment=Assessment.objects.get(pk=report_assessment.pk)
        ).roadmap.items
        if item.action.domain_key == "alpha"
    }
    assert stages == {2, 3}


def test_targets_form_preselects_the_stored_target(report_assessment, personas, client_for):
    client = client_for(personas.leader_a)
    post_targets(client, report_assessment, beta="4")
    page = squash(client.get(url("assessment_result", report_assessment)).content.decode())
    beta_select = page.split('name="target-beta">')[1].split("</select>")[0]
    assert '<option value="4" selected>Strategic</option>' in beta_select
    assert beta_select.count("selected") == 1


def test_member_may_not_set_targets(report_assessment, personas, client_for):
    response = post_targets(client_for(personas.member_a), report_assessment, alpha="4")
    assert response.status_code == 403
    assert stored_targets(report_assessment) == {}


@pytest.mark.parametrize("who", ["outsider", "leader_b", "consultant_other"])
def test_targets_of_another_org_are_not_found(who, report_assessment, personas, client_for):
    response = post_targets(client_for(getattr(personas, who)), report_assessment, alpha="4")
    assert response.status_code == 404
    assert stored_targets(report_assessment) == {}


def test_anonymous_target_post_goes_to_login(report_assessment, client):
    response = post_targets(client, report_assessment, alpha="4")
    assert response.status_code == 302 and "/login" in response.url
    assert stored_targets(report_assessment) == {}


def test_targets_cannot_be_read_with_get(report_assessment, personas, client_for):
    response = client_for(personas.leader_a).get(url("assessment_targets", report_assessment))
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ({"alpha": "0"}, TARGET_OUT_OF_RANGE),
        ({"alpha": "6"}, TARGET_OUT_OF_RANGE),
        ({"alpha": "-1"}, TARGET_OUT_OF_RANGE),
        ({"alpha": "x"}, TARGET_OUT_OF_RANGE),
        ({"alpha": ""}, TARGET_OUT_OF_RANGE),
        ({"alpha": "2.5"}, TARGET_OUT_OF_RANGE),
        ({"gamma": "3"}, TARGET_UNKNOWN_DOMAIN.format(key="gamma")),
        # One good value and one bad: all or nothing.
        ({"alpha": "4", "beta": "9"}, TARGET_OUT_OF_RANGE),
    ],
    ids=["zero", "six", "negative", "letter", "empty", "fraction", "unknown-domain", "mixed"],
)
def test_bad_target_is_refused_with_a_clear_message_and_nothing_stored(
    targets, message, report_assessment, personas, client_for
):
    client = client_for(personas.leader_a)
    response = client.post(
        url("assessment_targets", report_assessment),
        {f"target-{key}": value for key, value in targets.items()},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert escape(f"{message} No target was changed.") in page
    assert "Targets saved" not in page
    assert stored_targets(report_assessment) == {}


def test_bad_target_keeps_earlier_targets(report_assessment, personas, client_for):
    client = client_for(personas.leader_a)
    post_targets(client, report_assessment, beta="5")
    post_targets(client, report_assessment, alpha="0")
    assert stored_targets(report_assessment) == {"beta": 5}


def test_unknown_domain_key_is_echoed_escaped(report_assessment, personas, client_for):
    response = client_for(personas.leader_a).post(
        url("assessment_targets", report_assessment),
        {"target-<script>alert(1)</script>": "3"},
        follow=True,
    )
    page = response.content.decode()
    assert "There is no domain &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;" in page
    assert "<script>alert(1)</script>" not in page


def test_targets_on_a_draft_are_refused(personas, mini_version, client_for):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    response = client_for(personas.leader_a).post(
        url("assessment_targets", draft), {"target-alpha": "3"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("assessment_review", draft)
    assert escape(f"{TARGETS_NEED_SUBMITTED} No target was changed.") in response.content.decode()
    assert stored_targets(draft) == {}


def test_the_inline_editor_gets_the_new_roadmap_gaps_and_lines_without_a_page(
    report_assessment, personas, client_for
):
    # What static/js/report-targets.js sends: the form's fields and the fragment header.
    response = client_for(personas.leader_a).post(
        url("assessment_targets", report_assessment),
        {"target-alpha": "2"},
        headers={"X-Report-Fragment": "1"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["message"] == "Targets saved; the roadmap below follows them."
    assert data["rows"]["alpha"] == {
        "gap": "at target",
        "line": "A missing foundation here caps the overall stage. It slipped since last time.",
    }
    assert data["rows"]["beta"]["gap"] == "1 stage"
    assert roadmap_titles(data["roadmap"]) == ["Do beta embedded work 12"]
    assert data["roadmap"].startswith('<section class="report-section roadmap" id="roadmap"')
    assert stored_targets(report_assessment) == {"alpha": 2}


def test_the_inline_editor_gets_a_refusal_as_json_and_nothing_changes(
    report_assessment, personas, client_for
):
    response = client_for(personas.leader_a).post(
        url("assessment_targets", report_assessment),
        {"target-alpha": "9"},
        headers={"X-Report-Fragment": "1"},
    )
    assert response.status_code == 400
    assert response.json() == {"error": f"{TARGET_OUT_OF_RANGE} No target was changed."}
    assert stored_targets(report_assessment) == {}
