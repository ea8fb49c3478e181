"""The weekly plan digest: each owner's open items due within 7 days and overdue, once a week."""

from datetime import timedelta

import pytest
from django.core import mail

from notifications.models import Kind, NotificationPreference
from notifications.scheduler import send_due
from orgs.models import Membership
from plans.models import Plan, PlanItem
from tests.factories import MembershipFactory, OrganizationFactory
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_of():
    org = OrganizationFactory()
    owner = MembershipFactory(org=org).user
    plan = Plan.objects.create(org=org)

    def item(title, due_in_days, status=PlanItem.Status.PLANNED, who=owner):
        return PlanItem.objects.create(
            plan=plan,
            action_key=title.lower().replace(" ", "-"),
            title=title,
            domain_key="onboarding",
            domain_name="Onboarding",
            horizon=30,
            owner=who,
            due_date=TODAY + timedelta(days=due_in_days),
            status=status,
        )

    return org, owner, item


def test_digest_lists_overdue_and_due_within_7_days_only(plan_of):
    org, owner, item = plan_of
    late = item("Late item", -2)
    soon = item("Soon item", 7, PlanItem.Status.IN_PROGRESS)
    item("Later item", 8)
    item("Done item", 1, PlanItem.Status.DONE)
    item("Dropped item", 1, PlanItem.Status.DROPPED)
    assert send_due(today=TODAY)[Kind.WEEKLY_DIGEST] == 1
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == "Your action plan: 1 overdue, 1 due this week"
    assert "Late item" in message.body and "Soon item" in message.body
    assert "Later item" not in message.body and "Done item" not in message.body
    assert "Dropped item" not in message.body
    assert f"/o/{org.public_id}/plan/#item-{late.public_id}" in message.body
    assert f"#item-{soon.public_id}" in message.body
    assert "/accounts/notifications/" in message.body


def test_digest_goes_once_per_week(plan_of):
    _, _, item = plan_of
    item("Late item", -2)
    monday = TODAY - timedelta(days=TODAY.weekday())
    assert send_due(today=monday)[Kind.WEEKLY_DIGEST] == 1
    assert send_due(today=monday + timedelta(days=6))[Kind.WEEKLY_DIGEST] == 0
    assert send_due(today=monday + timedelta(days=7))[Kind.WEEKLY_DIGEST] == 1


def test_no_digest_for_owners_with_nothing_due(plan_of):
    _, _, item = plan_of
    item("Later item", 8)
    assert send_due(today=TODAY)[Kind.WEEKLY_DIGEST] == 0


def test_opted_out_owner_gets_no_digest(plan_of):
    _, owner, item = plan_of
    item("Late item", -2)
    NotificationPreference.objects.create(user=owner, weekly_digest=False)
    assert send_due(today=TODAY)[Kind.WEEKLY_DIGEST] == 0


def test_no_digest_about_an_org_the_owner_left(plan_of):
    _, owner, item = plan_of
    item("Late item", -2)
    Membership.objects.filter(user=owner).delete()
    assert send_due(today=TODAY)[Kind.WEEKLY_DIGEST] == 0
