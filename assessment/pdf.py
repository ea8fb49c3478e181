"""PDF rendering with WeasyPrint. The renderer may read our own static files and data: URIs and
nothing else: no file:// outside static, no http(s), no redirects. Stylesheets are passed as
strings read from disk, never as URLs."""

import concurrent.futures
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger("stagewise.pdf")

# A base URL on a reserved, never-resolving domain: relative links in the report resolve under
# it, and the fetcher maps only its /static/ part to files on disk.
PDF_BASE_URL = "https://pdf.stagewise.invalid/"
PRINT_STYLESHEET = "css/report-print.css"
RENDER_TIMEOUT_SECONDS = 30
_executor = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf")


class PdfRenderError(Exception):
    """The PDF could not be made; the HTML report still works."""


class StaticOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=2)
        self.static_prefix = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith(self.static_prefix):
            relative = unquote(url[len(self.static_prefix) :].split("?")[0].split("#")[0])
            try:
                path = finders.find(relative)
            except SuspiciousFileOperation:
                path = None
            if path:
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                body = Path(path).read_bytes()
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if url.startswith("data:"):
            return super().fetch(url, headers)
        self.refused.append(url[:200])
        log.warning("PDF renderer refused to fetch %s", url[:200])
        raise ValueError(f"Refused to fetch {url[:200]}")


def _print_css(font_config: FontConfiguration) -> CSS:
    path = finders.find(PRINT_STYLESHEET)
    # The stylesheet's own URL as base, so its relative url()s (the Inter font files) resolve
    # under the static prefix, the only place the fetcher serves from.
    base_url = PDF_BASE_URL + settings.STATIC_URL.lstrip("/") + PRINT_STYLESHEET
    return CSS(
        string=Path(path).read_text(encoding="utf-8"),
        base_url=base_url,
        url_fetcher=StaticOnlyFetcher(),
        font_config=font_config,  # without it WeasyPrint ignores @font-face
    )


def render_document(html: str):
    """The laid-out WeasyPrint document (pages and their boxes): what the PDF is written from,
    and what the page-break tests read."""
    fetcher = StaticOnlyFetcher()
    font_config = FontConfiguration()
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).render(
        stylesheets=[_print_css(font_config)], font_config=font_config
    )


def render_pdf(html: str) -> bytes:
    return render_document(html).write_pdf()


def render_pdf_bounded(html: str, timeout: float = RENDER_TIMEOUT_SECONDS) -> bytes:
    """Render with a time limit; any failure becomes PdfRenderError (logged with its cause)."""
    future = _executor.submit(render_pdf, html)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        # Drops the render if it is still queued; one already running finishes in the background.
        future.cancel()
        log.error("PDF render took longer than %s s", timeout)
        raise PdfRenderError("The PDF took too long to make.") from exc
    except Exception as exc:
        log.exception("PDF render failed")
        raise PdfRenderError("The PDF could not be made.") from exc
