"""The firm profile page (GET/POST /firm/), the logo as we serve it, the accent stylesheet, and
the request limits: file uploads are taken here (1 MB logo plus form overhead) and nowhere else."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from config.security import NO_FILES_HERE
from orgs.models import FirmProfile
from orgs.views.firm import FIRM_PROFILE_MAX_BODY
from tests.branding import images

FIRM = reverse("firm_profile")


def upload(content: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post(client, content: bytes | None = None, **fields):
    data = {"name": "Northwind Advisory", "accent": "#1d4e89"} | fields
    if content is not None:
        data["logo"] = upload(content, fields.pop("filename", "logo.png"))
    return client.post(FIRM, data)


@pytest.fixture
def consultant(personas, client_for):
    return client_for(personas.consultant_a)


def test_a_consultant_sees_the_firm_profile_form_prefilled_with_their_company(consultant):
    response = consultant.get(FIRM)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body and 'value="Advisory Ltd"' in body


@pytest.mark.parametrize("who", ["leader_a", "member_a", "staff", "outsider"])
def test_people_who_are_not_consultants_are_refused_the_firm_profile(personas, client_for, who):
    client = client_for(getattr(personas, who))
    assert client.get(FIRM).status_code == 403
    assert post(client, images.png()).status_code == 403
    assert client.get(reverse("firm_logo")).status_code == 403
    assert not FirmProfile.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(FIRM)["Location"].startswith("/accounts/login/")


def test_saving_a_png_logo_stores_our_re_encoding_and_serves_it_with_nosniff(consultant, personas):
    response = post(consultant, images.polyglot())
    assert response.status_code == 302
    profile = FirmProfile.objects.get(consultant__user=personas.consultant_a)
    assert (profile.name, profile.accent, profile.logo_type) == (
        "Northwind Advisory",
        "#1d4e89",
        "image/png",
    )
    stored = bytes(profile.logo)
    assert b"PK\x03\x04" not in stored and b"<script" not in stored
    served = consultant.get(reverse("firm_logo"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served.content == stored
    assert Image.open(io.BytesIO(served.content)).format == "PNG"


def test_a_jpeg_logo_loses_its_gps_exif_on_the_way_in(consultant, personas):
    assert post(consultant, images.jpeg_with_gps(), filename="photo.jpg").status_code == 302
    profile = FirmProfile.objects.get(consultant__user=personas.consultant_a)
    assert profile.logo_type == "image/jpeg"
    stored = bytes(profile.logo)
    assert b"Exif" not in stored and b"PhoneCo" not in stored
    assert consultant.get(reverse("firm_logo"))["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (images.SVG, "logo.png", "must be a PNG or JPEG"),
        (images.gif(), "logo.png", "must be a PNG or JPEG"),
        (images.png_claiming(30_000, 30_000), "bomb.png", "far more pixels"),
        (images.png(2400, 50), "wide.png", "at most 2,000 pixels"),
        (images.oversized(1024 * 1024 + 100), "big.png", "the limit is 1 MB"),
    ],
    ids=["svg-renamed-png", "gif", "decompression-bomb", "huge-dimensions", "just-over-1-mb"],
)
def test_hostile_or_oversized_logos_are_refused_with_a_message_and_nothing_saved(
    consultant, content, filename, message
):
    response = post(consultant, content, filename=filename)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FirmProfile.objects.exists()


def test_a_2_mb_upload_is_refused_by_the_body_limit_before_it_is_read(consultant):
    assert FIRM_PROFILE_MAX_BODY < 2 * 1024 * 1024
    response = post(consultant, images.oversized(2 * 1024 * 1024))
    assert response.status_code == 400
    assert not FirmProfile.objects.exists()


def test_a_file_part_is_still_refused_on_every_other_view(personas, client_for):
    client = client_for(personas.leader_a)
    response = client.post(
        reverse("org_profile", args=[personas.org_a.public_id]),
        {"name": "Renamed", "logo": upload(images.png())},
    )
    assert response.status_code == 400
    assert NO_FILES_HERE in response.content.decode()
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Acme CS"


def test_a_light_accent_is_refused_with_a_darker_suggestion(consultant):
    response = post(consultant, accent="#ffff00")
    body = response.content.decode()
    assert response.status_code == 200
    assert "it needs 4.5 (WCAG AA)" in body and "A darker shade such as #" in body
    assert not FirmProfile.objects.exists()


def test_an_accent_that_is_not_rrggbb_is_refused(consultant):
    response = post(consultant, accent="red")
    assert "Give the accent colour as #rrggbb" in response.content.decode()
    assert not FirmProfile.objects.exists()


def test_saving_without_a_file_keeps_the_logo_and_remove_logo_drops_it(consultant, personas):
    post(consultant, images.png())
    assert post(consultant, name="Renamed Advisory").status_code == 302
    profile = FirmProfile.objects.get(consultant__user=personas.consultant_a)
    assert profile.name == "Renamed Advisory" and profile.logo
    post(consultant, remove_logo="on")
    profile.refresh_from_db()
    assert profile.logo is None and profile.logo_type == ""
    assert consultant.get(reverse("firm_logo")).status_code == 404


def test_the_accent_stylesheet_carries_only_a_valid_colour(client):
    response = client.get(reverse("brand_css", args=["1d4e89"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response.content == b":root{--brand-accent:#1d4e89}\n"
    assert client.get("/brand/1d4e8;}x.css").status_code == 404
    assert client.get(reverse("brand_css", args=["1D4E89"])).status_code == 404
