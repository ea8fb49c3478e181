"""The scheduler: each kind at its boundaries, opt-out, and idempotence (the same run twice)."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.models import Assessment
from notifications.models import Kind, Notification, NotificationPreference
from notifications.scheduler import send_due
from orgs.models import Membership
from tests.factories import AssessmentFactory, MembershipFactory, OrganizationFactory
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_due_reminder_goes_three_days_before_to_those_who_have_not_finished(team):
    t = team(due=TODAY + timedelta(days=3))
    sent = send_due(today=TODAY)
    assert sent[Kind.ASSESSMENT_DUE] == 2
    assert recipients() == sorted([t.leader.email, t.member.email])
    message = mail.outbox[0]
    assert "due in 3 days" in message.subject
    assert "/accounts/notifications/" in message.body
    assert str(t.draft.public_id) in message.body


def test_no_due_reminder_four_days_before(team):
    team(due=TODAY + timedelta(days=4))
    assert send_due(today=TODAY)[Kind.ASSESSMENT_DUE] == 0
    assert mail.outbox == []


def test_due_reminder_on_the_day_is_a_second_reminder(team):
    t = team(due=TODAY + timedelta(days=3))
    send_due(today=TODAY)
    mail.outbox.clear()
    # Two days before falls in the same "3 days before" period: nothing new.
    assert send_due(today=TODAY + timedelta(days=1))[Kind.ASSESSMENT_DUE] == 0
    sent = send_due(today=TODAY + timedelta(days=3))
    assert sent[Kind.ASSESSMENT_DUE] == 2
    assert all("due today" in m.subject for m in mail.outbox)
    assert t.finished.email not in recipients()


def test_no_due_reminder_after_the_due_date(team):
    team(due=TODAY - timedelta(days=1))
    assert send_due(today=TODAY)[Kind.ASSESSMENT_DUE] == 0


def test_no_due_reminder_once_the_assessment_is_submitted(team):
    t = team(due=TODAY)
    Assessment.objects.filter(pk=t.draft.pk).update(
        status=Assessment.Status.SUBMITTED, submitted_at=timezone.now()
    )
    assert send_due(today=TODAY)[Kind.ASSESSMENT_DUE] == 0


def test_moving_the_due_date_arms_the_reminders_again(team):
    t = team(due=TODAY + timedelta(days=2))
    send_due(today=TODAY)
    Assessment.objects.filter(pk=t.draft.pk).update(due_date=TODAY + timedelta(days=3))
    assert send_due(today=TODAY)[Kind.ASSESSMENT_DUE] == 2


def test_opted_out_respondent_gets_no_due_reminder(team):
    t = team(due=TODAY)
    NotificationPreference.objects.create(user=t.member, assessment_reminders=False)
    send_due(today=TODAY)
    assert recipients() == [t.leader.email]


def test_running_twice_in_a_row_sends_each_reminder_once(team):
    team(due=TODAY)
    first = send_due(today=TODAY)
    second = send_due(today=TODAY)
    assert first[Kind.ASSESSMENT_DUE] == 2
    assert second[Kind.ASSESSMENT_DUE] == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def submitted(org, version, leader, days_ago: int) -> Assessment:
    at = timezone.make_aware(
        datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time())
    )
    return AssessmentFactory(
        org=org,
        version=version,
        started_by=leader,
        status=Assessment.Status.SUBMITTED,
        submitted_at=at.replace(hour=12),
    )


@pytest.fixture
def led_org(mini_version):
    org = OrganizationFactory()
    leader = MembershipFactory(org=org, role=Membership.Role.LEADER).user
    MembershipFactory(org=org)  # members get no re-assessment reminder
    return org, leader, mini_version


def test_reassessment_reminder_to_leaders_90_days_after_the_last_submission(led_org):
    org, leader, version = led_org
    submitted(org, version, leader, days_ago=90)
    sent = send_due(today=TODAY)
    assert sent[Kind.REASSESSMENT] == 1
    assert recipients() == [leader.email]
    assert f"/o/{org.public_id}/assessments/start/confirm/" in mail.outbox[0].body
    assert "/accounts/notifications/" in mail.outbox[0].body


def test_no_reassessment_reminder_at_89_days(led_org):
    org, leader, version = led_org
    submitted(org, version, leader, days_ago=89)
    assert send_due(today=TODAY)[Kind.REASSESSMENT] == 0


def test_reassessment_interval_is_the_org_setting(led_org):
    org, leader, version = led_org
    org.reassess_after_days = 30
    org.save()
    submitted(org, version, leader, days_ago=30)
    assert send_due(today=TODAY)[Kind.REASSESSMENT] == 1


def test_no_reassessment_reminder_while_a_draft_is_open(led_org):
    org, leader, version = led_org
    submitted(org, version, leader, days_ago=120)
    AssessmentFactory(org=org, version=version, started_by=leader)
    assert send_due(today=TODAY)[Kind.REASSESSMENT] == 0


def test_reassessment_reminder_once_per_submission(led_org):
    org, leader, version = led_org
    submitted(org, version, leader, days_ago=100)
    assert send_due(today=TODAY)[Kind.REASSESSMENT] == 1
    assert send_due(today=TODAY + timedelta(days=10))[Kind.REASSESSMENT] == 0
    submitted(org, version, leader, days_ago=0)
    assert send_due(today=TODAY + timedelta(days=90))[Kind.REASSESSMENT] == 1


def test_opted_out_leader_gets_no_reassessment_reminder(led_org):
    org, leader, version = led_org
    NotificationPreference.objects.create(user=leader, reassessment_reminders=False)
    submitted(org, version, leader, days_ago=200)
    assert send_due(today=TODAY)[Kind.REASSESSMENT] == 0


def test_queries_per_batch_are_bounded(mini_version):
    """Fifty orgs due today, three people each, in batches of 20: the queries grow with the
    number of batches and emails, not with a query per person or org."""
    for _ in range(50):
        org = OrganizationFactory()
        leader = MembershipFactory(org=org, role=Membership.Role.LEADER).user
        MembershipFactory(org=org)
        MembershipFactory(org=org)
        AssessmentFactory(org=org, version=mini_version, started_by=leader, due_date=TODAY)
    with CaptureQueriesContext(connection) as queries:
        sent = send_due(today=TODAY, batch_size=20)
    emails = sent[Kind.ASSESSMENT_DUE]
    assert emails == 150
    batches = 150 // 20 + 1
    # Per batch: the page, the ledger insert, the read-back, and the transaction's savepoint
    # statements; per email: its task row (the immediate backend in tests sends it instead).
    per_batch = 6
    assert len(queries) <= batches * per_batch + 2 + 2  # + the empty pages of the other kinds
    with CaptureQueriesContext(connection) as again:
        assert sum(send_due(today=TODAY, batch_size=20).values()) == 0
    assert len(again) <= batches * per_batch + 2 + 2


def test_command_reports_what_it_queued(team, capsys):
    team(due=TODAY)
    call_command("send_due_notifications", "--today", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "Queued 2 notification(s)" in out
    assert "Assessment due date reminder: 2" in out


def test_command_refuses_a_malformed_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("send_due_notifications", "--today", "tomorrow")
