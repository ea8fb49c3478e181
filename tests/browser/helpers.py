"""Page helpers shared by the browser tests: log in, pick answers, wait for autosave, and read
back what the database holds."""

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from assessment.models import Answer, AnswerOption

PASSWORD = "Tall-Ginkgo-Lantern-42"
ALL_SAVED = "All changes saved"
DONT_KNOW = "dk"


def login(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    fill_login_form(page, email, password)
    expect(page.locator("details.account-menu > summary")).to_be_visible()


def log_out(page: Page) -> None:
    """Open the account menu in the top bar and press its Log out button."""
    page.locator("details.account-menu > summary").click()
    page.get_by_role("button", name="Log out").click()


def fill_login_form(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def domain_path(assessment, domain_key: str) -> str:
    return reverse(
        "assessment_domain",
        kwargs={
            "org_id": assessment.org.public_id,
            "assessment_id": assessment.public_id,
            "domain_key": domain_key,
        },
    )


def question_ids(page: Page) -> list[int]:
    """The questions on the current domain page, in page order."""
    # Read through attributes, not page JavaScript, so this works with JavaScript disabled too.
    return [
        int(fs.get_attribute("data-question"))
        for fs in page.locator("fieldset[data-question]").all()
    ]


def choose(page: Page, question_id: int, level: int | str) -> None:
    """Click the large answer label, as a person does (level 1-5, or DONT_KNOW)."""
    page.locator(f'label[for="q-{question_id}-{level}"]').click()


def expect_chosen(page: Page, question_id: int, level: int | str) -> None:
    expect(page.locator(f"#q-{question_id}-{level}")).to_be_checked()
    # One radio group: exactly one choice is checked.
    expect(page.locator(f'input[name="q-{question_id}"]:checked')).to_have_count(1)


def note_box(page: Page, question_id: int):
    return page.locator(f"#note-{question_id}")


def save_status(page: Page):
    return page.locator("#save-status")


def expect_all_saved(page: Page, timeout: float | None = None) -> None:
    status = save_status(page)
    expect(status).to_have_text(ALL_SAVED, timeout=timeout)
    expect(status).to_have_attribute("data-pending", "0")


def pending_queue(page: Page) -> dict:
    """The autosave queue kept in this browser's localStorage for the page's assessment."""
    return page.evaluate(
        """() => {
            const key = document.getElementById("answers").dataset.storageKey;
            return JSON.parse(localStorage.getItem(key) || "{}");
        }"""
    )


def option_id(question_id: int, level: int) -> int:
    return AnswerOption.objects.get(question_id=question_id, level=level).pk


def stored_answers(assessment, respondent) -> dict[int, tuple[int | str | None, str]]:
    """question id → (level, or DONT_KNOW, or None for a cleared choice; note) from the DB."""
    rows = Answer.objects.filter(assessment=assessment, respondent=respondent).select_related(
        "option"
    )
    return {
        a.question_id: (
            DONT_KNOW if a.dont_know else (a.option.level if a.option else None),
            a.note,
        )
        for a in rows
    }


def chosen_answers(assessment, respondent) -> dict[int, tuple[int | str | None, str]]:
    """Like stored_answers, without rows that hold neither a choice nor a note (a plain form
    post stores such a row for each question left blank on the page)."""
    return {k: v for k, v in stored_answers(assessment, respondent).items() if v != (None, "")}


def invitation_link(body: str, server_url: str) -> str:
    match = re.search(r"http://localhost:\d+/invitations/[^/\s]+/", body)
    assert match, f"no invitation link in the email:\n{body}"
    link = match.group(0)
    assert link.startswith(f"{server_url}/invitations/")
    return link


def confirm_link(body: str, server_url: str) -> str:
    """The email-confirmation link in a verification email (allauth's)."""
    match = re.search(r"http://localhost:\d+/accounts/confirm-email/[^/\s]+/", body)
    assert match, f"no confirmation link in the email:\n{body}"
    link = match.group(0)
    assert link.startswith(f"{server_url}/accounts/confirm-email/")
    return link
