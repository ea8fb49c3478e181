"""Logo uploads are checked and re-encoded (orgs/logos.py): hostile files are refused with a
message saying why, and what is kept is our own PNG or JPEG without the upload's metadata."""

import io

import pytest
from PIL import Image

from orgs import logos
from tests.branding import images


def reopen(logo: logos.Logo) -> Image.Image:
    image = Image.open(io.BytesIO(logo.data))
    image.load()
    return image


def test_a_png_is_re_encoded_as_png_keeping_its_size_and_pixels():
    logo = logos.clean_logo(images.png(120, 60, (200, 30, 30)))
    image = reopen(logo)
    assert (logo.content_type, image.format, image.size) == ("image/png", "PNG", (120, 60))
    assert image.convert("RGB").getpixel((5, 5)) == (200, 30, 30)


def test_a_transparent_png_keeps_its_transparency():
    logo = logos.clean_logo(images.png(40, 40, (0, 0, 0, 0), mode="RGBA"))
    assert reopen(logo).mode == "RGBA"


def test_a_large_logo_is_scaled_down_to_the_stored_box():
    logo = logos.clean_logo(images.png(1600, 400))
    assert (logo.width, logo.height) == (800, 200)


def test_a_polyglot_keeps_only_the_picture():
    upload = images.polyglot()
    assert b"PK\x03\x04" in upload and images.HTML_PAYLOAD in upload
    logo = logos.clean_logo(upload)
    assert b"PK\x03\x04" not in logo.data
    assert b"<script" not in logo.data and b"<html" not in logo.data
    assert logo.data.endswith(b"IEND\xaeB`\x82")  # nothing after the image's last chunk
    assert reopen(logo).size == (120, 60)


def test_jpeg_exif_with_gps_is_dropped_by_the_re_encoding():
    upload = images.jpeg_with_gps()
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(0x8825)  # the GPS block is there
    logo = logos.clean_logo(upload)
    image = reopen(logo)
    assert logo.content_type == "image/jpeg"
    assert dict(image.getexif()) == {}
    assert b"Exif" not in logo.data and b"PhoneCo" not in logo.data


def test_png_text_chunks_and_icc_profile_are_dropped():
    upload = images.png_with_text_and_icc()
    assert images.SECRET_TEXT.encode() in upload
    logo = logos.clean_logo(upload)
    assert images.SECRET_TEXT.encode() not in logo.data
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"iCCP", b"eXIf"):
        assert chunk not in logo.data
    assert "icc_profile" not in reopen(logo).info


@pytest.mark.parametrize(
    "upload",
    [images.png_claiming(30_000, 30_000), images.png_claiming(10_000, 10_000)],
    ids=["over-twice-pillows-limit", "over-pillows-limit"],
)
def test_a_decompression_bomb_is_refused_before_decoding(upload):
    assert len(upload) < 50_000  # small on the wire, hundreds of megapixels once decoded
    with pytest.raises(logos.LogoError, match="far more pixels"):
        logos.clean_logo(upload)


def test_dimensions_over_2000_pixels_are_refused():
    with pytest.raises(logos.LogoError, match="2001 × 10 pixels"):
        logos.clean_logo(images.png(2001, 10))
    with pytest.raises(logos.LogoError, match="10 × 2400 pixels"):
        logos.clean_logo(images.png_claiming(10, 2400))


def test_2000_pixels_on_a_side_is_still_taken():
    assert logos.clean_logo(images.png(2000, 20)).content_type == "image/png"


@pytest.mark.parametrize(
    "upload",
    [images.SVG, images.gif(), b"GIF89a" + images.png()[8:], b"hello, not an image"],
    ids=["svg-renamed-png", "gif", "gif-magic-on-png-body", "text"],
)
def test_anything_but_png_or_jpeg_magic_bytes_is_refused(upload):
    with pytest.raises(logos.LogoError, match="must be a PNG or JPEG"):
        logos.clean_logo(upload)


def test_png_magic_bytes_on_a_broken_body_are_refused_as_unreadable():
    with pytest.raises(logos.LogoError, match="could not be read"):
        logos.clean_logo(images.png()[:40])


def test_a_file_over_1_mb_is_refused_without_being_decoded():
    with pytest.raises(logos.LogoError, match="the limit is 1 MB"):
        logos.clean_logo(images.oversized(2 * 1024 * 1024))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#0F5F7A", "#0f5f7a"), (" #000000 ", "#000000"), ("#767676", "#767676")],
)
def test_accent_colours_dark_enough_for_white_text_are_kept_lowercased(value, expected):
    assert logos.clean_accent(value) == expected


@pytest.mark.parametrize("value", ["red", "#fff", "#12345g", "0f5f7a", "", "#0f5f7a00"])
def test_accent_colours_not_in_rrggbb_form_are_refused(value):
    with pytest.raises(ValueError, match="#rrggbb"):
        logos.clean_accent(value)


def test_a_light_accent_is_refused_with_a_darker_shade_that_passes():
    with pytest.raises(ValueError, match="contrast ratio of 1.07") as refused:
        logos.clean_accent("#ffff00")
    suggestion = str(refused.value).split("such as ")[1].split(" ")[0]
    assert logos.contrast_with_white(suggestion) >= 4.5
    assert logos.clean_accent(suggestion) == suggestion


def test_the_aa_boundary_is_4_5():
    # #777777 is 4.48:1 against white, #767676 is 4.54:1.
    assert logos.contrast_with_white("#777777") < 4.5 <= logos.contrast_with_white("#767676")
    with pytest.raises(ValueError):
        logos.clean_accent("#777777")
