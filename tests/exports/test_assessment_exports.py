"""Downloads of one submitted assessment: export.json and export.csv."""

import csv
import io
import json

import pytest
from django.urls import reverse

from assessment.exports import ANSWERS_HEADER, RESULT_HEADER
from assessment.models import Assessment
from tests.exports.conftest import FORMULA_NOTE, PLAIN_NOTE, export_url

NAMES = ["assessment_export_json", "assessment_export_csv"]


def csv_sections(content: bytes) -> tuple[list[list[str]], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode())))
    blank = rows.index([])
    return rows[:blank], rows[blank + 1 :]


# --- JSON -------------------------------------------------------------------------------------


def test_json_is_a_versioned_document_with_the_stored_snapshot(exported, personas, client_for):
    response = client_for(personas.leader_a).get(export_url("assessment_export_json", exported))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    assert document == {
        "format": "stagewise-assessment",
        "format_version": 1,
        "org": {
            "name": "Acme CS",
            "arr_band": "5m-20m",
            "segment": "mid-market",
            "team_size": "6-20",
            "team_age": "1-3y",
            "industry": "Fintech",
        },
        "questionnaire": {"slug": "mini", "version": 1},
        "submitted_at": exported.submitted_at.isoformat(),
        "snapshot": exported.snapshot,
    }
    assert {"answers", "respondents", "result"} <= set(document["snapshot"])


def test_json_is_pretty_and_deterministic(exported, personas, client_for):
    client = client_for(personas.leader_a)
    first = client.get(export_url("assessment_export_json", exported)).content
    second = client.get(export_url("assessment_export_json", exported)).content
    assert first == second
    text = first.decode()
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(("name", "extension"), [(NAMES[0], "json"), (NAMES[1], "csv")])
def test_download_is_an_attachment_named_after_org_and_date(
    exported, personas, client_for, name, extension
):
    response = client_for(personas.leader_a).get(export_url(name, exported))
    filename = f"stagewise-{personas.org_a.slug}-{exported.submitted_at:%Y-%m-%d}.{extension}"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_one_row_per_answer_then_the_result(exported, personas, client_for):
    response = client_for(personas.leader_a).get(export_url("assessment_export_csv", exported))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    answers, result = csv_sections(response.content)
    assert answers[0] == ANSWERS_HEADER
    assert len(answers) - 1 == len(exported.snapshot["answers"]) == 12
    leader, member = personas.leader_a.get_full_name(), personas.member_a.get_full_name()
    question = "How does your team handle alpha practice 1?"
    assert answers[1] == [
        "Alpha Domain",
        question,
        leader,
        "1",
        "alpha 1: reactive practice.",
        "no",
        "'" + FORMULA_NOTE,  # csv_safe: a spreadsheet must not run it
    ]
    rows = {(row[1], row[2]): row for row in answers[1:]}
    assert rows["How does your team handle beta practice 2?", member][3:6] == [
        "",
        "Don't know",
        "yes",
    ]
    assert rows["How does your team handle beta practice 1?", member][6] == PLAIN_NOTE
    assert result == [
        RESULT_HEADER,
        ["Alpha Domain", "41.7", "Predictive", "Run"],
        ["Beta Domain", "54.2", "Predictive", "Run"],
        ["Overall", "48.0", "Proactive", "Walk"],  # the alpha-q1 gate caps it
    ]


def test_csv_applies_csv_safe_to_every_free_text(exported, personas, client_for):
    snapshot = exported.snapshot
    snapshot["respondents"][0]["name"] = "@evil"
    snapshot["domains"][0]["name"] = "+Alpha"
    snapshot["domains"][0]["questions"][0]["text"] = "-How?"
    snapshot["domains"][0]["questions"][0]["options"][0] = "=cmd"
    snapshot["result"]["domains"][1]["name"] = "=Beta"
    Assessment.objects.filter(pk=exported.pk).update(snapshot=snapshot)
    response = client_for(personas.leader_a).get(export_url("assessment_export_csv", exported))
    answers, result = csv_sections(response.content)
    cells = [cell for row in answers[1:] + result[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert {"'+Alpha", "'-How?", "'=cmd", "'=Beta", "'@evil"} <= set(cells)


# --- who may download -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("who", ["leader_a", "member_a", "consultant_a", "staff"])
def test_everyone_with_access_may_download(exported, personas, client_for, name, who):
    response = client_for(getattr(personas, who)).get(export_url(name, exported))
    assert response.status_code == 200


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("who", ["outsider", "leader_b", "consultant_other"])
def test_outsiders_get_404(exported, personas, client_for, name, who):
    assert client_for(getattr(personas, who)).get(export_url(name, exported)).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_an_assessment_id_under_another_org_is_404(exported, personas, client_for, name):
    url = reverse(name, args=[personas.org_b.public_id, exported.public_id])
    assert client_for(personas.leader_b).get(url).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_a_draft_is_404(personas, mini_version, client_for, name):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    assert client_for(personas.leader_a).get(export_url(name, draft)).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_log_in(exported, client, name):
    response = client.get(export_url(name, exported))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_report_page_links_both_exports_next_to_the_pdf(exported, personas, client_for):
    html = client_for(personas.member_a).get(export_url("assessment_result", exported)).content
    html = html.decode()
    csv_link = f'href="{export_url("assessment_export_csv", exported)}" download>Answers as CSV'
    json_link = (
        f'href="{export_url("assessment_export_json", exported)}" download>Full data as JSON'
    )
    assert csv_link in html and json_link in html
    toolbar = html[html.index('<div class="report-downloads">') :]
    toolbar = toolbar[: toolbar.index("</div>")]
    assert csv_link in toolbar and json_link in toolbar and "Download PDF" in toolbar
