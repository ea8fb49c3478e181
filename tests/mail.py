"""The queued email backend for the test suite (see config/test_settings.py)."""

from django.db import transaction

from config.queued_email import QueuedEmailBackend


class SuiteQueuedEmailBackend(QueuedEmailBackend):
    """Treats pytest-django's per-test transaction as committed.

    A test using the `db` fixture runs inside atomic blocks that are rolled back afterwards, so
    on_commit callbacks registered there never run and no test would see its mail. Inside such
    a test (Django marks its blocks `_from_testcase`, the mark its own `durable` check reads) the
    message is enqueued at once, even from a nested atomic block in the code under test, so a
    service that sends from inside a transaction is still testable through the outbox. Tests
    without that wrapper (live server, `transaction=True`) get the real on_commit rule;
    tests/tasks checks commit and rollback with the production backend.
    """

    def after_commit(self, enqueue) -> None:
        blocks = transaction.get_connection().atomic_blocks
        if any(getattr(block, "_from_testcase", False) for block in blocks):
            enqueue()
        else:
            super().after_commit(enqueue)
