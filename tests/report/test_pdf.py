"""The PDF report download (GET .../report.pdf): rendered once per key, kept, served again."""

import hashlib
import logging
import threading
from dataclasses import dataclass
from unittest import mock

import pytest
from django.test import Client
from django.utils.html import escape

from assessment import pdf as pdf_module
from assessment.bank import bank_load
from assessment.models import Assessment, ReportPdf
from assessment.pdf import PdfRenderError, render_pdf_bounded
from assessment.report import org_tags, report_build
from assessment.services import report_pdf_key
from tests.conftest import MINI_BANK, Personas
from tests.report.conftest import (
    pdf_pages_text,
    pdf_reader,
    report_scenario,
    rolled_back_db,
    squash,
    url,
)

# The fixture's report: the cover, the contents, the one-page summary, domains with roadmap,
# since last time and gaps, and the appendix, which starts on a page of its own.
EXPECTED_PAGES = 6


@pytest.fixture
def download(report_assessment, personas, client_for):
    """GET the fixture's PDF as the leader (or as someone else) and return the response."""

    def get(who=None):
        client = client_for(who or personas.leader_a)
        return client.get(url("assessment_pdf", report_assessment))

    return get


@dataclass(frozen=True)
class Rendered:
    """The fixture report's PDF, downloaded once for the read-only checks below."""

    content: bytes
    pages: tuple[str, ...]  # the text of each page
    roadmap_items: tuple


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker) -> Rendered:
    with rolled_back_db(django_db_blocker):
        personas = Personas()
        version, _ = bank_load(text=MINI_BANK.read_text(encoding="utf-8"))
        _, current = report_scenario(personas, version)
        client = Client()
        client.force_login(personas.leader_a)
        response = client.get(url("assessment_pdf", current))
        assert response.status_code == 200
        items = report_build(assessment=current).roadmap.items
        pages = tuple(pdf_pages_text(response.content))
        return Rendered(response.content, pages, items)


@pytest.fixture
def pdf_bytes(rendered) -> bytes:
    return rendered.content


@pytest.fixture
def pages(rendered) -> tuple[str, ...]:
    return rendered.pages


@pytest.fixture
def count_renders():
    """Count calls of the render the download path makes (the real render still runs)."""
    with mock.patch("assessment.services.render_pdf_bounded", wraps=render_pdf_bounded) as render:
        yield render


def _stand_in_pdf(html: str) -> bytes:
    return b"%PDF-stand-in " + hashlib.sha256(html.encode()).hexdigest().encode()


@pytest.fixture
def stand_in_render():
    """The download path's render replaced by a quick stand-in whose bytes follow the HTML, for
    checks of what is rendered when (real renders are checked above). Each call's HTML is in
    `.call_args_list`."""
    with mock.patch("assessment.services.render_pdf_bounded", side_effect=_stand_in_pdf) as render:
        yield render


@pytest.mark.parametrize("who", ["leader_a", "member_a", "consultant_a"])
def test_pdf_downloads_as_an_attachment_named_for_org_and_date(
    who, download, report_assessment, personas, rendered
):
    # Access and headers are under test here, so the render itself is stood in for by the
    # module's real PDF; the checks above and below use real renders.
    with mock.patch("assessment.services.render_pdf_bounded", return_value=rendered.content):
        response = download(getattr(personas, who))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    filename = (
        f"stagewise-{report_assessment.org.slug}-{report_assessment.submitted_at:%Y-%m-%d}.pdf"
    )
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(b"%PDF-")


def test_pdf_parses_with_the_expected_page_count(pdf_bytes):
    assert len(pdf_reader(pdf_bytes).pages) == EXPECTED_PAGES


def test_pdf_cover_page_stands_alone(pages):
    cover = squash(pages[0])
    assert "Acme CS" in cover
    assert "Prepared for" in cover and "CONFIDENTIAL" in cover
    assert "EXECUTIVE SUMMARY" not in cover
    assert "Page 1 of" not in cover  # the cover has no footer


def test_pdf_contents_on_page_two_body_on_three_and_appendix_on_its_own_page(pages):
    assert "Contents" in pages[1]
    assert pages[2].startswith("EXECUTIVE SUMMARY")
    assert pages[-1].startswith("Appendix: every answer")
    assert not any("Appendix: every answer" in page for page in pages[2:-1])


def test_pdf_shows_org_name_and_both_stage_scales(pages):
    text = squash(" ".join(pages))
    assert "Acme CS is Proactive Walk" in text
    assert "Acme CS works at the Proactive (Walk) stage, stage 2 of 5." in text
    assert "CRAWL WALK RUN" in text


def test_pdf_lists_every_roadmap_item(pages, rendered):
    text = squash(" ".join(pages))
    items = rendered.roadmap_items
    assert len(items) >= 2
    for item in items:
        assert squash(item.action.title) in text
        assert squash(item.reason) in text


def test_pdf_footer_numbers_the_pages(pages):
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_pdf_title_metadata_names_the_org(pdf_bytes):
    assert pdf_reader(pdf_bytes).metadata.title == "Acme CS: Customer Success maturity report"


def test_second_download_is_served_from_the_cache(download, count_renders, report_assessment):
    first, second = download(), download()
    assert count_renders.call_count == 1
    assert second.content == first.content
    assert ReportPdf.objects.filter(assessment=report_assessment).count() == 1


def test_cached_pdf_is_shared_by_everyone_who_may_download(download, stand_in_render, personas):
    first = download(personas.leader_a)
    second = download(personas.member_a)
    assert stand_in_render.call_count == 1 and second.content == first.content


def test_changing_targets_changes_the_key_and_renders_anew(
    download, stand_in_render, report_assessment, personas, client_for
):
    tags = org_tags(report_assessment.org)
    key_before = report_pdf_key(assessment=report_assessment, tags=tags)
    first = download()
    client_for(personas.leader_a).post(
        url("assessment_targets", report_assessment), {"target-alpha": "2"}
    )
    fresh = Assessment.objects.get(pk=report_assessment.pk)
    assert report_pdf_key(assessment=fresh, tags=tags) != key_before
    second = download()
    assert stand_in_render.call_count == 2
    assert second.content != first.content
    first_html, second_html = (c.args[0] for c in stand_in_render.call_args_list)
    assert "Do alpha predictive work 3" in first_html
    assert "Do alpha predictive work 3" not in second_html  # Alpha is at its target now
    assert ReportPdf.objects.filter(assessment=report_assessment).count() == 2


def test_renaming_the_org_renders_a_pdf_with_the_new_name(
    download, stand_in_render, report_assessment
):
    download()
    report_assessment.org.name = "Acme Customer Success"
    report_assessment.org.save()
    download()
    assert stand_in_render.call_count == 2
    assert "Acme Customer Success is" in squash(stand_in_render.call_args.args[0])


def test_pdf_of_a_draft_is_not_found(personas, mini_version, client_for, count_renders):
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    assert client_for(personas.leader_a).get(url("assessment_pdf", draft)).status_code == 404
    assert count_renders.call_count == 0


@pytest.mark.parametrize("who", ["outsider", "leader_b", "consultant_other"])
def test_pdf_of_another_org_is_not_found(who, download, personas, count_renders):
    assert download(getattr(personas, who)).status_code == 404
    assert count_renders.call_count == 0


def test_anonymous_pdf_download_goes_to_login(report_assessment, client):
    response = client.get(url("assessment_pdf", report_assessment))
    assert response.status_code == 302 and "/login" in response.url


@pytest.fixture
def failing_render():
    with mock.patch.object(
        pdf_module, "render_pdf", side_effect=RuntimeError("cairo ran out of memory")
    ) as render:
        yield render


def test_render_failure_shows_a_clear_503_page(download, failing_render, report_assessment):
    response = download()
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = squash(response.content.decode())
    assert "The PDF could not be made right now" in page
    assert escape("The PDF could not be made. The problem has been logged.") in page
    assert f'href="{url("assessment_result", report_assessment)}"' in page


def test_render_failure_is_logged_with_its_cause(download, failing_render, caplog):
    with caplog.at_level(logging.ERROR, logger="stagewise.pdf"):
        download()
    records = [r for r in caplog.records if r.name == "stagewise.pdf"]
    assert [r.getMessage() for r in records] == ["PDF render failed"]
    assert records[0].levelno == logging.ERROR
    assert "cairo ran out of memory" in str(records[0].exc_info[1])


def test_render_failure_caches_nothing_and_the_next_download_works(download, report_assessment):
    with mock.patch.object(pdf_module, "render_pdf", side_effect=RuntimeError("boom")):
        assert download().status_code == 503
    assert not ReportPdf.objects.filter(assessment=report_assessment).exists()
    with mock.patch.object(pdf_module, "render_pdf", side_effect=_stand_in_pdf):
        response = download()
    assert response.status_code == 200 and response.content.startswith(b"%PDF-stand-in")


def test_html_report_still_works_when_the_pdf_fails(
    download, failing_render, report_assessment, personas, client_for
):
    assert download().status_code == 503
    response = client_for(personas.leader_a).get(url("assessment_result", report_assessment))
    assert response.status_code == 200


@pytest.fixture
def stuck_render():
    """render_pdf that blocks until released, so a tiny timeout always expires first."""
    release = threading.Event()

    def slow(html):
        release.wait(10)
        return b"%PDF-late"

    with mock.patch.object(pdf_module, "render_pdf", side_effect=slow):
        yield
    release.set()  # let the worker thread finish instead of holding a pool slot


def test_render_slower_than_the_timeout_raises_pdf_render_error(stuck_render):
    with pytest.raises(PdfRenderError, match="took too long"):
        render_pdf_bounded("<p>report</p>", timeout=0.05)


def test_render_timeout_is_logged(stuck_render, caplog):
    with caplog.at_level(logging.ERROR, logger="stagewise.pdf"), pytest.raises(PdfRenderError):
        render_pdf_bounded("<p>report</p>", timeout=0.05)
    assert "PDF render took longer than 0.05 s" in caplog.text


def test_a_loop_of_report_pdf_renders_gets_429_after_six_a_minute(
    download, report_assessment, stand_in_render
):
    """Finding 7: loops of PDF renders slowed everyone's pages. Six renders a minute per user;
    the seventh gets the 429 page with Retry-After."""
    statuses = []
    for _ in range(7):
        ReportPdf.objects.all().delete()  # force a real render each time
        statuses.append(download())
    assert [r.status_code for r in statuses[:6]] == [200] * 6
    assert statuses[6].status_code == 429
    assert 0 < int(statuses[6]["Retry-After"]) <= 60
    assert "many PDFs" in statuses[6].content.decode()
    assert stand_in_render.call_count == 6


def test_stored_pdf_downloads_do_not_count_against_the_render_limit(download, stand_in_render):
    statuses = [download().status_code for _ in range(10)]

    assert statuses == [200] * 10
    assert stand_in_render.call_count == 1


def test_pdf_embeds_the_self_hosted_inter_font(pdf_bytes):
    import io

    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Inter" in name for name in fonts), fonts
    assert not any("DejaVu" in name for name in fonts), fonts


def test_print_stylesheet_fonts_come_from_our_static_files(monkeypatch):
    fetched = []
    real_fetch = pdf_module.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(pdf_module.StaticOnlyFetcher, "fetch", spy)
    pdf_module.render_pdf("<p>Stagewise 0123456789</p>")
    assert fetched and all(
        url.startswith(pdf_module.PDF_BASE_URL + "static/fonts/inter-latin-") for url in fetched
    ), fetched
