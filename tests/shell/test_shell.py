"""The app shell: org tabs on every org page, the org switcher, the account menu, the footer."""

import re
from uuid import UUID

import pytest
from django.urls import reverse

from assessment.models import Assessment
from orgs.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory
from tests.history.helpers import submit
from tests.html import main_of

TABS_RE = re.compile(r'<ul class="org-tabs">(.*?)</ul>', re.S)
TAB_RE = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')
SWITCHER_RE = re.compile(r'<details class="menu org-switcher"[^>]*>(.*?)</details>', re.S)


def tabs_of(html: str) -> list[tuple[str, str, bool]]:
    """(label, href, is current) for each org tab; [] when the page has none."""
    found = TABS_RE.search(html)
    if not found:
        return []
    return [(label, href, bool(cur)) for href, cur, label in TAB_RE.findall(found.group(1))]


def active_tabs(html: str) -> list[str]:
    return [label for label, _, current in tabs_of(html) if current]


@pytest.fixture
def org_pages(personas, mini_version):
    """Org A with one submitted result and an open draft: every org page has something to show."""
    result = submit(personas.org_a, mini_version, personas.leader_a, 3)
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    a = personas.org_a.public_id
    return {
        "Overview": [reverse("org_home", args=[a])],
        "Assessment": [
            reverse("assessment_domain", args=[a, draft.public_id, "alpha"]),
            reverse("assessment_review", args=[a, draft.public_id]),
        ],
        "Report": [reverse("assessment_result", args=[a, result.public_id])],
        "Plan": [reverse("org_plan", args=[a])],
        "History": [reverse("org_history", args=[a])],
        "Benchmark": [reverse("org_benchmark", args=[a])],
        "Team": [reverse("invitation_new", args=[a])],
        "Settings": [reverse("org_profile", args=[a])],
    }


def test_every_org_page_shows_the_tabs_with_the_right_one_current(org_pages, personas, client_for):
    client = client_for(personas.leader_a)
    for tab, urls in org_pages.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            labels = [label for label, _, _ in tabs_of(html)]
            assert labels == [
                "Overview",
                "Assessment",
                "Report",
                "Plan",
                "History",
                "Benchmark",
                "Team",
                "Settings",
            ], url
            assert active_tabs(html) == [tab], url


def test_every_tab_leads_to_a_page_of_the_same_org_that_answers(org_pages, personas, client_for):
    client = client_for(personas.leader_a)
    html = client.get(org_pages["Overview"][0]).content.decode()
    for label, href, _ in tabs_of(html):
        assert f"/o/{personas.org_a.public_id}/" in href, label
        response = client.get(href, follow=True)
        assert response.status_code == 200, label
        for hop, _ in response.redirect_chain:
            assert f"/o/{personas.org_a.public_id}/" in hop, label


def test_no_tab_points_to_another_org_even_for_someone_in_both(personas, client_for, mini_version):
    MembershipFactory(org=personas.org_b, user=personas.leader_a, role=Membership.Role.MEMBER)
    html = (
        client_for(personas.leader_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )
    hrefs = [href for _, href, _ in tabs_of(html)]
    assert hrefs and all(str(personas.org_a.public_id) in href for href in hrefs)
    assert not any(str(personas.org_b.public_id) in href for href in hrefs)


def test_a_member_gets_no_settings_tab_because_the_profile_page_refuses_them(personas, client_for):
    client = client_for(personas.member_a)
    html = client.get(reverse("org_home", args=[personas.org_a.public_id])).content.decode()
    labels = [label for label, _, _ in tabs_of(html)]
    assert "Settings" not in labels and "Overview" in labels
    for _, href, _ in tabs_of(html):
        assert client.get(href, follow=True).status_code == 200, href


def test_pages_outside_an_org_have_no_tabs(personas, client_for):
    assert tabs_of(client_for(personas.consultant_a).get(reverse("home")).content.decode()) == []
    assert tabs_of(client_for(personas.leader_a).get(reverse("org_new")).content.decode()) == []


def test_the_plan_tab_follows_the_report_tab(personas, client_for):
    html = (
        client_for(personas.leader_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )
    plan = [href for label, href, _ in tabs_of(html) if label == "Plan"]
    assert plan == [f"/o/{personas.org_a.public_id}/plan/"]
    labels = [label for label, _, _ in tabs_of(html)]
    assert labels.index("Plan") == labels.index("Report") + 1


# --- the tabs without a page of their own ----------------------------------------------------


def test_report_tab_opens_the_latest_result(personas, client_for, mini_version):
    submit(personas.org_a, mini_version, personas.leader_a, 2, days_ago=30)
    latest = submit(personas.org_a, mini_version, personas.leader_a, 3)
    response = client_for(personas.member_a).get(
        reverse("org_report", args=[personas.org_a.public_id])
    )
    assert response.status_code == 302
    assert response.url == reverse(
        "assessment_result", args=[personas.org_a.public_id, latest.public_id]
    )


def test_report_tab_without_a_result_says_so_and_points_to_the_next_step(personas, client_for):
    response = client_for(personas.leader_a).get(
        reverse("org_report", args=[personas.org_a.public_id])
    )
    assert response.status_code == 200
    body = main_of(response.content.decode())
    assert "No report yet" in body
    assert f'href="{reverse("org_home", args=[personas.org_a.public_id])}"' in body
    assert active_tabs(response.content.decode()) == ["Report"]


def test_assessment_tab_opens_the_draft_or_offers_to_start_one(personas, client_for, mini_version):
    url = reverse("org_assessment", args=[personas.org_a.public_id])
    client = client_for(personas.leader_a)
    body = main_of(client.get(url).content.decode())
    assert "No assessment is open" in body
    assert reverse("assessment_start", args=[personas.org_a.public_id]) in body
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse(
        "assessment_resume", args=[personas.org_a.public_id, draft.public_id]
    )


@pytest.mark.parametrize("name", ["org_report", "org_assessment"])
def test_tab_pages_hide_an_org_from_outsiders(name, personas, client_for):
    response = client_for(personas.outsider).get(reverse(name, args=[personas.org_a.public_id]))
    assert response.status_code == 404


# --- org switcher ---------------------------------------------------------------------------


def switcher_orgs(html: str) -> list[str]:
    found = SWITCHER_RE.search(html)
    if not found:
        return []
    ids = re.findall(r'href="/o/([0-9a-f-]+)/"', found.group(1))
    return [str(UUID(i)) for i in ids]


def test_switcher_lists_exactly_the_users_orgs(personas, client_for):
    MembershipFactory(org=personas.org_b, user=personas.leader_a, role=Membership.Role.MEMBER)
    third = OrganizationFactory(name="Charlie CS")
    html = (
        client_for(personas.leader_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )
    listed = switcher_orgs(html)
    assert sorted(listed) == sorted([str(personas.org_a.public_id), str(personas.org_b.public_id)])
    assert str(third.public_id) not in html
    current = SWITCHER_RE.search(html).group(1)
    assert f'href="/o/{personas.org_a.public_id}/" aria-current="page"' in current


def test_consultant_switcher_lists_only_assigned_clients(personas, client_for):
    other = OrganizationFactory(name="Delta CS")
    from tests.factories import AssignmentFactory

    AssignmentFactory(consultant=personas.consultant_a, org=other)
    html = (
        client_for(personas.consultant_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )
    assert sorted(switcher_orgs(html)) == sorted(
        [str(personas.org_a.public_id), str(other.public_id)]
    )
    assert str(personas.org_b.public_id) not in html


def test_someone_in_one_org_gets_no_switcher(personas, client_for):
    html = (
        client_for(personas.member_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )
    assert SWITCHER_RE.search(html) is None


# --- account menu and footer ----------------------------------------------------------------


def account_menu_links(html: str) -> list[tuple[str, str]]:
    menu = re.search(r'<details class="menu account-menu"[^>]*>(.*?)</details>', html, re.S).group(
        1
    )
    return [
        (label, href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', menu)
    ]


def test_account_menu_leads_to_account_settings_and_security_and_offers_log_out(
    personas, client_for
):
    html = (
        client_for(personas.leader_a)
        .get(reverse("org_home", args=[personas.org_a.public_id]))
        .content.decode()
    )
    links = account_menu_links(html)
    assert links[0] == ("Account settings", reverse("account_settings"))
    assert ("Security", reverse("mfa_index")) in links
    assert len({href for _, href in links}) == len(links)  # no two entries to the same page
    assert f'action="{reverse("account_logout")}"' in html


def test_footer_shows_the_version_and_the_contact_address(client, settings, db):
    settings.CONTACT_EMAIL = "help@example.org"
    html = client.get(reverse("account_login")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert "Stagewise 0.1.0" in footer
    assert 'href="mailto:help@example.org"' in footer
