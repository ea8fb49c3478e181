import pytest
from django.urls import reverse

from assessment.models import Answer, Assessment
from assessment.scoring import DONT_KNOW
from assessment.services import (
    DOMAIN_UNANSWERED,
    NOT_A_DRAFT,
    AssessmentError,
    answers_save,
    assessment_submit,
)
from tests.assessment.conftest import answer, answer_everything

CONFIRM = {"confirm": "1"}


def submit_url(assessment):
    return reverse("assessment_submit", args=[assessment.org.public_id, assessment.public_id])


def result_url(assessment):
    return reverse("assessment_result", args=[assessment.org.public_id, assessment.public_id])


def test_submit_scores_and_freezes_a_snapshot(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)
    answer_everything(draft, personas.member_a, 3)
    response = client_for(personas.leader_a).post(submit_url(draft), CONFIRM)
    assert response.url == result_url(draft)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED and draft.submitted_by == personas.leader_a
    assert draft.stage == 3 and draft.score_stage == 3 and draft.overall_score == 50.0
    snapshot = draft.snapshot
    assert snapshot["questionnaire"] == {
        "slug": "mini",
        "name": "Mini bank",
        "version": 1,
        "thresholds": {"proactive": 20, "predictive": 40, "strategic": 60, "embedded": 80},
    }
    assert len(snapshot["answers"]) == 12 and len(snapshot["respondents"]) == 2
    assert snapshot["domains"][0]["questions"][0]["options"][4] == "alpha 1: embedded practice."
    assert snapshot["result"]["stage"] == 3


def test_consultant_submits_on_clients_behalf(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 2)
    client_for(personas.consultant_a).post(submit_url(draft), CONFIRM)
    draft.refresh_from_db()
    assert draft.submitted_by == personas.consultant_a


def test_member_cannot_submit(personas, client_for, draft):
    answer_everything(draft, personas.member_a, 2)
    assert client_for(personas.member_a).post(submit_url(draft), CONFIRM).status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft


def test_submit_with_an_unanswered_domain_is_refused(personas, client_for, draft):
    answer(draft, personas.leader_a, "alpha-q1", 3)
    response = client_for(personas.leader_a).post(submit_url(draft), CONFIRM, follow=True)
    assert DOMAIN_UNANSWERED.format(domains="Beta Domain") in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft and draft.snapshot is None


def test_repeated_submit_shows_the_same_result(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 4)
    client = client_for(personas.leader_a)
    client.post(submit_url(draft), CONFIRM)
    draft.refresh_from_db()
    first = (draft.submitted_at, draft.snapshot)
    response = client.post(submit_url(draft), CONFIRM)
    draft.refresh_from_db()
    assert response.url == result_url(draft)
    assert (draft.submitted_at, draft.snapshot) == first


def test_answers_are_read_only_after_submit(personas, draft):
    answer_everything(draft, personas.leader_a, 2)
    assessment_submit(assessment=draft, by=personas.leader_a)
    with pytest.raises(AssessmentError, match=NOT_A_DRAFT):
        answer(draft, personas.leader_a, "alpha-q1", 5)
    assert set(Answer.objects.values_list("option__level", flat=True)) == {2}


def test_result_never_changes_when_names_change_later(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 2)
    assessment_submit(assessment=draft, by=personas.leader_a)
    draft.refresh_from_db()
    before = draft.snapshot
    personas.leader_a.first_name = "Renamed"
    personas.leader_a.save()
    draft.refresh_from_db()
    assert draft.snapshot == before


def test_result_page_shows_both_scales_and_domain_scores(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)
    assessment_submit(assessment=draft, by=personas.leader_a)
    body = client_for(personas.member_a).get(result_url(draft)).content.decode()
    assert "Predictive" in body and "Run" in body and "50.0" in body
    assert "<title>Report · Acme CS · Stagewise</title>" in body


def test_result_page_explains_a_capped_stage(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 4)
    answer(draft, personas.leader_a, "alpha-q1", 1)  # the gate of Predictive
    assessment_submit(assessment=draft, by=personas.leader_a)
    body = client_for(personas.leader_a).get(result_url(draft)).content.decode()
    assert "caps the organization at Proactive" in body
    assert "How does your team handle alpha practice 1?" in body


def test_result_page_of_a_draft_redirects_to_review(personas, client_for, draft):
    response = client_for(personas.leader_a).get(result_url(draft))
    assert "/review/" in response.url


def test_review_lists_unanswered_questions_by_domain(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 3)
    url = reverse("assessment_review", args=[draft.org.public_id, draft.public_id])
    body = client_for(personas.leader_a).get(url).content.decode()
    assert "Your unanswered questions" in body
    assert body.count("How does your team handle beta practice") == 3
    assert body.count(">nobody yet<") == 5  # alpha-q2, alpha-q3 and all of beta: alpha-q1 has one
    assert "Submit and see the result" in body


def test_review_counts_dont_know_answers_and_says_they_score_as_level_one(
    personas, client_for, draft
):
    answer_everything(draft, personas.leader_a, 3)
    for key in ("alpha-q1", "beta-q1"):
        answer(draft, personas.leader_a, key, DONT_KNOW)
    url = reverse("assessment_review", args=[draft.org.public_id, draft.public_id])

    body = client_for(personas.leader_a).get(url).content.decode()

    assert "You have answered every question; 2 of your answers are" in body
    assert "2 answers so far are" in body
    assert "They score as level 1" in body
    assert "Thank you." not in body


def test_review_without_dont_know_answers_has_no_level_one_warning(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)
    url = reverse("assessment_review", args=[draft.org.public_id, draft.public_id])

    body = client_for(personas.leader_a).get(url).content.decode()

    assert "You have answered every question. Thank you." in body
    assert "score as level 1" not in body


def test_review_hides_submit_from_members(personas, client_for, draft):
    url = reverse("assessment_review", args=[draft.org.public_id, draft.public_id])
    assert (
        "Submit and see the result" not in client_for(personas.member_a).get(url).content.decode()
    )


def test_empty_save_list_saves_nothing(personas, draft):
    assert answers_save(assessment=draft, respondent=personas.leader_a, items=[]).saved == 0
    assert not Answer.objects.exists()
