"""A real worker process (`manage.py db_worker`) delivers what a real app server queued.

Production settings, a fresh database (PostgreSQL when $DATABASE_URL points there, as in CI's
PostgreSQL pass; a SQLite file otherwise), gunicorn for the request, and the worker as its own
process: the way docs/deploy.md runs them. Everything goes through manage.py and HTTP; the test
process never opens that database itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import socketserver
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from config.queued_email import BODY_REMOVED
from tests.appserver import (
    CSRF_INPUT,
    PYTHON,
    ROOT,
    AppServer,
    Browser,
    drop_database,
    free_port,
    fresh_database_url,
    manage,
    production_env,
)

LEADER_EMAIL = "leader@worker.stagewise.test"
LEADER_PASSWORD = "worker-check-password-5120"  # noqa: S105 - a throwaway test account
SEED = f"""
from orgs.services import account_signup
leader, org = account_signup(
    email={LEADER_EMAIL!r}, name="Wren Worker", password={LEADER_PASSWORD!r},
    is_consultant=False, org_name="Worker Check",
)
# Sign-up leaves the address unconfirmed (allauth mails a link); this account skips that step.
from allauth.account.models import EmailAddress
EmailAddress.objects.update_or_create(
    user=leader, email=leader.email, defaults={{"primary": True, "verified": True}}
)
print(org.public_id)
"""
TASK_ROWS = """
import json
from django_tasks_db.models import DBTaskResult
print(json.dumps([
    {"status": r.status, "subject": r.args_kwargs["args"][0]["subject"],
     "attempt": r.args_kwargs["kwargs"].get("attempt", 1), "error": r.exception_class_path,
     "body": r.args_kwargs["args"][0]["body"]}
    for r in DBTaskResult.objects.order_by("enqueued_at", "run_after")
]))
"""


@dataclass
class Release:
    env: dict[str, str]
    workdir: Path
    org: str

    def shell(self, code: str, **env: str) -> str:
        return manage({**self.env, **env}, "shell", "--no-imports", "-c", code)

    def task_rows(self, subject: str) -> list[dict]:
        rows = json.loads(self.shell(TASK_ROWS).strip().splitlines()[-1])
        return [row for row in rows if row["subject"] == subject]

    def rows_ending(self, subject: str, status: str) -> list[dict]:
        """The message's task rows once its latest attempt has ended with `status`, else []."""
        rows = self.task_rows(subject)
        return rows if rows and rows[-1]["status"] == status else []


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Iterator[Release]:
    workdir = tmp_path_factory.mktemp("worker")
    # The process id keeps two pytest-xdist workers from sharing (and dropping) one database.
    database_url = fresh_database_url(f"stagewise_worker_{os.getpid()}", workdir)
    env = production_env(database_url, workdir / "staticfiles")
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        org = manage(env, "shell", "--no-imports", "-c", SEED).strip().splitlines()[-1]
        yield Release(env=env, workdir=workdir, org=org)
    finally:
        drop_database(database_url)


@contextlib.contextmanager
def worker_running(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`manage.py db_worker` as an operator starts it, stopped with SIGTERM (its clean stop)."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.2", "--worker-id", f"test-{log.stem}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, what: str, log: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout} s; worker log:\n{log.read_text()}")


def test_an_invitation_sent_through_the_app_server_is_delivered_by_the_worker(release):
    mail_dir = release.workdir / "mail"
    env = {
        **release.env,
        "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with AppServer(env, workers=1) as server:
        browser = Browser(server.base_url)
        browser.login(LEADER_EMAIL, LEADER_PASSWORD)
        page = browser.get(f"/o/{release.org}/invitations/")
        token = CSRF_INPUT.search(page.text).group(1)
        sent = browser.post(
            f"/o/{release.org}/invitations/",
            {"csrfmiddlewaretoken": token, "email": "newcomer@worker.stagewise.test"}
            | {"role": "member"},
        )
        browser.close()
    assert sent.status == 302, sent.text

    # The request only queued it.
    assert not mail_dir.exists() or not any(mail_dir.iterdir())
    subject = "Wren Worker invited you to Worker Check on Stagewise"
    assert [row["status"] for row in release.task_rows(subject)] == ["READY"]

    log = release.workdir / "invitation-worker.log"
    with worker_running(env, log):
        files = wait_for(lambda: sorted(mail_dir.glob("*.log")), "no email delivered", log)
        wait_for(
            lambda: [row["status"] for row in release.task_rows(subject)] == ["SUCCESSFUL"],
            "the task row did not end SUCCESSFUL",
            log,
        )

    [delivered] = files
    text = delivered.read_text()
    assert "To: newcomer@worker.stagewise.test" in text
    assert f"Subject: {subject}" in text
    assert "https://127.0.0.1/invitations/" in text  # the proxy said HTTPS
    # The link left the database with the delivery.
    [row] = release.task_rows(subject)
    assert row["body"] == BODY_REMOVED


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept a message: the recovered mail server."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                self.server.messages.append(body)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # EHLO, MAIL FROM, RCPT TO, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@contextlib.contextmanager
def smtp_server(port: int) -> Iterator[list[bytes]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), SmtpSink)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.messages
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_worker_retries_while_the_smtp_server_is_down_and_delivers_once_it_is_back(release):
    smtp_port = free_port()  # nothing listens there yet: every connection is refused
    env = {
        **release.env,
        "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        # Backoff capped at one second so the test waits seconds, not minutes; attempts to
        # spare, so a slow machine cannot run out of them before the server comes back.
        "EMAIL_RETRY_MAX_DELAY": "1",
        "EMAIL_DELIVERY_MAX_ATTEMPTS": "100",
    }
    subject = "Delivered after an outage"
    release.shell(
        "from django.core.mail import send_mail; "
        f"send_mail({subject!r}, 'Body', None, ['someone@worker.stagewise.test'])",
        **env,
    )

    log = release.workdir / "outage-worker.log"
    with worker_running(env, log):
        wait_for(lambda: len(release.task_rows(subject)) >= 3, "fewer than 3 attempts", log)
        with smtp_server(smtp_port) as received:
            wait_for(lambda: received, "nothing reached the SMTP server", log)
            rows = wait_for(
                lambda: release.rows_ending(subject, "SUCCESSFUL"),
                "the last attempt did not end SUCCESSFUL",
                log,
            )
            time.sleep(1.5)  # a duplicate would have arrived by now
            assert len(received) == 1

    assert b"Subject: Delivered after an outage" in received[0]
    assert [row["status"] for row in rows] == ["SUCCESSFUL"] * len(rows)
    assert [row["attempt"] for row in rows] == list(range(1, len(rows) + 1))
    assert len(release.task_rows(subject)) == len(rows)  # no attempt after the delivery


def test_a_message_the_smtp_server_never_takes_stays_in_a_failed_row(release):
    env = {
        **release.env,
        "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),
        "EMAIL_RETRY_MAX_DELAY": "1",
        "EMAIL_DELIVERY_MAX_ATTEMPTS": "3",
    }
    subject = "Never delivered"
    release.shell(
        "from django.core.mail import send_mail; "
        f"send_mail({subject!r}, 'Body', None, ['someone@worker.stagewise.test'])",
        **env,
    )

    log = release.workdir / "failing-worker.log"
    with worker_running(env, log):
        rows = wait_for(
            lambda: release.rows_ending(subject, "FAILED"),
            "no FAILED row after 3 attempts",
            log,
        )

    assert [(row["attempt"], row["status"]) for row in rows] == [
        (1, "SUCCESSFUL"),
        (2, "SUCCESSFUL"),
        (3, "FAILED"),
    ]
    assert rows[-1]["error"] == "config.queued_email.EmailNotDelivered"
