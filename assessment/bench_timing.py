"""Pieces of `manage.py bench`: timing in interleaved rounds, SQL query counts, the bench data,
the bare write view (a baseline) and the printed table.

Not to be confused with assessment/benchmark.py, the peer-benchmark feature.
"""

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.http import JsonResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.views.decorators.http import require_GET, require_POST
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from assessment import services
from assessment.bank import bank_load
from assessment.models import Answer, Assessment
from assessment.pdf import PDF_BASE_URL, PRINT_STYLESHEET, StaticOnlyFetcher
from config.urls import urlpatterns as app_urlpatterns
from orgs.demo import CONSULTANT_EMAIL, DEMO_ORGS, demo_build, demo_build_portfolio
from orgs.models import Consultant, ConsultantAssignment, Membership, Organization

DEFAULT_BANK = Path(settings.BASE_DIR) / "assessment" / "content" / "cs-maturity-v1.yaml"
SMALL_CONSULTANT_EMAIL = "bench-small@demo.stagewise.test"


# --- the bare write view: the floor of any authenticated save -----------------------------------


@require_POST
def bare_write(request):
    """A logged-in POST that upserts one answer row in a transaction, as autosave's last step
    does, and nothing else: no permission check, no validation, no progress count. Asking for
    request.user makes it load the session and the user, which every authenticated write pays."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False}, status=401)
    row = Answer(
        assessment_id=int(request.POST["assessment"]),
        respondent=request.user,
        question_id=int(request.POST["question"]),
        option_id=int(request.POST["value"]),
        dont_know=False,
        note="",
    )
    with transaction.atomic():
        Answer.objects.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["assessment", "respondent", "question"],
            update_fields=["option", "dont_know", "note", "updated_at"],
        )
    return JsonResponse({"ok": True})


@require_GET
def bare_read(request):
    """A logged-in GET that reads one row and answers a constant: the floor of any page that
    shows a signed-in user something from the database (connection, session, user, a query)."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False}, status=401)
    status = Assessment.objects.filter(pk=int(request.GET["assessment"])).values_list(
        "status", flat=True
    )
    return JsonResponse({"ok": True, "status": status.first()})


# The app's own URLs plus the bare views, so all go through the same middleware stack.
# The bench mounts it with override_settings(ROOT_URLCONF="assessment.bench_timing").
urlpatterns = [
    path("bench/bare-read/", bare_read, name="bench_bare_read"),
    path("bench/bare-write/", bare_write, name="bench_bare_write"),
    *app_urlpatterns,
]


# --- timing -------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Wall-clock and CPU seconds of the measured runs of one step."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def wall_ms(self) -> float:
        return statistics.median(self.wall) * 1000

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) * 1000


def measure_rounds(
    steps: dict[str, Callable[[], object]], *, runs: int, warmup: int
) -> dict[str, Timing]:
    """Run every step once per round, `warmup` unmeasured rounds first. Steps take turns
    within a round, and the order flips every round, so a slow spell on a shared machine
    lands on all of them alike instead of on whichever ran last."""
    timings = {name: Timing() for name in steps}
    order = list(steps)
    for round_number in range(warmup + runs):
        for name in order if round_number % 2 == 0 else order[::-1]:
            wall, cpu = time.perf_counter(), time.process_time()
            steps[name]()
            if round_number >= warmup:
                timings[name].wall.append(time.perf_counter() - wall)
                timings[name].cpu.append(time.process_time() - cpu)
    return timings


def count_queries(step: Callable[[], object]) -> int:
    """SQL statements one run of the step sends (BEGIN and COMMIT included where the backend
    logs them)."""
    with CaptureQueriesContext(connection) as queries:
        step()
    return len(queries)


def checked(response, status: int = 200):
    if response.status_code != status:
        raise CommandError(
            f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']} answered "
            f"{response.status_code}, expected {status}; is 'localhost' in ALLOWED_HOSTS "
            "(DEBUG=1 allows it)?"
        )
    return response


# --- the table ----------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table. ratio = this row's median / the baseline row's median. With
    `faster` the target is a speed-up: the baseline must take at least `target` times as long."""

    name: str
    timing: Timing
    queries: int | None
    baseline: str | None = None
    target: float | None = None
    faster: bool = False


def _ratio(value: float) -> str:
    return f"1/{1 / value:.0f}" if value < 0.1 else f"{value:.2f}"


def _target(row: Row) -> str:
    if row.target is None:
        return ""
    return f"<= 1/{row.target:g}" if row.faster else f"<= {row.target:g}"


def _met(row: Row, wall: float, cpu: float | None) -> str:
    """The verdict on the wall ratio, then on the CPU ratio: "met/met", "MISSED/met"..."""
    if row.target is None:
        return ""
    limit = 1 / row.target if row.faster else row.target
    verdicts = ["met" if wall <= limit else "MISSED"]
    if cpu is not None:
        verdicts.append("met" if cpu <= limit else "MISSED")
    return "/".join(verdicts)


def table_lines(rows: list[Row]) -> list[str]:
    """The table: median wall and CPU ms, the baseline, both ratios, the target and whether
    each ratio meets it, and the SQL queries of one run."""
    by_name = {row.name: row for row in rows}
    width = max(len(row.name) for row in rows)
    base_width = max(len(row.baseline or "") for row in rows)
    header = (
        f"{'row':<{width}} {'wall ms':>9} {'CPU ms':>9}  {'baseline':<{base_width}} "
        f"{'ratio':>7} {'CPU ratio':>9} {'target':>9} {'met? wall/CPU':>13} {'SQL':>4}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        ratio = cpu_ratio = ""
        met = ""
        if row.baseline:
            base = by_name[row.baseline].timing
            wall = row.timing.wall_ms / base.wall_ms
            cpu = row.timing.cpu_ms / base.cpu_ms if base.cpu_ms else None
            ratio, met = _ratio(wall), _met(row, wall, cpu)
            cpu_ratio = "-" if cpu is None else _ratio(cpu)
        queries = "" if row.queries is None else str(row.queries)
        lines.append(
            f"{row.name:<{width}} {row.timing.wall_ms:>9.1f} {row.timing.cpu_ms:>9.1f}  "
            f"{row.baseline or '':<{base_width}} {ratio:>7} {cpu_ratio:>9} {_target(row):>9} "
            f"{met:>13} {queries:>4}"
        )
    return lines


# --- the data -----------------------------------------------------------------------------------


def bench_data_ensure(*, large: int, small: int, assessments: int) -> list[str]:
    """The default bank, the demo data, the demo consultant's portfolio grown to `large` orgs,
    and a second consultant holding the first `small` of them. Returns what was created."""
    done = []
    try:
        services.current_published_version()
    except services.AssessmentError:
        bank_load(text=DEFAULT_BANK.read_text(encoding="utf-8"))
        done.append(f"loaded the question bank {DEFAULT_BANK.name}")
    if demo_build():
        done.append("built the demo data")
    started = time.perf_counter()
    built = demo_build_portfolio(orgs=max(0, large - len(DEMO_ORGS)), assessments=assessments)
    if built.orgs:
        done.append(
            f"grew the portfolio by {built.orgs} orgs ({time.perf_counter() - started:.0f} s)"
        )
    small_consultant = small_consultant_ensure(size=small)
    if small_consultant is not None:
        done.append(f"gave {SMALL_CONSULTANT_EMAIL} {small} orgs")
    return done


def small_consultant_ensure(*, size: int):
    """A consultant whose portfolio is the demo consultant's first `size` orgs by name, so the
    small and the large portfolio are timed in the same rounds on the same database. Returns
    the user when it was created now."""
    User = get_user_model()
    if User.objects.filter(username=SMALL_CONSULTANT_EMAIL).exists():
        return None
    user = User.objects.create_user(
        username=SMALL_CONSULTANT_EMAIL, email=SMALL_CONSULTANT_EMAIL, first_name="Bench"
    )
    Consultant.objects.create(user=user, company="Bench Advisory")
    orgs = Organization.objects.filter(assignments__consultant__username=CONSULTANT_EMAIL)
    ConsultantAssignment.objects.bulk_create(
        ConsultantAssignment(consultant=user, org=org, granted_by=user)
        for org in orgs.order_by("name")[:size]
    )
    return user


def leader_of(org):
    membership = (
        Membership.objects.filter(org=org, role=Membership.Role.LEADER)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if membership is None:
        raise CommandError(f"{org.name} has no leader to log in as.")
    return membership.user


def demo_draft() -> Assessment:
    """The demo org's open draft (Bluebird Health's), answered in part."""
    slugs = [d.slug for d in DEMO_ORGS if d.open_draft]
    draft = (
        Assessment.objects.filter(org__slug__in=slugs, status=Assessment.Status.DRAFT)
        .select_related("org", "version")
        .order_by("id")
        .first()
    )
    if draft is None:
        raise CommandError("The demo data has no open draft.")
    return draft


def report_assessment_pick() -> Assessment:
    """The latest submitted assessment of the demo org with the most respondents in it (then
    the most answers, then the name, so the choice is stable)."""
    demo_orgs = Organization.objects.filter(
        slug__in=[d.slug for d in DEMO_ORGS], name__in=[d.name for d in DEMO_ORGS]
    )
    latest = []
    for org in demo_orgs:
        assessment = (
            org.assessments.filter(status=Assessment.Status.SUBMITTED)
            .select_related("org", "version__questionnaire")
            .order_by("-submitted_at", "-id")
            .first()
        )
        if assessment is not None:
            latest.append(assessment)
    if not latest:
        raise CommandError("No demo org has a submitted assessment.")
    return max(
        latest,
        key=lambda a: (len(a.snapshot["respondents"]), len(a.snapshot["answers"]), a.org.name),
    )


BENCH_PLAN_ITEMS = 200


def bench_plan_ensure(org, *, items: int = BENCH_PLAN_ITEMS) -> None:
    """Give `org` a plan of `items` items (the size the plan page's query bound is asserted at),
    with owners, all statuses and some overdue, unless it has one already."""
    import datetime

    from django.utils import timezone

    from plans.models import Plan, PlanItem
    from plans.services import eligible_owners

    plan, _ = Plan.objects.get_or_create(org=org)
    have = plan.items.count()
    if have >= items:
        return
    owners = [*eligible_owners(org), None]
    today = timezone.localdate()
    PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            action_key=f"bench-{n}",
            title=f"Bench action {n}",
            why="Measured by the bench.",
            domain_key="bench",
            domain_name="Bench",
            horizon=(30, 90, 180)[n % 3],
            due_date=today + datetime.timedelta(days=n - 30),
            owner=owners[n % len(owners)],
            status=PlanItem.Status.values[n % 4],
        )
        for n in range(have, items)
    )


# --- the plain-text floor ------------------------------------------------------------------------

_BLOCK_END = re.compile(
    r"</(?:p|li|h[1-6]|td|th|dt|dd|figcaption|caption|div|section|text|title)>|<br\s*/?>", re.I
)
_TAG = re.compile(r"<[^>]+>")
_HIDDEN = re.compile(r"<(style|script|head)\b.*?</\1>", re.I | re.S)
# The print stylesheet's fonts and base text style, nothing else.
FLOOR_CSS = """
@font-face { font-family: "Inter"; font-weight: 400; src: url("../fonts/inter-latin-regular.woff2") format("woff2"); }
@font-face { font-family: "Inter"; font-weight: 600; src: url("../fonts/inter-latin-semibold.woff2") format("woff2"); }
@font-face { font-family: "Inter"; font-weight: 700; src: url("../fonts/inter-latin-bold.woff2") format("woff2"); }
@page { size: A4; margin: 18mm 16mm 20mm; }
html { font-family: "Inter", sans-serif; font-size: 9.5pt; line-height: 1.4; }
p { margin: 0 0 2mm; }
"""  # noqa: E501 - one @font-face per line reads best


def plain_text_html(html: str) -> str:
    """The words of `html` as plain paragraphs, one per block of the original: the text a
    render must lay out at the least, without boxes, tables, charts or page rules."""
    text = _BLOCK_END.sub("\n", _HIDDEN.sub("", html))
    paragraphs = [" ".join(unescape(_TAG.sub(" ", line)).split()) for line in text.split("\n")]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)
    return f"<!doctype html><html lang='en'><body>{body}</body></html>"


def plain_text_floor_render(html: str) -> bytes:
    """Bare WeasyPrint on `plain_text_html(html)` with the report's Inter fonts (fetched as our
    own static files): the floor a report render is compared with."""
    font_config = FontConfiguration()
    css = CSS(
        string=FLOOR_CSS,
        base_url=PDF_BASE_URL + settings.STATIC_URL.lstrip("/") + PRINT_STYLESHEET,
        url_fetcher=StaticOnlyFetcher(),
        font_config=font_config,
    )
    return HTML(
        string=plain_text_html(html), base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher()
    ).write_pdf(stylesheets=[css], font_config=font_config)
