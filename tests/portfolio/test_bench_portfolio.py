from io import StringIO

from django.core.management import call_command


def test_bench_portfolio_prints_both_sizes_queries_and_ratios(default_version):
    out = StringIO()
    call_command("bench_portfolio", runs=1, small=4, large=6, assessments=1, stdout=out)
    text = out.getvalue()
    for page in ("portfolio", "portfolio by stage", "insight", "compare 12"):
        assert f"{page:<22}{4:>6}" in text and f"{page:<22}{6:>6}" in text
    assert "Ratio 6 / 4 orgs" in text and "(target <= 2)" in text
