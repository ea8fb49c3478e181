"""Finding 7 of the security review (issue 11): a 40 MB multipart body to autosave was
accepted, because Django's body limit leaves out file parts. The whole body is now capped, and
views that take no files refuse file parts (both as 400s)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from assessment.models import Answer
from config.errors import BAD_REQUEST
from config.security import NO_FILES_HERE
from tests.assessment.conftest import option_id, question_id


@pytest.fixture
def autosave(personas, mini_version):
    from assessment.models import Assessment

    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    url = reverse("assessment_autosave", args=[draft.org.public_id, draft.public_id])
    return draft, url


def test_a_40_mb_multipart_body_to_autosave_is_refused_before_it_is_read(
    personas, client_for, autosave
):
    draft, url = autosave
    big = SimpleUploadedFile("padding.bin", b"\0" * (40 * 1024 * 1024))
    data = {
        "question": question_id(draft.version, "alpha-q1"),
        "value": option_id(draft.version, "alpha-q1", 3),
        "padding": big,
    }
    response = client_for(personas.member_a).post(url, data)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": BAD_REQUEST}
    assert not Answer.objects.exists()


def test_a_small_file_part_to_a_view_that_takes_no_files_is_a_clear_400(
    personas, client_for, autosave
):
    draft, url = autosave
    data = {
        "question": question_id(draft.version, "alpha-q1"),
        "value": option_id(draft.version, "alpha-q1", 3),
        "attachment": SimpleUploadedFile("note.txt", b"hello"),
    }
    response = client_for(personas.member_a).post(url, data)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": NO_FILES_HERE}
    assert not Answer.objects.exists()


def test_a_file_part_to_a_form_page_is_a_clear_400(personas, client_for):
    response = client_for(personas.leader_a).post(
        reverse("org_profile", args=[personas.org_a.public_id]),
        {"name": "Renamed", "logo": SimpleUploadedFile("logo.png", b"png")},
    )
    assert response.status_code == 400
    assert response.content.decode() == NO_FILES_HERE
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Acme CS"


def test_multipart_without_file_parts_still_works(personas, client_for, autosave):
    draft, url = autosave
    data = {
        "question": question_id(draft.version, "alpha-q1"),
        "value": option_id(draft.version, "alpha-q1", 3),
    }
    response = client_for(personas.member_a).post(url, data)  # the test client sends multipart
    assert response.status_code == 200
    assert Answer.objects.count() == 1


@override_settings(REQUEST_BODY_MAX_BYTES=1024)
def test_the_body_limit_comes_from_settings(personas, client_for, autosave):
    draft, url = autosave
    data = {"question": question_id(draft.version, "alpha-q1"), "note": "x" * 2000}
    response = client_for(personas.member_a).post(url, data)
    assert response.status_code == 400
