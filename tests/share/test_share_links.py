"""Share links (assessment/sharing.py, assessment/views/share.py): made by a leader or the
org's consultant, shown once, stored as a hash, opened without login while live, counted,
revocable, 404 once expired, revoked or tampered with; names and notes hidden unless chosen."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import sharing
from assessment.models import Assessment, ShareLink
from orgs import ratelimits
from tests.branding.helpers import firm_for
from tests.report.conftest import (
    LEADER_ANSWERS,
    LEADER_NOTE,
    MEMBER_ANSWERS,
    submitted_assessment,
    url,
)


@pytest.fixture
def result(personas, mini_version) -> Assessment:
    people = {personas.leader_a: LEADER_ANSWERS, personas.member_a: MEMBER_ANSWERS}
    notes = {personas.leader_a: {"alpha-q1": LEADER_NOTE}}
    return submitted_assessment(personas.org_a, mini_version, personas.leader_a, people, notes)


def names_of(personas) -> list[str]:
    return [
        personas.leader_a.get_full_name() or personas.leader_a.email,
        personas.member_a.get_full_name() or personas.member_a.email,
    ]


def create(client, assessment, **data) -> str:
    """POST the form, follow to the list and return the link it shows once."""
    response = client.post(url("share_links", assessment), {"days": 30} | data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    return re.search(r'value="(http://testserver/s/[^"]+/)"', page).group(1)


def path_of(link_url: str) -> str:
    return link_url.removeprefix("http://testserver")


@pytest.mark.parametrize("who", ["leader_a", "consultant_a"])
def test_a_leader_or_the_consultant_creates_a_link_shown_once_and_stored_hashed(
    personas, client_for, result, who
):
    client = client_for(getattr(personas, who))
    link_url = create(client, result)
    token = path_of(link_url).split("/")[2]
    assert len(token) >= 43  # 32 random bytes
    link = ShareLink.objects.get()
    assert link.token_hash == sharing.token_hash(token) and token not in link.token_hash
    assert link.created_by == getattr(personas, who)
    assert timedelta(days=29, hours=23) < link.expires_at - link.created_at <= timedelta(days=30)
    assert not link.show_people
    again = client.get(url("share_links", result)).content.decode()
    assert token not in again and "/s/" not in again  # shown once only


@pytest.mark.parametrize("who", ["member_a", "staff"])
def test_members_and_staff_may_not_share(personas, client_for, result, who):
    client = client_for(getattr(personas, who))
    assert client.get(url("share_links", result)).status_code == 403
    assert client.post(url("share_links", result), {"days": 30}).status_code == 403
    assert not ShareLink.objects.exists()


def test_a_draft_cannot_be_shared(personas, client_for, mini_version):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    client = client_for(personas.leader_a)
    assert client.post(url("share_links", draft), {"days": 30}).status_code == 404
    with pytest.raises(sharing.ShareError):
        sharing.share_link_create(assessment=draft, by=personas.leader_a)


def test_an_expiry_outside_the_offered_choices_is_refused(personas, client_for, result):
    response = client_for(personas.leader_a).post(url("share_links", result), {"days": 3650})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_shared_page_opens_without_login_hidden_from_robots_and_counted(
    personas, client_for, client, result
):
    link_url = create(client_for(personas.leader_a), result, days=7)
    client.logout()
    response = client.get(path_of(link_url))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert personas.org_a.name in body
    client.get(path_of(link_url))
    link = ShareLink.objects.get()
    assert link.view_count == 2 and link.last_viewed_at is not None
    assert timedelta(days=6, hours=23) < link.expires_at - link.created_at <= timedelta(days=7)


def test_names_and_notes_are_hidden_unless_chosen(personas, client_for, client, result):
    owner = client_for(personas.leader_a)
    hidden_url, shown_url = create(owner, result), create(owner, result, show_people="on")
    owner.logout()
    hidden = client.get(path_of(hidden_url)).content.decode()
    for name in names_of(personas):
        assert name not in hidden
    assert "Respondent 1" in hidden and "Respondent 2" in hidden
    assert "renewal playbook" not in hidden
    assert personas.leader_a.email not in hidden and personas.member_a.email not in hidden
    shown = client.get(path_of(shown_url)).content.decode()
    assert all(name in shown for name in names_of(personas))
    assert "renewal playbook" in shown
    # Nothing was changed on the stored result by hiding.
    result.refresh_from_db()
    assert {r["name"] for r in result.snapshot["respondents"]} == set(names_of(personas))


def test_expired_revoked_and_tampered_links_are_all_404(personas, client_for, client, result):
    owner = client_for(personas.leader_a)
    expired_url, revoked_url = create(owner, result), create(owner, result)
    live_url = create(owner, result)
    expired, revoked, _ = sorted(ShareLink.objects.all(), key=lambda link: link.pk)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoke = reverse("share_link_revoke", args=[result.org.public_id, result.public_id, revoked.pk])
    assert owner.post(revoke).status_code == 302
    owner.logout()
    live = path_of(live_url)
    tampered = live[:-3] + ("A" if live[-3] != "A" else "B") + live[-2:]
    for path in (path_of(expired_url), path_of(revoked_url), tampered, "/s/not-a-token/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(live).status_code == 200
    assert ShareLink.objects.get(pk=expired.pk).view_count == 0


def test_the_owner_sees_every_link_with_its_views_and_state(personas, client_for, client, result):
    owner = client_for(personas.consultant_a)
    first = create(owner, result)
    create(owner, result, days=90)
    client.get(path_of(first))
    ShareLink.objects.filter(pk=ShareLink.objects.order_by("pk").last().pk).update(
        revoked_at=timezone.now()
    )
    page = owner.get(url("share_links", result)).content.decode()
    assert page.count("<tr") == 3  # header and two links
    assert "Revoked" in page and page.count(">Revoke</button>") == 1
    assert '<td class="text-end">1</td>' in page


def test_a_link_of_another_report_cannot_be_revoked_through_this_one(
    personas, client_for, result, mini_version
):
    other = submitted_assessment(
        personas.org_a, mini_version, personas.leader_a, {personas.leader_a: LEADER_ANSWERS}
    )
    link, _ = sharing.share_link_create(assessment=other, by=personas.leader_a)
    revoke = reverse("share_link_revoke", args=[result.org.public_id, result.public_id, link.pk])
    assert client_for(personas.leader_a).post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_views_are_limited_per_address(personas, result, client):
    _, token = sharing.share_link_create(assessment=result, by=personas.leader_a)
    page = reverse("share_view", args=[token])
    amount = ratelimits.SHARE_VIEWS_PER_ADDRESS.amount
    statuses = [client.get(page).status_code for _ in range(amount)]
    assert statuses == [200] * amount
    limited = client.get(page)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited["X-Robots-Tag"] == "noindex, nofollow"
    # Wrong tokens from the same address are turned away by the same count.
    assert client.get(reverse("share_view", args=["guess"])).status_code == 429
    other_address = client.get(page, REMOTE_ADDR="192.0.2.9")
    assert other_address.status_code == 200
    assert ShareLink.objects.get().view_count == amount + 1


def test_views_are_limited_per_link_across_addresses(personas, result, client, monkeypatch):
    monkeypatch.setattr(
        ratelimits, "SHARE_VIEWS_PER_LINK", ratelimits.Limit("share-link-test", 3, 3600)
    )
    _, token = sharing.share_link_create(assessment=result, by=personas.leader_a)
    _, other_token = sharing.share_link_create(assessment=result, by=personas.leader_a)
    page = reverse("share_view", args=[token])
    statuses = [client.get(page, REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(reverse("share_view", args=[other_token])).status_code == 200


def test_link_creation_is_limited_per_user(personas, client_for, result, monkeypatch):
    monkeypatch.setattr(
        ratelimits, "SHARE_LINKS_PER_USER", ratelimits.Limit("share-create-test", 2, 3600)
    )
    client = client_for(personas.leader_a)
    statuses = [client.post(url("share_links", result), {"days": 30}).status_code for _ in "abc"]
    assert statuses == [302, 302, 429]
    assert ShareLink.objects.count() == 2


def test_the_share_page_carries_the_consultants_firm(personas, client, result):
    firm_for(personas.consultant_a)
    _, token = sharing.share_link_create(assessment=result, by=personas.leader_a)
    body = client.get(reverse("share_view", args=[token])).content.decode()
    assert "Prepared by</span> Northwind Advisory" in body
    assert 'src="data:image/png;base64,' in body and 'href="/brand/1d4e89.css"' in body


def test_a_report_without_a_consultant_is_shared_under_stagewise(personas, client, mini_version):
    result_b = submitted_assessment(
        personas.org_b, mini_version, personas.leader_b, {personas.leader_b: LEADER_ANSWERS}
    )
    _, token = sharing.share_link_create(assessment=result_b, by=personas.leader_b)
    body = client.get(reverse("share_view", args=[token])).content.decode()
    assert '<span class="brand-name">Stagewise</span>' in body
    assert "Prepared by" not in body


def test_the_report_page_offers_sharing_only_to_those_who_may(personas, client_for, result):
    share = url("share_links", result)
    for who, offered in [("leader_a", True), ("consultant_a", True), ("member_a", False)]:
        body = client_for(getattr(personas, who)).get(url("assessment_result", result))
        assert (share in body.content.decode()) is offered, who
