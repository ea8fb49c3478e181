"""One benchmark table: every page that matters, each against a baseline measured in the same run.

    python manage.py bench [--runs 30] [--pdf-runs 5] [--warmup 2] [--small 10] [--large 1000]

Builds what it needs in the configured database (the default bank, the demo data, the demo
consultant's portfolio grown to --large orgs, a second consultant with --small of them): point
DATABASE_URL at a throwaway database (`make bench` does). Then it times, in-process through
Django's test client and the full middleware stack (server time, no network):

- bare view: GET /healthz/, a constant answer that touches no database;
- bare read: a logged-in GET that reads one row, the floor of any signed-in page (session,
  user, one query);
- bare write: a logged-in POST with a CSRF token that upserts one answer row in a transaction,
  the floor of any authenticated save (session, user, one write);
- the questionnaire domain page, the autosave request, the result page and the plan page (a plan
  of 200 items);
- the portfolio and portfolio insight at --small and --large orgs, and compare with 12 orgs;
- the report PDF: rendered through the app (cache emptied first), rendered by bare WeasyPrint
  from the same HTML and stylesheet, and downloaded from the cache.

Page steps take turns in the same rounds (the PDF steps in rounds of their own), so drift hits a
row and its baseline alike. DEBUG is off while timing, as in production; the SQL queries of each
row come from one more, untimed run. It prints figures and whether each ratio meets its target;
it fails only when a page does not answer as expected.
"""

import itertools
import os
import time
import warnings
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from weasyprint import CSS, HTML

from assessment import services
from assessment.bench_timing import (
    BENCH_PLAN_ITEMS,
    SMALL_CONSULTANT_EMAIL,
    Row,
    bench_data_ensure,
    bench_plan_ensure,
    checked,
    count_queries,
    demo_draft,
    leader_of,
    measure_rounds,
    plain_text_floor_render,
    report_assessment_pick,
    table_lines,
)
from assessment.models import ReportPdf
from assessment.pdf import PRINT_STYLESHEET
from assessment.report import org_tags, report_pdf_html
from orgs.demo import CONSULTANT_EMAIL
from orgs.models import Organization

BARE_VIEW = "bare view (GET /healthz/)"
BARE_READ = "bare read (logged-in GET, 1 row)"
BARE_WRITE = "bare write (logged-in POST, 1 row)"
DOMAIN_PAGE = "questionnaire domain page"
AUTOSAVE = "autosave (POST)"
RESULT_PAGE = "result page"
PLAN_PAGE = f"plan page, {BENCH_PLAN_ITEMS} items"
COMPARE = "compare, 12 orgs"
BARE_PDF = "PDF, bare WeasyPrint"
PDF_RENDER = "PDF render, app path"
PDF_CACHED = "PDF download, cached"
PLAIN_FLOOR = "PDF, plain-text floor"
PDF_VS_FLOOR = "PDF render vs plain-text floor"


def portfolio_row(size: int) -> str:
    return f"portfolio, {size:,} orgs"


def insight_row(size: int) -> str:
    return f"portfolio insight, {size:,} orgs"


class Command(BaseCommand):
    help = "Time the main pages, autosave and the PDF against baselines from the same run."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="Measured rounds of the pages.")
        parser.add_argument("--pdf-runs", type=int, default=5, help="Measured rounds of PDFs.")
        parser.add_argument("--warmup", type=int, default=2, help="Unmeasured rounds first.")
        parser.add_argument("--small", type=int, default=10, help="Orgs in the small portfolio.")
        parser.add_argument("--large", type=int, default=1000, help="Orgs in the large one.")
        parser.add_argument(
            "--assessments", type=int, default=8, help="Submitted results per generated org."
        )

    def handle(self, *args, runs, pdf_runs, warmup, small, large, assessments, **options):
        if runs < 1 or pdf_runs < 1:
            raise CommandError("--runs and --pdf-runs must be 1 or more.")
        if warmup < 0:
            raise CommandError("--warmup must be 0 or more.")
        if not 0 < small <= large:
            raise CommandError("--small must be between 1 and --large.")
        started = time.perf_counter()
        # WhiteNoise warns when collectstatic has not run; the bench serves no static file.
        warnings.filterwarnings("ignore", message="No directory at")
        for done in bench_data_ensure(large=large, small=small, assessments=assessments):
            self.stdout.write(f"Bench data: {done}.")
        with override_settings(DEBUG=False, ROOT_URLCONF="assessment.bench_timing"):
            rows = self._pages(runs=runs, warmup=warmup, small=small, large=large)
            rows += self._pdf(runs=pdf_runs, warmup=min(warmup, 1))
        self._print(rows, runs, pdf_runs, warmup, time.perf_counter() - started)

    def _pages(self, *, runs, warmup, small, large) -> list[Row]:
        draft = demo_draft()
        leader = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
        leader.force_login(leader_of(draft.org))
        domain = draft.version.domains.order_by("position", "id").first()
        question = domain.questions.order_by("position", "id").first()
        choices = itertools.cycle(
            str(pk) for pk in question.options.filter(level__in=(2, 3)).values_list("pk", flat=True)
        )
        domain_url = reverse(
            "assessment_domain", args=[draft.org.public_id, draft.public_id, domain.key]
        )
        checked(leader.get(domain_url))  # sets the CSRF cookie, as a browser's first GET does
        headers = {"HTTP_X_CSRFTOKEN": leader.cookies["csrftoken"].value}
        autosave_url = reverse("assessment_autosave", args=[draft.org.public_id, draft.public_id])
        write_url = reverse("bench_bare_write")
        read_url = reverse("bench_bare_read") + f"?assessment={draft.pk}"

        reported = report_assessment_pick()
        reader = Client(HTTP_HOST="localhost")
        reader.force_login(leader_of(reported.org))
        result_url = reverse("assessment_result", args=[reported.org.public_id, reported.public_id])
        bench_plan_ensure(reported.org)
        plan_url = reverse("org_plan", args=[reported.org.public_id])
        users = get_user_model().objects
        big, little = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
        big.force_login(users.get(username=CONSULTANT_EMAIL))
        little.force_login(users.get(username=SMALL_CONSULTANT_EMAIL))
        twelve = Organization.objects.filter(
            assignments__consultant__username=CONSULTANT_EMAIL
        ).order_by("name")[:12]
        compare_url = reverse("compare") + "?" + "&".join(f"org={o.public_id}" for o in twelve)

        steps = {
            BARE_VIEW: lambda: checked(leader.get("/healthz/")),
            BARE_READ: lambda: checked(leader.get(read_url)),
            BARE_WRITE: lambda: checked(
                leader.post(
                    write_url,
                    {"assessment": draft.pk, "question": question.pk, "value": next(choices)},
                    **headers,
                )
            ),
            DOMAIN_PAGE: lambda: checked(leader.get(domain_url)),
            AUTOSAVE: lambda: checked(
                leader.post(
                    autosave_url, {"question": question.pk, "value": next(choices)}, **headers
                )
            ),
            RESULT_PAGE: lambda: checked(reader.get(result_url)),
            PLAN_PAGE: lambda: checked(reader.get(plan_url)),
            portfolio_row(small): lambda: checked(little.get(reverse("home"))),
            portfolio_row(large): lambda: checked(big.get(reverse("home"))),
            insight_row(small): lambda: checked(little.get(reverse("portfolio_insight"))),
            insight_row(large): lambda: checked(big.get(reverse("portfolio_insight"))),
            COMPARE: lambda: checked(big.get(compare_url)),
        }
        timings = measure_rounds(steps, runs=runs, warmup=warmup)
        queries = {name: count_queries(step) for name, step in steps.items()}
        plan = [
            (BARE_VIEW, None, None),
            (BARE_READ, BARE_VIEW, None),
            (BARE_WRITE, None, None),
            # Against the bare read since issue 13: every signed-in page pays the session and
            # user lookups first, which the bare view skips (docs/performance.md).
            (DOMAIN_PAGE, BARE_READ, 3),
            (AUTOSAVE, BARE_WRITE, 2),
            (RESULT_PAGE, BARE_VIEW, None),
            (PLAN_PAGE, BARE_VIEW, None),
            (portfolio_row(small), BARE_VIEW, None),
            (portfolio_row(large), portfolio_row(small), 2),
            (insight_row(small), BARE_VIEW, None),
            (insight_row(large), insight_row(small), 2),
            (COMPARE, BARE_VIEW, None),
        ]
        if small == large:  # the same row twice would hide the comparison
            plan.remove((portfolio_row(large), portfolio_row(small), 2))
            plan.remove((insight_row(large), insight_row(small), 2))
        return [
            Row(name, timings[name], queries[name], base, target) for name, base, target in plan
        ]

    def _pdf(self, *, runs, warmup) -> list[Row]:
        assessment = report_assessment_pick()
        org = assessment.org
        key = services.report_pdf_key(assessment=assessment, tags=org_tags(org))
        reader = Client(HTTP_HOST="localhost")
        reader.force_login(leader_of(org))
        pdf_url = reverse("assessment_pdf", args=[org.public_id, assessment.public_id])

        def render_html() -> str:
            return report_pdf_html(assessment=assessment, org=org)

        html = render_html()
        print_css = Path(finders.find(PRINT_STYLESHEET)).read_text(encoding="utf-8")

        def app_render() -> bytes:
            ReportPdf.objects.filter(assessment=assessment, key=key).delete()
            return services.report_pdf_get_or_render(
                assessment=assessment, key=key, render_html=render_html
            )

        steps = {
            BARE_PDF: lambda: HTML(string=html).write_pdf(stylesheets=[CSS(string=print_css)]),
            # The same words as plain paragraphs in the same fonts: what the text alone costs.
            PLAIN_FLOOR: lambda: plain_text_floor_render(html),
            PDF_RENDER: app_render,
            # Runs after the app render in the first round, which filled the cache.
            PDF_CACHED: lambda: checked(reader.get(pdf_url)),
        }
        timings = measure_rounds(steps, runs=runs, warmup=warmup)
        queries = {
            PDF_RENDER: count_queries(app_render),
            PDF_CACHED: count_queries(steps[PDF_CACHED]),
        }
        return [
            Row(BARE_PDF, timings[BARE_PDF], None),
            Row(PDF_RENDER, timings[PDF_RENDER], queries[PDF_RENDER], BARE_PDF, 1.2),
            Row(PLAIN_FLOOR, timings[PLAIN_FLOOR], None),
            Row(PDF_VS_FLOOR, timings[PDF_RENDER], None, PLAIN_FLOOR, 1.5),
            Row(PDF_CACHED, timings[PDF_CACHED], queries[PDF_CACHED], PDF_RENDER, 20, faster=True),
        ]

    def _print(self, rows, runs, pdf_runs, warmup, elapsed) -> None:
        write = self.stdout.write
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        write("")
        write(
            f"Medians of {runs} rounds for pages and {pdf_runs} for PDFs, after {warmup} warm-up "
            f"round(s); {elapsed:.0f} s in all; load average {load}."
        )
        write(
            "ratio = row / baseline on the wall clock, CPU ratio on this process's CPU time "
            "(steadier on a busy machine); 'met?' judges both; SQL = queries of one run."
        )
        write("")
        for line in table_lines(rows):
            write(line)
