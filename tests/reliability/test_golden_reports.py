"""A submitted result and its report never change: not when someone tries to edit or delete the
published questionnaire it was answered on, and not when version 2 is published and used.

The report of a pinned scenario (golden_scenario.py: fixed ids, names, dates and a bank frozen
in golden/bank-v1.yaml) is compared byte for byte with golden files:
- golden/report.html: the report page as the org's leader gets it. One normalisation: the CSRF
  token, masked afresh on every request. Everything else (URLs with the fixed public ids, static
  paths, names, dates, the radar SVG) is compared as served.
- golden/report-pdf.txt: the text of the PDF report, page by page, whitespace collapsed. The
  PDF bytes are compared before and after within one run (see `pdf_text` for why the golden
  holds the text and not the bytes).

To regenerate after an intended change to the report, run this module with UPDATE_GOLDEN=1 and
review the diff of golden/ before committing. Only the untouched scenario writes goldens; the
checks after edits, deletes and a version 2 always compare. Without UPDATE_GOLDEN a missing
golden file fails the test.
"""

import difflib
import os

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from assessment.bank import version_copy_to_draft, version_publish
from assessment.models import (
    Action,
    AnswerOption,
    Assessment,
    Domain,
    PublishedVersionError,
    Question,
    Questionnaire,
    ReportPdf,
)
from assessment.services import assessment_start, assessment_submit
from tests.factories import UserFactory
from tests.reliability.golden_scenario import (
    GOLDEN,
    golden_world,
    pdf_text,
    report_page,
    report_pdf,
)
from tests.report.conftest import every_question, save_answers

REPORT_HTML = "report.html"
REPORT_PDF_TEXT = "report-pdf.txt"


def matches_golden(name: str, content: bytes, *, may_update: bool = False) -> None:
    path = GOLDEN / name
    if may_update and os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(content)
    if not path.exists():
        pytest.fail(f"{path} is missing: run with UPDATE_GOLDEN=1 to write it, then review it.")
    expected = path.read_bytes()
    if content != expected:
        diff = difflib.unified_diff(
            expected.decode().splitlines(),
            content.decode().splitlines(),
            f"golden/{name}",
            "rendered now",
            lineterm="",
        )
        pytest.fail("Report differs from its golden file:\n" + "\n".join(list(diff)[:60]))


def stored_results() -> list[dict]:
    return list(Assessment.objects.order_by("pk").values())


@pytest.fixture
def world(db):
    return golden_world()


def test_report_page_matches_the_golden_file(world):
    matches_golden(REPORT_HTML, report_page(world.current, world.leader), may_update=True)


def test_report_pdf_text_matches_the_golden_file(world):
    text = pdf_text(report_pdf(world.current, world.leader))
    matches_golden(REPORT_PDF_TEXT, text, may_update=True)


def refused(attempt, error=PublishedVersionError) -> None:
    with pytest.raises(error), transaction.atomic():
        attempt()


def saved_with(row, **changes):
    def attempt():
        for field, value in changes.items():
            setattr(row, field, value)
        row.save()

    return attempt


def test_editing_the_published_version_is_refused_and_the_report_unchanged(world):
    before, results = report_page(world.current, world.leader), stored_results()
    version = world.version
    question = Question.objects.get(domain__version=version, key="alpha-q1")
    option = question.options.get(level=1)
    action = version.actions.first()

    refused(saved_with(question, text="Rewritten question?"))
    refused(saved_with(option, text="Rewritten anchor."))
    refused(saved_with(action, title="Rewritten action", why="Rewritten why."))
    refused(saved_with(version.domains.get(key="alpha"), name="Renamed domain"))
    refused(saved_with(version, proactive_min=10))
    refused(lambda: Question.objects.filter(domain__version=version).update(text="Bulk?"))
    refused(lambda: AnswerOption.objects.filter(question=question).update(text="Bulk."))
    refused(lambda: Action.objects.filter(version=version).update(title="Bulk"))
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    change = reverse("admin:assessment_question_change", args=[question.pk])
    posted = admin.post(change, {"key": "alpha-q1", "text": "Via admin?", "position": 0})
    assert posted.status_code == 403

    assert (
        Question.objects.get(pk=question.pk).text == "How does your team handle alpha practice 1?"
    )
    assert stored_results() == results
    assert report_page(world.current, world.leader) == before
    matches_golden(REPORT_HTML, before)


def test_deleting_referenced_rows_is_refused_and_the_report_unchanged(world):
    before, results = report_page(world.current, world.leader), stored_results()
    version = world.version
    question = Question.objects.get(domain__version=version, key="alpha-q2")

    refused(question.delete)
    refused(question.options.get(level=5).delete)
    refused(version.actions.first().delete)
    refused(version.domains.get(key="beta").delete)
    refused(version.delete)
    refused(Question.objects.filter(domain__version=version).delete)
    refused(Domain.objects.filter(version=version).delete)
    refused(Questionnaire.objects.get(pk=version.questionnaire_id).delete, ProtectedError)
    refused(world.member.delete, ProtectedError)  # an answer names them as its respondent
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    delete = reverse("admin:assessment_question_delete", args=[question.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403

    assert Question.objects.filter(pk=question.pk).exists()
    assert stored_results() == results
    assert report_page(world.current, world.leader) == before
    matches_golden(REPORT_HTML, before)


def edit_heavily(draft) -> None:
    """Change what a report could show: texts, anchors, names, thresholds; drop a question and
    an action. All allowed, because the version is still a draft."""
    for question in Question.objects.filter(domain__version=draft):
        question.text = f"Version 2 asks: {question.text}"
        question.save()
    for option in AnswerOption.objects.filter(question__domain__version=draft):
        option.text = f"v2 anchor {option.level}."
        option.save()
    for action in draft.actions.all():
        action.title, action.why = f"v2 {action.title}", "A reason from version 2."
        action.save()
    Domain.objects.filter(version=draft, key="alpha").update(name="Alpha, renamed in v2")
    draft.name = "Golden bank, second edition"
    draft.proactive_min, draft.predictive_min = 10, 30
    draft.strategic_min, draft.embedded_min = 50, 70
    draft.save()
    Question.objects.get(domain__version=draft, key="beta-q3").delete()
    draft.actions.order_by("position").first().delete()


def test_a_published_version_2_leaves_the_report_unchanged(world):
    before_html = report_page(world.current, world.leader)
    before_pdf = report_pdf(world.current, world.leader)
    results = stored_results()
    draft = version_copy_to_draft(version=world.version)
    edit_heavily(draft)
    version_publish(version=draft)
    second = assessment_start(org=world.org, by=world.leader, slug="golden")
    save_answers(second, world.leader, every_question(draft, 2))
    assessment_submit(assessment=second, by=world.leader)
    ReportPdf.objects.all().delete()  # so the PDF below is rendered anew, not served cached

    after_html = report_page(world.current, world.leader)
    after_pdf = report_pdf(world.current, world.leader)

    assert second.version_id == draft.pk
    assert "Version 2 asks:" in report_page(second, world.leader).decode()
    assert stored_results()[: len(results)] == results
    assert ReportPdf.objects.filter(assessment=world.current).count() == 1
    matches_golden(REPORT_HTML, after_html)
    assert after_html == before_html
    assert after_pdf == before_pdf, "the PDF rendered anew after version 2 differs from before"
    matches_golden(REPORT_PDF_TEXT, pdf_text(after_pdf))
