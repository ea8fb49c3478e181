"""The scheduler command end to end, as an operator runs it: two runs started together (two app
servers' timers), then a real `manage.py db_worker` process delivering what they queued.

Production settings and a fresh database (PostgreSQL when $DATABASE_URL points there, a SQLite
file otherwise): on either, each unfinished respondent gets exactly one reminder.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.appserver import (
    PYTHON,
    ROOT,
    drop_database,
    fresh_database_url,
    manage,
    prepare,
    production_env,
)
from tests.tasks.test_worker_process import wait_for, worker_running

PEOPLE = 60
SEED = f"""
from django.contrib.auth import get_user_model
from django.utils import timezone
from assessment import services
from orgs.models import Membership, Organization
User = get_user_model()
org = Organization.objects.create(name="Reminder Check", slug="reminder-check")
users = User.objects.bulk_create(
    [User(username=f"p{{i}}@e2e.stagewise.test", email=f"p{{i}}@e2e.stagewise.test")
     for i in range({PEOPLE})]
)
Membership.objects.bulk_create(
    [Membership(org=org, user=u, role="leader" if i == 0 else "member")
     for i, u in enumerate(User.objects.filter(email__endswith="@e2e.stagewise.test"))]
)
draft = services.assessment_start(org=org, by=users[0])
draft.due_date = timezone.localdate()
draft.save()
"""
TASK_ROWS = """
import json
from django_tasks_db.models import DBTaskResult
print(json.dumps([
    {"status": r.status, "to": r.args_kwargs["args"][0]["to"],
     "subject": r.args_kwargs["args"][0]["subject"]}
    for r in DBTaskResult.objects.all()
]))
"""


@pytest.fixture
def env(tmp_path):
    database_url = fresh_database_url(f"stagewise_notify_e2e_{os.getpid()}", tmp_path)
    env = production_env(
        database_url,
        tmp_path / "staticfiles",
        EMAIL_DELIVERY_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        SITE_URL="https://stagewise.example",
    )
    try:
        prepare(env)
        manage(env, "shell", "--no-imports", "-c", SEED)
        yield env
    finally:
        drop_database(database_url)


def task_rows(env) -> list[dict]:
    return json.loads(
        manage(env, "shell", "--no-imports", "-c", TASK_ROWS).strip().splitlines()[-1]
    )


def test_two_scheduler_runs_at_once_queue_one_reminder_each_and_the_worker_delivers(env, tmp_path):
    # Small batches make the two runs interleave over many claims.
    command = [PYTHON, "manage.py", "send_due_notifications", "--batch-size", "5"]
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    rows = task_rows(env)
    recipients = sorted(address for row in rows for address in row["to"])
    assert recipients == sorted(f"p{i}@e2e.stagewise.test" for i in range(PEOPLE))
    assert all(row["subject"] == "The Reminder Check assessment is due today" for row in rows)

    log = tmp_path / "worker.log"
    mail_dir = tmp_path / "mail"
    with worker_running(env, log):
        wait_for(
            lambda: all(row["status"] == "SUCCESSFUL" for row in task_rows(env)),
            "the reminders were not all delivered",
            log,
            timeout=120,
        )
    delivered = "".join(path.read_text() for path in mail_dir.glob("*.log"))
    assert delivered.count("Subject: The Reminder Check assessment is due today") == PEOPLE
    assert "https://stagewise.example/accounts/notifications/" in delivered

    # A third run, after the fact, finds nothing left to send.
    again = manage(env, "send_due_notifications")
    assert "Queued 0 notification(s)" in again
