"""The question bank admin (issue 13, item 7): every bank list shows and filters by version, the
current published version is marked, and publishing goes through a confirmation page with a
summary of what changes; only the confirming POST publishes."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from assessment.admin import with_current_flag
from assessment.bank import bank_diff, version_copy_to_draft, version_publish, version_publish_check
from assessment.models import (
    Action,
    AnswerOption,
    Domain,
    Question,
    QuestionnaireVersion,
)
from tests.factories import UserFactory

PUBLISH = "admin:assessment_questionnaireversion_publish"
BANK_LISTS = ["questionnaireversion", "domain", "question", "answeroption", "action"]


@pytest.fixture
def staff_client(personas, client_for):
    return client_for(personas.staff)


@pytest.fixture
def draft(mini_version):
    """v2 of the mini bank, copied from v1 and edited: one question added, a domain renamed,
    one action removed, one answer reworded."""
    v2 = version_copy_to_draft(version=mini_version)
    alpha = v2.domains.get(key="alpha")
    Domain.objects.filter(pk=alpha.pk).update(name="Alpha, renamed")
    Question.objects.create(domain=alpha, key="alpha-q4", text="New practice?", position=9)
    added = alpha.questions.get(key="alpha-q4")
    AnswerOption.objects.bulk_create(
        AnswerOption(question=added, level=level, text=f"level {level}") for level in range(1, 6)
    )
    AnswerOption.objects.filter(
        question__domain__version=v2, question__key="alpha-q2", level=3
    ).update(text="alpha 2: reworded.")
    v2.actions.get(key="alpha-proactive-2").delete()
    return v2


def _published(version) -> bool:
    version.refresh_from_db()
    return version.is_published


@pytest.mark.parametrize("model", BANK_LISTS)
def test_every_bank_list_has_a_version_column_and_version_filters(staff_client, draft, model):
    page = staff_client.get(reverse(f"admin:assessment_{model}_changelist")).content.decode()
    assert "column-version_column" in page
    for title in ("By questionnaire", "By version number", "By status"):
        assert title in page
    assert "mini v1" in page and "mini v2" in page


def test_after_a_copy_the_question_list_tells_the_versions_apart(staff_client, draft):
    url = reverse("admin:assessment_question_changelist")
    page = staff_client.get(url).content.decode()
    assert page.count("mini v1 <span") == 6 and page.count("mini v2 <span") == 7
    # Newest version first by default, so the draft being edited heads the list.
    assert page.index("mini v2 <span") < page.index("mini v1 <span")
    only_v2 = staff_client.get(url, {"domain__version__number": "2"}).content.decode()
    assert "mini v1 <span" not in only_v2 and only_v2.count("mini v2 <span") == 7
    drafts = staff_client.get(url, {"version_status": "draft"}).content.decode()
    assert "mini v1 <span" not in drafts and "alpha-q4" in drafts


def test_only_the_highest_numbered_published_version_is_current(staff_client, mini_version):
    v2 = version_copy_to_draft(version=mini_version)
    version_publish(version=v2)
    v3 = version_copy_to_draft(version=v2)
    flags = {
        v.number: v.is_current for v in with_current_flag(QuestionnaireVersion.objects.all(), "")
    }
    assert flags == {1: False, 2: True, 3: False}
    page = staff_client.get(reverse("admin:assessment_questionnaireversion_changelist"))
    text = page.content.decode()
    assert text.count("published, current") == 1 and "published, superseded" in text
    assert text.count('version-state-current">current<') == 1  # the "current" column
    assert "draft</span>" in text
    current = staff_client.get(
        reverse("admin:assessment_question_changelist"), {"version_status": "current"}
    ).content.decode()
    assert "mini v2 <span" in current and "mini v1 <span" not in current
    assert f"mini v{v3.number} <span" not in current


def test_the_confirmation_page_summarises_the_changes_by_key_and_publishes_nothing(
    staff_client, draft
):
    response = staff_client.get(reverse(PUBLISH, args=[draft.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "against the current published version, mini v1" in page
    assert "alpha-q4" in page  # the added question, and its five options
    assert "alpha-q4 level 5" in page
    assert "alpha (name)" in page  # the renamed domain
    assert "alpha-q2 level 3 (text)" in page
    assert "alpha-proactive-2" in page  # the removed action
    assert 'name="confirm" value="yes"' in page
    assert not _published(draft)
    change = reverse("admin:assessment_questionnaireversion_change", args=[draft.pk])
    assert reverse(PUBLISH, args=[draft.pk]) in staff_client.get(change).content.decode()


def test_the_summary_counts_what_was_added_removed_and_changed(draft):
    diff, _, problem = version_publish_check(version=draft)
    counts = {s.title: (len(s.added), len(s.removed), len(s.changed)) for s in diff.sections}
    assert counts == {
        "Domains": (0, 0, 1),
        "Questions": (1, 0, 0),
        "Answer options": (5, 0, 1),
        "Actions": (0, 1, 0),
    }
    assert problem == ""


def test_a_post_without_confirm_publishes_nothing(staff_client, draft):
    _, fingerprint, _ = version_publish_check(version=draft)
    response = staff_client.post(reverse(PUBLISH, args=[draft.pk]), {"fingerprint": fingerprint})
    assert response.status_code == 200 and "Yes, publish" in response.content.decode()
    assert not _published(draft)


def test_the_publish_action_leads_to_the_confirmation_page_and_publishes_nothing(
    staff_client, draft
):
    response = staff_client.post(
        reverse("admin:assessment_questionnaireversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert response.url == reverse(PUBLISH, args=[draft.pk])
    assert not _published(draft)


def test_the_confirming_post_publishes_and_makes_the_version_current(staff_client, draft):
    _, fingerprint, _ = version_publish_check(version=draft)
    response = staff_client.post(
        reverse(PUBLISH, args=[draft.pk]), {"confirm": "yes", "fingerprint": fingerprint}
    )
    assert response.status_code == 302
    assert _published(draft)
    assert draft.questionnaire.current_version() == draft


def test_a_version_changed_after_review_is_not_published(staff_client, draft):
    _, fingerprint, _ = version_publish_check(version=draft)
    Domain.objects.filter(version=draft, key="beta").update(name="Beta, changed meanwhile")
    response = staff_client.post(
        reverse(PUBLISH, args=[draft.pk]), {"confirm": "yes", "fingerprint": fingerprint}
    )
    assert "changed after this page was opened" in response.content.decode()
    assert not _published(draft)


def test_a_draft_that_breaks_the_bank_rules_cannot_be_published(staff_client, draft):
    AnswerOption.objects.filter(question__domain__version=draft, level=5).first().delete()
    _, fingerprint, problem = version_publish_check(version=draft)
    assert "exactly 5 answers" in problem
    response = staff_client.post(
        reverse(PUBLISH, args=[draft.pk]), {"confirm": "yes", "fingerprint": fingerprint}
    )
    assert "cannot be published yet" in response.content.decode()
    assert not _published(draft)


def test_publishing_needs_a_csrf_token(personas, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.staff)
    _, fingerprint, _ = version_publish_check(version=draft)
    response = client.post(
        reverse(PUBLISH, args=[draft.pk]), {"confirm": "yes", "fingerprint": fingerprint}
    )
    assert response.status_code == 403
    assert not _published(draft)


def test_only_staff_with_change_permission_can_publish(client, personas, draft):
    _, fingerprint, _ = version_publish_check(version=draft)
    url = reverse(PUBLISH, args=[draft.pk])
    data = {"confirm": "yes", "fingerprint": fingerprint}
    client.force_login(personas.leader_a)
    assert client.post(url, data).status_code == 302  # to the admin login
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_questionnaireversion"))
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert not _published(draft)


def test_a_published_version_stays_read_only_in_the_admin(staff_client, mini_version):
    url = reverse("admin:assessment_question_change", args=[Question.objects.first().pk])
    assert 'name="_save"' not in staff_client.get(url).content.decode()
    action = Action.objects.first()
    response = staff_client.post(
        reverse("admin:assessment_action_change", args=[action.pk]), {"title": "Changed"}
    )
    assert response.status_code == 403
    response = staff_client.get(reverse(PUBLISH, args=[mini_version.pk]))
    assert response.status_code == 302  # already published: nothing to confirm


def test_the_admin_carries_the_stagewise_name(staff_client, mini_version):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "Stagewise admin" in page and "Django administration" not in page


def test_the_summary_tells_a_reorder_from_an_insertion():
    def bank(questions, actions=()):
        listed = [{"key": q, "answers": []} for q in questions]
        return {
            "name": "B",
            "description": "",
            "thresholds": {},
            "domains": [
                {
                    "key": "d",
                    "name": "D",
                    "questions": listed,
                }
            ],
            "actions": [{"key": a} for a in actions],
        }

    inserted = bank_diff(bank(["a", "b", "c"]), bank(["new", "a", "b", "c"]))
    questions = {s.title: s for s in inserted.sections}["Questions"]
    assert questions.added == ("new",) and questions.changed == ()
    swapped = bank_diff(bank(["a", "b", "c"]), bank(["b", "a", "c"]))
    assert {s.title: s for s in swapped.sections}["Questions"].changed == ("a (order)", "b (order)")
    first = bank_diff(None, bank(["a"], ["x"]))
    assert [len(s.added) for s in first.sections] == [1, 1, 0, 1]


def test_copying_to_a_draft_links_to_the_new_draft(staff_client, mini_version):
    response = staff_client.post(
        reverse("admin:assessment_questionnaireversion_changelist"),
        {"action": "copy_to_draft", "_selected_action": [mini_version.pk]},
        follow=True,
    )
    draft = QuestionnaireVersion.objects.get(number=2)
    link = reverse("admin:assessment_questionnaireversion_change", args=[draft.pk])
    assert f'Copied mini v1 to draft <a href="{link}">mini v2</a>.' in response.content.decode()
    assert not draft.is_published
