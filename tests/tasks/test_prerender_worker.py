"""A real `db_worker` process pre-renders the report PDF that a real app server queued on submit
and on a target change, and the next download is served from it without a render.

Production settings and a fresh database, as in test_worker_process.py; everything goes through
manage.py and HTTP."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from tests.appserver import (
    CSRF_INPUT,
    AppServer,
    Browser,
    drop_database,
    fresh_database_url,
    manage,
    prepare,
    production_env,
)
from tests.tasks.test_worker_process import Release, wait_for, worker_running

LEADER_EMAIL = "leader@prerender.stagewise.test"
LEADER_PASSWORD = "prerender-check-password-7731"  # noqa: S105 - a throwaway test account
SEED = f"""
from allauth.account.models import EmailAddress
from assessment.models import Assessment, QuestionnaireVersion
from orgs.services import account_signup
from tests.report.conftest import every_question, save_answers
leader, org = account_signup(
    email={LEADER_EMAIL!r}, name="Pia Prerender", password={LEADER_PASSWORD!r},
    is_consultant=False, org_name="Prerender Check",
)
EmailAddress.objects.update_or_create(
    user=leader, email=leader.email, defaults={{"primary": True, "verified": True}}
)
version = QuestionnaireVersion.objects.filter(published_at__isnull=False).latest("published_at")
draft = Assessment.objects.create(org=org, version=version, started_by=leader)
save_answers(draft, leader, every_question(version, 2))
print(org.public_id, draft.public_id)
"""
STATE = """
import json
from django_tasks_db.models import DBTaskResult
from assessment.models import ReportPdf
print(json.dumps({
    "pdfs": sorted(ReportPdf.objects.values_list("key", flat=True)),
    "tasks": [
        [r.status, r.return_value]
        for r in DBTaskResult.objects.filter(
            task_path="assessment.prerender.report_pdf_prerender"
        ).order_by("enqueued_at")
    ],
}))
"""


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Iterator[tuple[Release, str]]:
    workdir = tmp_path_factory.mktemp("prerender")
    database_url = fresh_database_url(f"stagewise_prerender_{os.getpid()}", workdir)
    env = production_env(database_url, workdir / "staticfiles")
    try:
        prepare(env)
        org, assessment = manage(env, "shell", "--no-imports", "-c", SEED).split()[-2:]
        yield Release(env=env, workdir=workdir, org=org), assessment
    finally:
        drop_database(database_url)


def state(release: Release) -> dict:
    return json.loads(release.shell(STATE).strip().splitlines()[-1])


def test_the_worker_prerenders_after_submit_and_after_a_target_change(release):
    release, assessment = release
    base = f"/o/{release.org}/a/{assessment}"
    pdf = f"{base}/report.pdf"
    with AppServer(release.env, workers=1) as server:
        browser = Browser(server.base_url)
        browser.login(LEADER_EMAIL, LEADER_PASSWORD)
        confirm = browser.get(f"{base}/submit/")
        token = CSRF_INPUT.search(confirm.text).group(1)
        submitted = browser.post(f"{base}/submit/", {"csrfmiddlewaretoken": token, "confirm": "1"})
        assert submitted.status == 302, submitted.text
        # The request queued the render and did not do it.
        assert state(release) == {"pdfs": [], "tasks": [["READY", None]]}

        log = release.workdir / "prerender-worker.log"
        with worker_running(release.env, log):
            after_submit = wait_for(
                lambda: (s := state(release))["pdfs"] and s, "no PDF pre-rendered", log
            )
            download = browser.get(pdf)
            assert download.status == 200
            assert download.body.startswith(b"%PDF-")
            assert download.headers["x-report-pdf"] == "stored"

            page = browser.get(f"{base}/result/")
            token = CSRF_INPUT.search(page.text).group(1)
            saved = browser.post(
                f"{base}/targets/", {"csrfmiddlewaretoken": token, "target-journey": "5"}
            )
            assert saved.status == 302, saved.text
            after_target = wait_for(
                lambda: len((s := state(release))["pdfs"]) == 2 and s,
                "no PDF pre-rendered after the target change",
                log,
            )
            again = browser.get(pdf)
            assert again.headers["x-report-pdf"] == "stored"
            assert again.body != download.body  # the roadmap changed with the target
        browser.close()

    [first_key] = after_submit["pdfs"]
    assert first_key in after_target["pdfs"]
    statuses = [status for status, _ in after_target["tasks"]]
    assert statuses == ["SUCCESSFUL", "SUCCESSFUL"]
    assert all(value["rendered"] for _, value in after_target["tasks"])


def test_a_repeated_render_task_stores_nothing_new(release):
    release, assessment = release
    before = state(release)
    release.shell(
        "from assessment.models import Assessment; "
        "from assessment.prerender import report_pdf_prerender; "
        f"report_pdf_prerender.enqueue(Assessment.objects.get(public_id={assessment!r}).pk)"
    )
    log = release.workdir / "repeat-worker.log"
    with worker_running(release.env, log):
        done = wait_for(
            lambda: (s := state(release))["tasks"][-1][0] == "SUCCESSFUL" and s,
            "the repeated task did not finish",
            log,
        )
    assert done["pdfs"] == before["pdfs"]
    assert done["tasks"][-1][1]["rendered"] is False
