"""An org assessed on bank v1 and then on v2: history, the report's "since last time" and the
v2 roadmap line the two results up by domain key (and question key, which v2 keeps)."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from assessment.bank import bank_load
from assessment.report import report_build
from tests.factories import AssignmentFactory, ConsultantFactory, OrganizationFactory
from tests.history.helpers import submit
from tests.history.test_history_page import history_url, table_rows

CONTENT = Path(__file__).resolve().parents[2] / "assessment" / "content"


@pytest.fixture
def v1_and_v2(db):
    v1, _ = bank_load(text=(CONTENT / "cs-maturity-v1.yaml").read_text(encoding="utf-8"))
    v2, _ = bank_load(text=(CONTENT / "cs-maturity-v2.yaml").read_text(encoding="utf-8"))
    return v1, v2


def test_v2_is_the_current_version_once_loaded(v1_and_v2):
    v1, v2 = v1_and_v2

    assert (v1.number, v2.number) == (1, 2)
    assert v1.questionnaire_id == v2.questionnaire_id
    assert v2.questionnaire.current_version() == v2


def test_history_compares_a_v1_result_with_a_v2_result_domain_by_domain(
    v1_and_v2, personas, client_for
):
    v1, v2 = v1_and_v2
    by = personas.leader_a
    submit(personas.org_a, v1, by, 2, days_ago=100)
    submit(personas.org_a, v2, by, 3)

    html = client_for(by).get(history_url(personas.org_a)).content.decode()

    rows = table_rows(html, "deltas")
    assert len(rows) == 8  # the eight domains, each present on both sides
    assert all("+25.0" in row for row in rows), rows


def test_v2_report_sees_a_slip_since_the_v1_result_in_a_practice_both_share(v1_and_v2, personas):
    v1, v2 = v1_and_v2
    by = personas.leader_a
    submit(personas.org_a, v1, by, 3, days_ago=100)
    latest = submit(personas.org_a, v2, by, 2)

    report = report_build(assessment=latest)

    assert report.change is not None and report.change.stage_before > report.change.stage_after
    tiers = next(p for p in report.roadmap.practices if p.key == "segmentation-tiers")
    assert (tiers.previous_level, tiers.level, tiers.regressed) == (3, 2, True)


def test_compare_lines_up_a_v1_client_and_a_v2_client_by_domain(v1_and_v2, personas, client_for):
    v1, v2 = v1_and_v2
    consultant = ConsultantFactory().user
    old, new = OrganizationFactory(name="On v1"), OrganizationFactory(name="On v2")
    for org, version, level in ((old, v1, 2), (new, v2, 4)):
        AssignmentFactory(consultant=consultant, org=org)
        submit(org, version, personas.leader_a, level)

    response = client_for(consultant).get(
        reverse("compare_csv") + f"?org={old.public_id}&org={new.public_id}"
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = {d.name for d in v2.domains.all()}
    domain_rows = {row[0]: row[1:] for row in rows if row[0] in names}
    assert len(domain_rows) == 8
    assert all(
        cells == ["25.0", "Proactive", "75.0", "Strategic"] for cells in domain_rows.values()
    )
