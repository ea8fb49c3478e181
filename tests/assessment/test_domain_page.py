import re

from django.urls import reverse

from assessment.models import Answer, Assessment
from tests.assessment.conftest import answer, option_id, question_id


def domain_url(assessment, key):
    return reverse("assessment_domain", args=[assessment.org.public_id, assessment.public_id, key])


def test_domain_page_shows_questions_with_five_anchors_and_dont_know(personas, client_for, draft):
    body = client_for(personas.member_a).get(domain_url(draft, "alpha")).content.decode()
    assert body.count('type="radio"') == 3 * 6
    assert "Don't know" in body and "alpha 1: embedded practice." in body
    assert "<title>Alpha Domain · Acme CS · Stagewise</title>" in body


def test_domain_page_shows_saved_answers_checked(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q2", 4, note="Our playbook v2")
    body = client_for(personas.member_a).get(domain_url(draft, "alpha")).content.decode()
    oid = option_id(draft.version, "alpha-q2", 4)
    assert (
        f'value="{oid}"\n                         checked' in body
        or f'value="{oid}" checked' in body
    )
    assert "Our playbook v2" in body


def test_resume_goes_to_first_domain_with_unanswered_questions(personas, client_for, draft):
    for key in ["alpha-q1", "alpha-q2", "alpha-q3"]:
        answer(draft, personas.member_a, key, 2)
    response = client_for(personas.member_a).get(
        reverse("assessment_resume", args=[draft.org.public_id, draft.public_id])
    )
    assert response.url == domain_url(draft, "beta")


def test_unknown_domain_key_is_404(personas, client_for, draft):
    assert client_for(personas.member_a).get(domain_url(draft, "nope")).status_code == 404


def test_plain_form_post_saves_page_and_moves_on(personas, client_for, draft):
    version = draft.version
    data = {
        f"q-{question_id(version, 'alpha-q1')}": option_id(version, "alpha-q1", 3),
        f"q-{question_id(version, 'alpha-q2')}": "dont_know",
        f"note-{question_id(version, 'alpha-q2')}": "not measured",
        "go": "next",
    }
    response = client_for(personas.member_a).post(domain_url(draft, "alpha"), data)
    assert response.url == domain_url(draft, "beta")
    assert Answer.objects.filter(respondent=personas.member_a).count() == 2  # blank not stored
    assert Answer.objects.get(question__key="alpha-q2").note == "not measured"


def test_plain_form_post_with_bad_value_saves_nothing(personas, client_for, draft):
    version = draft.version
    data = {
        f"q-{question_id(version, 'alpha-q1')}": option_id(version, "alpha-q1", 3),
        f"q-{question_id(version, 'alpha-q2')}": "99999",
    }
    response = client_for(personas.member_a).post(domain_url(draft, "alpha"), data)
    assert response.status_code == 400
    assert "Nothing on this page was saved" in response.content.decode()
    assert not Answer.objects.exists()


def test_consultant_sees_questions_read_only(personas, client_for, draft):
    body = client_for(personas.consultant_a).get(domain_url(draft, "alpha")).content.decode()
    assert "disabled" in body and 'data-readonly="1"' in body
    assert "autosave.js" not in body


def test_submitted_assessment_domain_page_redirects_to_result(personas, client_for, draft):
    Assessment.objects.filter(pk=draft.pk).update(status="submitted")
    response = client_for(personas.member_a).get(domain_url(draft, "alpha"))
    assert "/result/" in response.url


def test_domain_page_query_count_is_small_with_the_real_bank(
    personas, client_for, default_version, django_assert_max_num_queries
):
    assessment = Assessment.objects.create(
        org=personas.org_a, version=default_version, started_by=personas.leader_a
    )
    client = client_for(personas.member_a)
    key = default_version.domains.order_by("position").last().key
    with django_assert_max_num_queries(12):
        assert client.get(domain_url(assessment, key)).status_code == 200


def test_autosave_query_count_is_small(personas, client_for, draft, django_assert_max_num_queries):
    client = client_for(personas.member_a)
    url = reverse("assessment_autosave", args=[draft.org.public_id, draft.public_id])
    data = {"question": question_id(draft.version, "alpha-q1"), "value": "dont_know"}
    with django_assert_max_num_queries(14):
        assert client.post(url, data).status_code == 200


def header(body: str) -> str:
    start = body.index('<div class="q-header" id="q-header">')
    return body[start : body.index("</div>\n</div>", start)]


def test_domain_page_has_a_compact_progress_header(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 2)
    answer(draft, personas.member_a, "beta-q1", 2)

    body = client_for(personas.member_a).get(domain_url(draft, "beta")).content.decode()

    top = header(body)
    assert re.sub(r"<[^>]+>|\s+", " ", top).split() == (
        ["Domain", "2", "of", "2", "2", "of", "6", "answered"]
    )
    assert '<progress id="progress-bar" value="2" max="6"' in top
    assert 'id="save-status"' in top and 'role="status"' in top
    assert "questionnaire.css" in body


def test_domain_list_collapses_into_a_menu_closed_by_default(personas, client_for, draft):
    body = client_for(personas.member_a).get(domain_url(draft, "alpha")).content.decode()

    start = body.index('<details class="domain-menu" aria-label="All domains">')
    end = body.index("</details>", start)
    menu = body[start:end]
    assert "<summary>All domains" in menu and "(1 of 2: Alpha Domain)" in menu
    assert 'aria-current="page"' in menu and "Beta Domain" in menu
    # The menu comes before the first question in the page, but closed: on a phone only its
    # one-line summary stands between the header and the questions.
    assert end < body.index("<fieldset")


def test_number_keys_have_a_hint_a_live_region_and_their_script(personas, client_for, draft):
    body = client_for(personas.member_a).get(domain_url(draft, "alpha")).content.decode()

    assert '<p class="visually-hidden" id="key-announce" aria-live="assertive"></p>' in body
    assert "Keys 1–5 pick an answer" in body
    assert 'data-number="1" tabindex="-1"' in body
    assert "js/autosave.js" in body


def test_read_only_page_has_no_number_keys(personas, client_for, draft):
    body = client_for(personas.consultant_a).get(domain_url(draft, "alpha")).content.decode()

    assert "key-announce" not in body and "Keys 1–5" not in body
