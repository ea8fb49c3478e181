"""The questionnaire as people use it: sign up, invite, answer (with and without JavaScript),
review and submit. Autosave's recovery paths (offline, lapsed session) are in
test_autosave_recovery.py."""

import re
from urllib.parse import parse_qs

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from assessment.models import Assessment
from assessment.scoring import STAGE_NAMES, phase_of
from assessment.services import NOT_A_DRAFT, AnswerInput, answers_save
from orgs.models import Membership, Organization
from tests.browser.helpers import (
    DONT_KNOW,
    PASSWORD,
    choose,
    chosen_answers,
    confirm_link,
    domain_path,
    expect_all_saved,
    expect_chosen,
    invitation_link,
    login,
    note_box,
    option_id,
    pending_queue,
    question_ids,
    save_status,
    stored_answers,
)

ORG_HOME = re.compile(r"/o/[0-9a-f-]{36}/$")
SEGMENTATION = "Segmentation & Coverage"
JOURNEY = "Journey, Onboarding & Playbooks"


def _is_autosave_with_note(response, note: str) -> bool:
    if not response.url.endswith("/autosave/") or response.request.method != "POST":
        return False
    return parse_qs(response.request.post_data or "").get("note") == [note]


def _is_autosave(response) -> bool:
    return response.url.endswith("/autosave/") and response.request.method == "POST"


@pytest.mark.browser
def test_leader_signs_up_starts_and_invites_a_member_who_joins_and_answers(
    page, new_context, live_server
):
    # The CS leader creates an account and an organization.
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Lea Leader")
    page.get_by_label("Work email").fill("Lea@Acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I lead a Customer Success team").check()
    page.get_by_label("Organization name").fill("Acme Success")
    page.get_by_role("button", name="Create account").click()

    # Nothing opens until the address is confirmed through the mailed link.
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    confirmation = mail.outbox.pop()
    assert confirmation.to == ["lea@acme.test"]
    page.goto(confirm_link(confirmation.body, live_server.url))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(ORG_HOME)
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Success")
    expect(page.get_by_text("You: Leader")).to_be_visible()
    org = Organization.objects.get(name="Acme Success")
    leader = get_user_model().objects.get(email="lea@acme.test")
    assert org.memberships.get().user == leader
    assert org.memberships.get().role == Membership.Role.LEADER

    # Start the assessment: the first domain page opens.
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEGMENTATION)
    expect(page.get_by_text("Assessment started.")).to_be_visible()
    assessment = Assessment.objects.get(org=org)
    assert assessment.is_draft and assessment.started_by == leader

    # Back on the org home, invite a colleague as a member.
    page.get_by_role("link", name="Acme Success").first.click()
    expect(page).to_have_url(f"{live_server.url}/o/{org.public_id}/")
    page.get_by_label("Invite by email").fill("max@acme.test")
    page.get_by_label("Role").select_option("member")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to max@acme.test.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="max@acme.test")).to_contain_text("Member")

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["max@acme.test"]
    assert "Acme Success" in email.subject
    link = invitation_link(email.body, live_server.url)

    # The colleague opens the link in their own browser and creates an account from it.
    member_page = new_context().new_page()
    member_page.goto(link)
    expect(member_page.get_by_role("heading", level=1)).to_have_text("Join Acme Success")
    email_field = member_page.get_by_label("Work email")
    expect(email_field).to_have_value("max@acme.test")
    expect(email_field).to_be_disabled()
    member_page.get_by_label("Your name").fill("Max Member")
    member_page.get_by_label("Password").fill(PASSWORD)
    member_page.get_by_role("button", name="Create account and join").click()

    expect(member_page).to_have_url(f"{live_server.url}/o/{org.public_id}/")
    expect(member_page.get_by_text("You joined Acme Success.")).to_be_visible()
    expect(member_page.get_by_role("heading", level=1)).to_have_text("Acme Success")
    expect(member_page.get_by_text("You: Member")).to_be_visible()
    member = get_user_model().objects.get(email="max@acme.test")
    assert org.memberships.get(user=member).role == Membership.Role.MEMBER

    # ...and continues answering the open assessment.
    member_page.get_by_role("link", name="Continue answering").click()
    expect(member_page.get_by_role("heading", level=1)).to_have_text(SEGMENTATION)
    first = question_ids(member_page)[0]
    choose(member_page, first, 2)
    expect_all_saved(member_page)
    expect_chosen(member_page, first, 2)
    assert stored_answers(assessment, member) == {first: (2, "")}
    assert stored_answers(assessment, leader) == {}

    # The leader's org home now shows the member's progress.
    page.reload()
    expect(page.get_by_label("max@acme.test: 1 of 40 answered")).to_be_visible()
    expect(page.get_by_label("lea@acme.test: 0 of 40 answered")).to_be_visible()


@pytest.mark.browser
def test_answers_autosave_and_survive_a_reload(page, new_context, team):
    note = "Tiers live in the CRM; see the Q3 account review deck."

    login(page, team.leader.email)
    page.get_by_role("link", name="Continue answering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEGMENTATION)
    expect_all_saved(page)
    q = question_ids(page)
    assert len(q) == 5

    choose(page, q[0], 4)
    choose(page, q[1], 2)
    choose(page, q[2], DONT_KNOW)
    expect_all_saved(page)
    # The note is saved after a short pause in typing; wait for the request that carries it.
    with page.expect_response(lambda r: _is_autosave_with_note(r, note)) as saved:
        note_box(page, q[0]).press_sequentially(note)
    assert saved.value.ok
    expect_all_saved(page)
    expect(page.locator(f'[data-mark-for="{q[0]}"]')).to_have_text("Saved")
    expect(page.locator("#progress-count")).to_have_text("3")
    expect(page.locator('[data-domain-count="segmentation"]')).to_have_text("3/5")

    # Mid-way, reload: everything chosen comes back from the server.
    page.reload()
    expect_chosen(page, q[0], 4)
    expect_chosen(page, q[1], 2)
    expect_chosen(page, q[2], DONT_KNOW)
    expect(note_box(page, q[0])).to_have_value(note)
    expect(page.locator(f'input[name="q-{q[3]}"]:checked')).to_have_count(0)
    expect(page.locator("#progress-count")).to_have_text("3")
    expect_all_saved(page)

    # ...and carry on, on this page and the next domain.
    choose(page, q[3], 1)
    expect_all_saved(page)
    page.get_by_role("navigation", name="Domains").get_by_role("link", name=JOURNEY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(JOURNEY)
    j = question_ids(page)
    choose(page, j[0], 3)
    expect_all_saved(page)
    expect(page.locator("#progress-count")).to_have_text("5")

    # The member answers from their own seat and sees none of the leader's answers.
    member_page = new_context().new_page()
    login(member_page, team.member.email)
    member_page.goto(domain_path(team.assessment, "segmentation"))
    expect(member_page.locator("input[type=radio]:checked")).to_have_count(0)
    expect(note_box(member_page, q[0])).to_have_value("")
    choose(member_page, q[0], 2)
    choose(member_page, q[1], 5)
    expect_all_saved(member_page)
    member_page.reload()
    expect_chosen(member_page, q[0], 2)
    expect_chosen(member_page, q[1], 5)

    assert stored_answers(team.assessment, team.leader) == {
        q[0]: (4, note),
        q[1]: (2, ""),
        q[2]: (DONT_KNOW, ""),
        q[3]: (1, ""),
        j[0]: (3, ""),
    }
    assert stored_answers(team.assessment, team.member) == {q[0]: (2, ""), q[1]: (5, "")}


@pytest.mark.browser
def test_plain_form_post_without_javascript(new_context, team, live_server):
    page = new_context(java_script_enabled=False).new_page()
    login(page, team.member.email)
    page.get_by_role("link", name="Continue answering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEGMENTATION)
    # No script ran: the autosave status stays empty.
    expect(save_status(page)).to_have_text("")
    q = question_ids(page)

    choose(page, q[0], 2)
    choose(page, q[1], 3)
    choose(page, q[2], DONT_KNOW)
    note_box(page, q[1]).fill("Written engagement model, not yet followed everywhere.")
    assert stored_answers(team.assessment, team.member) == {}  # nothing sent before the post
    page.get_by_role("button", name=f"Save and continue: {JOURNEY}").click()

    expect(page).to_have_url(live_server.url + domain_path(team.assessment, "journey"))
    expect(page.get_by_role("heading", level=1)).to_have_text(JOURNEY)
    expect(page.locator('[data-domain-count="segmentation"]')).to_have_text("3/5")
    assert chosen_answers(team.assessment, team.member) == {
        q[0]: (2, ""),
        q[1]: (3, "Written engagement model, not yet followed everywhere."),
        q[2]: (DONT_KNOW, ""),
    }
    # The questions left blank are stored (if at all) without a choice or a note.
    assert set(stored_answers(team.assessment, team.member)) <= set(q)

    # Answer on the second page and go back: both pages' answers are stored and shown.
    j = question_ids(page)
    choose(page, j[0], 5)
    page.get_by_role("button", name=f"Back: {SEGMENTATION}").click()
    expect(page).to_have_url(live_server.url + domain_path(team.assessment, "segmentation"))
    expect_chosen(page, q[0], 2)
    expect_chosen(page, q[1], 3)
    expect_chosen(page, q[2], DONT_KNOW)
    expect(note_box(page, q[1])).to_have_value(
        "Written engagement model, not yet followed everywhere."
    )
    assert chosen_answers(team.assessment, team.member) == {
        q[0]: (2, ""),
        q[1]: (3, "Written engagement model, not yet followed everywhere."),
        q[2]: (DONT_KNOW, ""),
        j[0]: (5, ""),
    }


def _answer_rest_through_services(assessment, person, level: int) -> None:
    """Fill every question this person has not answered yet (keeps the suite fast)."""
    answered = set(stored_answers(assessment, person))
    items = [
        AnswerInput(str(question.pk), str(option_id(question.pk, level)))
        for domain in assessment.version.domains.all()
        for question in domain.questions.all()
        if question.pk not in answered
    ]
    answers_save(assessment=assessment, respondent=person, items=items)


@pytest.mark.browser
def test_leader_reviews_and_submits_then_answers_are_frozen(page, context, team, live_server):
    journey = team.version.domains.get(key="journey").questions.order_by("position")
    answers_save(
        assessment=team.assessment,
        respondent=team.member,
        items=[AnswerInput(str(q.pk), str(option_id(q.pk, 3))) for q in journey[:2]],
    )

    # The leader answers the first domain in the browser, then opens the review.
    login(page, team.leader.email)
    page.get_by_role("link", name="Continue answering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEGMENTATION)
    for qid in question_ids(page):
        choose(page, qid, 4)
    expect_all_saved(page)
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the assessment")

    expect(page.get_by_label("Lea Leader: 5 of 40")).to_be_visible()
    expect(page.get_by_label("Max Member: 2 of 40")).to_be_visible()
    grid = page.get_by_role("table", name="Questions answered per respondent and domain")
    max_row = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Max Member"))
    expect(max_row.get_by_role("cell").nth(1)).to_have_text("2/5")  # Journey, second domain
    # One list: the leader's unanswered questions, those nobody answered marked as such.
    mine = page.get_by_role("region", name="Your unanswered questions")
    expect(mine.locator("h3")).to_have_count(7)
    expect(mine.locator("h3").first).to_have_text(f"{JOURNEY} (5)")
    expect(mine).not_to_contain_text(SEGMENTATION)
    expect(mine.locator("li")).to_have_count(35)
    expect(mine.locator(".nobody-mark")).to_have_count(33)
    expect(page.get_by_role("region", name="Questions nobody has answered yet")).to_have_count(0)
    # Six domains have no answer from anyone: submit is refused, and the page says why.
    expect(page.get_by_role("button", name="Submit and see the result")).to_be_disabled()
    expect(page.locator("#submit-reason")).to_contain_text("Nobody has answered any question in")

    # The rest is filled through the services; the review then shows nothing left.
    _answer_rest_through_services(team.assessment, team.leader, level=3)
    page.reload()
    expect(page.get_by_label("Lea Leader: 40 of 40")).to_be_visible()
    expect(mine).to_contain_text("You have answered every question.")
    expect(mine.locator(".nobody-mark")).to_have_count(0)

    # A second tab still shows a domain page from before the submit.
    stale = context.new_page()
    stale.goto(domain_path(team.assessment, "tooling"))
    expect_all_saved(stale)

    # Submitting asks first, saying what will be frozen; "Not yet" changes nothing.
    page.get_by_role("link", name="Submit and see the result…").click()
    dialog = page.get_by_role("dialog", name="Submit the assessment?")
    expect(dialog).to_contain_text("2 people:")
    expect(dialog).to_contain_text("42 answers, covering 40 of 40 questions")
    dialog.get_by_role("button", name="Not yet").click()
    expect(dialog).to_be_hidden()
    team.assessment.refresh_from_db()
    assert team.assessment.is_draft
    page.get_by_role("link", name="Submit and see the result…").click()
    dialog.get_by_role("button", name="Submit and freeze the answers").click()
    result_url = live_server.url + reverse(
        "assessment_result",
        kwargs={"org_id": team.org.public_id, "assessment_id": team.assessment.public_id},
    )
    expect(page).to_have_url(result_url)

    # Segmentation at level 4 scores 75, every other domain at level 3 scores 50:
    # overall (75 + 7 × 50) / 8 = 53.1, which is Predictive (40-60), in the Run phase.
    team.assessment.refresh_from_db()
    assert team.assessment.status == Assessment.Status.SUBMITTED
    assert team.assessment.stage == 3
    assert team.assessment.overall_score == pytest.approx(53.1)
    # Asserted by meaning, not markup: the headline stage with its phase next to it, both
    # scales named, and one table row per domain with its score and stage.
    assert STAGE_NAMES[3] == "Predictive" and phase_of(3) == "Run"
    main = page.get_by_role("main")
    expect(main.locator(".stage").first).to_have_text("Predictive")
    expect(main).to_contain_text(re.compile(r"Predictive\s+Run\b"))
    expect(main).to_contain_text("Crawl / Walk / Run")
    expect(main).to_contain_text("53.1 of 100")
    expect(main).to_contain_text("100% of questions answered")
    table = main.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Score"))
    expect(table.get_by_role("rowheader")).to_have_count(8)
    for domain in team.version.domains.all():
        row = table.get_by_role("row").filter(
            # The row header is the domain's name followed by its one-line reading.
            has=page.get_by_role("rowheader", name=re.compile("^" + re.escape(domain.name)))
        )
        score, stage = (
            ("75.0", "Strategic") if domain.key == "segmentation" else ("50.0", "Predictive")
        )
        expect(row.get_by_role("cell").nth(0)).to_have_text(score)
        expect(row.get_by_role("cell").nth(1)).to_have_text(stage)

    # The stale tab tries to autosave: the server refuses, the page says why.
    tooling_first = question_ids(stale)[0]
    with stale.expect_response(_is_autosave) as refused:
        choose(stale, tooling_first, 5)
    assert refused.value.status == 409
    assert refused.value.json() == {"ok": False, "error": NOT_A_DRAFT}
    problem = stale.locator("#save-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text(NOT_A_DRAFT)
    expect(problem.get_by_role("link", name="Log in again")).to_be_hidden()
    expect(stale.locator(f'[data-mark-for="{tooling_first}"]')).to_have_text(
        f"Not saved: {NOT_A_DRAFT}"
    )
    assert pending_queue(stale) == {}
    assert stored_answers(team.assessment, team.leader)[tooling_first] == (3, "")

    # Opening the domain page again leads to the result.
    stale.reload()
    expect(stale).to_have_url(result_url)
    expect(stale.get_by_role("main").locator(".stage").first).to_have_text("Predictive")
