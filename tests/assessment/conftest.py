import pytest

from assessment.models import Assessment
from assessment.services import AnswerInput, answers_save


@pytest.fixture
def draft(personas, mini_version) -> Assessment:
    """An open draft for org A on the mini bank (the default bank slug is swapped for 'mini')."""
    return Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )


def option_id(version, question_key: str, level: int) -> str:
    option = (
        version.domains.get(questions__key=question_key)
        .questions.get(key=question_key)
        .options.get(level=level)
    )
    return str(option.pk)


def question_id(version, question_key: str) -> str:
    return str(version.domains.get(questions__key=question_key).questions.get(key=question_key).pk)


def answer(assessment, person, question_key: str, level: int | str, note: str = ""):
    version = assessment.version
    value = level if isinstance(level, str) else option_id(version, question_key, level)
    return answers_save(
        assessment=assessment,
        respondent=person,
        items=[AnswerInput(question_id(version, question_key), value, note)],
    )


def answer_everything(assessment, person, level: int):
    for domain in assessment.version.domains.all():
        for question in domain.questions.all():
            answer(assessment, person, question.key, level)
