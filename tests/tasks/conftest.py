"""Fixtures for the email queue: the database task backend, an in-process worker step, and a
delivery backend that fails on demand."""

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.tasks.flaky import FlakySmtpBackend

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued_in_database(settings):
    """Production's wiring: the plain queued backend (on_commit and all) and tasks stored in
    the database, where only a worker runs them."""
    settings.EMAIL_BACKEND = "config.queued_email.QueuedEmailBackend"
    settings.TASKS = DATABASE_TASKS
    return settings


@pytest.fixture
def flaky_smtp(queued_in_database):
    queued_in_database.EMAIL_DELIVERY_BACKEND = "tests.tasks.flaky.FlakySmtpBackend"
    FlakySmtpBackend.failures_left = 0
    FlakySmtpBackend.attempts = 0
    FlakySmtpBackend.delivered = []
    yield FlakySmtpBackend
    FlakySmtpBackend.delivered = []


def run_due_tasks() -> int:
    """What one pass of `db_worker` does, in this process and this test's transaction: claim
    each task that is due and run it with the library's own Worker.run_task. (Worker.run would
    close the test's database connection between tasks.) Returns how many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-process-test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while (row := DBTaskResult.objects.ready().first()) is not None:
        row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1
    return ran
