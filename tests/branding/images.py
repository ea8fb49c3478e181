"""Image files for the logo tests, good and hostile, made in memory."""

import io
import struct
import zipfile
import zlib

from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

SECRET_TEXT = "internal-draft-do-not-ship"
GPS_LATITUDE = (52.0, 22.0, 7.5)


def png(width: int = 120, height: int = 60, colour=(200, 30, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def png_with_text_and_icc() -> bytes:
    info = PngInfo()
    info.add_text("Comment", SECRET_TEXT)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 90, 200)).save(out, format="PNG", pnginfo=info, icc_profile=icc)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    out = io.BytesIO()
    Image.new("RGB", (80, 40), (0, 120, 60)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return out.getvalue()


HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


def polyglot() -> bytes:
    """A valid PNG with a ZIP archive and an HTML page appended after its IEND chunk."""
    return png() + zip_bytes() + HTML_PAYLOAD


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height, with one tiny compressed row of data: what a
    decompression bomb looks like before it is decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    data = zlib.compress(b"\x00" * (width + 1))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><image href="http://attacker.example/x.png"/></svg>'
)


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    return out.getvalue()


def oversized(size: int = 2 * 1024 * 1024) -> bytes:
    """A PNG signature followed by filler: `size` bytes in all."""
    return png()[:8] + b"\x00" * (size - 8)
