"""A v2 bank (practice labels, practice-level catalog) in the database: loaded, exported, copied
and frozen like v1, with every v2 field carried through; v1 rows keep blank v2 fields."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment.bank import bank_export, bank_load, version_copy_to_draft
from assessment.bank_file import dump_bank, parse_bank
from assessment.models import Action, PublishedVersionError, Question
from tests.bank.test_bank_file_v2 import V2_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def v2_version():
    version, _ = bank_load(text=V2_TEXT)
    return version


def test_loading_the_v2_bank_stores_labels_and_practice_fields(v2_version):
    assert dict(
        Question.objects.filter(domain__version=v2_version).values_list("key", "label")
    ) == {
        "alpha-q1": "alpha tiers",
        "alpha-q2": "alpha playbooks",
        "beta-q1": "beta health score",
        "beta-q2": "",
    }
    action = v2_version.actions.get(key="beta-both-strategic")
    assert (action.stage, action.from_level, action.lifts, action.prerequisites) == (
        4,
        3,
        ["beta-q1", "beta-q2"],
        ["beta-q1-alerts"],
    )
    assert (action.done_when, action.first_step, action.owner) == (
        "The board pack has a beta health page.",
        "Draft the page with last quarter's numbers.",
        "CS leader",
    )
    assert v2_version.actions.count() == 13


def test_export_of_the_loaded_v2_bank_is_the_parsed_file_and_dumps_byte_identical(v2_version):
    exported = bank_export(version=v2_version)

    assert exported == parse_bank(V2_TEXT)
    assert dump_bank(exported) == V2_TEXT


def test_loading_the_v2_file_again_changes_nothing(v2_version):
    again, created = bank_load(text=V2_TEXT)

    assert (again.pk, created) == (v2_version.pk, False)


def test_v1_bank_rows_keep_blank_practice_fields(mini_version):
    assert set(
        Action.objects.filter(version=mini_version).values_list(
            "from_level", "done_when", "first_step", "owner"
        )
    ) == {(None, "", "", "")}
    assert all(a.lifts == [] and a.prerequisites == [] for a in mini_version.actions.all())
    assert set(
        Question.objects.filter(domain__version=mini_version).values_list("label", flat=True)
    ) == {""}
    assert "lifts" not in bank_export(version=mini_version)["actions"][0]


def test_copy_to_draft_carries_every_v2_field(v2_version):
    draft = version_copy_to_draft(version=v2_version)

    assert bank_export(version=draft) == {**bank_export(version=v2_version), "version": 3}


@pytest.mark.parametrize(
    ("field", "value"),
    [("owner", "Someone else"), ("lifts", ["alpha-q2"]), ("from_level", 2), ("first_step", "x")],
)
def test_practice_fields_of_a_published_action_are_frozen(v2_version, field, value):
    action = v2_version.actions.get(key="alpha-q1-strategic")
    setattr(action, field, value)

    with pytest.raises(PublishedVersionError):
        action.save()
    with pytest.raises(PublishedVersionError):
        Action.objects.filter(pk=action.pk).update(**{field: value})


def test_label_of_a_published_question_is_frozen(v2_version):
    with pytest.raises(PublishedVersionError):
        Question.objects.filter(domain__version=v2_version).update(label="renamed")
    assert Question.objects.get(domain__version=v2_version, key="alpha-q1").label == "alpha tiers"


def test_admin_shows_the_practice_fields_of_an_action_and_the_label_of_a_question(
    admin_client, settings, v2_version
):
    settings.WHITENOISE_AUTOREFRESH = True  # see the `admin` fixture in test_published_version
    action = v2_version.actions.get(key="beta-q1-alerts")
    question = Question.objects.get(domain__version=v2_version, key="beta-q1")

    action_page = admin_client.get(
        reverse("admin:assessment_action_change", args=[action.pk])
    ).content.decode()
    question_page = admin_client.get(
        reverse("admin:assessment_question_change", args=[question.pk])
    ).content.decode()

    for text in ("A drop in health opens a task.", "Set one alert threshold.", "beta-health-score"):
        assert text in action_page
    assert "Practice-level advice (v2 catalog)" in action_page
    assert "beta health score" in question_page


def test_admin_version_page_lists_v2_actions_with_their_lifts_and_owner(
    admin_client, settings, v2_version
):
    settings.WHITENOISE_AUTOREFRESH = True
    page = admin_client.get(
        reverse("admin:assessment_questionnaireversion_change", args=[v2_version.pk])
    )

    assert page.status_code == 200
    content = page.content.decode()
    assert "Executive sponsor" in content
    assert "[&quot;beta-q1&quot;, &quot;beta-q2&quot;]" in content


def test_database_refuses_an_action_whose_stage_is_not_one_above_its_from_level(v2_version):
    draft = version_copy_to_draft(version=v2_version)
    action = draft.actions.get(key="alpha-q1-tiers-list")
    action.from_level = 3  # still stage 2

    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()
