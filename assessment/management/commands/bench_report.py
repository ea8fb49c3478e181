"""Measure how long the result report takes to make, on the demo data.

    python manage.py bench_report [--runs N] [--warmup N] [--budget SECONDS]

Loads the default question bank and the demo data when they are missing, picks the demo org
whose latest submitted assessment has the most respondents, and prints medians of N runs (after
one unmeasured warm-up round, by default) of:

- the HTML report page: a test-client GET of the result page, logged in as the org's leader;
- a PDF render through the app's path: report_pdf_get_or_render with the cached row deleted
  first (report_build, the template, WeasyPrint with our fetcher and print stylesheet, the
  thread pool with its time limit, the cache insert);
- a bare WeasyPrint render of the same HTML and print stylesheet, without our fetcher or cache;
- the plain-text floor: bare WeasyPrint on the same words as plain paragraphs, with the same
  Inter fonts (assessment/bench_timing.py, plain_text_floor_render): what laying out the text
  alone costs, so the ratio to it shows what the report's structure adds;
- a cached download: a test-client GET of the PDF URL while its row is cached.

Each step is timed by the wall clock and by this process's CPU time (all its threads, so the
render in the PDF thread pool counts); CPU time is the steadier figure when other work shares
the machine. The two renders swap order every round so drift hits both alike. Rounds stop early
once --budget seconds are spent (the table says how many were measured).

It prints figures only; it checks nothing. Targets: app render / bare WeasyPrint ≤ 1.2 and
app render / cached download ≥ 20.
"""

import io
import statistics
import time
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse
from weasyprint import CSS, HTML

from assessment import services
from assessment.bank import bank_load
from assessment.bench_timing import (
    DEFAULT_BANK,
    leader_of,
    plain_text_floor_render,
    report_assessment_pick,
)
from assessment.models import Assessment, ReportPdf
from assessment.pdf import PRINT_STYLESHEET
from assessment.report import org_tags, report_pdf_html
from orgs.demo import demo_build

RENDER_TARGET = 1.2  # app PDF render / bare WeasyPrint, at most
CACHE_TARGET = 20  # app PDF render / cached download, at least

ROW_HTML = "HTML report page (GET)"
ROW_PDF = "PDF render, app path (no cache)"
ROW_BARE = "PDF render, bare WeasyPrint"
ROW_FLOOR = "Plain-text floor (same words, fonts)"
ROW_CACHED = "PDF download, cached (GET)"
RATIO_BARE = "PDF render / bare WeasyPrint"
RATIO_CACHED = "PDF render / cached download"
RATIO_FLOOR = "PDF render / plain-text floor"
FLOOR_TARGET = 1.5  # app PDF render / plain-text floor, at most (issue 14)


class Timings:
    """Wall-clock and CPU seconds per step, for the measured rounds."""

    def __init__(self):
        self.wall: dict[str, list[float]] = {
            ROW_HTML: [],
            ROW_PDF: [],
            ROW_BARE: [],
            ROW_FLOOR: [],
            ROW_CACHED: [],
        }
        self.cpu: dict[str, list[float]] = {name: [] for name in self.wall}

    def add(self, name: str, wall: float, cpu: float) -> None:
        self.wall[name].append(wall)
        self.cpu[name].append(cpu)

    def median(self, name: str, clock: str = "wall") -> float:
        return statistics.median(getattr(self, clock)[name])


def _measure(action) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _page_count(pdf: bytes) -> int | None:
    try:
        from pypdf import PdfReader  # a test dependency; the count is optional
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(pdf)).pages)


class Command(BaseCommand):
    help = "Time the HTML report, the PDF render (app path and bare WeasyPrint) and a cached PDF."

    def add_arguments(self, parser):
        parser.add_argument(
            "--runs", type=int, default=7, help="Measured runs of each step (default 7)."
        )
        parser.add_argument(
            "--warmup",
            type=int,
            default=1,
            help="Unmeasured rounds first, to load fonts and fill caches (default 1).",
        )
        parser.add_argument(
            "--budget",
            type=float,
            default=45,
            help="Start no new round after this many seconds (default 45); at least one "
            "round is always measured.",
        )

    def handle(self, *args, runs: int, warmup: int, budget: float, **options):
        if runs < 1:
            raise CommandError("--runs must be 1 or more.")
        if warmup < 0:
            raise CommandError("--warmup must be 0 or more.")
        started = time.perf_counter()
        self._ensure_data()
        assessment, leader = self._pick()
        org = assessment.org
        key = services.report_pdf_key(assessment=assessment, tags=org_tags(org))
        result_url = reverse("assessment_result", args=[org.public_id, assessment.public_id])
        pdf_url = reverse("assessment_pdf", args=[org.public_id, assessment.public_id])

        def render_html() -> str:
            return report_pdf_html(assessment=assessment, org=org)

        html = render_html()
        print_css = Path(finders.find(PRINT_STYLESHEET)).read_text(encoding="utf-8")
        client = Client(HTTP_HOST="localhost")
        client.force_login(leader)

        def get(url: str):
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(
                    f"GET {url} answered {response.status_code}; is 'localhost' in "
                    "ALLOWED_HOSTS (DEBUG=1 allows it)?"
                )
            return response

        def app_render() -> bytes:
            return services.report_pdf_get_or_render(
                assessment=assessment, key=key, render_html=render_html
            )

        def bare_render() -> bytes:
            return HTML(string=html).write_pdf(stylesheets=[CSS(string=print_css)])

        timings = Timings()
        pdf = b""
        measured = 0
        try:
            for round_number in range(warmup + runs):
                counted = round_number >= warmup
                if counted and measured and time.perf_counter() - started > budget:
                    break
                results = {}
                ReportPdf.objects.filter(assessment=assessment, key=key).delete()
                renders = [
                    (ROW_PDF, app_render),
                    (ROW_BARE, bare_render),
                    (ROW_FLOOR, lambda: plain_text_floor_render(html)),
                ]
                steps = [
                    (ROW_HTML, lambda: get(result_url)),
                    *(renders if round_number % 2 == 0 else renders[::-1]),
                    (ROW_CACHED, lambda: get(pdf_url)),  # the app render above filled the cache
                ]
                for name, action in steps:
                    wall, cpu, results[name] = _measure(action)
                    if counted:
                        timings.add(name, wall, cpu)
                pdf = results[ROW_PDF]
                if results[ROW_CACHED].content != pdf:
                    raise CommandError("The cached download differs from the rendered PDF.")
                measured += counted
        finally:
            client.logout()
        self._print(assessment, measured, runs, warmup, timings, pdf, time.perf_counter() - started)

    def _ensure_data(self) -> None:
        try:
            services.current_published_version()
        except services.AssessmentError:
            bank_load(text=DEFAULT_BANK.read_text(encoding="utf-8"))
            self.stdout.write(f"Loaded the default question bank from {DEFAULT_BANK.name}.")
        if demo_build():
            self.stdout.write("Created the demo data.")

    def _pick(self) -> tuple[Assessment, object]:
        assessment = report_assessment_pick()
        return assessment, leader_of(assessment.org)

    def _print(self, assessment, measured, runs, warmup, timings: Timings, pdf, elapsed) -> None:
        snapshot = assessment.snapshot
        write = self.stdout.write
        write(
            f"Report benchmark: {assessment.org.name}, assessment of "
            f"{assessment.submitted_at:%Y-%m-%d} ({len(snapshot['respondents'])} respondents, "
            f"{len(snapshot['domains'])} domains, {len(snapshot['answers'])} answers)"
        )
        stopped = f" (of {runs} asked; the time budget ran out)" if measured < runs else ""
        write(
            f"{measured} measured run(s) of each step{stopped}, after {warmup} warm-up "
            f"round(s), in {elapsed:.1f} s in all. Times in ms; CPU is this process's."
        )
        write("")
        header = f"{'Step':<34} {'median':>9} {'min':>9} {'max':>9} {'CPU med':>9}"
        write(header)
        write("-" * len(header))
        for name, values in timings.wall.items():
            write(
                f"{name:<34} {timings.median(name) * 1000:>9.1f} {min(values) * 1000:>9.1f} "
                f"{max(values) * 1000:>9.1f} {timings.median(name, 'cpu') * 1000:>9.1f}"
            )
        write("")
        header = f"{'Ratio of medians':<34} {'wall':>9} {'CPU':>9} {'target':>9}  verdict (wall)"
        write(header)
        write("-" * len(header))
        for name, other, target, at_most in (
            (RATIO_BARE, ROW_BARE, RENDER_TARGET, True),
            (RATIO_FLOOR, ROW_FLOOR, FLOOR_TARGET, True),
            (RATIO_CACHED, ROW_CACHED, CACHE_TARGET, False),
        ):
            wall = timings.median(ROW_PDF) / timings.median(other)
            cpu_other = timings.median(other, "cpu")
            cpu = timings.median(ROW_PDF, "cpu") / cpu_other if cpu_other else float("inf")
            met = wall <= target if at_most else wall >= target
            shown = f"{'<=' if at_most else '>='} {target}"
            write(f"{name:<34} {wall:>9.2f} {cpu:>9.2f} {shown:>9}  {'met' if met else 'NOT met'}")
        write("")
        pages = _page_count(pdf)
        write(
            f"PDF: {pages if pages is not None else '? (install pypdf to count)'} pages, "
            f"{len(pdf) / 1024:.1f} KiB ({len(pdf):,} bytes)"
        )
