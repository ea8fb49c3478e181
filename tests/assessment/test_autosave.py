import json

from django.test import Client
from django.urls import reverse

from assessment.models import Answer
from assessment.services import NOT_A_DRAFT, NOTE_TOO_LONG, UNKNOWN_OPTION, UNKNOWN_QUESTION
from tests.assessment.conftest import answer, option_id, question_id


def autosave_url(assessment, org=None):
    org = org or assessment.org
    return reverse("assessment_autosave", args=[org.public_id, assessment.public_id])


def post(client, draft, question_key, value, note="", **extra):
    data = {"question": question_id(draft.version, question_key), "value": value, "note": note}
    data.update(extra)
    return client.post(autosave_url(draft), data)


def test_autosave_stores_answer_and_reports_progress(personas, client_for, draft):
    client = client_for(personas.member_a)
    response = post(client, draft, "alpha-q1", option_id(draft.version, "alpha-q1", 3), "See wiki")
    assert response.status_code == 200
    assert response.json()["answered"] == 1
    stored = Answer.objects.get(respondent=personas.member_a)
    assert stored.option.level == 3 and stored.note == "See wiki"


def test_autosave_last_write_wins_on_one_row(personas, client_for, draft):
    client = client_for(personas.member_a)
    post(client, draft, "alpha-q1", option_id(draft.version, "alpha-q1", 2))
    post(client, draft, "alpha-q1", "dont_know")
    stored = Answer.objects.get()
    assert stored.dont_know and stored.option is None


def test_autosave_keeps_respondents_apart(personas, client_for, draft):
    answer(draft, personas.leader_a, "alpha-q1", 5)
    post(client_for(personas.member_a), draft, "alpha-q1", option_id(draft.version, "alpha-q1", 1))
    levels = dict(Answer.objects.values_list("respondent__email", "option__level"))
    assert levels == {personas.leader_a.email: 5, personas.member_a.email: 1}


def test_anonymous_autosave_answers_401_json_not_redirect(draft, client):
    response = client.post(autosave_url(draft), {"question": "1", "value": ""})
    assert response.status_code == 401
    assert json.loads(response.content)["login"] is True
    assert not Answer.objects.exists()


def test_consultant_cannot_answer(personas, client_for, draft):
    response = post(client_for(personas.consultant_a), draft, "alpha-q1", "dont_know")
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_member_of_other_org_gets_404(personas, client_for, draft):
    response = post(client_for(personas.member_b), draft, "alpha-q1", "dont_know")
    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_assessment_of_other_org_under_own_org_url_gets_404(personas, client_for, draft):
    client = client_for(personas.leader_b)
    url = autosave_url(draft, org=personas.org_b)
    response = client.post(url, {"question": question_id(draft.version, "alpha-q1"), "value": ""})
    assert response.status_code == 404
    assert not Answer.objects.exists()


# Bad input: each gets a clear error and stores nothing.


def test_question_from_another_version_is_refused(personas, client_for, draft, default_version):
    foreign = default_version.domains.first().questions.first()
    response = client_for(personas.member_a).post(
        autosave_url(draft), {"question": str(foreign.pk), "value": "dont_know"}
    )
    assert response.status_code == 400 and response.json()["error"] == UNKNOWN_QUESTION
    assert not Answer.objects.exists()


def test_option_of_another_question_is_refused(personas, client_for, draft):
    response = post(
        client_for(personas.member_a), draft, "alpha-q1", option_id(draft.version, "beta-q1", 2)
    )
    assert response.status_code == 400 and response.json()["error"] == UNKNOWN_OPTION
    assert not Answer.objects.exists()


def test_option_from_another_version_is_refused(personas, client_for, draft, default_version):
    foreign = default_version.domains.first().questions.first().options.first()
    response = post(client_for(personas.member_a), draft, "alpha-q1", str(foreign.pk))
    assert response.json()["error"] == UNKNOWN_OPTION
    assert not Answer.objects.exists()


def test_non_choice_value_is_refused(personas, client_for, draft):
    client = client_for(personas.member_a)
    for value in ["7", "abc", "3; DROP TABLE", "-1"]:
        response = post(client, draft, "alpha-q1", value)
        assert response.status_code == 400 and response.json()["error"] == UNKNOWN_OPTION
    assert not Answer.objects.exists()


def test_non_numeric_question_id_is_refused(personas, client_for, draft):
    response = client_for(personas.member_a).post(
        autosave_url(draft), {"question": "abc", "value": "dont_know"}
    )
    assert response.json()["error"] == UNKNOWN_QUESTION
    assert not Answer.objects.exists()


def test_over_long_note_is_refused_and_nothing_changes(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 2, note="short")
    response = post(client_for(personas.member_a), draft, "alpha-q1", "dont_know", "x" * 1001)
    assert response.status_code == 400 and response.json()["error"] == NOTE_TOO_LONG
    stored = Answer.objects.get()
    assert stored.note == "short" and stored.option.level == 2


def test_answer_to_submitted_assessment_is_refused(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 2)
    draft.status = "submitted"
    draft.save()
    response = post(client_for(personas.member_a), draft, "alpha-q1", "dont_know")
    assert response.status_code == 409 and response.json()["error"] == NOT_A_DRAFT
    assert Answer.objects.get().option.level == 2


def test_post_without_csrf_token_is_refused(personas, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.member_a)
    response = post(client, draft, "alpha-q1", "dont_know")
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_get_to_mutating_urls_is_not_allowed(personas, client_for, draft):
    client = client_for(personas.leader_a)
    args = [draft.org.public_id, draft.public_id]
    assert client.get(reverse("assessment_autosave", args=args)).status_code == 405
    # GET on submit only shows the confirmation (see test_submit.py); it changes nothing.
    assert client.get(reverse("assessment_submit", args=args)).status_code == 200
    assert client.get(reverse("assessment_start", args=[draft.org.public_id])).status_code == 405
    assert not Answer.objects.exists()
    draft.refresh_from_db()
    assert draft.is_draft


def test_blank_post_from_a_stale_page_keeps_the_given_answer(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 4, note="kept")
    post(client_for(personas.member_a), draft, "alpha-q1", "", "")
    stored = Answer.objects.get()
    assert stored.option.level == 4 and stored.note == "kept"


def test_note_without_a_choice_keeps_the_given_choice(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 4)
    post(client_for(personas.member_a), draft, "alpha-q1", "", "added later")
    stored = Answer.objects.get()
    assert stored.option.level == 4 and stored.note == "added later"


def test_clearing_the_note_of_a_note_only_answer_removes_the_row(personas, client_for, draft):
    client = client_for(personas.member_a)
    post(client, draft, "alpha-q1", "", "a thought")
    assert Answer.objects.get().note == "a thought"
    post(client, draft, "alpha-q1", "", "")
    assert not Answer.objects.exists()
