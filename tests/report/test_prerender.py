"""Pre-rendered PDFs (assessment/prerender.py), with the database task backend and the library's
own worker step run in this process (tests/tasks/conftest.py): a submit, a target change and a
branding change each queue a render; the render is idempotent; the next download is served from
what it stored. The same path through a real `db_worker` process:
tests/tasks/test_prerender_worker.py."""

from unittest import mock

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessment.models import Assessment, ReportPdf
from assessment.prerender import report_pdf_prerender, report_pdf_prerender_org
from assessment.services import report_pdf_key
from tests.report.conftest import every_question, save_answers, url
from tests.tasks.conftest import DATABASE_TASKS, run_due_tasks


@pytest.fixture
def tasks_in_database(settings):
    settings.TASKS = DATABASE_TASKS
    return settings


def queued_renders() -> list[int]:
    return [
        row.args_kwargs["args"][0]
        for row in DBTaskResult.objects.all()
        if row.task_path == "assessment.prerender.report_pdf_prerender"
    ]


def stored_key(assessment) -> str:
    from assessment.report import org_tags

    fresh = Assessment.objects.select_related("org").get(pk=assessment.pk)
    return report_pdf_key(assessment=fresh, tags=org_tags(fresh.org))


def test_submitting_queues_a_render_that_the_next_download_is_served_from(
    tasks_in_database, personas, mini_version, client_for, django_capture_on_commit_callbacks
):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    save_answers(draft, personas.leader_a, every_question(mini_version, 3))
    client = client_for(personas.leader_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("assessment_submit", draft), {"confirm": "1"})
    assert response.status_code == 302
    assert queued_renders() == [draft.pk]
    assert not ReportPdf.objects.exists()  # the request only queued it

    assert run_due_tasks() == 1
    [row] = ReportPdf.objects.all()
    assert row.key == stored_key(draft)
    assert bytes(row.pdf).startswith(b"%PDF-")

    with mock.patch("assessment.services.render_pdf_bounded") as render:
        download = client.get(url("assessment_pdf", draft))
    assert download.status_code == 200
    assert download["X-Report-Pdf"] == "stored"
    assert download.content == bytes(row.pdf)
    render.assert_not_called()


def test_a_target_change_queues_a_render_under_the_new_key(
    tasks_in_database, report_assessment, personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.leader_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("assessment_targets", report_assessment), {"target-alpha": "4"})
    assert queued_renders() == [report_assessment.pk]
    run_due_tasks()
    assert list(ReportPdf.objects.values_list("key", flat=True)) == [stored_key(report_assessment)]


def test_a_refused_target_change_queues_nothing(
    tasks_in_database, report_assessment, personas, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.leader_a).post(
            url("assessment_targets", report_assessment), {"target-alpha": "9"}
        )
    assert queued_renders() == []


def test_a_branding_change_queues_the_org_s_latest_report(
    tasks_in_database, scenario, django_capture_on_commit_callbacks
):
    previous, current = scenario
    with django_capture_on_commit_callbacks(execute=True):
        report_pdf_prerender_org(current.org)
    assert queued_renders() == [current.pk]


def test_the_render_is_idempotent(report_assessment):
    first = report_pdf_prerender.call(report_assessment.pk)
    again = report_pdf_prerender.call(report_assessment.pk)
    assert first["rendered"] is True
    assert again == {"rendered": False, "reason": "already stored", "key": first["key"]}
    assert ReportPdf.objects.filter(assessment=report_assessment).count() == 1


def test_a_draft_or_missing_assessment_renders_nothing(personas, mini_version):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    assert report_pdf_prerender.call(draft.pk)["rendered"] is False
    assert report_pdf_prerender.call(10**9)["rendered"] is False
    assert not ReportPdf.objects.exists()


def test_a_cold_cache_download_renders_in_the_request(report_assessment, personas, client_for):
    response = client_for(personas.leader_a).get(url("assessment_pdf", report_assessment))
    assert response.status_code == 200
    assert response["X-Report-Pdf"] == "rendered"
    assert ReportPdf.objects.filter(assessment=report_assessment).count() == 1


def test_a_leader_sets_us_letter_on_the_profile_and_a_render_is_queued(
    tasks_in_database, scenario, personas, client_for, django_capture_on_commit_callbacks
):
    _, current = scenario
    org = personas.org_a
    profile = {"name": org.name, "paper_size": "letter"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.leader_a).post(
            reverse("org_profile", args=[org.public_id]), profile
        )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.paper_size == "letter"
    assert queued_renders() == [current.pk]


def test_an_unknown_paper_size_is_refused_and_nothing_changes(personas, client_for):
    org = personas.org_a
    response = client_for(personas.leader_a).post(
        reverse("org_profile", args=[org.public_id]), {"name": org.name, "paper_size": "a3"}
    )
    assert response.status_code == 200
    assert "Select a valid choice. a3 is not one of the available choices." in (
        response.content.decode()
    )
    org.refresh_from_db()
    assert org.paper_size == "a4"


def test_a_profile_post_without_a_paper_size_keeps_the_stored_one(personas, client_for):
    org = personas.org_a
    type(org).objects.filter(pk=org.pk).update(paper_size="letter")
    client_for(personas.leader_a).post(
        reverse("org_profile", args=[org.public_id]), {"name": "Renamed CS"}
    )
    org.refresh_from_db()
    assert (org.name, org.paper_size) == ("Renamed CS", "letter")
