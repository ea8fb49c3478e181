"""A published version never changes: model guards, copy-to-draft, publish and the admin."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from assessment.bank import ALREADY_PUBLISHED, version_copy_to_draft, version_publish
from assessment.models import (
    PUBLISHED_IS_FROZEN,
    Action,
    AnswerOption,
    Domain,
    PublishedVersionError,
    Question,
    QuestionnaireVersion,
)

CHANGELIST = "admin:assessment_questionnaireversion_changelist"
CHANGE = "admin:assessment_questionnaireversion_change"


def domain_of(version):
    return version.domains.get(key="alpha")


def question_of(version):
    return Question.objects.get(domain__version=version, key="alpha-q1")


def option_of(version):
    return AnswerOption.objects.get(question=question_of(version), level=3)


def action_of(version):
    return version.actions.get(key="alpha-proactive-2")


def version_itself(version):
    return QuestionnaireVersion.objects.get(pk=version.pk)


ROWS = pytest.mark.parametrize(
    "get_row",
    [domain_of, question_of, option_of, action_of, version_itself],
    ids=["domain", "question", "option", "action", "version"],
)
QUERYSETS = pytest.mark.parametrize(
    ("model", "lookup", "change"),
    [
        (Domain, "version_id", {"weight": 2}),
        (Question, "domain__version_id", {"text": "Changed?"}),
        (AnswerOption, "question__domain__version_id", {"text": "Changed."}),
        (Action, "version_id", {"effort_weeks": 1}),
        (QuestionnaireVersion, "pk", {"proactive_min": 10}),
    ],
    ids=["domain", "question", "option", "action", "version"],
)


def frozen_message(version) -> str:
    return PUBLISHED_IS_FROZEN.format(version=version)


def export(version) -> str:
    out = io.StringIO()
    call_command(
        "export_questionnaire", version.questionnaire.slug, str(version.number), stdout=out
    )
    return out.getvalue()


# --- model guards ----------------------------------------------------------------------------


@ROWS
def test_save_on_a_published_row_raises(mini_version, get_row):
    row = get_row(mini_version)

    with pytest.raises(PublishedVersionError) as excinfo:
        row.save()

    assert str(excinfo.value) == frozen_message(mini_version)


@ROWS
def test_delete_on_a_published_row_raises_and_keeps_it(mini_version, get_row):
    row = get_row(mini_version)

    with pytest.raises(PublishedVersionError):
        row.delete()

    assert type(row).objects.filter(pk=row.pk).exists()


@QUERYSETS
def test_queryset_update_on_published_rows_raises(mini_version, model, lookup, change):
    rows = model.objects.filter(**{lookup: mini_version.pk})
    before = list(rows.values())

    with pytest.raises(PublishedVersionError) as excinfo:
        rows.update(**change)

    assert str(excinfo.value) == frozen_message(mini_version)
    assert list(rows.values()) == before


@QUERYSETS
def test_queryset_delete_on_published_rows_raises_and_keeps_them(
    mini_version, model, lookup, change
):
    rows = model.objects.filter(**{lookup: mini_version.pk})
    count = rows.count()

    with pytest.raises(PublishedVersionError):
        rows.delete()

    assert rows.count() == count


def test_edit_through_a_queryset_that_also_holds_draft_rows_raises(mini_version):
    draft = version_copy_to_draft(version=mini_version)

    with pytest.raises(PublishedVersionError):
        Domain.objects.filter(version__in=[draft, mini_version]).update(weight=2)

    assert set(Domain.objects.values_list("weight", flat=True)) == {1.0}


def test_creating_a_domain_in_a_published_version_raises(mini_version):
    with pytest.raises(PublishedVersionError):
        Domain.objects.create(version=mini_version, key="gamma", name="Gamma")

    assert not Domain.objects.filter(key="gamma").exists()


def test_creating_a_question_in_a_published_version_raises(mini_version):
    with pytest.raises(PublishedVersionError):
        Question.objects.create(domain=domain_of(mini_version), key="alpha-q4", text="New?")

    assert not Question.objects.filter(key="alpha-q4").exists()


def test_creating_an_action_in_a_published_version_raises(mini_version):
    with pytest.raises(PublishedVersionError):
        Action.objects.create(
            version=mini_version,
            domain=domain_of(mini_version),
            key="alpha-new",
            stage=2,
            title="New",
            why="Why",
            effort="1 week",
            effort_weeks=1,
        )

    assert not Action.objects.filter(key="alpha-new").exists()


def test_moving_a_draft_question_into_a_published_version_raises(mini_version):
    draft = version_copy_to_draft(version=mini_version)
    question = question_of(draft)
    question.domain = domain_of(mini_version)
    question.key = "moved"

    with pytest.raises(PublishedVersionError):
        question.save()

    assert question_of(draft).key == "alpha-q1"


def test_a_draft_version_is_editable(mini_version):
    draft = version_copy_to_draft(version=mini_version)
    question = question_of(draft)
    question.text = "Edited in the draft?"
    question.save()
    Domain.objects.create(version=draft, key="gamma", name="Gamma")
    action_of(draft).delete()

    assert question_of(draft).text == "Edited in the draft?"
    assert draft.domains.filter(key="gamma").exists()
    assert not draft.actions.filter(key="alpha-proactive-2").exists()
    assert question_of(mini_version).text == "How does your team handle alpha practice 1?"


# --- services --------------------------------------------------------------------------------


def test_copy_to_draft_gives_a_draft_numbered_after_the_newest(mini_version):
    draft = version_copy_to_draft(version=mini_version)

    assert (draft.number, draft.status, draft.published_at) == (
        2,
        QuestionnaireVersion.Status.DRAFT,
        None,
    )


def test_copy_to_draft_exports_the_same_bank_except_the_version_number(mini_version):
    draft = version_copy_to_draft(version=mini_version)

    assert export(draft) == export(mini_version).replace("\nversion: 1\n", "\nversion: 2\n")


def test_publish_freezes_a_draft(mini_version):
    draft = version_copy_to_draft(version=mini_version)

    version_publish(version=draft)

    stored = QuestionnaireVersion.objects.get(pk=draft.pk)
    assert stored.is_published
    assert stored.published_at is not None
    with pytest.raises(PublishedVersionError):
        stored.save()


def test_publish_of_a_published_version_raises(mini_version):
    with pytest.raises(PublishedVersionError) as excinfo:
        version_publish(version=mini_version)

    assert str(excinfo.value) == ALREADY_PUBLISHED.format(version=mini_version)


# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin(admin_client, settings):
    """admin_client without WhiteNoise's "No directory at: var/staticfiles/" warning, which the
    test run (warnings as errors) turns into a failure when collectstatic has not run."""
    settings.WHITENOISE_AUTOREFRESH = True
    return admin_client


def test_admin_action_copy_to_draft_creates_the_next_draft(admin, mini_version):
    response = admin.post(
        reverse(CHANGELIST), {"action": "copy_to_draft", "_selected_action": [mini_version.pk]}
    )

    assert response.status_code == 302
    draft = QuestionnaireVersion.objects.get(number=2)
    assert draft.status == QuestionnaireVersion.Status.DRAFT
    assert draft.domains.count() == 2


def test_admin_action_publish_publishes_a_draft_once_confirmed(admin, mini_version):
    draft = version_copy_to_draft(version=mini_version)

    response = admin.post(
        reverse(CHANGELIST), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert not QuestionnaireVersion.objects.get(pk=draft.pk).is_published
    confirm = response.context["fingerprint"]
    admin.post(response.redirect_chain[-1][0], {"confirm": "yes", "fingerprint": confirm})

    assert QuestionnaireVersion.objects.get(pk=draft.pk).is_published


def test_admin_action_publish_on_a_published_version_warns(admin, mini_version):
    published_at = mini_version.published_at

    response = admin.post(
        reverse(CHANGELIST),
        {"action": "publish", "_selected_action": [mini_version.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [ALREADY_PUBLISHED.format(version=mini_version)]
    assert QuestionnaireVersion.objects.get(pk=mini_version.pk).published_at == published_at


def test_admin_change_page_of_a_published_version_has_no_save_button(admin, mini_version):
    response = admin.get(reverse(CHANGE, args=[mini_version.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert 'name="_continue"' not in content


def test_admin_change_page_of_a_draft_version_has_a_save_button(admin, mini_version):
    draft = version_copy_to_draft(version=mini_version)

    response = admin.get(reverse(CHANGE, args=[draft.pk]))

    assert 'name="_save"' in response.content.decode()


def test_admin_post_to_a_published_version_changes_nothing(admin, mini_version):
    response = admin.post(
        reverse(CHANGE, args=[mini_version.pk]),
        {
            "questionnaire": mini_version.questionnaire_id,
            "number": 9,
            "proactive_min": 10,
            "predictive_min": 30,
            "strategic_min": 50,
            "embedded_min": 70,
            "_save": "Save",
        },
    )

    assert response.status_code == 403
    stored = QuestionnaireVersion.objects.get(pk=mini_version.pk)
    assert (stored.number, stored.proactive_min, stored.embedded_min) == (1, 20.0, 80.0)


def test_bulk_update_of_published_rows_raises(mini_version):
    domain = domain_of(mini_version)
    domain.weight = 3

    # bulk_update runs in atomic(savepoint=False); a savepoint keeps the test transaction usable.
    with pytest.raises(PublishedVersionError), transaction.atomic():
        Domain.objects.bulk_update([domain], ["weight"])

    assert domain_of(mini_version).weight == 1.0


def test_bulk_create_into_a_published_version_raises(mini_version):
    with pytest.raises(PublishedVersionError):
        Domain.objects.bulk_create([Domain(version=mini_version, key="gamma", name="Gamma")])

    assert not Domain.objects.filter(key="gamma").exists()
