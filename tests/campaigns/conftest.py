import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from assessment.bank import bank_load
from assessment.models import Question
from assessment.services import AnswerInput, answers_save, assessment_submit
from orgs.models import Membership
from tests.conftest import MINI_BANK
from tests.factories import (
    AssignmentFactory,
    ConsultantFactory,
    MembershipFactory,
    OrganizationFactory,
)


@pytest.fixture
def current_version(db):
    """The mini bank published as the current questionnaire (the slug campaigns start)."""
    text = MINI_BANK.read_text(encoding="utf-8").replace("slug: mini", "slug: cs-maturity", 1)
    version, _ = bank_load(text=text)
    return version


@pytest.fixture
def empty_cache(db):
    # Reminder rate limits live in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


class Clients:
    """A consultant with `n` client orgs, each with a leader and a member."""

    def __init__(self, n: int):
        self.consultant = ConsultantFactory().user
        self.orgs = [OrganizationFactory(name=f"Client {i:03d}") for i in range(n)]
        self.leaders, self.members = {}, {}
        for org in self.orgs:
            AssignmentFactory(consultant=self.consultant, org=org)
            self.leaders[org.pk] = MembershipFactory(org=org, role=Membership.Role.LEADER).user
            self.members[org.pk] = MembershipFactory(org=org).user

    @property
    def ids(self) -> list[str]:
        return [str(org.public_id) for org in self.orgs]


@pytest.fixture
def clients(current_version):
    return Clients


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def answer(assessment, user, count: int | None = None, level: int = 3) -> None:
    """`user` answers the first `count` questions (all when None) at `level`."""
    questions = Question.objects.filter(domain__version_id=assessment.version_id).order_by(
        "domain__position", "position"
    )
    items = [
        AnswerInput(str(q.pk), str(next(o.pk for o in q.options.all() if o.level == level)))
        for q in questions.prefetch_related("options")
    ]
    answers_save(assessment=assessment, respondent=user, items=items[:count])


def finish(assessment, user) -> None:
    answer(assessment, user)
    assessment_submit(assessment=assessment, by=user)
