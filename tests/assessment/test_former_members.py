"""Finding 7 of the security review (issue 11): a removed member's answers stayed in the draft
and counted, invisible on the review page. They are now shown as a former member's, and a
leader or consultant can leave them out of the score (kept, not scored) before submitting."""

from django.urls import reverse

from assessment.models import Answer, Assessment, ExcludedRespondent
from assessment.services import RESPONDENT_IS_MEMBER
from orgs.models import Membership
from orgs.services import membership_remove
from tests.assessment.conftest import answer, answer_everything


def review_url(draft):
    return reverse("assessment_review", args=[draft.org.public_id, draft.public_id])


def exclude_url(draft):
    return reverse("assessment_respondent_exclude", args=[draft.org.public_id, draft.public_id])


def remove(personas, user):
    membership_remove(
        membership=Membership.objects.get(user=user, org=personas.org_a), by=personas.leader_a
    )


def test_removed_members_answers_are_shown_as_a_former_members_on_review(
    personas, client_for, draft
):
    answer(draft, personas.member_a, "alpha-q1", 1)
    remove(personas, personas.member_a)
    html = client_for(personas.leader_a).get(review_url(draft)).content.decode()
    assert "Answers from former members" in html
    row = html[html.index(f'data-former="{personas.member_a.pk}"') :][:600]
    assert "(former member)" in row and "<td>1</td>" in row and "Yes" in row


def test_leader_excludes_a_removed_members_answers_so_they_are_kept_but_not_scored(
    personas, client_for, draft
):
    answer_everything(draft, personas.leader_a, 5)
    answer_everything(draft, personas.member_a, 1)
    remove(personas, personas.member_a)
    client = client_for(personas.leader_a)
    response = client.post(
        exclude_url(draft), {"respondent": personas.member_a.pk, "excluded": "1"}
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("assessment_submit", args=[draft.org.public_id, draft.public_id]),
            {"confirm": "1"},
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.overall_score == 100.0  # only the leader's level-5 answers were scored
    respondents = {r["email"] for r in draft.snapshot["respondents"]}
    assert respondents == {personas.leader_a.email}
    assert Answer.objects.filter(assessment=draft, respondent=personas.member_a).count() == 6


def test_without_exclusion_a_removed_members_answers_still_count(personas, draft):
    from assessment.services import assessment_submit

    answer_everything(draft, personas.leader_a, 5)
    answer_everything(draft, personas.member_a, 1)
    remove(personas, personas.member_a)
    submitted = assessment_submit(assessment=draft, by=personas.leader_a)
    assert submitted.overall_score < 100.0


def test_consultant_may_exclude_and_count_again(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 1)
    remove(personas, personas.member_a)
    client = client_for(personas.consultant_a)
    client.post(exclude_url(draft), {"respondent": personas.member_a.pk, "excluded": "1"})
    assert ExcludedRespondent.objects.filter(assessment=draft).exists()
    page = client.get(review_url(draft)).content.decode()
    assert "No: left out" in page and "Count again" in page
    client.post(exclude_url(draft), {"respondent": personas.member_a.pk, "excluded": "0"})
    assert not ExcludedRespondent.objects.exists()


def test_a_current_members_answers_cannot_be_excluded(personas, client_for, draft):
    answer(draft, personas.member_a, "alpha-q1", 1)
    response = client_for(personas.leader_a).post(
        exclude_url(draft), {"respondent": personas.member_a.pk, "excluded": "1"}, follow=True
    )
    name = personas.member_a.get_full_name()
    expected = RESPONDENT_IS_MEMBER.format(name=name, org=personas.org_a.name)
    assert expected.replace("'", "&#x27;") in response.content.decode()
    assert not ExcludedRespondent.objects.exists()


def test_a_member_cannot_exclude_anyone(personas, client_for, draft):
    other = personas.leader_a
    answer(draft, other, "alpha-q1", 1)
    response = client_for(personas.member_a).post(
        exclude_url(draft), {"respondent": other.pk, "excluded": "1"}
    )
    assert response.status_code == 403
    assert not ExcludedRespondent.objects.exists()


def test_someone_with_no_answers_in_the_draft_cannot_be_named(personas, client_for, draft):
    response = client_for(personas.leader_a).post(
        exclude_url(draft), {"respondent": personas.leader_b.pk, "excluded": "1"}, follow=True
    )
    assert "That person has no answers in this assessment." in response.content.decode()
    assert not ExcludedRespondent.objects.exists()


def test_exclusions_change_nothing_after_submit(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)
    response = client_for(personas.leader_a).post(
        exclude_url(draft), {"respondent": personas.leader_a.pk, "excluded": "1"}
    )
    assert response.status_code == 302 and "/result/" in response.url
    assert not ExcludedRespondent.objects.exists()
