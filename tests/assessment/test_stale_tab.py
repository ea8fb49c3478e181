"""Finding 5 of the security review (issue 11): a page loaded earlier (the laptop) silently
overwrote a newer saved answer (made on the phone). Both save paths, the plain form's "Save and
continue" and autosave, now carry the version of each answer the page showed."""

import re
from html import unescape

from django.urls import reverse

from assessment.models import Answer
from assessment.services import ANSWER_CHANGED_ELSEWHERE, AnswerInput, answers_save
from tests.assessment.conftest import answer, option_id, question_id


def domain_url(assessment, key):
    return reverse("assessment_domain", args=[assessment.org.public_id, assessment.public_id, key])


def autosave_url(assessment):
    return reverse("assessment_autosave", args=[assessment.org.public_id, assessment.public_id])


def rendered_form(client, draft, key="alpha") -> dict[str, str]:
    """What the browser would post back untouched: every field as the page rendered it."""
    html = client.get(domain_url(draft, key)).content.decode()
    form = re.search(r'<form method="post" id="answers".*?</form>', html, re.S)[0]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or not value or name[1] == "csrfmiddlewaretoken":
            continue
        if 'type="radio"' in tag and not re.search(r"\schecked", tag):
            continue
        data[name[1]] = unescape(value[1])
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = unescape(text)
    return data


def stored(draft, person, key):
    row = Answer.objects.get(assessment=draft, respondent=person, question__key=key)
    return (row.option.level if row.option else row.dont_know, row.note)


def test_stale_laptop_save_and_continue_does_not_overwrite_the_phones_newer_answer(
    personas, client_for, draft
):
    """The reproduction: laptop answers Q1=2; the phone changes Q1 to 5 with a note; the laptop
    page, loaded earlier, answers Q2 and clicks "Save and continue"."""
    member, version = personas.member_a, draft.version
    laptop = client_for(member)
    answer(draft, member, "alpha-q1", 2)
    laptop_page = rendered_form(laptop, draft)  # the laptop shows Q1 = 2
    answer(draft, member, "alpha-q1", 5, note="Changed on the phone")  # the phone, later
    laptop_page[f"q-{question_id(version, 'alpha-q2')}"] = option_id(version, "alpha-q2", 3)
    response = laptop.post(domain_url(draft, "alpha"), {**laptop_page, "go": "next"})
    assert response.status_code == 302  # Q1 was not changed on the laptop: nothing to show
    assert stored(draft, member, "alpha-q1") == (5, "Changed on the phone")
    assert stored(draft, member, "alpha-q2") == (3, "")


def test_stale_laptop_change_to_an_answer_changed_on_the_phone_is_shown_not_applied(
    personas, client_for, draft
):
    member, version = personas.member_a, draft.version
    laptop = client_for(member)
    answer(draft, member, "alpha-q1", 2)
    laptop_page = rendered_form(laptop, draft)
    answer(draft, member, "alpha-q1", 5, note="Changed on the phone")
    laptop_page[f"q-{question_id(version, 'alpha-q1')}"] = option_id(version, "alpha-q1", 3)
    laptop_page[f"q-{question_id(version, 'alpha-q2')}"] = option_id(version, "alpha-q2", 4)
    response = laptop.post(domain_url(draft, "alpha"), {**laptop_page, "go": "next"})
    assert response.status_code == 409
    html = unescape(response.content.decode())
    conflict = re.search(
        r'<div class="alert alert-warning" role="alert" id="answer-conflicts">(.*?)</div>',
        html,
        re.S,
    )[1]
    assert "1 answer changed elsewhere" in conflict
    assert "Saved: Level 5" in conflict and "Changed on the phone" in conflict
    assert "This page had: Level 3" in conflict
    assert stored(draft, member, "alpha-q1") == (5, "Changed on the phone")
    assert stored(draft, member, "alpha-q2") == (4, "")  # the rest of the page was saved
    # The page now carries the stored version: choosing 3 again replaces the phone's answer.
    again = rendered_form(laptop, draft)
    again[f"q-{question_id(version, 'alpha-q1')}"] = option_id(version, "alpha-q1", 3)
    assert laptop.post(domain_url(draft, "alpha"), {**again, "go": "next"}).status_code == 302
    assert stored(draft, member, "alpha-q1") == (3, "Changed on the phone")


def test_stale_autosave_does_not_overwrite_a_newer_answer_and_returns_both(
    personas, client_for, draft
):
    member, version = personas.member_a, draft.version
    laptop = client_for(member)
    qid = question_id(version, "alpha-q1")
    answer(draft, member, "alpha-q1", 2)
    base = rendered_form(laptop, draft)[f"base-{qid}"]
    answer(draft, member, "alpha-q1", 5, note="Changed on the phone")
    response = laptop.post(
        autosave_url(draft),
        {"question": qid, "value": option_id(version, "alpha-q1", 1), "note": "", "base": base},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["conflict"] is True and body["error"] == ANSWER_CHANGED_ELSEWHERE
    assert body["stored"]["value"] == option_id(version, "alpha-q1", 5)
    assert body["stored"]["note"] == "Changed on the phone"
    assert body["stored"]["label"].startswith("Level 5")
    assert body["yours"]["label"].startswith("Level 1")
    assert stored(draft, member, "alpha-q1") == (5, "Changed on the phone")
    # With the version the conflict answered, the next choice applies.
    retry = laptop.post(
        autosave_url(draft),
        {
            "question": qid,
            "value": option_id(version, "alpha-q1", 1),
            "note": "",
            "base": body["version"],
        },
    )
    assert retry.status_code == 200
    assert stored(draft, member, "alpha-q1") == (1, "")


def test_autosave_returns_the_new_version_so_successive_changes_chain(personas, client_for, draft):
    member, version = personas.member_a, draft.version
    client = client_for(member)
    qid = question_id(version, "alpha-q1")
    base = rendered_form(client, draft)[f"base-{qid}"]
    for level in (2, 4, 1):
        response = client.post(
            autosave_url(draft),
            {"question": qid, "value": option_id(version, "alpha-q1", level), "base": base},
        )
        assert response.status_code == 200
        base = response.json()["version"]
    assert stored(draft, member, "alpha-q1") == (1, "")


def test_unchanged_fields_are_not_saved_again(personas, client_for, draft):
    member = personas.member_a
    answer(draft, member, "alpha-q1", 2, note="kept as is")
    before = Answer.objects.get().updated_at
    client = client_for(member)
    response = client.post(
        domain_url(draft, "alpha"), {**rendered_form(client, draft), "go": "next"}
    )
    assert response.status_code == 302
    assert Answer.objects.get().updated_at == before


def test_a_save_without_a_version_still_applies_last_write_wins(personas, draft):
    """Server-side callers (imports, demo data) pass no version: the stored answer is replaced."""
    member, version = personas.member_a, draft.version
    answer(draft, member, "alpha-q1", 5, note="older")
    result = answers_save(
        assessment=draft,
        respondent=member,
        items=[AnswerInput(question_id(version, "alpha-q1"), option_id(version, "alpha-q1", 2))],
    )
    assert result.saved == 1 and not result.conflicts
    assert stored(draft, member, "alpha-q1") == (2, "")
