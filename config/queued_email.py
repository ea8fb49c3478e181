"""Every email leaves through the task queue, never from inside a request.

`EMAIL_BACKEND` points at `QueuedEmailBackend`, so anything that sends mail the normal Django way
(`send_mail`, `EmailMessage.send()`, the password-reset form, allauth, `mail_admins`) is queued
without the caller knowing. The backend turns each message into plain JSON and enqueues
`deliver_email` once the caller's transaction commits; a worker (`manage.py db_worker`) runs the
task, which hands the message to the real backend, `EMAIL_DELIVERY_BACKEND` (SMTP in production,
the console in development).

A failed delivery is retried with exponential backoff: attempt n+1 runs `retry_delay(n)` after
attempt n failed (1, 2, 4, 8, ... minutes, capped at `EMAIL_RETRY_MAX_DELAY`). The rescheduled
attempt is a new task row; the failed attempt's row ends successful with a return value that says
"retry scheduled" and names the next row, so FAILED rows mean only one thing: after
`EMAIL_DELIVERY_MAX_ATTEMPTS` attempts the message was not delivered. That last row keeps the
whole message in its arguments and the SMTP error in its traceback (exception
`config.queued_email.EmailNotDelivered`), for an operator to read and re-send. Rows of delivered
or retried attempts keep only recipients and subject (`remove_body_from_row`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = timedelta(minutes=1)
BODY_REMOVED = "[body removed from the task row after delivery]"


class EmailNotDelivered(Exception):  # noqa: N818 - the name is what an operator reads in a row
    """Raised by the last attempt: the message stays in the task row, marked FAILED."""


class EmailNotQueueable(ValueError):
    """A message the queue cannot carry; raised in the sender's request, before anything is
    queued, so nothing is half sent."""


def message_to_payload(message) -> dict:
    """The parts of an EmailMessage a worker needs to rebuild it, as JSON-safe values."""
    if message.attachments:
        raise EmailNotQueueable(
            "Queued email does not carry attachments; "
            f"{len(message.attachments)} attached to {str(message.subject)!r}."
        )
    # Building the MIME message checks headers (line breaks in a subject or address raise
    # BadHeaderError) here, in the sender's request, as a direct send would.
    message.message()
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": str(message.from_email),
        "to": [str(a) for a in message.to],
        "cc": [str(a) for a in message.cc],
        "bcc": [str(a) for a in message.bcc],
        "reply_to": [str(a) for a in message.reply_to],
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            [str(content), str(mimetype)]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def message_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    message.content_subtype = payload["content_subtype"]
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def retry_delay(failed_attempt: int) -> timedelta:
    """How long after attempt `failed_attempt` (1-based) failed the next one runs."""
    cap = timedelta(seconds=settings.EMAIL_RETRY_MAX_DELAY)
    # Capping the exponent first keeps 2**n small however many attempts are configured.
    return min(FIRST_RETRY_DELAY * 2 ** min(failed_attempt - 1, 20), cap)


def recipients_for_log(payload: dict) -> str:
    # Only the domains: the log must not become a list of people's addresses.
    addresses = payload["to"] + payload["cc"] + payload["bcc"]
    return ",".join(sorted({parseaddr(a)[1].rpartition("@")[2] for a in addresses}))


def remove_body_from_row(context) -> None:
    """Once a message is delivered (or its next attempt holds a copy), drop its body from this
    task row: bodies carry password-reset and invitation links, which should not sit in the
    database for anyone who can read it. Recipients and subject stay, for the record."""
    db_result = getattr(context.task_result, "db_result", None)
    if db_result is None:  # a backend that keeps no rows (the immediate one, in tests)
        return
    args_kwargs = db_result.args_kwargs
    payload = {**args_kwargs["args"][0], "body": BODY_REMOVED, "alternatives": []}
    try:
        type(db_result).objects.filter(pk=db_result.pk).update(
            args_kwargs={**args_kwargs, "args": [payload]}
        )
    except DatabaseError:
        # The message is out (or its retry is queued): the row must still record that, so a
        # failed clean-up is logged rather than turned into a failed task.
        logger.exception("Could not remove the body of delivered email task %s", db_result.pk)


@task(takes_context=True)
def deliver_email(context, payload: dict, attempt: int = 1) -> dict:
    """Send one queued message with the real backend; on failure, schedule the next attempt."""
    try:
        connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
        sent = connection.send_messages([message_from_payload(payload)])
    except Exception as exc:
        max_attempts = settings.EMAIL_DELIVERY_MAX_ATTEMPTS
        if attempt >= max_attempts:
            logger.error(
                "Email %r to %s not delivered after %d attempts: %r",
                payload["subject"],
                recipients_for_log(payload),
                attempt,
                exc,
            )
            raise EmailNotDelivered(
                f"Not delivered after {attempt} attempts; last error: {exc!r}"
            ) from exc
        next_task = deliver_email
        delay = retry_delay(attempt)
        if next_task.get_backend().supports_defer:
            next_task = next_task.using(run_after=timezone.now() + delay)
        retry = next_task.enqueue(payload, attempt=attempt + 1)
        logger.warning(
            "Email %r to %s failed on attempt %d of %d (%r); retry %s in %s",
            payload["subject"],
            recipients_for_log(payload),
            attempt,
            max_attempts,
            exc,
            retry.id,
            delay,
        )
        remove_body_from_row(context)
        return {
            "delivered": False,
            "attempt": attempt,
            "error": repr(exc),
            "retry_id": str(retry.id),
            "retry_in_seconds": delay.total_seconds(),
        }
    remove_body_from_row(context)
    return {"delivered": bool(sent), "attempt": attempt}


class QueuedEmailBackend(BaseEmailBackend):
    """Queues each message for `deliver_email`; sends nothing itself."""

    def send_messages(self, email_messages) -> int:
        payloads = [message_to_payload(message) for message in email_messages]
        # As Django's SMTP backend does, a message with no recipient is skipped, not an error.
        payloads = [p for p in payloads if p["to"] + p["cc"] + p["bcc"]]
        for payload in payloads:
            self.after_commit(lambda payload=payload: deliver_email.enqueue(payload))
        return len(payloads)

    def after_commit(self, enqueue) -> None:
        # Inside a transaction the task is enqueued only once it commits: a request that rolls
        # back (an error after the invitation row was written) sends nothing. Outside one,
        # on_commit runs it at once.
        transaction.on_commit(enqueue)
