"""The generated demo portfolio (`demo_data --orgs N --assessments M`)."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessment import scoring
from assessment.bank import questionnaire_definition
from assessment.models import Answer, Assessment
from orgs.demo import CONSULTANT_EMAIL, demo_build_portfolio
from orgs.models import ConsultantAssignment, Membership, Organization


def test_builds_the_expected_counts_and_a_rerun_adds_nothing(default_version):
    built = demo_build_portfolio(orgs=30, assessments=3, seed=11)
    consultant = get_user_model().objects.get(username=CONSULTANT_EMAIL)
    orgs = Organization.objects.filter(assignments__consultant=consultant)
    drafts = Assessment.objects.filter(status=Assessment.Status.DRAFT)
    assert (built.orgs, built.assessments) == (30, 90)
    assert orgs.count() == 30 and ConsultantAssignment.objects.count() == 30
    assert Assessment.objects.filter(status=Assessment.Status.SUBMITTED).count() == 90
    assert drafts.count() == built.drafts
    assert Membership.objects.count() == 60  # a leader and a member per org
    assert Answer.objects.filter(assessment__status="submitted").count() == 0
    assert Answer.objects.count() == Answer.objects.filter(assessment__in=drafts).count()
    assert len({o.arr_band for o in orgs}) >= 3

    again = demo_build_portfolio(orgs=30, assessments=3, seed=11)
    assert (again.orgs, again.assessments, again.drafts) == (0, 0, 0)
    assert Assessment.objects.count() == 90 + built.drafts


def test_stored_figures_match_each_snapshot_the_real_scoring_and_move_both_ways(
    default_version,
):
    demo_build_portfolio(orgs=30, assessments=3, seed=11)
    definition = questionnaire_definition(version=default_version)
    submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    stages = set()
    for assessment in submitted.select_related("org"):
        result = assessment.snapshot["result"]
        assert assessment.stage == result["stage"]
        assert assessment.score_stage == result["score_stage"]
        assert assessment.overall_score == result["overall_score"]
        assert assessment.created_at == assessment.submitted_at
        people = {str(m.user_id) for m in Membership.objects.filter(org=assessment.org)}
        assert {r["id"] for r in assessment.snapshot["respondents"]} <= people
        answers: dict = {}
        for a in assessment.snapshot["answers"]:
            answers.setdefault(a["respondent"], {})[a["question"]] = (
                scoring.DONT_KNOW if a["dont_know"] else a["level"]
            )
        assert scoring.result_to_dict(scoring.score(definition, answers)) == result
        stages.add(assessment.stage)
    assert len(stages) >= 3  # a spread of maturity, not one profile
    trends = set()
    for org in Organization.objects.all():
        stages = list(
            org.assessments.filter(status="submitted")
            .order_by("submitted_at")
            .values_list("stage", flat=True)
        )
        trends.add((stages[-1] > stages[-2]) - (stages[-1] < stages[-2]))
    assert trends == {-1, 0, 1}  # up, same and down from the previous result


def test_a_generated_result_renders_its_report(default_version, client_for):
    demo_build_portfolio(orgs=2, assessments=1, seed=11)
    consultant = get_user_model().objects.get(username=CONSULTANT_EMAIL)
    assessment = Assessment.objects.filter(status="submitted").select_related("org").first()
    url = reverse("assessment_result", args=[assessment.org.public_id, assessment.public_id])
    response = client_for(consultant).get(url)
    assert response.status_code == 200
    assert assessment.org.name in response.content.decode()


def test_demo_data_command_takes_the_scale_options(default_version):
    out = io.StringIO()
    call_command("demo_data", "--orgs", "3", "--assessments", "2", stdout=out)
    assert "Generated portfolio: 3 new orgs, 6 submitted assessments" in out.getvalue()
    consultant = get_user_model().objects.get(username=CONSULTANT_EMAIL)
    assert Organization.objects.filter(assignments__consultant=consultant).count() == 3 + 3
