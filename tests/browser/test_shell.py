"""The top bar's menus in a real browser, and pages that never scroll sideways on a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import login
from tests.browser.test_report_and_portfolio import submit_everything

pytestmark = pytest.mark.browser


def test_account_menu_opens_closes_on_escape_and_on_a_click_elsewhere(page, team):
    login(page, team.leader.email)
    menu = page.locator("details.account-menu")
    summary = menu.locator("summary")
    summary.click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    expect(summary).to_be_focused()
    summary.click()
    page.locator("main h1").first.click()
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()


def test_org_tabs_mark_the_current_page_and_lead_to_each_section(page, team):
    login(page, team.leader.email)
    page.goto(reverse("org_history", args=[team.org.public_id]))
    tabs = page.get_by_role("navigation", name=team.org.name)
    expect(tabs.locator('[aria-current="page"]')).to_have_text("History")
    tabs.get_by_role("link", name="Benchmark").click()
    expect(page).to_have_url(f"{page.url.split('/o/')[0]}/o/{team.org.public_id}/benchmark/")
    expect(tabs.locator('[aria-current="page"]')).to_have_text("Benchmark")


def test_org_pages_do_not_scroll_sideways_on_a_phone(browser, base_url, team):
    result = submit_everything(team, lambda key: 2 + len(key) % 3)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base_url)
    phone = context.new_page()
    login(phone, team.leader.email)
    org = team.org.public_id
    pages = {
        "org_home": reverse("org_home", args=[org]),
        "report": reverse("assessment_result", args=[org, result.public_id]),
        "history": reverse("org_history", args=[org]),
        "benchmark": reverse("org_benchmark", args=[org]),
        "profile": reverse("org_profile", args=[org]),
    }
    for name, path in pages.items():
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} is {width} px wide"
    context.close()
