"""The PDF text of three pinned reports (tests/report/deliverable.py) against golden files, the
way tests/reliability/test_golden_reports.py does it: run with UPDATE_GOLDEN=1 to rewrite
tests/report/golden/<fixture>-pdf.txt, then review the diff. With REPORT_PDF_DIR set, the PDFs
are also written there (to look at them: pdftoppm)."""

import os
from pathlib import Path

import pytest

from tests.reliability.golden_scenario import pdf_text, report_pdf
from tests.reliability.test_golden_reports import matches_golden
from tests.report.deliverable import FIXTURES, deliverable_world

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", FIXTURES)
def test_the_report_pdf_of_each_pinned_fixture_reads_as_its_golden_text(db, name, monkeypatch):
    import tests.reliability.test_golden_reports as golden_module

    assessment, leader = deliverable_world(name)
    pdf = report_pdf(assessment, leader)
    if folder := os.environ.get("REPORT_PDF_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.pdf").write_bytes(pdf)
    monkeypatch.setattr(golden_module, "GOLDEN", GOLDEN)
    GOLDEN.mkdir(exist_ok=True)
    matches_golden(f"{name}-pdf.txt", pdf_text(pdf), may_update=True)
