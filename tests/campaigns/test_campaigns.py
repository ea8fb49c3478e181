"""Campaigns: one questionnaire sent to many client orgs with a due date, followed to the end."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import Assessment
from campaigns import services
from campaigns.models import Campaign, CampaignOrg
from notifications import scheduler
from notifications.models import NotificationPreference
from orgs.models import ConsultantAssignment
from tests.campaigns.conftest import answer, finish, in_days
from tests.factories import AssessmentFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def start(client, ids, *, name="Spring round", due=None):
    return client.post(
        reverse("campaign_new"),
        {"name": name, "due_date": (due or in_days(14)).isoformat(), "org": ids},
    )


def test_starting_a_campaign_for_50_orgs_opens_a_draft_each_and_queues_one_email_per_leader(
    clients, client, current_version
):
    world = clients(50)
    # One client already has an open draft with its own due date: the campaign follows it.
    joined_org = world.orgs[7]
    own_due = in_days(30)
    existing = AssessmentFactory(
        org=joined_org,
        version=current_version,
        started_by=world.leaders[joined_org.pk],
        due_date=own_due,
    )
    client.force_login(world.consultant)

    response = start(client, world.ids, due=in_days(14))

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign_detail", args=[campaign.public_id])
    rows = list(campaign.rows.select_related("assessment"))
    assert len(rows) == 50
    assert {r.org_id for r in rows} == {o.pk for o in world.orgs}
    joined = [r for r in rows if r.start == CampaignOrg.Start.JOINED]
    assert [r.assessment_id for r in joined] == [existing.pk]
    assert joined[0].assessment.due_date == own_due  # its own due date is kept
    started = [r.assessment for r in rows if r.start == CampaignOrg.Start.STARTED]
    assert len(started) == 49
    assert {a.due_date for a in started} == {in_days(14)}
    assert all(a.is_draft and a.started_by == world.consultant for a in started)
    assert Assessment.objects.filter(status="draft").count() == 50

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in world.leaders.values())
    first = next(m for m in mail.outbox if m.to == [world.leaders[world.orgs[0].pk].email])
    draft = campaign.rows.get(org=world.orgs[0]).assessment
    assert "Client 000" in first.subject
    assert f"/o/{world.orgs[0].public_id}/a/{draft.public_id}/" in first.body

    page = client.get(response["Location"]).content.decode()
    assert "Joined the assessment already open" in page
    assert page.count("Not started") == 50  # one badge per row


def test_the_campaign_page_shows_each_orgs_state_and_respondents_progress(clients, client):
    world = clients(4)
    client.force_login(world.consultant)
    start(client, world.ids)
    campaign = Campaign.objects.get()
    drafts = {r.org_id: r.assessment for r in campaign.rows.select_related("assessment")}
    a, b, c, _ = world.orgs
    finish(drafts[a.pk], world.leaders[a.pk])  # submitted
    answer(drafts[b.pk], world.leaders[b.pk])  # leader done, member not: 6 of 12 answers
    answer(drafts[c.pk], world.members[c.pk], count=3)  # 3 of 12

    progress = {p.row.org_id: p for p in services.campaign_progress(campaign).orgs}

    assert [progress[o.pk].label for o in world.orgs] == [
        "Submitted",
        "In progress 50%",
        "In progress 25%",
        "Not started",
    ]
    assert (progress[b.pk].finished, progress[b.pk].started, progress[b.pk].members) == (1, 1, 2)
    assert (progress[c.pk].finished, progress[c.pk].started) == (0, 1)
    page = client.get(reverse("campaign_detail", args=[campaign.public_id])).content.decode()
    assert "In progress 50%" in page and "1 of 2 finished" in page
    # One submitted org is not enough to compare.
    assert reverse("compare") not in page


def _campaign_page_queries(clients, client, n: int) -> int:
    world = clients(n)
    client.force_login(world.consultant)
    start(client, world.ids)
    campaign = Campaign.objects.latest("id")
    rows = list(campaign.rows.select_related("assessment").order_by("id"))
    finish(rows[0].assessment, world.leaders[rows[0].org_id])
    finish(rows[1].assessment, world.leaders[rows[1].org_id])
    answer(rows[2].assessment, world.members[rows[2].org_id], count=2)
    url = reverse("campaign_detail", args=[campaign.public_id])
    client.get(url)  # warm caches (content types, session) the way a second visit would be
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


CAMPAIGN_PAGE_QUERIES = 9


def test_the_campaign_page_runs_the_same_fixed_number_of_queries_for_5_and_50_orgs(clients, client):
    small = _campaign_page_queries(clients, client, 5)
    large = _campaign_page_queries(clients, client, 50)
    assert small == large == CAMPAIGN_PAGE_QUERIES


def test_the_due_date_drives_the_existing_reminders_3_days_before_and_on_the_day(clients, client):
    world = clients(50)
    client.force_login(world.consultant)
    due = in_days(14)
    start(client, world.ids, due=due)
    campaign = Campaign.objects.get()
    rows = list(campaign.rows.select_related("assessment"))
    finish(rows[0].assessment, world.leaders[rows[0].org_id])  # a submitted org: nobody reminded
    answer(rows[1].assessment, world.leaders[rows[1].org_id])  # its leader has finished
    mail.outbox.clear()

    sent = scheduler.send_due(today=due - datetime.timedelta(days=3))

    expected = {u.email for u in world.leaders.values()} | {u.email for u in world.members.values()}
    expected -= {world.leaders[rows[0].org_id].email, world.members[rows[0].org_id].email}
    expected -= {world.leaders[rows[1].org_id].email}
    assert sent[scheduler.Kind.ASSESSMENT_DUE] == len(expected) == 97
    assert {m.to[0] for m in mail.outbox} == expected
    assert all("due in 3 days" in m.subject for m in mail.outbox)

    mail.outbox.clear()
    assert (
        scheduler.send_due(today=due - datetime.timedelta(days=3))[scheduler.Kind.ASSESSMENT_DUE]
        == 0
    )  # the ledger: once per period
    assert scheduler.send_due(today=due)[scheduler.Kind.ASSESSMENT_DUE] == 97
    assert all("due today" in m.subject for m in mail.outbox)


def test_remind_all_reminds_every_unfinished_respondent_once_in_12_hours(clients, client):
    world = clients(50)
    client.force_login(world.consultant)
    start(client, world.ids)
    campaign = Campaign.objects.get()
    rows = list(campaign.rows.select_related("assessment"))
    finish(rows[0].assessment, world.leaders[rows[0].org_id])
    answer(rows[1].assessment, world.leaders[rows[1].org_id])
    NotificationPreference.objects.create(
        user=world.members[rows[2].org_id], assessment_reminders=False
    )
    mail.outbox.clear()
    url = reverse("campaign_remind", args=[campaign.public_id])

    response = client.post(url, follow=True)

    assert len(mail.outbox) == 96  # 49 open drafts × 2, less one finished, less one opted out
    assert all(m.subject.startswith("Reminder: please finish") for m in mail.outbox)
    assert "Reminders queued for 96 respondents in 49 organizations" in response.content.decode()
    assert "1 turned assessment reminders off" in response.content.decode()

    mail.outbox.clear()
    again = client.post(url, follow=True).content.decode()
    assert mail.outbox == []
    assert "Reminders queued for 0 respondents" in again
    assert "96 were reminded in the last 12 hours" in again


def test_when_orgs_submit_the_page_links_to_comparisons_of_at_most_12_submitted_orgs(
    clients, client
):
    world = clients(50)
    client.force_login(world.consultant)
    start(client, world.ids)
    campaign = Campaign.objects.get()
    rows = list(campaign.rows.select_related("assessment", "org").order_by("org__name"))
    for row in rows[:25]:
        finish(row.assessment, world.leaders[row.org_id])

    groups = services.campaign_progress(campaign).compare_groups()

    assert [len(g) for g in groups] == [12, 12, 2]
    assert {p.row.org_id for g in groups for p in g} == {r.org_id for r in rows[:25]}
    page = client.get(reverse("campaign_detail", args=[campaign.public_id])).content.decode()
    assert page.count(reverse("compare") + "?org=") == 3

    for row in rows[25:]:
        finish(row.assessment, world.leaders[row.org_id])
    page = client.get(reverse("campaign_detail", args=[campaign.public_id])).content.decode()
    assert "Every organization has submitted" in page
    assert "Remind all who have not finished" not in page
    hrefs = [h.split('"')[0] for h in page.split('href="')[1:] if h.startswith("/compare/?")]
    assert len(hrefs) == 5  # 50 orgs: 12 + 12 + 12 + 12 + 2
    ids = parse_qs(urlparse(hrefs[0].replace("&amp;", "&")).query)["org"]
    assert len(ids) == 12
    compare = client.get(hrefs[0].replace("&amp;", "&"))
    assert compare.status_code == 200
    assert rows[0].org.name in compare.content.decode()


def test_the_campaigns_list_shows_the_consultants_own_campaigns_with_their_progress(
    clients, client
):
    world = clients(3)
    other = clients(2)
    client.force_login(world.consultant)
    start(client, world.ids, name="Mine")
    finish(Campaign.objects.get().rows.first().assessment, world.leaders[world.orgs[0].pk])
    client.force_login(other.consultant)
    start(client, other.ids, name="Theirs")
    client.force_login(world.consultant)

    page = client.get(reverse("campaign_list")).content.decode()

    assert "Mine" in page and "1 of 3" in page
    assert "Theirs" not in page
    assert reverse("campaign_list") in client.get(reverse("home")).content.decode()


def _nothing_changed(before_assessments: int) -> None:
    assert Campaign.objects.count() == 0
    assert CampaignOrg.objects.count() == 0
    assert Assessment.objects.count() == before_assessments
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"org": []}, services.NO_ORGS),
        ({"due_date": "yesterday"}, services.DUE_IN_PAST),
        ({"due_date": ""}, services.DUE_MISSING),
        ({"due_date": "31/12/2030"}, "Enter the due date as a date"),
        ({"name": "   "}, services.NAME_MISSING),
        ({"name": "x" * 121}, services.NAME_TOO_LONG),
    ],
    ids=["no-orgs", "past-due-date", "no-due-date", "malformed-date", "no-name", "long-name"],
)
def test_bad_campaign_input_is_refused_with_a_message_and_changes_nothing(
    clients, client, form, message
):
    world = clients(3)
    client.force_login(world.consultant)
    data = {"name": "Round", "due_date": in_days(7).isoformat(), "org": world.ids} | form
    if data["due_date"] == "yesterday":
        data["due_date"] = in_days(-1).isoformat()

    response = client.post(reverse("campaign_new"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    _nothing_changed(0)


def test_an_org_that_is_not_the_consultants_client_gets_a_404_and_changes_nothing(clients, client):
    world = clients(3)
    stranger = OrganizationFactory(name="Not A Client")
    client.force_login(world.consultant)

    for ids in (world.ids + [str(stranger.public_id)], world.ids + ["not-a-uuid"]):
        response = start(client, ids)
        assert response.status_code == 404
    _nothing_changed(0)


def test_more_than_200_orgs_are_refused(clients, client):
    world = clients(1)
    client.force_login(world.consultant)
    ids = world.ids * 1 + [str(OrganizationFactory().public_id) for _ in range(200)]

    response = start(client, ids)

    assert response.status_code == 400
    assert services.TOO_MANY_ORGS in response.content.decode()
    _nothing_changed(0)


def test_a_start_that_races_another_start_for_an_org_writes_nothing(clients, monkeypatch):
    world = clients(3)
    real = Assessment.objects.bulk_create

    def racing(objs, *args, **kwargs):
        # Another request opens a draft in the first org after this one looked for drafts.
        Assessment.objects.create(
            org=objs[0].org, version=objs[0].version, started_by=world.leaders[objs[0].org.pk]
        )
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(Assessment.objects, "bulk_create", racing)
    with pytest.raises(services.CampaignError, match="try again"):
        services.campaign_start(
            by=world.consultant, name="Race", org_ids=world.ids, due_date=in_days(3)
        )
    _nothing_changed(0)


def test_a_client_that_revoked_the_consultant_shows_no_progress_reminders_or_comparison(
    clients, client
):
    world = clients(3)
    client.force_login(world.consultant)
    start(client, world.ids)
    campaign = Campaign.objects.get()
    drafts = {r.org_id: r.assessment for r in campaign.rows.select_related("assessment")}
    gone, done, open_ = world.orgs
    finish(drafts[gone.pk], world.leaders[gone.pk])
    finish(drafts[done.pk], world.leaders[done.pk])
    answer(drafts[open_.pk], world.members[open_.pk], count=1)
    ConsultantAssignment.objects.filter(org=gone).delete()
    mail.outbox.clear()

    progress = services.campaign_progress(campaign)
    page = client.get(reverse("campaign_detail", args=[campaign.public_id])).content.decode()
    client.post(reverse("campaign_remind", args=[campaign.public_id]))

    assert [p.label for p in progress.orgs][0] == "No longer your client"
    assert progress.compare_groups() == []  # one submitted org left that may be compared
    assert str(gone.public_id) not in page
    assert {m.to[0] for m in mail.outbox} == {
        world.leaders[open_.pk].email,
        world.members[open_.pk].email,
    }


def test_markup_in_a_campaign_or_org_name_is_shown_as_text(clients, client):
    world = clients(2)
    hostile = '<img src=x onerror="alert(1)">'
    world.orgs[0].name = hostile
    world.orgs[0].save()
    client.force_login(world.consultant)
    start(client, world.ids, name=hostile)
    campaign = Campaign.objects.get()

    for url in (
        reverse("campaign_list"),
        reverse("campaign_detail", args=[campaign.public_id]),
        reverse("campaign_new"),
    ):
        page = client.get(url).content.decode()
        assert hostile not in page, url
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page, url
