"""`manage.py import_assessment`: an exported JSON comes back as a new org, scored again here."""

import copy
import io
import json

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from assessment import imports
from assessment.bank import bank_load
from assessment.models import Answer, Assessment
from orgs.models import Membership, Organization
from tests.conftest import MINI_BANK
from tests.exports.conftest import export_url


@pytest.fixture
def document(exported, personas, client_for) -> dict:
    response = client_for(personas.member_a).get(export_url("assessment_export_json", exported))
    return json.loads(response.content)


def write(tmp_path, content) -> str:
    path = tmp_path / "export.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return str(path)


def run(path: str, *args: str) -> str:
    out = io.StringIO()
    call_command("import_assessment", path, *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Organization.objects.count(),
        Assessment.objects.count(),
        Answer.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )


def new_org(personas) -> Organization:
    return Organization.objects.exclude(pk__in=[personas.org_a.pk, personas.org_b.pk]).get()


# --- round trip -------------------------------------------------------------------------------


def test_round_trip_gives_a_new_org_with_the_same_result(exported, document, personas, tmp_path):
    output = run(write(tmp_path, document))
    org = new_org(personas)
    assessment = org.assessments.get()
    assert org.public_id != personas.org_a.public_id
    assert assessment.public_id != exported.public_id
    assert (org.name, org.arr_band, org.industry) == ("Acme CS", "5m-20m", "Fintech")
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.snapshot["result"] == exported.snapshot["result"]
    assert (assessment.stage, assessment.score_stage, assessment.overall_score) == (
        exported.stage,
        exported.score_stage,
        exported.overall_score,
    )
    assert assessment.submitted_at == exported.submitted_at
    assert assessment.answers.count() == exported.answers.count() == 12
    assert f"Imported as a new organization: Acme CS (id {org.public_id})" in output


def test_respondents_become_inactive_placeholders_without_a_password(document, personas, tmp_path):
    run(write(tmp_path, document))
    assessment = new_org(personas).assessments.get()
    people = get_user_model().objects.filter(answers__assessment=assessment).distinct()
    assert len(people) == 2
    for person in people:
        assert not person.is_active and not person.has_usable_password()
        assert person.email.startswith("imported+") and person.email.endswith("@invalid")
    names = {r["name"] for r in assessment.snapshot["respondents"]}
    assert names == {personas.leader_a.get_full_name(), personas.member_a.get_full_name()}
    assert not Membership.objects.filter(org=assessment.org).exists()  # staff grants access


def test_leader_option_names_the_leader_and_keeps_their_own_answers(
    exported, document, personas, tmp_path
):
    run(write(tmp_path, document), "--leader", personas.leader_a.email, "--org-name", "Acme copy")
    org = Organization.objects.get(name="Acme copy")
    assessment = org.assessments.get()
    assert org.memberships.get().user == personas.leader_a
    assert org.memberships.get().role == Membership.Role.LEADER
    assert assessment.answers.filter(respondent=personas.leader_a).count() == 6
    assert assessment.answers.exclude(respondent=personas.leader_a).count() == 6
    assert assessment.submitted_by == personas.leader_a
    assert assessment.snapshot["result"] == exported.snapshot["result"]


def test_importing_twice_gives_two_new_orgs(document, personas, tmp_path):
    path = write(tmp_path, document)
    run(path)
    run(path)
    assert Organization.objects.filter(name="Acme CS").count() == 3


# --- bad files: a clear message and nothing created ---------------------------------------


def edited(document: dict, change) -> dict:
    copied = copy.deepcopy(document)
    change(copied)
    return copied


def set_version(number: int):
    def change(document):
        document["questionnaire"]["version"] = number
        document["snapshot"]["questionnaire"]["version"] = number

    return change


def set_key(path: tuple, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def drop(key: str):
    return lambda document: document.pop(key)


BAD = {
    "wrong format": (
        set_key(("format",), "stagewise-questionnaire"),
        imports.NOT_AN_EXPORT.format(
            expected="stagewise-assessment", found="'stagewise-questionnaire'"
        ),
    ),
    "no format_version": (drop("format_version"), "The export has no 'format_version'."),
    "newer format_version": (
        set_key(("format_version",), 2),
        imports.UNSUPPORTED_VERSION.format(found=2, expected=1),
    ),
    "no snapshot": (drop("snapshot"), "The export has no 'snapshot'."),
    "version not loaded": (
        set_version(2),
        imports.VERSION_NOT_LOADED.format(slug="mini", version=2),
    ),
    "snapshot of another version": (
        set_key(("snapshot", "questionnaire", "version"), 3),
        imports.QUESTIONNAIRE_MISMATCH.format(outer="mini v1", inner="mini v3"),
    ),
    "level out of range": (
        set_key(("snapshot", "answers", 0, "level"), 7),
        imports.BAD_LEVEL.format(index=0, level=7),
    ),
    "unknown question": (
        set_key(("snapshot", "answers", 0, "question"), "gamma-q9"),
        imports.UNKNOWN_QUESTION.format(key="gamma-q9", slug="mini", version=1),
    ),
    "unknown ARR band": (
        set_key(("org", "arr_band"), "a-lot"),
        "org.arr_band is 'a-lot', which is not one of",
    ),
    "naive date": (
        set_key(("submitted_at",), "2026-01-01T10:00:00"),
        "'submitted_at' must be an ISO 8601 date and time with a time zone",
    ),
    "edited result": (
        set_key(("snapshot", "result", "overall_score"), 99.0),
        "Scoring the imported answers gives a different result from the exported one",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_file_is_refused_with_a_clear_message_and_nothing_created(document, tmp_path, case):
    change, message = BAD[case]
    path = write(tmp_path, edited(document, change))
    before = counts()
    with pytest.raises(CommandError) as refused:
        run(path)
    assert message in str(refused.value)
    assert str(refused.value).endswith("Nothing was imported.")
    assert counts() == before


def test_malformed_json_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match=r"The file is not valid JSON \(Expecting"):
        run(write(tmp_path, '{"format": "stagewise-assessment",'))
    assert counts() == (0, 0, 0, 0, 0)


def test_a_version_loaded_but_not_published_is_refused(document, tmp_path):
    bank = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))
    bank["version"] = 2
    bank_load(text=yaml.safe_dump(bank), publish=False)
    before = counts()
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, edited(document, set_version(2))))
    assert imports.VERSION_NOT_PUBLISHED.format(slug="mini", version=2) in str(refused.value)
    assert counts() == before


def test_unknown_leader_is_refused(document, tmp_path):
    before = counts()
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, document), "--leader", "nobody@example.com")
    assert imports.NO_SUCH_LEADER.format(email="nobody@example.com") in str(refused.value)
    assert counts() == before


def test_missing_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.json"))


def test_too_long_org_name_is_refused(document, tmp_path):
    before = counts()
    with pytest.raises(CommandError, match="is empty or longer than 120 characters"):
        run(write(tmp_path, document), "--org-name", "x" * 121)
    assert counts() == before
