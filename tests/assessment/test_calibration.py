"""The calibration workshop: who may open it, what it shows, how agreed levels are recorded, and
what they change at submit (scores, resolved gaps, the report's calibration record)."""

import pytest
import yaml
from django.urls import reverse

from assessment.bank import bank_load
from assessment.calibration import blind_label
from assessment.models import AgreedAnswer, Answer, Assessment
from assessment.report import report_build
from assessment.services import (
    AGREED_LEVEL_INVALID,
    NOT_A_DRAFT,
    RATIONALE_TOO_LONG,
    UNKNOWN_QUESTION,
    AssessmentError,
    agreed_answer_save,
    assessment_submit,
)
from tests.assessment.conftest import answer, answer_everything, question_id
from tests.conftest import MINI_BANK
from tests.factories import UserFactory


def calibrate_url(assessment, blind: bool = False) -> str:
    url = reverse("assessment_calibrate", args=[assessment.org.public_id, assessment.public_id])
    return url + ("?blind=1" if blind else "")


@pytest.fixture
def disagreeing(personas, draft):
    """Leader and member answer everything at 3, except alpha-q2 (1 vs 4) and beta-q1 (2 vs 3)."""
    answer_everything(draft, personas.leader_a, 3)
    answer_everything(draft, personas.member_a, 3)
    answer(draft, personas.leader_a, "alpha-q2", 1, note="We only react to churn.")
    answer(draft, personas.member_a, "alpha-q2", 4, note="Playbooks exist for every tier.")
    answer(draft, personas.leader_a, "beta-q1", 2)
    return draft


def name(user) -> str:
    return user.get_full_name() or user.email


# --- the page ----------------------------------------------------------------------------------


def test_calibration_lists_the_widest_spread_first_with_every_answer_and_note(
    personas, client_for, disagreeing
):
    body = client_for(personas.leader_a).get(calibrate_url(disagreeing)).content.decode()

    q2 = body.index("alpha practice 2")
    assert q2 < body.index("beta practice 1") < body.index("alpha practice 1")
    assert "We only react to churn." in body and "Playbooks exist for every tier." in body
    assert name(personas.leader_a) in body and name(personas.member_a) in body
    assert "alignment gap" in body[q2 - 400 : q2]


def test_blind_pass_hides_every_name_behind_letters(personas, client_for, disagreeing):
    body = client_for(personas.consultant_a).get(calibrate_url(disagreeing, blind=True))
    text = body.content.decode()

    assert name(personas.leader_a) not in text and name(personas.member_a) not in text
    assert "Respondent A" in text and "Respondent B" in text
    assert 'name="blind" value="1"' in text


def test_blind_labels_continue_past_z():
    assert [blind_label(i) for i in (0, 25, 26, 27)] == [
        "Respondent A",
        "Respondent Z",
        "Respondent AA",
        "Respondent AB",
    ]


def test_fewer_than_two_respondents_shows_an_empty_state(personas, client_for, draft):
    answer_everything(draft, personas.leader_a, 3)

    body = client_for(personas.leader_a).get(calibrate_url(draft)).content.decode()

    assert "Nothing to calibrate yet" in body
    assert "only one person has answered so far" in body
    assert 'name="level"' not in body


@pytest.mark.parametrize("who", ["member_a", "leader_b", "outsider", "staff"])
def test_only_the_leader_and_consultant_may_calibrate(personas, client_for, disagreeing, who):
    client = client_for(getattr(personas, who))
    posted = {"question": question_id(disagreeing.version, "alpha-q2"), "level": "3"}

    assert client.get(calibrate_url(disagreeing)).status_code in (403, 404)
    assert client.post(calibrate_url(disagreeing), posted).status_code in (403, 404)
    assert not AgreedAnswer.objects.exists()


def test_submitted_assessment_redirects_to_its_result_and_takes_no_agreement(
    personas, client_for, disagreeing
):
    assessment_submit(assessment=disagreeing, by=personas.leader_a)
    client = client_for(personas.leader_a)
    posted = {"question": question_id(disagreeing.version, "alpha-q2"), "level": "3"}

    assert client.get(calibrate_url(disagreeing)).status_code == 302
    client.post(calibrate_url(disagreeing), posted)

    assert not AgreedAnswer.objects.exists()
    with pytest.raises(AssessmentError, match=NOT_A_DRAFT):
        agreed_answer_save(
            assessment=disagreeing, by=personas.leader_a, question_id=posted["question"], level="3"
        )


# --- recording agreed levels --------------------------------------------------------------------


def test_posting_an_agreed_level_records_it_and_can_change_and_remove_it(
    personas, client_for, disagreeing
):
    client = client_for(personas.consultant_a)
    qid = question_id(disagreeing.version, "alpha-q2")

    response = client.post(
        calibrate_url(disagreeing), {"question": qid, "level": "2", "rationale": "Only tier 1."}
    )
    assert response.url == f"{calibrate_url(disagreeing)}#q-{qid}"
    row = AgreedAnswer.objects.get()
    assert (row.level, row.rationale, row.by) == (2, "Only tier 1.", personas.consultant_a)

    client.post(calibrate_url(disagreeing), {"question": qid, "level": "3", "blind": "1"})
    assert AgreedAnswer.objects.get().level == 3
    page = client.get(calibrate_url(disagreeing)).content.decode()
    assert "agreed: level 3" in page

    client.post(calibrate_url(disagreeing), {"question": qid, "level": ""})
    assert not AgreedAnswer.objects.exists()


@pytest.mark.parametrize(
    ("level", "rationale", "message"),
    [
        ("6", "", AGREED_LEVEL_INVALID),
        ("0", "", AGREED_LEVEL_INVALID),
        ("two", "", AGREED_LEVEL_INVALID),
        ("3", "x" * 501, RATIONALE_TOO_LONG),
    ],
)
def test_bad_agreed_input_is_refused_with_a_reason_and_changes_nothing(
    personas, client_for, disagreeing, level, rationale, message
):
    qid = question_id(disagreeing.version, "alpha-q2")
    agreed_answer_save(assessment=disagreeing, by=personas.leader_a, question_id=qid, level="2")
    client = client_for(personas.leader_a)

    response = client.post(
        calibrate_url(disagreeing),
        {"question": qid, "level": level, "rationale": rationale},
        follow=True,
    )

    assert message in response.content.decode()
    assert AgreedAnswer.objects.get().level == 2


def test_agreed_level_for_a_question_of_another_bank_is_refused(personas, disagreeing):
    with pytest.raises(AssessmentError, match=UNKNOWN_QUESTION):
        agreed_answer_save(
            assessment=disagreeing, by=personas.leader_a, question_id="999999", level="3"
        )


def test_rationale_of_exactly_500_characters_is_kept(personas, disagreeing):
    qid = question_id(disagreeing.version, "alpha-q2")
    row = agreed_answer_save(
        assessment=disagreeing,
        by=personas.leader_a,
        question_id=qid,
        level="3",
        rationale="y" * 500,
    )
    assert len(row.rationale) == 500


# --- submit and report --------------------------------------------------------------------------


def test_submit_scores_the_agreed_level_and_freezes_the_calibration_record(personas, disagreeing):
    qid = question_id(disagreeing.version, "alpha-q2")
    agreed_answer_save(
        assessment=disagreeing,
        by=personas.consultant_a,
        question_id=qid,
        level="2",
        rationale="Playbooks exist only for tier 1.",
    )

    submitted = assessment_submit(assessment=disagreeing, by=personas.leader_a)

    snapshot = submitted.snapshot
    # Alpha: q1 3 (50), q2 agreed 2 (25) instead of the mean 2.5 (37.5), q3 3 (50).
    alpha = next(d for d in snapshot["result"]["domains"] if d["key"] == "alpha")
    assert alpha["score"] == round((50 + 25 + 50) / 3, 1)
    gap = next(g for g in snapshot["result"]["alignment_gaps"] if g["question_key"] == "alpha-q2")
    assert gap["resolved"] is True and gap["levels"] == [1, 4]
    assert [(r["question"], r["level"], r["by"]) for r in snapshot["calibration"]] == [
        ("alpha-q2", 2, name(personas.consultant_a))
    ]
    # Later changes to the live rows never reach the frozen record.
    AgreedAnswer.objects.all().delete()
    submitted.refresh_from_db()
    assert submitted.snapshot["calibration"][0]["rationale"] == "Playbooks exist only for tier 1."


def test_submit_without_agreed_answers_keeps_the_old_snapshot_layout(personas, disagreeing):
    submitted = assessment_submit(assessment=disagreeing, by=personas.leader_a)

    assert "calibration" not in submitted.snapshot
    assert all("resolved" not in g for g in submitted.snapshot["result"]["alignment_gaps"])


def test_report_marks_the_gap_resolved_and_prints_the_calibration_record(
    personas, client_for, disagreeing
):
    qid = question_id(disagreeing.version, "alpha-q2")
    agreed_answer_save(
        assessment=disagreeing,
        by=personas.consultant_a,
        question_id=qid,
        level="2",
        rationale="Playbooks exist only for tier 1.",
    )
    submitted = assessment_submit(assessment=disagreeing, by=personas.leader_a)

    report = report_build(assessment=submitted)
    assert [(g.resolved, g.detail) for g in report.alignment_gaps] == [
        (True, "answers ranged from level 1 to 4; resolved in calibration at level 2")
    ]
    assert [(c.level, c.anchor, c.by) for c in report.calibration] == [
        (2, "alpha 2: proactive practice.", name(personas.consultant_a))
    ]
    url = reverse("assessment_result", args=[submitted.org.public_id, submitted.public_id])
    body = client_for(personas.member_a).get(url).content.decode()
    assert "Calibration record" in body and "Playbooks exist only for tier 1." in body
    assert "Resolved</span>" in body


def test_roadmap_levels_use_the_agreed_level(personas, disagreeing):
    from assessment.report import snapshot_levels

    qid = question_id(disagreeing.version, "alpha-q2")
    agreed_answer_save(assessment=disagreeing, by=personas.leader_a, question_id=qid, level="4")
    submitted = assessment_submit(assessment=disagreeing, by=personas.leader_a)

    # Without calibration the level would be the mean (1 + 4) // 2 = 2.
    assert snapshot_levels(submitted.snapshot)["alpha-q2"] == 4


# --- scale ----------------------------------------------------------------------------------------

RESPONDENTS, DOMAINS, QUESTIONS = 12, 6, 8


def workshop_bank_text() -> str:
    mini = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))
    template_actions = [a for a in mini["actions"] if a["domain"] == "alpha"]
    domains, actions = [], []
    for d in range(1, DOMAINS + 1):
        key = f"area-{d}"
        domains.append(
            {
                "key": key,
                "name": f"Area {d}",
                "description": f"Practice area {d}.",
                "weight": 1,
                "questions": [
                    {
                        "key": f"{key}-q{q}",
                        "text": f"Practice {q} of area {d}?",
                        "help": "",
                        "weight": 1,
                        "answers": [f"Area {d} practice {q} level {n}." for n in range(1, 6)],
                    }
                    for q in range(1, QUESTIONS + 1)
                ],
            }
        )
        actions += [
            {**a, "key": a["key"].replace("alpha", key), "domain": key} for a in template_actions
        ]
    bank = {**mini, "slug": "workshop", "name": "Workshop", "domains": domains, "actions": actions}
    return yaml.safe_dump(bank, sort_keys=False)


def test_twelve_respondents_by_48_questions_render_in_twelve_queries_or_fewer(
    personas, client_for, django_assert_max_num_queries
):
    version, _ = bank_load(text=workshop_bank_text())
    draft = Assessment.objects.create(
        org=personas.org_a, version=version, started_by=personas.leader_a
    )
    people = [UserFactory() for _ in range(RESPONDENTS)]
    questions = [q for d in version.domains.all() for q in d.questions.prefetch_related("options")]
    rows = []
    for i, person in enumerate(people):
        for j, question in enumerate(questions):
            level = 1 + (i + j) % 5
            option = next(o for o in question.options.all() if o.level == level)
            rows.append(
                Answer(
                    assessment=draft,
                    respondent=person,
                    question=question,
                    option=option,
                    note=f"note {i}-{j}" if j % 4 == 0 else "",
                )
            )
    Answer.objects.bulk_create(rows)
    AgreedAnswer.objects.create(
        assessment=draft, question=questions[0], level=3, by=personas.leader_a
    )
    client = client_for(personas.leader_a)

    counts = []
    for _ in range(2):  # the first request also reads the bank's structure
        with django_assert_max_num_queries(12) as queries:
            body = client.get(calibrate_url(draft)).content.decode()
        counts.append(len(queries))
    print("calibration page queries (cold, warm):", counts)

    assert body.count('<li class="calibrate-answer') == RESPONDENTS * DOMAINS * QUESTIONS
    assert body.count('<select class="form-select" name="level"') == DOMAINS * QUESTIONS
    assert f"{RESPONDENTS} respondents" in body


def test_rationale_with_a_null_character_is_refused(personas, disagreeing):
    qid = question_id(disagreeing.version, "alpha-q2")

    with pytest.raises(AssessmentError, match="null characters"):
        agreed_answer_save(
            assessment=disagreeing,
            by=personas.leader_a,
            question_id=qid,
            level="3",
            rationale="a\x00",
        )
    assert not AgreedAnswer.objects.exists()


def test_left_out_former_member_is_not_among_the_calibrated_respondents(
    personas, client_for, disagreeing
):
    from assessment.models import ExcludedRespondent
    from orgs.models import Membership

    Membership.objects.filter(user=personas.member_a).delete()
    ExcludedRespondent.objects.create(assessment=disagreeing, respondent=personas.member_a)

    body = client_for(personas.leader_a).get(calibrate_url(disagreeing)).content.decode()

    assert "Nothing to calibrate yet" in body
    assert name(personas.member_a) not in body


def test_review_page_links_to_calibration_only_for_those_who_may_calibrate(
    personas, client_for, disagreeing
):
    review = reverse("assessment_review", args=[disagreeing.org.public_id, disagreeing.public_id])

    leader = client_for(personas.leader_a).get(review).content.decode()
    member = client_for(personas.member_a).get(review).content.decode()

    assert calibrate_url(disagreeing) in leader
    assert calibrate_url(disagreeing) not in member
