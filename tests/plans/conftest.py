"""Fixtures for the action plan: org A with a submitted assessment on the mini v2 bank (practice
roadmap), every practice at level 1 so the roadmap has several items to adopt."""

import pytest

from assessment.bank import bank_load
from assessment.report import report_build
from plans import services
from tests.bank.test_bank_file_v2 import V2_TEXT
from tests.report.conftest import backdate, every_question, submitted_assessment


@pytest.fixture
def v2_version(db):
    version, _ = bank_load(text=V2_TEXT)
    return version


@pytest.fixture
def first_result(personas, v2_version):
    assessment = submitted_assessment(
        personas.org_a,
        v2_version,
        personas.leader_a,
        {personas.leader_a: every_question(v2_version, 1)},
    )
    return backdate(assessment, 120)


@pytest.fixture
def adopted(personas, first_result):
    """Org A's plan with the whole first roadmap adopted by its leader."""
    report = report_build(assessment=first_result, with_appendix=False)
    services.adopt(
        org=personas.org_a,
        assessment=first_result,
        actor=personas.leader_a,
        items=services.adoptables(report),
        keys=None,
    )
    return list(services.Item.objects.filter(plan__org=personas.org_a).order_by("id"))
