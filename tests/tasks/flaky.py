"""A delivery backend standing in for an SMTP server that fails the first few times."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend


class FlakySmtpBackend(BaseEmailBackend):
    """Raises SMTPServerDisconnected while `failures_left` > 0, then records each message in
    `delivered`. Class attributes: the task builds its own connection, so the test reaches the
    state through the class; the `flaky_smtp` fixture resets it."""

    failures_left = 0
    attempts = 0
    delivered: list = []

    def send_messages(self, email_messages) -> int:
        cls = type(self)
        cls.attempts += 1
        if cls.failures_left > 0:
            cls.failures_left -= 1
            raise SMTPServerDisconnected("injected: connection unexpectedly closed")
        cls.delivered.extend(email_messages)
        return len(email_messages)
