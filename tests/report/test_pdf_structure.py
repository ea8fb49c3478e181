"""The PDF's structure: a cover, a table of contents whose page numbers are right, a running
footer on every page after the cover, and the page-break rules of static/css/report-print.css
(headings kept with what follows, tables never split after fewer than three rows or before the
last three, legends kept with their chart). These read the PDF (pypdf) or WeasyPrint's own page
boxes, so a change to the template or the stylesheet that breaks one of them fails here."""

import io
import re

import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

from assessment.pdf import render_document
from assessment.report import report_pdf_html
from orgs.models import Organization
from tests.report.conftest import rolled_back_db
from tests.report.deliverable import deliverable_world

SECTIONS = [
    ("Executive summary", "EXECUTIVE SUMMARY"),
    ("Domains", "Domains"),
    ("Roadmap: 30, 90 and 180 days", "Roadmap: the next 30, 90 and 180 days"),
    ("Since last time", "Since last time"),
    ("Alignment and data gaps", "Alignment and data gaps"),
    ("Appendix: every answer", "Appendix: every answer"),
]


@pytest.fixture(scope="module")
def capped(django_db_blocker):
    """The capped multi-respondent report: its HTML, its PDF's pages as text, its document."""
    with rolled_back_db(django_db_blocker):
        assessment, _ = deliverable_world("capped")
        html = report_pdf_html(assessment=assessment, org=assessment.org)
        document = render_document(html)
        pdf = document.write_pdf()
        org = assessment.org.name
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return {"html": html, "pages": pages, "document": document, "org": org}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_cover_is_a_page_of_its_own_with_the_org_date_who_and_confidential(capped):
    cover = flat(capped["pages"][0])
    assert "Capstone Health" in cover
    assert "3 June 2026" in cover
    assert "Prepared for" in cover and "Capstone Health: Dana LeadCapped, Sam Member" in cover
    assert "Prepared by" in cover and "Stagewise" in cover
    assert "CONFIDENTIAL" in cover
    assert "Executive summary" not in cover and "EXECUTIVE SUMMARY" not in cover
    assert "Page 1 of" not in cover  # no running footer on the cover


def test_the_contents_page_numbers_point_at_the_pages_that_hold_each_section(capped):
    pages = [flat(p) for p in capped["pages"]]
    contents = pages[1]
    assert contents.startswith("") and "Contents" in contents
    numbers = [int(n) for n in re.findall(r"\b(\d+)\b", contents.split("Contents")[0])]
    assert len(numbers) == len(SECTIONS), contents
    for (entry, heading), number in zip(SECTIONS, numbers, strict=True):
        assert entry in contents
        first = next(i for i, text in enumerate(pages[2:], start=3) if heading in text)
        assert number == first, f"{entry}: contents says {number}, heading is on page {first}"


def test_every_page_after_the_cover_has_the_running_footer(capped):
    total = len(capped["pages"])
    assert total >= 6
    for number, text in enumerate(capped["pages"][1:], start=2):
        line = flat(text)
        assert "Capstone Health · 3 June 2026" in line, number
        assert f"Page {number} of {total} · Confidential" in line, number


def test_the_executive_summary_is_one_page_with_the_stage_as_its_headline(capped):
    summary = flat(capped["pages"][2])
    assert summary.startswith("EXECUTIVE SUMMARY Capstone Health is Proactive")
    assert "Scores alone would say Predictive" in summary
    assert "STRENGTHS" in summary and "GAPS" in summary and "PRIORITIES" in summary
    assert "overall score" not in summary.lower()  # one headline: the stage, no rival score
    assert "Domains" not in summary.split("What caps the stage")[0]
    assert flat(capped["pages"][3]).startswith("Domains")


# --- page-break rules, read from WeasyPrint's page boxes --------------------------------------


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def page_blocks(document):
    """Per page: its block and table-row boxes, in order."""
    for page in document.pages:
        seen = []
        for box in _descendants(page._page_box):
            if isinstance(box, boxes.BlockBox | boxes.TableRowBox) and box.element is not None:
                seen.append(box)
        yield seen


def rows_per_table_per_page(document) -> list[dict[int, int]]:
    """Per page: id of the table element → how many of its body rows are on that page."""
    result = []
    for page in document.pages:
        counts: dict[int, int] = {}
        for box in _descendants(page._page_box):
            if isinstance(box, boxes.TableBox) and box.element_tag == "table":
                rows = sum(
                    len(group.children)
                    for group in box.children
                    if isinstance(group, boxes.TableRowGroupBox) and group.element_tag == "tbody"
                )
                counts[id(box.element)] = counts.get(id(box.element), 0) + rows
        result.append(counts)
    return result


def last_block(page_boxes):
    """The last heading or paragraph-level box on a page (ignoring the page's margin boxes)."""
    blocks = [
        b
        for b in page_boxes
        if b.element_tag in {"h2", "h3", "p", "li", "tr", "figure", "table", "dl"}
    ]
    return blocks[-1] if blocks else None


def table_doc(filler_lines: int, rows: int = 12) -> str:
    filler = "".join(
        f"<p>Filler line {n} to push the table down the page.</p>" for n in range(filler_lines)
    )
    body = "".join(f"<tr><th>Row {n}</th><td>{n}</td></tr>" for n in range(rows))
    return (
        "<html><body class='pdf'><section class='report-cover'><h1 class='cover-org'>T</h1>"
        "<p class='cover-date'>d</p></section>"
        f"{filler}<h2>Heading before the table</h2><p>Lead-in.</p>"
        f"<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody>{body}</tbody></table>"
        "<figure class='radar-figure'><svg viewBox='0 0 10 10' width='300' height='300'></svg>"
        "<figcaption class='legend'>Legend of the chart</figcaption></figure>"
        "</body></html>"
    )


@pytest.mark.parametrize("filler_lines", range(30, 62, 2))
def test_a_table_never_splits_with_fewer_than_three_rows_on_either_page(filler_lines):
    document = render_document(table_doc(filler_lines))
    for counts in rows_per_table_per_page(document):
        for rows in counts.values():
            assert rows >= 3, [c for c in rows_per_table_per_page(document)]


@pytest.mark.parametrize("filler_lines", range(40, 62, 2))
def test_a_heading_never_ends_a_page(filler_lines):
    document = render_document(table_doc(filler_lines))
    for page in list(page_blocks(document))[:-1]:
        last = last_block(page)
        assert last is None or last.element_tag not in {"h2", "h3"}, filler_lines


@pytest.mark.parametrize("filler_lines", range(20, 62))
def test_a_chart_legend_stays_on_the_chart_s_page(filler_lines):
    document = render_document(table_doc(filler_lines, rows=3))
    for page in document.pages:
        tags = {
            (getattr(b, "element_tag", None) or "").rpartition("}")[2]
            for b in _descendants(page._page_box)
        }
        assert ("figcaption" in tags) == ("svg" in tags), filler_lines


def test_the_headings_of_the_real_report_never_end_a_page(capped):
    for number, page in enumerate(list(page_blocks(capped["document"]))[:-1], start=1):
        last = last_block(page)
        assert last is None or last.element_tag not in {"h2", "h3"}, f"page {number}"


def test_the_real_report_tables_keep_three_rows_together(capped):
    for number, counts in enumerate(rows_per_table_per_page(capped["document"]), start=1):
        assert all(rows >= 3 for rows in counts.values()), f"page {number}: {counts}"


def test_a_us_letter_org_gets_us_letter_pages(db):
    assessment, _ = deliverable_world("reactive")
    Organization.objects.filter(pk=assessment.org.pk).update(paper_size="letter")
    assessment.org.refresh_from_db()
    document = render_document(report_pdf_html(assessment=assessment, org=assessment.org))
    width, height = document.pages[0].width, document.pages[0].height
    assert (round(width), round(height)) == (816, 1056)  # 8.5 × 11 in at 96 px per inch
    assert all((round(p.width), round(p.height)) == (816, 1056) for p in document.pages)


def test_the_appendix_can_be_left_out(capped, db):
    assessment, _ = deliverable_world("reactive")
    html = report_pdf_html(assessment=assessment, org=assessment.org, with_appendix=False)
    assert "Appendix: every answer" not in html
    assert "Appendix: every answer" in capped["html"]
