"""Two scheduler runs at once (two app servers' timers firing together) send each reminder once.

PostgreSQL only: there two transactions really do insert the same ledger rows at the same time,
and the second waits on the first's uncommitted rows, then skips them. SQLite lets one writer in
at a time, so the race cannot happen there; the two-process run in test_worker_end_to_end.py
checks the same outcome on whichever database the suite uses.
"""

import threading
from collections import Counter

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from notifications import scheduler
from notifications.models import Kind, Notification
from orgs.models import Membership
from tests.factories import AssessmentFactory, MembershipFactory, OrganizationFactory
from tests.notifications.conftest import TODAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite serialises writers (see the module docstring)",
    ),
]


def test_two_concurrent_runs_send_exactly_one_email_per_recipient(mini_version, monkeypatch):
    people = []
    for _ in range(30):
        org = OrganizationFactory()
        leader = MembershipFactory(org=org, role=Membership.Role.LEADER).user
        people += [leader, MembershipFactory(org=org).user, MembershipFactory(org=org).user]
        AssessmentFactory(org=org, version=mini_version, started_by=leader, due_date=TODAY)

    # Both runs reach every claim together: each has read the same page of candidates and
    # inserts the same ledger rows at the same moment.
    barrier = threading.Barrier(2, timeout=30)
    claim = scheduler.claim_and_send

    def claim_together(kind, dues):
        barrier.wait()
        return claim(kind, dues)

    monkeypatch.setattr(scheduler, "claim_and_send", claim_together)
    results: list[Counter] = []
    errors: list[BaseException] = []

    def run():
        try:
            results.append(scheduler.send_due(today=TODAY, batch_size=10))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    per_recipient = Counter(address for message in mail.outbox for address in message.to)
    assert per_recipient == Counter({person.email: 1 for person in people})
    assert sum(r[Kind.ASSESSMENT_DUE] for r in results) == 90
    assert Notification.objects.count() == 90
