"""The queued email backend for the test suite (see config/test_settings.py)."""

from django.db import transaction

from config.queued_email import QueuedEmailBackend


class SuiteQueuedEmailBackend(QueuedEmailBackend):
    """Treats pytest-django's per-test transaction as committed.

    A test using the `db` fixture runs inside atomic blocks that are rolled back afterwards, so
    on_commit callbacks registered there never run and no test would see its mail. When the
    only open atomic blocks are the test case's (the mark Django's own `durable` check reads),
    the message is enqueued at once, as it would be in production where a view runs in
    autocommit. Inside any other atomic block the real on_commit rule applies.
    """

    def after_commit(self, enqueue) -> None:
        blocks = transaction.get_connection().atomic_blocks
        if all(getattr(block, "_from_testcase", False) for block in blocks):
            enqueue()
        else:
            super().after_commit(enqueue)
