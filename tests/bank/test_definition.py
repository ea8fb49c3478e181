"""questionnaire_definition: the plain scoring input built from a version's rows."""

import pytest

from assessment import scoring
from assessment.bank import questionnaire_definition, version_copy_to_draft
from assessment.models import Domain, Question


def test_definition_lists_domains_and_questions_in_file_order(mini_version):
    definition = questionnaire_definition(version=mini_version)

    assert [d.key for d in definition.domains] == ["alpha", "beta"]
    assert [[q.key for q in d.questions] for d in definition.domains] == [
        ["alpha-q1", "alpha-q2", "alpha-q3"],
        ["beta-q1", "beta-q2", "beta-q3"],
    ]


def test_definition_carries_names_texts_gate_and_thresholds(mini_version):
    definition = questionnaire_definition(version=mini_version)
    alpha = definition.domains[0]

    assert (alpha.name, alpha.weight) == ("Alpha Domain", 1.0)
    assert alpha.questions[0] == scoring.QuestionDef(
        key="alpha-q1",
        text="How does your team handle alpha practice 1?",
        weight=1.0,
        gate=scoring.Gate(stage=3, min_level=2),
    )
    assert alpha.questions[1].gate is None
    assert definition.thresholds == scoring.Thresholds(
        proactive=20, predictive=40, strategic=60, embedded=80
    )


def test_definition_follows_edited_rows_of_a_draft(mini_version):
    draft = version_copy_to_draft(version=mini_version)
    Domain.objects.filter(version=draft, key="beta").update(weight=2.5, position=0)
    Domain.objects.filter(version=draft, key="alpha").update(position=1)
    Question.objects.filter(domain__version=draft, key="beta-q1").update(position=9, weight=3)
    Question.objects.filter(domain__version=draft, key="beta-q3").update(
        gate_stage=4, gate_min_level=5
    )
    draft.embedded_min = 90
    draft.save()

    definition = questionnaire_definition(version=draft)
    beta = definition.domains[0]

    assert [d.key for d in definition.domains] == ["beta", "alpha"]
    assert beta.weight == 2.5
    assert [q.key for q in beta.questions] == ["beta-q2", "beta-q3", "beta-q1"]
    assert beta.questions[2].weight == 3.0
    assert beta.questions[1].gate == scoring.Gate(stage=4, min_level=5)
    assert definition.thresholds.embedded == 90


def test_scoring_the_definition_rates_level_3_everywhere_as_predictive(mini_version):
    definition = questionnaire_definition(version=mini_version)
    keys = [q.key for d in definition.domains for q in d.questions]

    result = scoring.score(definition, {"leader": dict.fromkeys(keys, 3)})

    assert result.overall_score == pytest.approx(50.0)
    assert result.stage == 3
    assert result.completeness == pytest.approx(1.0)
    assert result.respondents == 1


def test_scoring_the_definition_applies_the_gate_from_the_rows(mini_version):
    definition = questionnaire_definition(version=mini_version)
    answers = {q.key: 4 for d in definition.domains for q in d.questions}
    answers["alpha-q1"] = 1

    result = scoring.score(definition, {"leader": answers})

    assert result.score_stage == 4
    assert result.stage == 2
    assert [(r.kind, r.key) for r in result.cap_reasons] == [("gate", "alpha-q1")]
