"""The domain page as a respondent uses it: the sticky progress header, the phone layout, the
per-question "Saved" mark and the number keys."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessment.services import AnswerInput, answers_save
from tests.browser.helpers import (
    DONT_KNOW,
    choose,
    domain_path,
    expect_all_saved,
    expect_chosen,
    login,
    note_box,
    question_ids,
    stored_answers,
)

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_on_a_phone_the_first_question_is_above_the_fold(new_context, team):
    page = new_context(viewport=PHONE).new_page()
    login(page, team.member.email)
    page.goto(domain_path(team.assessment, "segmentation"))
    expect_all_saved(page)

    first = page.locator("fieldset[data-question]").first.bounding_box()
    assert 0 < first["y"] < PHONE["height"] - 120, first  # its legend and first answer show
    # The domain list is one closed line, not a screenful of links.
    menu = page.locator("details.domain-menu")
    expect(menu).not_to_have_attribute("open", "")
    expect(menu.get_by_role("link", name="Journey, Onboarding & Playbooks")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Journey, Onboarding & Playbooks")).to_be_visible()


@pytest.mark.browser
def test_progress_header_stays_in_sight_and_says_the_save_state(page, team):
    login(page, team.leader.email)
    page.goto(domain_path(team.assessment, "journey"))
    expect_all_saved(page)
    header = page.locator("#q-header")
    expect(header).to_contain_text("Domain 2 of 8")
    expect(header).to_contain_text("0 of 40 answered")

    q = question_ids(page)
    choose(page, q[-1], 3)  # the last question, far down the page
    expect_all_saved(page)
    box = header.bounding_box()
    assert page.evaluate("window.scrollY") > 0
    assert 0 <= box["y"] <= 1, box
    expect(header).to_contain_text("1 of 40 answered")


@pytest.mark.browser
def test_saved_mark_shows_only_on_the_question_that_changed(page, team):
    login(page, team.leader.email)
    page.goto(domain_path(team.assessment, "segmentation"))
    expect_all_saved(page)
    q = question_ids(page)
    marks = [page.locator(f'[data-mark-for="{qid}"]') for qid in q]
    for mark in marks:
        expect(mark).to_have_text("")

    choose(page, q[1], 2)

    expect(marks[1]).to_have_text("Saved")
    for mark in marks[:1] + marks[2:]:
        expect(mark).to_have_text("")


@pytest.mark.browser
def test_number_keys_answer_the_focused_question_and_are_announced(page, team):
    login(page, team.leader.email)
    page.goto(domain_path(team.assessment, "segmentation"))
    expect_all_saved(page)
    q = question_ids(page)
    announce = page.locator("#key-announce")

    page.locator(f'fieldset[data-question="{q[0]}"] legend').click()  # focuses the question
    page.keyboard.press("4")
    expect_chosen(page, q[0], 4)
    anchor = " ".join(page.locator(f'label[for="q-{q[0]}-4"]').text_content().split())
    assert anchor.startswith("Level 4 ")
    expect(announce).to_have_text(f"Question 1: {anchor}, chosen.")
    expect_all_saved(page)

    # From the chosen radio: another level, then "Don't know" with D and with 0.
    page.keyboard.press("2")
    expect_chosen(page, q[0], 2)
    page.keyboard.press("d")
    expect_chosen(page, q[0], DONT_KNOW)
    expect(announce).to_have_text("Question 1: Don't know, chosen.")
    page.locator(f"#q-{q[1]}-1").focus()
    page.keyboard.press("0")
    expect_chosen(page, q[1], DONT_KNOW)
    expect(announce).to_contain_text("Question 2:")

    # Typing a note never picks an answer.
    note_box(page, q[0]).click()
    with page.expect_response(
        lambda r: r.url.endswith("/autosave/") and "dropped" in (r.request.post_data or "")
    ):
        page.keyboard.type("Q3 review: 5 of 12 accounts, 1 dropped")
    expect_all_saved(page)
    expect_chosen(page, q[0], DONT_KNOW)
    # Nor does a key with a modifier (a browser or screen-reader shortcut).
    page.locator(f"#q-{q[1]}-dk").focus()
    page.keyboard.press("Alt+3")
    expect_chosen(page, q[1], DONT_KNOW)

    expect_all_saved(page)
    assert stored_answers(team.assessment, team.leader) == {
        q[0]: (DONT_KNOW, "Q3 review: 5 of 12 accounts, 1 dropped"),
        q[1]: (DONT_KNOW, ""),
    }


@pytest.mark.browser
def test_without_javascript_submit_goes_through_the_confirmation_page(new_context, team):
    answers_save(
        assessment=team.assessment,
        respondent=team.leader,
        items=[
            AnswerInput(str(q.pk), str(q.options.get(level=3).pk))
            for d in team.version.domains.all()
            for q in d.questions.all()
        ],
    )
    page = new_context(java_script_enabled=False).new_page()
    login(page, team.leader.email)
    page.goto(reverse("assessment_review", args=[team.org.public_id, team.assessment.public_id]))

    page.get_by_role("link", name="Submit and see the result…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the assessment?")
    expect(page.get_by_role("main")).to_contain_text("40 answers, covering 40 of 40 questions")
    team.assessment.refresh_from_db()
    assert team.assessment.is_draft
    page.get_by_role("button", name="Submit and freeze the answers").click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    team.assessment.refresh_from_db()
    assert not team.assessment.is_draft
