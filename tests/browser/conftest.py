"""Browser tests: a real Chromium (Debian's, launched by Playwright) against pytest-django's
live server. Every test here starts from an empty database with the real question bank."""

import os
import threading
import time

# Playwright's sync API keeps an event loop running in the test thread (from the first browser
# test to the end of the session); Django refuses ORM calls from such a thread unless told
# otherwise. Must be set before any database access.
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_SET_HERE = _ASYNC_UNSAFE not in os.environ
os.environ[_ASYNC_UNSAFE] = "true"

from dataclasses import dataclass  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from assessment.bank import bank_load  # noqa: E402
from assessment.models import Assessment, QuestionnaireVersion  # noqa: E402
from assessment.services import assessment_start  # noqa: E402
from orgs.models import Membership, Organization  # noqa: E402
from orgs.services import account_signup  # noqa: E402
from tests.browser.helpers import PASSWORD  # noqa: E402
from tests.conftest import DEFAULT_BANK  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Autosave round trips on the live server take milliseconds; 5 s leaves room on a busy machine.
expect.set_options(timeout=5_000)


def pytest_collection_finish(session):
    # No browser test selected (e.g. `-m "not browser"`): no Playwright event loop will run, so
    # drop the switch again; subprocesses such as `manage.py check --deploy` would inherit it.
    if _SET_HERE and not any(item.get_closest_marker("browser") for item in session.items):
        os.environ.pop(_ASYNC_UNSAFE, None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Relative page.goto() paths resolve against the live server (http://localhost:PORT)."""
    return live_server.url


def _request_threads() -> list[threading.Thread]:
    # socketserver names each live-server request thread after its target.
    return [t for t in threading.enumerate() if t.name.endswith("(process_request_thread)")]


@pytest.fixture(autouse=True)
def _live_server_idle_after_test(transactional_db, live_server):
    """After the test's browser contexts are closed (their fixtures tear down first), wait for
    the live server to finish the requests and keep-alive connections they left. Otherwise, on
    a busy machine, a request thread can outlive the test: it then races the database flush,
    or, after the last test, the server's shutdown (DatabaseError "objects created in a thread
    can only be used in that same thread" and an unclosed socket)."""
    yield
    deadline = time.monotonic() + 10
    while _request_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _request_threads(), "the live server is still serving a closed browser"


@pytest.fixture(autouse=True)
def bank(transactional_db) -> QuestionnaireVersion:
    """The real question bank, published: 8 domains × 5 questions."""
    version, created = bank_load(text=DEFAULT_BANK.read_text(encoding="utf-8"))
    assert created
    return version


@dataclass
class Team:
    org: Organization
    leader: object
    member: object
    assessment: Assessment
    version: QuestionnaireVersion


@pytest.fixture
def team(bank) -> Team:
    """Set up through the services (the sign-up and invitation flows have their own test):
    a leader with an org, a member, and an open assessment on the real bank."""
    leader, org = account_signup(
        email="lea@acme.test",
        verified=True,
        name="Lea Leader",
        password=PASSWORD,
        is_consultant=False,
        org_name="Acme Success",
    )
    member, _ = account_signup(
        email="max@acme.test",
        name="Max Member",
        password=PASSWORD,
        is_consultant=False,
        verified=True,
    )
    Membership.objects.create(user=member, org=org, role=Membership.Role.MEMBER)
    assessment = assessment_start(org=org, by=leader)
    assert assessment.version == bank
    return Team(org=org, leader=leader, member=member, assessment=assessment, version=bank)
