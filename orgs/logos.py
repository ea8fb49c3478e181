"""Firm logos and accent colours: what a consultant uploads is checked, decoded and re-encoded
here, and only our re-encoding is ever stored or served.

Why re-encode: an upload can carry more than its picture (a ZIP or HTML page appended after the
image data, EXIF with the GPS position of the phone that took it, ICC profiles, text chunks).
Copying the decoded pixels into a new image and saving that keeps the picture and nothing else.
SVG is never taken: it is a document that can hold script and external references.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_BYTES = 1024 * 1024
MAX_SIDE = 2000
# Stored logos are scaled down to this box: a report header never needs more (about 2 inches
# wide at 300 dpi), and the logo travels inside pages and PDFs as a data: URI.
STORED_BOX = (800, 800)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

TOO_LARGE = "The logo is {size} bytes; the limit is 1 MB (1,048,576 bytes)."
WRONG_TYPE = "The logo must be a PNG or JPEG image (SVG and other formats are not accepted)."
TOO_WIDE = "The logo is {width} × {height} pixels; each side may be at most 2,000 pixels."
TOO_MANY_PIXELS = (
    "The logo declares far more pixels than a logo needs; each side may be at most 2,000."
)
UNREADABLE = "The logo could not be read as an image; save it again as PNG or JPEG and retry."


class LogoError(ValueError):
    """The upload is refused; the message says why and is shown as is."""


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _kind(head: bytes) -> str:
    if head.startswith(PNG_MAGIC):
        return "PNG"
    if head.startswith(JPEG_MAGIC):
        return "JPEG"
    raise LogoError(WRONG_TYPE)


def clean_logo(raw: bytes) -> Logo:
    """The upload checked (size, magic bytes, format, dimensions, Pillow's decompression-bomb
    limit) and re-encoded without metadata; LogoError otherwise."""
    if len(raw) > MAX_BYTES:
        raise LogoError(TOO_LARGE.format(size=f"{len(raw):,}"))
    kind = _kind(raw[:8])
    with warnings.catch_warnings():
        # Pillow only warns between its pixel limit and twice that; here both are refusals.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=[kind])
            # The header's size, checked before a single pixel is decoded.
            if image.width > MAX_SIDE or image.height > MAX_SIDE:
                raise LogoError(TOO_WIDE.format(width=image.width, height=image.height))
            image.load()
            if kind == "JPEG":
                image = ImageOps.exif_transpose(image)  # keep photos upright once EXIF is gone
            has_alpha = kind == "PNG" and (
                image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            )
            pixels = image.convert("RGBA" if has_alpha else "RGB")
        except LogoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise LogoError(TOO_MANY_PIXELS) from exc
        except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError) as exc:
            raise LogoError(UNREADABLE) from exc
    # A new image holds the pixels only: no info dict, so no EXIF, ICC or text chunk follows.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    clean.thumbnail(STORED_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "PNG":
        clean.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        clean.save(out, format="JPEG", quality=90)
        content_type = "image/jpeg"
    return Logo(out.getvalue(), content_type, clean.width, clean.height)


# --- accent colours -----------------------------------------------------------------------------
# The accent is a band behind white text (the firm name in report headers), so it must reach
# WCAG AA for normal text against white: a contrast ratio of at least 4.5.

AA_RATIO = 4.5
BAD_COLOUR = "Give the accent colour as #rrggbb, for example #0f5f7a."
LOW_CONTRAST = (
    "White text on {colour} has a contrast ratio of {ratio:.2f}; it needs 4.5 (WCAG AA). "
    "A darker shade such as {suggestion} passes."
)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def darkened(colour: str) -> str:
    """The lightest shade of `colour` (same hue, scaled toward black) that passes AA."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(100, -1, -1):
        shade = "#" + "".join(f"{round(c * step / 100):02x}" for c in (r, g, b))
        if contrast_with_white(shade) >= AA_RATIO:
            return shade
    return "#000000"


def clean_accent(value: str) -> str:
    colour = (value or "").strip().lower()
    if len(colour) != 7 or colour[0] != "#" or any(c not in "0123456789abcdef" for c in colour[1:]):
        raise ValueError(BAD_COLOUR)
    ratio = contrast_with_white(colour)
    if ratio < AA_RATIO:
        raise ValueError(
            LOW_CONTRAST.format(colour=colour, ratio=ratio, suggestion=darkened(colour))
        )
    return colour
