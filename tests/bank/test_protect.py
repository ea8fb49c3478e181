"""Answered questions and options, and versions in use, cannot be deleted (PROTECT)."""

import pytest
from django.db.models import ProtectedError

from assessment.bank import version_copy_to_draft
from assessment.models import (
    Action,
    Answer,
    AnswerOption,
    Assessment,
    Domain,
    Question,
    QuestionnaireVersion,
)
from tests.factories import AnswerFactory, AssessmentFactory

BANK_AND_ANSWER_MODELS = (
    QuestionnaireVersion,
    Domain,
    Question,
    AnswerOption,
    Action,
    Assessment,
    Answer,
)


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in BANK_AND_ANSWER_MODELS}


@pytest.fixture
def draft(mini_version):
    """A draft copy, so deletes are blocked by PROTECT and not first by immutability."""
    return version_copy_to_draft(version=mini_version)


@pytest.fixture
def answer(mini_version, draft):
    question = Question.objects.get(domain__version=draft, key="alpha-q2")
    return AnswerFactory(
        assessment=AssessmentFactory(version=mini_version),
        question=question,
        option=question.options.get(level=4),
    )


def test_deleting_an_answered_question_is_protected(answer):
    before = row_counts()

    with pytest.raises(ProtectedError):
        answer.question.delete()

    assert row_counts() == before


def test_deleting_a_chosen_option_is_protected(answer):
    before = row_counts()

    with pytest.raises(ProtectedError):
        answer.option.delete()

    assert row_counts() == before


def test_deleting_the_domain_of_an_answered_question_is_protected(answer):
    before = row_counts()

    with pytest.raises(ProtectedError):
        answer.question.domain.delete()

    assert row_counts() == before


def test_deleting_a_version_with_answered_questions_is_protected(answer, draft):
    before = row_counts()

    with pytest.raises(ProtectedError):
        draft.delete()

    assert row_counts() == before


def test_deleting_a_version_used_by_an_assessment_is_protected(draft):
    AssessmentFactory(version=draft)
    before = row_counts()

    with pytest.raises(ProtectedError):
        draft.delete()

    assert row_counts() == before


def test_deleting_an_unused_draft_version_removes_its_content(mini_version, draft):
    draft.delete()

    assert not QuestionnaireVersion.objects.filter(pk=draft.pk).exists()
    assert not Question.objects.filter(domain__version_id=draft.pk).exists()
    assert Question.objects.filter(domain__version=mini_version).count() == 6
