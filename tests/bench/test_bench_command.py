"""`manage.py bench` prints one table with every row, its baseline and its SQL queries (timings
are printed, never checked)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.management.commands import bench

PAGE_ROWS = (
    bench.BARE_VIEW,
    bench.BARE_READ,
    bench.BARE_WRITE,
    bench.DOMAIN_PAGE,
    bench.AUTOSAVE,
    bench.RESULT_PAGE,
    bench.PLAN_PAGE,
    bench.portfolio_row(4),
    bench.portfolio_row(6),
    bench.insight_row(4),
    bench.insight_row(6),
    bench.COMPARE,
    bench.PDF_RENDER,
    bench.PDF_CACHED,
)
TARGETED = (
    bench.DOMAIN_PAGE,
    bench.AUTOSAVE,
    bench.portfolio_row(6),
    bench.insight_row(6),
    bench.PDF_RENDER,
    bench.PDF_CACHED,
)


def table_rows(output: str) -> dict[str, str]:
    """Row name → the rest of its line, for the lines below the table's rule."""
    lines = output.splitlines()
    rule = next(i for i, line in enumerate(lines) if line and set(line) == {"-"})
    names = [*PAGE_ROWS, bench.BARE_PDF]
    rows = {}
    for line in lines[rule + 1 :]:
        name = next((n for n in names if line.startswith(n + " ")), None)
        if name is not None:
            rows[name] = line[len(name) :]
    return rows


@pytest.fixture
def rows(db) -> dict[str, str]:
    out = io.StringIO()
    call_command(
        "bench",
        "--runs=1",
        "--pdf-runs=1",
        "--warmup=0",
        "--small=4",
        "--large=6",
        "--assessments=1",
        stdout=out,
    )
    return table_rows(out.getvalue())


def test_bench_prints_every_row_with_sql_queries_and_a_verdict_on_each_target(rows):
    assert set(rows) == {*PAGE_ROWS, bench.BARE_PDF}
    queries = {name: int(rows[name].split()[-1]) for name in PAGE_ROWS}
    assert queries[bench.BARE_VIEW] == 0  # the baseline touches no database
    assert all(count > 0 for name, count in queries.items() if name != bench.BARE_VIEW)
    assert queries[bench.DOMAIN_PAGE] <= 12
    assert queries[bench.AUTOSAVE] <= 14
    assert queries[bench.BARE_READ] < queries[bench.DOMAIN_PAGE]
    assert queries[bench.BARE_WRITE] < queries[bench.AUTOSAVE]
    # A fixed number of queries whatever the portfolio's size.
    assert queries[bench.insight_row(4)] == queries[bench.insight_row(6)]
    for name in TARGETED:
        wall, cpu = rows[name].split()[-2].split("/")
        assert {wall, cpu} <= {"met", "MISSED"}, rows[name]


def test_bench_refuses_zero_runs(db):
    with pytest.raises(CommandError, match="--runs and --pdf-runs must be 1 or more"):
        call_command("bench", "--runs=0", stdout=io.StringIO())
