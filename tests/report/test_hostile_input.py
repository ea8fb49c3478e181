"""Hostile org names and evidence notes reach the report page and the PDF as plain text: no
markup runs, the PDF renderer fetches nothing (a canary HTTP server on 127.0.0.1 counts every
request) and embeds no file. Also the renderer's fetcher on its own, and with live markup.
The payload table and the canary are shared with tests/security (tests/security/hostile.py)."""

import logging
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils.html import escape
from weasyprint import HTML

from assessment.bank import bank_load
from assessment.pdf import PDF_BASE_URL, StaticOnlyFetcher, render_pdf
from orgs.models import Membership
from tests.conftest import MINI_BANK
from tests.factories import MembershipFactory, OrganizationFactory
from tests.report.conftest import (
    every_question,
    pdf_reader,
    rolled_back_db,
    submitted_assessment,
    url,
)
from tests.security.hostile import (
    PAYLOADS,
    Canary,
    no_spaces,
    payload_text,
    pdf_embedded_files,
)

# The module-scoped fixture below needs the test database, and pytest-django sets one up only
# when a collected test is marked for it: run alone, this file would otherwise hit the real one.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def canary():
    server = Canary()
    yield server
    server.close()


@dataclass(frozen=True)
class HostileReport:
    payload: str
    html: str
    pdf_status: int
    pdf: bytes
    cover_text: str  # the PDF's first page, where the org name is the heading
    appendix_text: str  # its last page, where the note is
    canary_hits: tuple[str, ...]  # requests the canary got while the PDF was made


@pytest.fixture(scope="module")
def hostile_reports(canary, django_db_setup, django_db_blocker) -> dict[str, HostileReport]:
    """For every payload: an org named with it and an assessment whose note is the payload,
    its report page as the leader sees it, and its PDF. Made once, rolled back."""
    reports = {}
    with rolled_back_db(django_db_blocker):
        version, _ = bank_load(text=MINI_BANK.read_text(encoding="utf-8"))
        for payload_id in PAYLOADS:
            payload = payload_text(payload_id, canary)
            org = OrganizationFactory(name=payload)
            leader = MembershipFactory(org=org, role=Membership.Role.LEADER).user
            people = {leader: every_question(version, 3)}
            notes = {leader: {"alpha-q2": payload}}
            assessment = submitted_assessment(org, version, leader, people, notes)
            client = Client()
            client.force_login(leader)
            html = client.get(url("assessment_result", assessment)).content.decode()
            before = len(canary.hits)
            response = client.get(url("assessment_pdf", assessment))
            hits = tuple(canary.hits[before:])
            cover = appendix = ""
            if response.status_code == 200:
                pages = pdf_reader(response.content).pages
                cover, appendix = pages[0].extract_text(), pages[-1].extract_text()
            reports[payload_id] = HostileReport(
                payload, html, response.status_code, response.content, cover, appendix, hits
            )
    return reports


@pytest.fixture(params=list(PAYLOADS))
def hostile(request, hostile_reports) -> HostileReport:
    return hostile_reports[request.param]


def test_canary_counts_a_real_request(canary):
    before = len(canary.hits)
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
        canary.url("canary/self-test"), timeout=5
    ) as response:
        assert response.status == 200
    assert canary.hits[before:] == ["/canary/self-test"]


def test_report_page_shows_hostile_org_name_escaped(hostile):
    assert f'<span class="report-title-org">{escape(hostile.payload)}</span>' in hostile.html


def test_report_page_shows_hostile_note_escaped(hostile):
    assert f':</strong> <span class="note">{escape(hostile.payload)}</span>' in hostile.html


def test_report_page_never_contains_the_raw_payload(hostile):
    assert hostile.payload not in hostile.html


def test_pdf_renders_despite_hostile_input(hostile):
    assert hostile.pdf_status == 200
    assert hostile.pdf.startswith(b"%PDF-")


def test_pdf_render_makes_no_request_to_the_canary(hostile):
    assert hostile.canary_hits == ()


def test_pdf_embeds_no_file(hostile):
    assert pdf_embedded_files(hostile.pdf) == []


def test_pdf_shows_hostile_org_name_as_text(hostile):
    assert no_spaces(hostile.payload) in no_spaces(hostile.cover_text)


def test_pdf_shows_hostile_note_as_text(hostile):
    text = no_spaces(hostile.appendix_text)
    assert re.search("Notefrom[^:]*:" + re.escape(no_spaces(hostile.payload)), text)


def test_no_pdf_made_any_request_to_the_canary(hostile_reports, canary):
    assert [hit for hit in canary.hits if not hit.endswith("/self-test")] == []


# --- live markup: if a template ever forgot to escape, the renderer still fetches nothing ----

LIVE_MARKUP = {
    "img": '<img src="{canary}">',
    "stylesheet-link": '<link rel="stylesheet" href="{canary}">',
    "style-attribute": '<p style="background: url({canary})">x</p>',
    "style-import": "<style>@import url({canary});</style>",
    "font-face": "<style>@font-face {{ font-family: x; src: url({canary}) }} p {{ font-family: x }}"
    "</style><p>x</p>",
    "svg-image": '<svg width="9" height="9"><image href="{canary}" width="9" height="9"/></svg>',
    "svg-foreignobject": '<svg width="9" height="9"><foreignObject width="9" height="9">'
    '<img src="{canary}"/></foreignObject></svg>',
    "object": '<object data="{canary}" type="image/png"></object>',
    "embed": '<embed src="{canary}" type="image/png">',
    "data-svg-with-image": '<img src="data:image/svg+xml,'
    "%3Csvg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' "
    "width='9' height='9'%3E%3Cimage xlink:href='{canary}' width='9' height='9'/%3E%3C/svg%3E\">",
    "redirect": '<img src="{redirect}">',
    "link-attachment-http": '<link rel="attachment" href="{canary}">',
    "link-attachment-file": '<link rel="attachment" href="file:///etc/passwd">',
    "a-attachment-file": '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
    "img-file": '<img src="file:///etc/passwd">',
    "relative-traversal": '<link rel="stylesheet" href="static/../../config/settings.py">',
}


def _live_target(markup_id: str, canary: Canary) -> str:
    """The address the markup makes WeasyPrint ask for (relative ones resolved)."""
    template = LIVE_MARKUP[markup_id]
    if "{canary}" in template:
        return canary.url(f"canary/live-{markup_id}")
    if "{redirect}" in template:
        return canary.url("redirect")
    if "file:///etc/passwd" in template:
        return "file:///etc/passwd"
    return PDF_BASE_URL + "config/settings.py"


@pytest.mark.parametrize("markup_id", LIVE_MARKUP)
def test_renderer_fetches_nothing_for_live_hostile_markup(markup_id, canary, caplog):
    markup = LIVE_MARKUP[markup_id].format(
        canary=canary.url(f"canary/live-{markup_id}"), redirect=canary.url("redirect")
    )
    before = len(canary.hits)
    with (
        caplog.at_level(logging.CRITICAL, logger="weasyprint"),
        caplog.at_level(logging.WARNING, logger="stagewise.pdf"),
    ):
        content = render_pdf(f"<!doctype html><html><body><p>x</p>{markup}</body></html>")
    assert canary.hits[before:] == []
    assert dict(pdf_reader(content).attachments) == {}
    # WeasyPrint did ask for it, and our fetcher said no.
    refused = [r.getMessage() for r in caplog.records if r.name == "stagewise.pdf"]
    assert f"PDF renderer refused to fetch {_live_target(markup_id, canary)}" in refused


def test_canary_would_catch_a_leak_with_weasyprints_default_fetcher(canary, monkeypatch):
    """Control: without our fetcher, WeasyPrint does fetch an <img> from the canary, so the
    zero-hit checks above would see a leak."""
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    before = len(canary.hits)
    html = f'<img src="{canary.url("canary/control")}">'
    logging.getLogger("weasyprint").disabled = True
    try:
        HTML(string=html).write_pdf()
    finally:
        logging.getLogger("weasyprint").disabled = False
    assert canary.hits[before:] == ["/canary/control"]


# --- the fetcher on its own --------------------------------------------------------------------


@pytest.fixture
def fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher()


STATIC = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")
REFUSED = {
    "http": "http://example.com/x.css",
    "https": "https://example.com/x.css",
    "ftp": "ftp://example.com/x.css",
    "file-passwd": "file:///etc/passwd",
    "file-inside-static": Path(settings.BASE_DIR / "static/css/report-print.css").as_uri(),
    "base-host-outside-static": PDF_BASE_URL + "media/x.png",
    "traversal": STATIC + "../../config/settings.py",
    "encoded-traversal": STATIC + "%2e%2e/%2e%2e/config/settings.py",
    "traversal-inside-static-prefix": STATIC + "css/../../../config/settings.py",
    "absolute-path-in-static": STATIC + "/etc/passwd",
    "missing-static-file": STATIC + "css/no-such-file.css",
}


@pytest.mark.parametrize("address", REFUSED.values(), ids=REFUSED.keys())
def test_fetcher_refuses(address, fetcher):
    with pytest.raises(ValueError, match="Refused to fetch"):
        fetcher.fetch(address)
    assert fetcher.refused == [address]


def test_fetcher_logs_what_it_refuses(fetcher, caplog):
    with caplog.at_level(logging.WARNING, logger="stagewise.pdf"), pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert "PDF renderer refused to fetch file:///etc/passwd" in caplog.text


def test_fetcher_does_not_follow_a_redirect(fetcher, canary):
    before = len(canary.hits)
    with pytest.raises(ValueError, match="Refused to fetch"):
        fetcher.fetch(canary.url("redirect"))
    assert canary.hits[before:] == []
    assert not any(isinstance(h, urllib.request.HTTPRedirectHandler) for h in fetcher.handlers)


def test_fetcher_serves_a_static_file(fetcher):
    response = fetcher.fetch(STATIC + "css/report-print.css")
    expected = Path(finders.find("css/report-print.css")).read_bytes()
    assert response.read() == expected
    assert response.content_type == "text/css"


def test_fetcher_serves_a_data_uri(fetcher):
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    assert fetcher.refused == []
