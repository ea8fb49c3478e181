"""The queued email backend: a send in a request queues a task and delivers nothing; the task is
queued only once the transaction commits; a message survives the trip through JSON whole."""

import json

import pytest
from django.core import mail
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives, send_mail
from django.db import transaction
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from config.queued_email import (
    BODY_REMOVED,
    EmailNotQueueable,
    message_from_payload,
    message_to_payload,
)
from tests.factories import UserFactory
from tests.tasks.conftest import run_due_tasks


def queued_rows():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def test_sending_mail_queues_a_task_and_delivers_nothing(
    db, queued_in_database, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_mail("Hello", "Body text", "from@example.com", ["to@example.com"])

    assert sent == 1
    assert mail.outbox == []
    [row] = queued_rows()
    assert row.status == TaskResultStatus.READY
    assert row.task_path == "config.queued_email.deliver_email"
    [payload] = row.args_kwargs["args"]
    assert (payload["subject"], payload["to"]) == ("Hello", ["to@example.com"])


def test_the_worker_delivers_what_was_queued(
    db, queued_in_database, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Hello", "Body text", "from@example.com", ["to@example.com"])

    assert run_due_tasks() == 1

    [delivered] = mail.outbox
    assert (delivered.subject, delivered.body, delivered.to) == (
        "Hello",
        "Body text",
        ["to@example.com"],
    )
    [row] = queued_rows()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == {"delivered": True, "attempt": 1}
    # The row keeps who and what, not the body (which may hold a reset link).
    [payload] = row.args_kwargs["args"]
    assert (payload["subject"], payload["to"], payload["body"]) == (
        "Hello",
        ["to@example.com"],
        BODY_REMOVED,
    )


def test_nothing_is_queued_until_the_transaction_commits(
    db, queued_in_database, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            send_mail("Hello", "Body text", "from@example.com", ["to@example.com"])
            assert queued_rows() == []
        assert queued_rows() == []  # still inside the test's own transaction

    [enqueue] = callbacks
    enqueue()
    assert len(queued_rows()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_and_queues_nothing(queued_in_database):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Rolled back", "Body", "from@example.com", ["to@example.com"])
        raise RuntimeError("the request failed after sending")

    assert queued_rows() == []
    assert run_due_tasks() == 0
    assert mail.outbox == []

    # The same send outside a transaction (a view in autocommit) is queued at once.
    send_mail("Committed", "Body", "from@example.com", ["to@example.com"])
    assert [row.args_kwargs["args"][0]["subject"] for row in queued_rows()] == ["Committed"]


def test_a_message_survives_the_round_trip_through_json_whole():
    message = EmailMultiAlternatives(
        subject="Ünïcode subject: café ✓",
        body="Plain body\nsecond line",
        from_email="Stagewise <no-reply@example.com>",
        to=["Zoë <zoe@example.com>", "b@example.com"],
        cc=["c@example.com"],
        bcc=["hidden@example.com"],
        reply_to=["reply@example.com"],
        headers={"X-Stagewise-Kind": "invitation"},
    )
    message.attach_alternative("<p>HTML body</p>", "text/html")

    payload = json.loads(json.dumps(message_to_payload(message)))
    rebuilt = message_from_payload(payload)

    for part in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to", "extra_headers"):
        assert getattr(rebuilt, part) == getattr(message, part), part
    assert [tuple(a) for a in rebuilt.alternatives] == [("<p>HTML body</p>", "text/html")]
    assert rebuilt.recipients() == message.recipients()
    assert rebuilt.message()["X-Stagewise-Kind"] == "invitation"


def test_an_html_only_message_stays_html():
    message = EmailMessage("Hi", "<p>Hi</p>", "from@example.com", ["to@example.com"])
    message.content_subtype = "html"

    rebuilt = message_from_payload(message_to_payload(message))

    assert rebuilt.message().get_content_type() == "text/html"


def test_attachments_are_refused_in_the_request_and_nothing_is_queued(
    db, queued_in_database, django_capture_on_commit_callbacks
):
    message = EmailMessage("Report", "See attached", "from@example.com", ["to@example.com"])
    message.attach("report.csv", "a,b\n1,2\n", "text/csv")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(EmailNotQueueable, match="does not carry attachments"),
    ):
        message.send()

    assert queued_rows() == []


def test_a_line_break_in_a_subject_fails_in_the_request_not_in_the_worker(
    db, queued_in_database, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(BadHeaderError):
        send_mail("Hi\nBcc: victim@example.com", "Body", "from@example.com", ["a@example.com"])

    assert queued_rows() == []


def test_invitation_and_password_reset_emails_are_queued_then_delivered_by_the_worker(
    personas, client_for, client, queued_in_database, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = client_for(personas.leader_a).post(
            reverse("invitation_new", args=[personas.org_a.public_id]),
            {"email": "new@example.com", "role": "member"},
        )
        client.logout()
        UserFactory(email="forgetful@example.com", username="forgetful@example.com")
        reset = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})

    assert (invited.status_code, reset.status_code) == (302, 302)
    assert mail.outbox == []
    assert len(queued_rows()) == 2

    assert run_due_tasks() == 2

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"new@example.com", "forgetful@example.com"}
    assert "/invitations/" in by_recipient["new@example.com"].body
    assert "/accounts/password/reset/key/" in by_recipient["forgetful@example.com"].body


def test_the_suite_reads_queued_mail_even_when_sent_inside_a_transaction(db, mailoutbox):
    # config/test_settings.py: the suite's mail takes the queue, task and all.
    with transaction.atomic():
        EmailMessage("Hi", "Body", "from@example.com", ["to@example.com"]).send()

    [delivered] = mailoutbox
    # Rebuilt by the task from its JSON payload, not the message object that was sent.
    assert type(delivered) is EmailMultiAlternatives
    assert (delivered.subject, delivered.to) == ("Hi", ["to@example.com"])
