"""Loading a bank file (service and command): counts, idempotence, all-or-nothing, round trip."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from assessment.bank import VERSION_EXISTS_DIFFERENT, bank_load
from assessment.bank_file import ALLOWED_TAGS, UNKNOWN_TAG, BankFileError
from assessment.models import (
    Action,
    AnswerOption,
    Domain,
    PublishedVersionError,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)
from tests.conftest import DEFAULT_BANK, MINI_BANK

pytestmark = pytest.mark.django_db

BANK_MODELS = (Questionnaire, QuestionnaireVersion, Domain, Question, AnswerOption, Action)


def row_ids() -> dict[str, list[int]]:
    return {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in BANK_MODELS}


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in BANK_MODELS}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def export(slug: str, number: int) -> str:
    return run("export_questionnaire", slug, str(number))


def mini_with_bad_last_action(tmp_path):
    raw = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))
    raw["actions"][-1]["tags"] = ["unicorn"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def load_export_reload(text: str, slug: str, number: int) -> tuple[str, str]:
    """Export after loading `text`, then load that export into an empty bank and export again."""
    with transaction.atomic():
        bank_load(text=text)
        first = export(slug, number)
        transaction.set_rollback(True)  # back to an empty database
    assert Questionnaire.objects.count() == 0
    bank_load(text=first)
    return first, export(slug, number)


def test_load_command_creates_a_published_version_with_all_rows():
    output = run("load_questionnaire", str(MINI_BANK))

    assert output == "Loaded mini v1 (published): 2 domains, 6 questions, 10 actions.\n"
    assert row_counts() == {
        "Questionnaire": 1,
        "QuestionnaireVersion": 1,
        "Domain": 2,
        "Question": 6,
        "AnswerOption": 30,
        "Action": 10,
    }
    assert QuestionnaireVersion.objects.get().is_published


def test_loading_the_same_file_twice_changes_nothing(mini_bank_text):
    first, created_first = bank_load(text=mini_bank_text)
    before = row_ids()

    second, created_second = bank_load(text=mini_bank_text)

    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert row_ids() == before


def test_load_command_run_twice_says_nothing_changed():
    run("load_questionnaire", str(MINI_BANK))

    output = run("load_questionnaire", str(MINI_BANK))

    assert output == "mini v1 is already loaded with this content; nothing changed.\n"


def test_a_file_with_a_bad_last_action_loads_nothing(tmp_path):
    path = mini_with_bad_last_action(tmp_path)

    with pytest.raises(BankFileError):
        bank_load(text=path.read_text(encoding="utf-8"))

    assert set(row_counts().values()) == {0}


def test_load_command_reports_a_bad_file_as_command_error(tmp_path):
    path = mini_with_bad_last_action(tmp_path)
    message = UNKNOWN_TAG.format(
        key="beta-embedded-12", tag="unicorn", allowed=", ".join(ALLOWED_TAGS)
    )

    with pytest.raises(CommandError) as excinfo:
        run("load_questionnaire", str(path))

    assert str(excinfo.value) == f"{path}: {message} Nothing was loaded."
    assert set(row_counts().values()) == {0}


def test_a_database_error_while_writing_the_last_rows_rolls_back_everything(
    mini_bank_text, monkeypatch
):
    def fail(*args, **kwargs):
        raise IntegrityError("simulated failure writing actions")

    monkeypatch.setattr(Action.objects, "bulk_create", fail)

    with pytest.raises(IntegrityError):
        bank_load(text=mini_bank_text)

    assert set(row_counts().values()) == {0}


def test_load_command_reports_an_unreadable_path(tmp_path):
    path = tmp_path / "missing.yaml"

    with pytest.raises(CommandError) as excinfo:
        run("load_questionnaire", str(path))

    assert str(excinfo.value).startswith(f"Cannot read {path}: ")


def test_same_version_number_with_different_content_is_refused(mini_bank_text):
    bank_load(text=mini_bank_text)
    before = row_ids()
    changed = mini_bank_text.replace("alpha practice 2?", "alpha practice two?")

    with pytest.raises(PublishedVersionError) as excinfo:
        bank_load(text=changed)

    assert str(excinfo.value) == VERSION_EXISTS_DIFFERENT.format(slug="mini", number=1)
    assert row_ids() == before


def test_load_command_refuses_a_changed_file_with_the_same_version(mini_bank_text, tmp_path):
    run("load_questionnaire", str(MINI_BANK))
    path = tmp_path / "changed.yaml"
    path.write_text(mini_bank_text.replace("Because it helps.", "It helps."), encoding="utf-8")
    message = VERSION_EXISTS_DIFFERENT.format(slug="mini", number=1)

    with pytest.raises(CommandError) as excinfo:
        run("load_questionnaire", str(path))

    assert str(excinfo.value) == f"{path}: {message} Nothing was loaded."


def test_draft_option_keeps_the_loaded_version_a_draft():
    output = run("load_questionnaire", str(MINI_BANK), "--draft")

    version = QuestionnaireVersion.objects.get()
    assert version.status == QuestionnaireVersion.Status.DRAFT
    assert version.published_at is None
    assert output.startswith("Loaded mini v1 (draft): ")


def test_export_load_export_of_the_mini_bank_is_byte_identical(mini_bank_text):
    first, second = load_export_reload(mini_bank_text, "mini", 1)

    assert second == first


def test_export_load_export_of_the_real_bank_is_byte_identical():
    # Must fail, not skip, when the shipped bank is missing or broken.
    text = DEFAULT_BANK.read_text(encoding="utf-8")
    bank = yaml.safe_load(text)

    first, second = load_export_reload(text, bank["slug"], bank["version"])

    assert second == first


def test_export_of_an_unknown_slug_is_a_clear_command_error():
    with pytest.raises(CommandError) as excinfo:
        export("nope", 1)

    assert str(excinfo.value) == "No questionnaire 'nope' with version 1."


def test_export_of_an_unknown_version_is_a_clear_command_error(mini_version):
    with pytest.raises(CommandError) as excinfo:
        export("mini", 7)

    assert str(excinfo.value) == "No questionnaire 'mini' with version 7."


def test_loading_a_renamed_second_version_leaves_the_first_version_reloadable(mini_bank_text):
    bank_load(text=mini_bank_text)
    v1_export = export("mini", 1)
    v2 = mini_bank_text.replace("version: 1", "version: 2")
    bank_load(text=v2.replace("name: Mini bank", "name: Mini bank, renamed"))

    assert export("mini", 1) == v1_export
    assert bank_load(text=mini_bank_text)[1] is False
