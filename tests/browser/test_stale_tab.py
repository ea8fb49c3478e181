"""Finding 5 of the security review (issue 11) in a real browser: one person with the
questionnaire open on a laptop and a phone (two browser contexts, so two sessions and two
localStorage queues). The laptop's page, loaded earlier, must not overwrite the phone's newer
answer, neither through autosave nor through "Save and continue"."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    choose,
    domain_path,
    expect_all_saved,
    expect_chosen,
    login,
    note_box,
    question_ids,
    stored_answers,
)

PHONE_NOTE = "Changed on the phone"


@pytest.fixture
def laptop(browser, base_url):
    context = browser.new_context(base_url=base_url)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def _is_autosave(response) -> bool:
    return response.url.endswith("/autosave/") and response.request.method == "POST"


def _open(page, team):
    login(page, team.member.email)
    page.goto(domain_path(team.assessment, "health"))
    expect_all_saved(page)


@pytest.mark.browser
def test_stale_laptop_save_and_continue_keeps_the_phones_newer_answer(laptop, phone, team):
    _open(laptop, team)
    q = question_ids(laptop)
    choose(laptop, q[0], 2)
    expect_all_saved(laptop)

    _open(phone, team)
    expect_chosen(phone, q[0], 2)
    choose(phone, q[0], 5)
    expect_all_saved(phone)
    # The note is sent after a pause in typing: wait for its save, not just an idle queue.
    with phone.expect_response(_is_autosave):
        note_box(phone, q[0]).fill(PHONE_NOTE)
    expect_all_saved(phone)
    assert stored_answers(team.assessment, team.member)[q[0]] == (5, PHONE_NOTE)

    # The laptop page, never reloaded, still shows Q1 = 2: it answers Q2 and saves the page.
    choose(laptop, q[1], 3)
    expect_all_saved(laptop)
    laptop.get_by_role("button", name="Save and continue").click()
    expect(laptop).not_to_have_url(f"**{domain_path(team.assessment, 'health')}")
    stored = stored_answers(team.assessment, team.member)
    assert stored[q[0]] == (5, PHONE_NOTE)
    assert stored[q[1]] == (3, "")


@pytest.mark.browser
def test_stale_laptop_autosave_shows_both_answers_and_keeps_the_newer(laptop, phone, team):
    _open(laptop, team)
    q = question_ids(laptop)
    choose(laptop, q[0], 2)
    expect_all_saved(laptop)

    _open(phone, team)
    choose(phone, q[0], 5)
    expect_all_saved(phone)
    # The note is sent after a pause in typing: wait for its save, not just an idle queue.
    with phone.expect_response(_is_autosave):
        note_box(phone, q[0]).fill(PHONE_NOTE)
    expect_all_saved(phone)

    # The laptop changes the same answer on top of what it last saw.
    choose(laptop, q[0], 4)
    mark = laptop.locator(f'[data-mark-for="{q[0]}"]')
    expect(mark).to_contain_text("Changed elsewhere. Saved answer kept: \u201cLevel 5")
    expect(mark).to_contain_text(PHONE_NOTE)
    expect(mark).to_contain_text("This page had: \u201cLevel 4")
    expect(laptop.locator("#save-problem")).to_contain_text("changed elsewhere")
    expect_chosen(laptop, q[0], 5)
    expect(note_box(laptop, q[0])).to_have_value(PHONE_NOTE)
    assert stored_answers(team.assessment, team.member)[q[0]] == (5, PHONE_NOTE)

    # Having seen both, choosing 4 again replaces the phone's answer.
    choose(laptop, q[0], 4)
    expect_all_saved(laptop)
    expect(mark).to_have_text("Saved")
    assert stored_answers(team.assessment, team.member)[q[0]] == (4, PHONE_NOTE)
