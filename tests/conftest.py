from pathlib import Path

import pytest

from assessment.bank import bank_load
from orgs.models import Membership
from tests.factories import (
    AssignmentFactory,
    ConsultantFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

DATA = Path(__file__).parent / "data"
MINI_BANK = DATA / "mini-bank.yaml"
DEFAULT_BANK = Path(__file__).parent.parent / "assessment" / "content" / "cs-maturity-v1.yaml"


@pytest.fixture
def mini_bank_text() -> str:
    return MINI_BANK.read_text(encoding="utf-8")


@pytest.fixture
def mini_version(db, mini_bank_text):
    """The small published test bank: 2 domains × 3 questions, one gate, 10 actions."""
    version, _ = bank_load(text=mini_bank_text)
    return version


class Personas:
    """Two orgs, A and B, and everyone who may or may not see them."""

    def __init__(self):
        self.org_a = OrganizationFactory(name="Acme CS")
        self.org_b = OrganizationFactory(name="Bravo CS")
        self.leader_a = MembershipFactory(org=self.org_a, role=Membership.Role.LEADER).user
        self.member_a = MembershipFactory(org=self.org_a, role=Membership.Role.MEMBER).user
        self.leader_b = MembershipFactory(org=self.org_b, role=Membership.Role.LEADER).user
        self.member_b = MembershipFactory(org=self.org_b, role=Membership.Role.MEMBER).user
        self.consultant_a = ConsultantFactory().user
        AssignmentFactory(consultant=self.consultant_a, org=self.org_a)
        self.consultant_other = ConsultantFactory().user
        self.staff = UserFactory(is_staff=True, is_superuser=True)
        self.outsider = UserFactory()


@pytest.fixture
def personas(db) -> Personas:
    return Personas()


@pytest.fixture
def client_for(client):
    """Log the test client in as someone: `client_for(user)` returns the client."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def default_version(db):
    """The real question bank (cs-maturity v1), published."""
    version, _ = bank_load(text=DEFAULT_BANK.read_text(encoding="utf-8"))
    return version


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(django_db_setup, django_db_blocker):
    """PostgreSQL refuses to drop a test database that any session still uses. Connections
    opened in helper threads (the live server's, the PDF pool's) can outlive their thread
    until garbage collection, so end them before pytest-django drops the database."""
    yield
    from django.db import connection
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    # No test database exists when none of the collected tests uses the database.
    if not connection.settings_dict["NAME"].startswith(TEST_DATABASE_PREFIX):
        return
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(scope="session", autouse=True)
def _mail_goes_through_the_queue(django_test_environment):
    """Django's test set-up replaces EMAIL_BACKEND with locmem; put the queue back, so every
    test that sends mail proves it is queued and serialised (config/test_settings.py)."""
    from django.conf import settings

    settings.EMAIL_BACKEND = "tests.mail.SuiteQueuedEmailBackend"
