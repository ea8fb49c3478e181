"""Measure the consultant pages at two portfolio sizes in one run.

    python manage.py bench_portfolio [--runs N] [--small 10] [--large 1000] [--assessments 8]

Builds the demo consultant's portfolio to --small orgs, times the portfolio page (default sort,
and sorted by stage) and the compare page (12 orgs, or as many as exist), then grows the same
portfolio to --large orgs and times the same pages again. It prints medians (wall and CPU), the
SQL queries per page, and the large / small ratios. Figures only: it checks nothing. Target: the
large portfolio page within 2× of the small one.

It adds orgs to the configured database: point DATABASE_URL at a throwaway one (`make bench`
does).
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.bank import bank_load
from assessment.bench_timing import DEFAULT_BANK
from assessment.models import QuestionnaireVersion
from orgs.demo import CONSULTANT_EMAIL, DEMO_ORGS, demo_build, demo_build_portfolio
from orgs.models import Organization

PAGES = ("portfolio", "portfolio by stage", "portfolio by plan", "insight", "compare 12")
TARGET = 2.0


class Command(BaseCommand):
    help = "Time the portfolio and compare pages with a small and a large portfolio."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--small", type=int, default=10)
        parser.add_argument("--large", type=int, default=1000)
        parser.add_argument("--assessments", type=int, default=8)

    def handle(self, *args, runs: int, small: int, large: int, assessments: int, **options):
        if not QuestionnaireVersion.objects.filter(status="published").exists():
            bank_load(text=DEFAULT_BANK.read_text(encoding="utf-8"))
        demo_build()
        results = {}
        for size in (small, large):
            generated = max(0, size - len(DEMO_ORGS))
            started = time.perf_counter()
            demo_build_portfolio(orgs=generated, assessments=assessments)
            self.stdout.write(
                f"Portfolio of {size} orgs ready ({time.perf_counter() - started:.1f} s)."
            )
            results[size] = self._measure(runs)
        self._print(results, small, large, runs)

    def _measure(self, runs: int) -> dict[str, tuple[float, float, int]]:
        client = Client(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=CONSULTANT_EMAIL))
        ids = list(
            Organization.objects.filter(assignments__consultant__username=CONSULTANT_EMAIL)
            .order_by("name")
            .values_list("public_id", flat=True)[:12]
        )
        urls = {
            "portfolio": reverse("home"),
            "portfolio by stage": reverse("home") + "?sort=stage&dir=desc",
            # The plan columns (issue 15) sorted: done share, then overdue counts.
            "portfolio by plan": reverse("home") + "?sort=plan&dir=desc",
            "insight": reverse("portfolio_insight"),
            "compare 12": reverse("compare") + "?" + "&".join(f"org={i}" for i in ids),
        }
        measured = {}
        for name, url in urls.items():
            client.get(url)  # warm-up: caches, first-query costs
            walls, cpus = [], []
            for _ in range(runs):
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            measured[name] = (statistics.median(walls), statistics.median(cpus), len(queries))
        return measured

    def _print(self, results, small, large, runs) -> None:
        out = self.stdout.write
        out(f"\n{runs} measured runs per page after one warm-up; medians in ms.\n")
        out(f"{'Page':<22}{'orgs':>6}{'wall':>10}{'CPU':>10}{'queries':>9}")
        out("-" * 57)
        for size in (small, large):
            for name in PAGES:
                wall, cpu, queries = results[size][name]
                out(f"{name:<22}{size:>6}{wall * 1000:>10.1f}{cpu * 1000:>10.1f}{queries:>9}")
        out(f"\n{'Ratio ' + str(large) + ' / ' + str(small) + ' orgs':<28}{'wall':>8}{'CPU':>8}")
        out("-" * 44)
        for name in PAGES:
            wall = results[large][name][0] / results[small][name][0]
            cpu = results[large][name][1] / results[small][name][1]
            target = f"  (target <= {TARGET:g})" if name == "portfolio" else ""
            out(f"{name:<28}{wall:>8.2f}{cpu:>8.2f}{target}")
