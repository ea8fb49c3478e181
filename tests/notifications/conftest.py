from datetime import date

import pytest
from django.core.cache import cache

from orgs.models import Membership
from tests.factories import AnswerFactory, AssessmentFactory, MembershipFactory, OrganizationFactory

TODAY = date(2026, 12, 2)


@pytest.fixture
def empty_cache(db):
    # Rate limits live in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


class Team:
    """An org with a leader and two members and an open draft of the mini bank."""

    def __init__(self, version, due=None):
        self.org = OrganizationFactory()
        self.leader = MembershipFactory(org=self.org, role=Membership.Role.LEADER).user
        self.member = MembershipFactory(org=self.org).user
        self.finished = MembershipFactory(org=self.org).user
        self.draft = AssessmentFactory(
            org=self.org, version=version, started_by=self.leader, due_date=due
        )
        for question in self.questions(version):
            AnswerFactory(
                assessment=self.draft,
                respondent=self.finished,
                question=question,
                option=question.options.first(),
            )

    @staticmethod
    def questions(version):
        from assessment.models import Question

        return list(Question.objects.filter(domain__version=version))


@pytest.fixture
def team(mini_version):
    return lambda due=None: Team(mini_version, due)
