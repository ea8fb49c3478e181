"""Ten people pressing Submit (or Start) at the same moment: one result, never two.

Each call runs in its own thread with its own database connection, released together by a
barrier, on a database the threads really share (see `shared_database` in conftest.py: on
SQLite a file copy with the app's WAL/IMMEDIATE options; on PostgreSQL the test database,
where `select_for_update` is enforced).
"""

import threading

import pytest
from django.db import connection, connections

from assessment.bank import bank_load
from assessment.models import Assessment
from assessment.services import (
    DRAFT_ALREADY_OPEN,
    AssessmentError,
    assessment_start,
    assessment_submit,
)
from orgs.models import Membership
from tests.assessment.conftest import answer_everything
from tests.conftest import MINI_BANK
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

CALLERS = 10


class WritesTo:
    """Counts INSERT/UPDATE/DELETE statements on one table, from any thread."""

    def __init__(self, table: str):
        self.table = f'"{table}"'
        self.statements: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        head = sql.lstrip()[:6].upper()
        if head in ("INSERT", "UPDATE", "DELETE") and self.table in sql.split(" WHERE ")[0]:
            with self._lock:
                self.statements.append(head)
        return execute(sql, params, many, context)


def all_at_once(call, writes: WritesTo) -> list[tuple[str, object]]:
    """call(i) for i in 0..CALLERS-1, each in its own thread and connection, released together.
    Returns ("returned", value) or ("raised", exception) per caller."""
    barrier = threading.Barrier(CALLERS)
    outcomes: list[tuple[str, object]] = [("never ran", None)] * CALLERS

    def worker(i):
        try:
            with connection.execute_wrapper(writes):
                barrier.wait(timeout=30)
                outcomes[i] = ("returned", call(i))
        except Exception as exc:  # every outcome, errors included, is checked by the test
            outcomes[i] = ("raised", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a caller never finished"
    return outcomes


@pytest.fixture
def org(shared_database):
    return OrganizationFactory(name="Race CS")


@pytest.fixture
def leaders(org) -> list:
    """CALLERS leaders of the org, one per thread, so the stored submitter names the winner."""
    return [MembershipFactory(org=org, role=Membership.Role.LEADER).user for _ in range(CALLERS)]


@pytest.fixture
def version(shared_database):
    version, _ = bank_load(text=MINI_BANK.read_text(encoding="utf-8"))
    return version


@pytest.fixture
def draft(org, leaders, version) -> Assessment:
    draft = Assessment.objects.create(org=org, version=version, started_by=leaders[0])
    answer_everything(draft, leaders[0], 3)
    return draft


def test_ten_simultaneous_submits_produce_exactly_one_submission(draft, leaders):
    writes = WritesTo("assessment_assessment")

    outcomes = all_at_once(lambda i: assessment_submit(assessment=draft, by=leaders[i]), writes)

    assert [kind for kind, _ in outcomes] == ["returned"] * CALLERS, outcomes
    assert writes.statements == ["UPDATE"]
    stored = Assessment.objects.get(pk=draft.pk)
    assert stored.status == Assessment.Status.SUBMITTED
    assert stored.submitted_by in leaders
    # The nine who lost the race get the winner's result back, not a second scoring of it.
    assert {(a.submitted_by_id, a.submitted_at) for _, a in outcomes} == {
        (stored.submitted_by_id, stored.submitted_at)
    }
    assert all(a.snapshot == stored.snapshot for _, a in outcomes)
    assert Assessment.objects.filter(org=draft.org).count() == 1


def test_ten_simultaneous_starts_open_exactly_one_draft(org, leaders, version):
    writes = WritesTo("assessment_assessment")

    outcomes = all_at_once(
        lambda i: assessment_start(org=org, by=leaders[i], slug="mini").pk, writes
    )

    returned = [value for kind, value in outcomes if kind == "returned"]
    raised = [value for kind, value in outcomes if kind == "raised"]
    assert len(returned) == 1, outcomes
    assert len(raised) == CALLERS - 1
    assert all(isinstance(exc, AssessmentError) for exc in raised), raised
    assert {str(exc) for exc in raised} == {DRAFT_ALREADY_OPEN}
    drafts = Assessment.objects.filter(org=org, status=Assessment.Status.DRAFT)
    assert list(drafts.values_list("pk", flat=True)) == returned
