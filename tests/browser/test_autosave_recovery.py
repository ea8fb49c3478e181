"""Autosave keeps answers in the browser when they cannot be sent: offline, or after the
session lapsed; they are sent once the connection or the login is back."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    choose,
    domain_path,
    expect_all_saved,
    expect_chosen,
    fill_login_form,
    log_out,
    login,
    option_id,
    pending_queue,
    question_ids,
    save_status,
    stored_answers,
)


def _is_autosave(response) -> bool:
    return response.url.endswith("/autosave/") and response.request.method == "POST"


@pytest.mark.browser
def test_offline_answer_is_queued_and_sent_on_reconnect(page, context, team):
    login(page, team.leader.email)
    page.goto(domain_path(team.assessment, "health"))
    expect_all_saved(page)
    q = question_ids(page)
    problem = page.locator("#save-problem")
    expect(problem).to_be_hidden()

    context.set_offline(True)
    choose(page, q[0], 5)
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("You seem to be offline")
    expect(problem.get_by_role("link", name="Log in again")).to_be_hidden()
    expect(save_status(page)).to_have_attribute("data-pending", "1")
    expect(save_status(page)).to_have_text("Offline: kept on this device")
    assert pending_queue(page)[str(q[0])]["value"] == str(option_id(q[0], 5))
    assert stored_answers(team.assessment, team.leader) == {}

    # Back online: the page retries (on the "online" event, or its 5 s timer at the latest).
    context.set_offline(False)
    expect_all_saved(page, timeout=10_000)
    expect(problem).to_be_hidden()
    assert pending_queue(page) == {}
    assert stored_answers(team.assessment, team.leader) == {q[0]: (5, "")}


@pytest.mark.browser
@pytest.mark.parametrize("status", [500, 503, 429])
def test_answer_refused_by_a_passing_server_fault_is_kept_and_sent_again(page, team, status):
    login(page, team.leader.email)
    page.goto(domain_path(team.assessment, "health"))
    expect_all_saved(page)
    q = question_ids(page)
    faults = []

    def fail_once(route):
        if not faults:
            faults.append(route.request.url)
            route.fulfill(status=status, content_type="text/html", body="<h1>Server error</h1>")
        else:
            route.continue_()

    page.route("**/autosave/", fail_once)
    choose(page, q[0], 4)
    problem = page.locator("#save-problem")
    expect(problem).to_contain_text("could not save just now")
    assert pending_queue(page)[str(q[0])]["value"] == str(option_id(q[0], 4))

    # The page's 5 s timer sends it again; this time the server takes it.
    expect_all_saved(page, timeout=10_000)
    expect(problem).to_be_hidden()
    assert len(faults) == 1
    assert pending_queue(page) == {}
    assert stored_answers(team.assessment, team.leader) == {q[0]: (4, "")}


@pytest.mark.browser
@pytest.mark.parametrize("lapse", ["session cookie cleared", "logged out in another tab"])
def test_answer_after_session_lapsed_is_kept_and_sent_after_login(
    page, context, team, live_server, lapse
):
    login(page, team.member.email)
    path = domain_path(team.assessment, "metrics")
    page.goto(path)
    q = question_ids(page)
    choose(page, q[0], 2)
    expect_all_saved(page)

    if lapse == "session cookie cleared":
        context.clear_cookies(name="sessionid")
    else:
        other = context.new_page()
        other.goto("/")
        log_out(other)
        expect(other).to_have_url(re.compile(r"/accounts/login/$"))
        other.close()

    with page.expect_response(_is_autosave) as lapsed:
        choose(page, q[1], 4)
    assert lapsed.value.status == 401
    problem = page.locator("#save-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("Your session has ended. Log in again")
    expect(problem.get_by_role("link", name="Log in again")).to_be_visible()
    expect(save_status(page)).to_have_attribute("data-pending", "1")
    assert pending_queue(page)[str(q[1])]["value"] == str(option_id(q[1], 4))
    assert stored_answers(team.assessment, team.member) == {q[0]: (2, "")}

    # "Log in again" leads to the login page, which returns to this domain page.
    problem.get_by_role("link", name="Log in again").click()
    page.wait_for_url("**/accounts/login/**")
    assert urlparse(page.url).path == "/accounts/login/"
    assert parse_qs(urlparse(page.url).query)["next"] == [path]
    fill_login_form(page, team.member.email)

    expect(page).to_have_url(live_server.url + path)
    expect_chosen(page, q[1], 4)
    expect_all_saved(page)
    expect(problem).to_be_hidden()
    assert pending_queue(page) == {}
    assert stored_answers(team.assessment, team.member) == {q[0]: (2, ""), q[1]: (4, "")}
