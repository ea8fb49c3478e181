"""The hostile-input table and the loopback canary, shared by every test that feeds hostile text
to a page or a PDF (tests/report/test_hostile_input.py, tests/security/test_hostile_input.py)."""

import http.server
import io
import threading

from pypdf import PdfReader
from pypdf.generic import NameObject

# Markup a user might type into any text field. {canary} becomes a URL on the loopback canary,
# so a renderer that fetched it would be counted. Each fits the shortest field (org name, 120).
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "event-handler": '<img src=x onerror="alert(1)">',
    "attribute-breakout": "\"'><svg onload=alert(1)>",
    "javascript-url": '<a href="javascript:alert(1)">click</a>',
    "img-file": "<img src=file:///etc/passwd>",
    "link-attachment": "<link rel=attachment href=file:///etc/passwd>",
    "a-canary": '<a href="{canary}">click</a>',
    "img-canary": '<img src="{canary}">',
    "link-stylesheet-canary": '<link rel="stylesheet" href="{canary}">',
    "style-attribute-url": '<p style="background: url({canary})">x</p>',
    "style-import": "<style>@import url({canary});</style>",
    "svg-foreignobject": '<svg><foreignObject><img src="{canary}"/></foreignObject></svg>',
}

# Email addresses Django's validator accepts (a quoted local part may hold markup, but no space,
# quote or backslash), for the fields that only take an email address.
EMAIL_PAYLOADS = {
    "script": '"<script>alert(1)</script>"@example.com',
    "event-handler": '"<img/src=x/onerror=alert(1)>"@example.com',
    "attribute-breakout": '"\'><svg/onload=alert(1)>"@example.com',
}

# Right-to-left override: plain text that flips how the rest of its line is drawn. It is kept as
# typed (it is legitimate in names written in Hebrew or Arabic) and, like all text, escaped.
RTL_OVERRIDE = "Acme \u202egnp.exe"

# Cells a spreadsheet would run as a formula if a CSV export wrote them as they are.
FORMULA_CELLS = {
    "equals": '=HYPERLINK("http://evil.example","x")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def payload_text(payload_id: str, canary: "Canary") -> str:
    return PAYLOADS[payload_id].format(canary=canary.url(f"canary/{payload_id}"))


def all_payloads(canary: "Canary") -> str:
    """Every payload in one string (fits a note: NOTE_MAX_LENGTH is 1000)."""
    return " ".join(payload_text(payload_id, canary) for payload_id in PAYLOADS)


class Canary:
    """An HTTP server on 127.0.0.1 (any free port) that records every request it gets."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                hits.append(self.path)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "/canary/redirected")
                    self.end_headers()
                    return
                body = b"body { background: red }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def pdf_embedded_files(content: bytes) -> list[str]:
    """Everything a PDF carries as a file: attachments, the EmbeddedFiles name tree, and
    file-attachment annotations on any page. An honest report has none."""
    reader = PdfReader(io.BytesIO(content))
    found = list(reader.attachments)
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and NameObject("/EmbeddedFiles") in names.get_object():
        found.append("/EmbeddedFiles")
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append(f"page {number + 1}: /FileAttachment")
    return found


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def no_spaces(text: str) -> str:
    """Text without any whitespace: long words in a PDF may wrap at a slash, say, which the
    extracted text shows as a line break the payload does not have."""
    return "".join(text.split())
