"""The pages: notification settings, the due date, the rate-limited "Remind" button, the
re-assessment start confirmation and the org's re-assessment interval."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessment.models import Assessment
from notifications.models import NotificationPreference
from orgs.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def review_url(t):
    return reverse("assessment_review", args=[t.org.public_id, t.draft.public_id])


def test_settings_page_defaults_every_kind_on(client_for, team):
    t = team()
    page = client_for(t.member).get(reverse("account_notifications"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("checked") == 3
    assert "Weekly plan digest" in html


def test_settings_page_saves_an_opt_out(client_for, team):
    t = team()
    response = client_for(t.member).post(
        reverse("account_notifications"), {"weekly_digest": "on", "reassessment_reminders": "on"}
    )
    assert response.status_code == 302
    saved = NotificationPreference.objects.get(user=t.member)
    assert (saved.weekly_digest, saved.assessment_reminders, saved.reassessment_reminders) == (
        True,
        False,
        True,
    )


def test_leader_sets_a_due_date_on_the_review_page(client_for, team):
    t = team()
    due = timezone.localdate() + timedelta(days=10)
    client = client_for(t.leader)
    response = client.post(
        reverse("assessment_due_date", args=[t.org.public_id, t.draft.public_id]),
        {"due_date": due.isoformat()},
    )
    assert response.status_code == 302
    t.draft.refresh_from_db()
    assert t.draft.due_date == due
    assert "Due on" in client.get(review_url(t)).content.decode()


@pytest.mark.parametrize("value", ["2001-01-01", "not-a-date"])
def test_a_past_or_malformed_due_date_is_refused_and_changes_nothing(client_for, team, value):
    t = team()
    client = client_for(t.leader)
    response = client.post(
        reverse("assessment_due_date", args=[t.org.public_id, t.draft.public_id]),
        {"due_date": value},
        follow=True,
    )
    t.draft.refresh_from_db()
    assert t.draft.due_date is None
    text = response.content.decode()
    assert "later day" in text or "as a date" in text


def test_remind_queues_one_email_per_unfinished_respondent_then_holds_back_for_12_hours(
    client_for, team
):
    t = team()
    client = client_for(t.leader)
    url = reverse("assessment_remind", args=[t.org.public_id, t.draft.public_id])
    first = client.post(url, follow=True)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([t.leader.email, t.member.email])
    assert "Reminder sent to" in first.content.decode()
    assert "/accounts/notifications/" in mail.outbox[0].body
    mail.outbox.clear()
    second = client.post(url, follow=True)
    assert mail.outbox == []
    assert "reminded less than 12 hours ago" in second.content.decode()


def test_remind_skips_those_who_opted_out_and_says_so(client_for, team):
    t = team()
    NotificationPreference.objects.create(user=t.member, assessment_reminders=False)
    response = client_for(t.leader).post(
        reverse("assessment_remind", args=[t.org.public_id, t.draft.public_id]), follow=True
    )
    assert [m.to[0] for m in mail.outbox] == [t.leader.email]
    assert "turned assessment reminders off" in response.content.decode()


def test_start_link_shows_a_confirmation_and_starts_nothing(client_for, default_version):
    org = OrganizationFactory()
    leader = MembershipFactory(org=org, role=Membership.Role.LEADER).user
    client = client_for(leader)
    page = client.get(reverse("assessment_start_confirm", args=[org.public_id]))
    assert page.status_code == 200
    assert reverse("assessment_start", args=[org.public_id]) in page.content.decode()
    assert not Assessment.objects.filter(org=org).exists()
    client.post(reverse("assessment_start", args=[org.public_id]))
    assert Assessment.objects.filter(org=org, status=Assessment.Status.DRAFT).count() == 1


def test_start_confirmation_needs_csrf(mini_version, team):
    from django.test import Client

    t = team()
    client = Client(enforce_csrf_checks=True)
    client.force_login(t.leader)
    response = client.post(reverse("assessment_start", args=[t.org.public_id]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("value", "ok"), [("29", False), ("30", True), ("365", True), ("366", False)]
)
def test_reassessment_interval_is_edited_on_the_profile_within_30_to_365(
    client_for, team, value, ok
):
    t = team()
    response = client_for(t.leader).post(
        reverse("org_profile", args=[t.org.public_id]),
        {"name": t.org.name, "reassess_after_days": value},
    )
    t.org.refresh_from_db()
    assert (response.status_code == 302) is ok
    assert t.org.reassess_after_days == (int(value) if ok else 90)


def test_org_home_shows_the_drafts_due_date(client_for, team):
    t = team(due=timezone.localdate() + timedelta(days=5))
    page = client_for(t.member).get(reverse("org_home", args=[t.org.public_id]))
    assert f"Due <strong>{t.draft.due_date:%-d %b %Y}</strong>" in page.content.decode()


def test_account_menu_links_to_the_notification_settings(client_for, team):
    t = team()
    page = client_for(t.member).get(reverse("org_home", args=[t.org.public_id]))
    assert f'href="{reverse("account_notifications")}"' in page.content.decode()
