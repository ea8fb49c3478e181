"""A production deployment on loopback: one fresh database, static files collected with hashed,
compressed names, and gunicorn app servers sharing both, as docs/deploy.md describes.

The database is PostgreSQL when $DATABASE_URL points there (CI's PostgreSQL pass, which is the
run that proves the PostgreSQL claim) and a SQLite file otherwise. The test process never touches
it directly: everything goes through `manage.py`, as an operator's would.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

from tests.appserver import (
    BANK,
    PYTHON,
    ROOT,
    AppServer,
    Browser,
    drop_database,
    fresh_database_url,
    manage,
    production_env,
)

RESPONDENT_EMAIL = "leader@deploy.stagewise.test"
RESPONDENT_PASSWORD = "deploy-check-password-7431"  # noqa: S105 - a throwaway test account

# One leader who has a submitted result (for the PDF) and an open draft (for answering).
SEED = f"""
import json
from assessment.models import Question
from assessment.services import AnswerInput, answers_save, assessment_start, assessment_submit
from orgs.services import account_signup

leader, org = account_signup(
    email={RESPONDENT_EMAIL!r}, name="Dana Deploy", password={RESPONDENT_PASSWORD!r},
    is_consultant=False, org_name="Deploy Check", verified=True,
)
done = assessment_start(org=org, by=leader)
questions = Question.objects.filter(domain__version=done.version).prefetch_related("options")
answers_save(assessment=done, respondent=leader, items=[
    AnswerInput(str(q.pk), str(min(q.options.all(), key=lambda o: o.level).pk))
    for q in questions
])
assessment_submit(assessment=done, by=leader)
draft = assessment_start(org=org, by=leader)
print(json.dumps({{
    "org": str(org.public_id), "submitted": str(done.public_id), "draft": str(draft.public_id),
}}))
"""


@dataclass
class Deployment:
    env: dict[str, str]
    servers: list[AppServer]
    org: str
    submitted: str
    draft: str

    def browser(self, server: int = 0) -> Browser:
        return Browser(self.servers[server].base_url)

    def respondent(self, server: int = 0) -> Browser:
        browser = self.browser(server)
        browser.login(RESPONDENT_EMAIL, RESPONDENT_PASSWORD)
        return browser

    def url(self, assessment: str, rest: str = "") -> str:
        return f"/o/{self.org}/a/{assessment}/{rest}"

    def shell(self, code: str) -> str:
        return manage(self.env, "shell", "--no-imports", "-c", code)


def release_prepare(env: dict[str, str]) -> dict[str, str]:
    """What `tests.appserver.prepare` does, plus the seed data; collectstatic (compressing every
    file, no database) runs beside the database steps, which roughly halves the wait on two
    cores. Returns the seeded public ids."""
    collect = subprocess.Popen(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_questionnaire", str(BANK))
        seeded = manage(env, "shell", "--no-imports", "-c", SEED)
    finally:
        _, errors = collect.communicate()
    if collect.returncode != 0:
        raise RuntimeError(f"manage.py collectstatic failed:\n{errors}")
    return json.loads(seeded.strip().splitlines()[-1])


@contextlib.contextmanager
def deployment_running(workdir, servers: int) -> Iterator[Deployment]:
    # The process id keeps two pytest-xdist workers from sharing (and dropping) one database.
    database_url = fresh_database_url(f"stagewise_deploy_{os.getpid()}", workdir)
    # Mail is only queued here (no worker runs, and no mail server listens on loopback).
    env = production_env(database_url, workdir / "staticfiles")
    try:
        ids = release_prepare(env)
        with contextlib.ExitStack() as stack:
            running = [stack.enter_context(AppServer(env, workers=1)) for _ in range(servers)]
            yield Deployment(env=env, servers=running, **ids)
    finally:
        drop_database(database_url)
