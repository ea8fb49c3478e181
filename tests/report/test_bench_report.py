"""The report benchmark command runs and prints its table (timings are not checked)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.management.commands import bench_report


@pytest.fixture
def output(db) -> str:
    out = io.StringIO()
    call_command("bench_report", "--runs", "1", "--warmup", "0", stdout=out)
    return out.getvalue()


def test_bench_report_prints_every_row_of_its_table(output):
    for row in (
        bench_report.ROW_HTML,
        bench_report.ROW_PDF,
        bench_report.ROW_BARE,
        bench_report.ROW_FLOOR,
        bench_report.RATIO_FLOOR,
        bench_report.ROW_CACHED,
        bench_report.RATIO_BARE,
        bench_report.RATIO_CACHED,
        "PDF:",
        "Report benchmark: Summit Logistics Cloud",  # demo orgs tie on respondents; name decides
    ):
        assert row in output, f"{row!r} missing from:\n{output}"


def test_bench_report_refuses_zero_runs(db):
    with pytest.raises(CommandError, match="--runs must be 1 or more"):
        call_command("bench_report", "--runs", "0", stdout=io.StringIO())
