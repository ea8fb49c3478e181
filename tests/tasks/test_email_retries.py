"""A failed delivery is retried with backoff and never lost: an injected SMTP failure (a delivery
backend that fails the first k times) ends with the message delivered exactly once, and a server
that never recovers leaves one FAILED task row holding the whole message."""

from datetime import timedelta

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from config.queued_email import BODY_REMOVED, retry_delay
from tests.tasks.conftest import run_due_tasks


def queue_one(callbacks):
    with callbacks(execute=True):
        send_mail("Your invitation", "Body", "from@example.com", ["to@example.com"])


def waiting_retry() -> DBTaskResult:
    return DBTaskResult.objects.get(status=TaskResultStatus.READY)


def time_passes_until_due(row: DBTaskResult) -> None:
    """Move the retry's due time to now: what waiting the backoff out would do."""
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())


def test_retry_delay_doubles_from_one_minute_and_is_capped(settings):
    settings.EMAIL_RETRY_MAX_DELAY = 60 * 60

    delays = [retry_delay(attempt) for attempt in range(1, 11)]

    assert delays[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert delays[7:] == [timedelta(hours=1)] * 3
    assert retry_delay(10_000) == timedelta(hours=1)


def test_an_smtp_failure_is_retried_with_backoff_and_delivered_exactly_once(
    db, flaky_smtp, django_capture_on_commit_callbacks
):
    flaky_smtp.failures_left = 3
    queue_one(django_capture_on_commit_callbacks)

    for failed_attempt, minutes in ((1, 1), (2, 2), (3, 4)):
        before = timezone.now()
        assert run_due_tasks() == 1
        assert flaky_smtp.delivered == []
        retry = waiting_retry()
        assert retry.args_kwargs["kwargs"] == {"attempt": failed_attempt + 1}
        expected = before + timedelta(minutes=minutes)
        assert expected <= retry.run_after <= timezone.now() + timedelta(minutes=minutes)
        assert run_due_tasks() == 0  # not before its time
        time_passes_until_due(retry)

    assert run_due_tasks() == 1

    assert flaky_smtp.attempts == 4
    [delivered] = flaky_smtp.delivered
    assert (delivered.subject, delivered.to) == ("Your invitation", ["to@example.com"])
    rows = list(DBTaskResult.objects.order_by("enqueued_at", "run_after"))
    assert [row.status for row in rows] == [TaskResultStatus.SUCCESSFUL] * 4
    assert [row.return_value["delivered"] for row in rows] == [False, False, False, True]
    assert all("injected" in row.return_value["error"] for row in rows[:3])
    # Each failed attempt names the row that carries the next one.
    assert [row.return_value["retry_id"] for row in rows[:3]] == [str(r.pk) for r in rows[1:]]
    assert run_due_tasks() == 0
    # One copy of the body existed at a time, and none is left once it is delivered.
    assert [row.args_kwargs["args"][0]["body"] for row in rows] == [BODY_REMOVED] * 4
    assert [row.args_kwargs["args"][0]["to"] for row in rows] == [["to@example.com"]] * 4


def test_after_the_last_attempt_the_message_stays_in_a_failed_row(
    db, settings, flaky_smtp, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_MAX_ATTEMPTS = 3
    flaky_smtp.failures_left = 1_000
    queue_one(django_capture_on_commit_callbacks)

    for _ in range(2):
        assert run_due_tasks() == 1
        time_passes_until_due(waiting_retry())
    assert run_due_tasks() == 1

    assert flaky_smtp.attempts == 3 and flaky_smtp.delivered == []
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    [failed] = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "config.queued_email.EmailNotDelivered"
    assert "Not delivered after 3 attempts" in failed.traceback
    assert "injected: connection unexpectedly closed" in failed.traceback
    # The whole message is still there for an operator to read and send again.
    [payload] = failed.args_kwargs["args"]
    assert (payload["subject"], payload["to"], payload["body"]) == (
        "Your invitation",
        ["to@example.com"],
        "Body",
    )
    assert failed.args_kwargs["kwargs"] == {"attempt": 3}
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
