"""The review page (completion grid, one list of what is left, submit readiness) and the
confirmation step in front of the irreversible submit."""

import re

from django.urls import reverse

from assessment.models import Answer, Assessment
from assessment.scoring import DONT_KNOW
from assessment.services import DOMAIN_UNANSWERED
from orgs.models import Membership
from tests.assessment.conftest import answer, answer_everything


def review_url(assessment):
    return reverse("assessment_review", args=[assessment.org.public_id, assessment.public_id])


def submit_url(assessment):
    return reverse("assessment_submit", args=[assessment.org.public_id, assessment.public_id])


def grid_rows(body: str) -> dict[str, dict[str, str]]:
    """Respondent (row header) → {domain: "answered/total"} read from the completion grid."""
    table = body[body.index('class="table table-sm completion-grid"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        header = re.search(r'<th scope="row">([^<]+)', row)
        if header:
            cell = r'data-label="([^"]+)">(?:<progress[^>]*></progress> )?([^<]+)<'
            cells = re.findall(cell, row)
            rows[header.group(1).strip()] = dict(cells)
    return rows


def name(user) -> str:
    return user.get_full_name() or user.email


def test_completion_grid_shows_answers_per_domain_per_respondent(personas, client_for, draft):
    for key in ("alpha-q1", "alpha-q2", "alpha-q3", "beta-q1"):
        answer(draft, personas.leader_a, key, 3)
    answer(draft, personas.member_a, "alpha-q1", DONT_KNOW)

    body = client_for(personas.leader_a).get(review_url(draft)).content.decode()

    rows = grid_rows(body)
    assert rows[name(personas.leader_a)] == {
        "Alpha Domain": "3/3",
        "Beta Domain": "1/3",
        "All domains": "4/6",
    }
    assert rows[name(personas.member_a)] == {
        "Alpha Domain": "1/3",
        "Beta Domain": "0/3",
        "All domains": "1/6",
    }
    assert rows["Anyone"] == {"Alpha Domain": "3/3", "Beta Domain": "1/3", "All domains": "4/6"}
    assert "<caption" in body and 'class="num">Alpha Domain</th>' in body


def test_a_single_respondent_sees_each_unanswered_question_once(personas, client_for, draft):
    Membership.objects.filter(org=personas.org_a, user=personas.member_a).delete()
    answer(draft, personas.leader_a, "alpha-q1", 3)

    body = client_for(personas.leader_a).get(review_url(draft)).content.decode()

    for text in ("alpha practice 2", "alpha practice 3", "beta practice 1", "beta practice 3"):
        assert body.count(f"How does your team handle {text}?") == 1
    assert "alpha practice 1?" not in body
    assert "Your unanswered questions" in body
    assert "Questions nobody has answered yet" not in body
    assert body.count(">nobody yet<") == 5


def test_questions_others_answered_are_listed_without_the_nobody_mark(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 3)

    body = client_for(personas.leader_a).get(review_url(draft)).content.decode()

    item = re.search(r"<li>How does your team handle alpha practice 1\?([^<]*)(<span[^>]*>)?", body)
    assert item and item.group(2) is None  # still the leader's to answer, but not a gap
    assert body.count(">nobody yet<") == 5


def test_a_consultant_sees_the_questions_nobody_answered(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 3)

    body = client_for(personas.consultant_a).get(review_url(draft)).content.decode()

    assert "Questions nobody has answered yet" in body and "Your unanswered questions" not in body
    assert body.count("How does your team handle beta practice") == 3
    assert "alpha practice 1?" not in body


def test_submit_is_disabled_with_the_reason_while_a_domain_has_no_answer(
    personas, client_for, draft
):
    answer(draft, personas.leader_a, "alpha-q1", 3)

    body = client_for(personas.leader_a).get(review_url(draft)).content.decode()

    assert re.search(r'<button[^>]*disabled aria-describedby="submit-reason"', body)
    reason = re.search(r'<p[^>]*id="submit-reason">(.*?)</p>', body, re.S).group(1)
    assert DOMAIN_UNANSWERED.format(domains="Beta Domain") in reason
    assert f'href="{submit_url(draft)}"' not in body
    assert "review.js" not in body


def test_a_ready_draft_offers_submit_through_a_confirmation(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)

    body = client_for(personas.leader_a).get(review_url(draft)).content.decode()

    assert "disabled" not in body
    assert f'href="{submit_url(draft)}" data-dialog="submit-dialog"' in body
    dialog = body[body.index("<dialog") : body.index("</dialog>")]
    assert 'name="confirm" value="1"' in dialog and "csrfmiddlewaretoken" in dialog
    assert "review.js" in body


def test_review_keeps_the_dont_know_count(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)
    answer(draft, personas.member_a, "beta-q2", DONT_KNOW)

    body = client_for(personas.leader_a).get(review_url(draft)).content.decode()

    assert "1 answer so far is “Don't know”" in body


def test_confirmation_page_says_what_will_be_frozen(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)
    answer(draft, personas.member_a, "alpha-q1", DONT_KNOW)
    Answer.objects.filter(respondent=personas.leader_a, question__key="beta-q3").delete()

    response = client_for(personas.leader_a).get(submit_url(draft))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Submit the assessment?" in body
    assert "2 people: " in body
    assert f"{name(personas.leader_a)} (5)" in body and f"{name(personas.member_a)} (1)" in body
    assert "6 answers, covering 5 of 6 questions" in body
    assert "1 question nobody answered" in body and "1 “Don" in body
    assert 'name="confirm" value="1"' in body and "csrfmiddlewaretoken" in body
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_post_without_confirm_submits_nothing_and_shows_the_confirmation(
    personas, client_for, draft
):
    answer_everything(draft, personas.leader_a, 3)
    before = list(Answer.objects.order_by("pk").values())

    response = client_for(personas.leader_a).post(submit_url(draft))

    assert response.status_code == 302 and response.url == submit_url(draft)
    stored = Assessment.objects.get(pk=draft.pk)
    assert stored.is_draft
    assert (stored.snapshot, stored.stage, stored.submitted_at) == (None, None, None)
    assert list(Answer.objects.order_by("pk").values()) == before


def test_confirmation_page_of_a_refused_draft_gives_the_reason_and_no_button(
    personas, client_for, draft
):
    answer(draft, personas.leader_a, "beta-q1", 3)

    body = client_for(personas.leader_a).get(submit_url(draft)).content.decode()

    assert DOMAIN_UNANSWERED.format(domains="Alpha Domain") in body
    assert 'name="confirm"' not in body


def test_only_those_who_submit_see_the_confirmation(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)

    assert client_for(personas.member_a).get(submit_url(draft)).status_code == 403
    assert client_for(personas.outsider).get(submit_url(draft)).status_code == 404
    assert client_for(personas.consultant_a).get(submit_url(draft)).status_code == 200


def test_confirmation_of_a_submitted_assessment_leads_to_the_result(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)
    client = client_for(personas.leader_a)
    client.post(submit_url(draft), {"confirm": "1"})

    response = client.get(submit_url(draft))

    assert "/result/" in response.url


def test_review_page_query_count_is_small(
    personas, client_for, draft, django_assert_max_num_queries
):
    answer_everything(draft, personas.leader_a, 3)
    client = client_for(personas.leader_a)
    client.get(review_url(draft))  # warms the bank structure cache, as any earlier page does
    # 12 before the completion grid's one query, plus the shell's org switcher (one query).
    with django_assert_max_num_queries(14):
        assert client.get(review_url(draft)).status_code == 200
