"""A campaign started in a production-configured process; a real `manage.py db_worker` process
delivers the email each client's leader gets (the way docs/deploy.md runs the worker).

Production settings and a fresh database (PostgreSQL when $DATABASE_URL points there, a SQLite
file otherwise); the test process never opens that database itself.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.appserver import drop_database, fresh_database_url, manage, prepare, production_env
from tests.tasks.test_worker_process import wait_for, worker_running

CLIENTS = 5
START = f"""
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from campaigns.services import campaign_start
from orgs.models import Consultant, ConsultantAssignment, Membership, Organization
User = get_user_model()
adviser = User.objects.create(
    username="adviser@e2e.stagewise.test", email="adviser@e2e.stagewise.test",
    first_name="Ada", last_name="Adviser",
)
Consultant.objects.create(user=adviser)
for i in range({CLIENTS}):
    org = Organization.objects.create(name=f"Client {{i}}", slug=f"client-{{i}}")
    ConsultantAssignment.objects.create(consultant=adviser, org=org)
    leader = User.objects.create(
        username=f"lead{{i}}@e2e.stagewise.test", email=f"lead{{i}}@e2e.stagewise.test"
    )
    Membership.objects.create(org=org, user=leader, role="leader")
campaign = campaign_start(
    by=adviser, name="Winter round",
    org_ids=[str(o.public_id) for o in Organization.objects.all()],
    due_date=timezone.localdate() + datetime.timedelta(days=10),
)
print(campaign.rows.count())
"""
TASK_ROWS = """
import json
from django_tasks_db.models import DBTaskResult
print(json.dumps([
    {"status": r.status, "to": r.args_kwargs["args"][0]["to"]} for r in DBTaskResult.objects.all()
]))
"""


@pytest.fixture
def env(tmp_path):
    database_url = fresh_database_url(f"stagewise_campaign_e2e_{os.getpid()}", tmp_path)
    env = production_env(
        database_url,
        tmp_path / "staticfiles",
        EMAIL_DELIVERY_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        SITE_URL="https://stagewise.example",
    )
    try:
        prepare(env)
        yield env
    finally:
        drop_database(database_url)


def task_rows(env) -> list[dict]:
    return json.loads(
        manage(env, "shell", "--no-imports", "-c", TASK_ROWS).strip().splitlines()[-1]
    )


def test_a_real_worker_delivers_the_campaign_email_to_every_clients_leader(env, tmp_path):
    started = manage(env, "shell", "--no-imports", "-c", START)
    assert started.strip().splitlines()[-1] == str(CLIENTS)
    rows = task_rows(env)
    assert sorted(a for row in rows for a in row["to"]) == sorted(
        f"lead{i}@e2e.stagewise.test" for i in range(CLIENTS)
    )
    assert {row["status"] for row in rows} == {"READY"}  # queued, not sent by the request

    log = tmp_path / "worker.log"
    with worker_running(env, log):
        wait_for(
            lambda: all(row["status"] == "SUCCESSFUL" for row in task_rows(env)),
            "the campaign emails were not all delivered",
            log,
            timeout=120,
        )
    delivered = "".join(path.read_text() for path in (tmp_path / "mail").glob("*.log"))
    for i in range(CLIENTS):
        assert f"To: lead{i}@e2e.stagewise.test" in delivered
        assert f"Subject: Client {i}: your assessment is open" in delivered
    assert delivered.count("https://stagewise.example/o/") == CLIENTS
    assert "Ada Adviser has opened" in delivered
