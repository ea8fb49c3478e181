"""The portfolio: a consultant's (or staff member's) home, comparison and exports."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessment.branding import branding_for_comparison
from assessment.compare import comparison_build
from assessment.exports import comparison_csv_rows
from assessment.pdf import PdfRenderError, render_pdf_bounded
from assessment.scoring import STAGE_NAMES
from orgs import ratelimits
from orgs.insight import CSV_HEADER as INSIGHT_CSV_HEADER
from orgs.insight import MISS_LEVEL, insight_csv_rows, insight_for
from orgs.landing import landing_build
from orgs.models import Consultant, Organization
from orgs.permissions import orgs_held_back_by_mfa, orgs_visible_to
from orgs.portfolio import (
    CSV_HEADER,
    SORTS,
    CompareError,
    PortfolioFilters,
    compare_pairs,
    portfolio_csv_row,
    portfolio_queryset,
)

PAGE_SIZE = 25


def insight_label(key: str) -> str:
    """What a figure key names, read from the key itself (no query): the list heading."""
    if key.startswith("stage-") and key[6:].isdigit():
        return STAGE_NAMES.get(int(key[6:]), "")
    labels = {
        "regressed": "fell a stage this quarter",
        "drafts": "open drafts",
        "overdue": "overdue plan items",
    }
    for prefix, word in (
        ("phase-", "phase "),
        ("practice-", "missing practice "),
        ("action-", "next action "),
    ):
        if key.startswith(prefix):
            return word + key.removeprefix(prefix)
    return labels.get(key, "")


@require_GET
@login_required
def insight(request):
    data = insight_for(request.user)
    return render(request, "orgs/insight.html", {"insight": data, "miss_level": MISS_LEVEL})


@require_GET
@login_required
def insight_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stagewise-insight.csv"'
    writer = csv.writer(response)
    writer.writerow(INSIGHT_CSV_HEADER)
    writer.writerows(insight_csv_rows(insight_for(request.user)))
    return response


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html", {"landing": landing_build()})
    is_consultant = Consultant.objects.filter(user=request.user).exists()
    held_back = list(orgs_held_back_by_mfa(request.user)[:20])
    if not is_consultant and not request.user.is_staff:
        first_two = list(orgs_visible_to(request.user)[:2])
        if len(first_two) == 1:
            return redirect("org_home", org_id=first_two[0].public_id)
        if not first_two and len(held_back) == 1:
            # Their one org requires MFA: its page says how to turn it on.
            return redirect("org_home", org_id=held_back[0].public_id)
    filters = PortfolioFilters.from_params(request.GET)
    page = Paginator(portfolio_queryset(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "home.html",
        {
            "page": page,
            "filters": filters,
            "is_consultant": is_consultant,
            "sorts": list(SORTS),
            "arr_bands": Organization.ArrBand.choices,
            "query_string": params.urlencode(),
            "filtered": bool(filters.query or filters.stage or filters.arr_band or filters.insight),
            "insight_label": insight_label(filters.insight),
            "held_back": held_back,
        },
    )


@require_GET
def portfolio_csv(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    filters = PortfolioFilters.from_params(request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stagewise-portfolio.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for org in portfolio_queryset(request.user, filters).iterator(chunk_size=500):
        writer.writerow(portfolio_csv_row(org))
    return response


def _comparison(request):
    """The comparison the request asks for, or None (with a message saying why)."""
    try:
        pairs = compare_pairs(request.user, request.GET.getlist("org"))
    except CompareError as exc:
        messages.error(request, str(exc))
        return None
    return comparison_build(pairs)


@login_required
@require_GET
def compare(request):
    comparison = _comparison(request)
    if comparison is None:
        return redirect("home")
    query = urlencode([("org", column.org.public_id) for column in comparison.columns])
    return render(request, "orgs/compare.html", {"comparison": comparison, "query": query})


@login_required
@require_GET
def compare_csv(request):
    comparison = _comparison(request)
    if comparison is None:
        return redirect("home")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stagewise-comparison.csv"'
    csv.writer(response).writerows(comparison_csv_rows(comparison))
    return response


@login_required
@require_GET
def compare_pdf(request):
    comparison = _comparison(request)
    if comparison is None:
        return redirect("home")
    wait = ratelimits.hit(ratelimits.PDF_RENDERS_PER_USER, str(request.user.pk))
    if wait is not None:
        return ratelimits.too_many(request, wait, ratelimits.PDF_LIMITED)
    # The consultant's firm, branded as the reports of the clients compared are.
    branding = branding_for_comparison(request.user, [c.org for c in comparison.columns])
    consultant = getattr(request.user, "consultant", None)
    company = consultant.company if consultant else ""
    firm = branding.firm_name if branding.is_firm else (company or branding.firm_name)
    html = render_to_string(
        "orgs/compare_pdf.html",
        {
            "comparison": comparison,
            "consultant": request.user.get_full_name() or request.user.email,
            "firm": firm,
            "brand": branding,
            "branding": branding,
            "today": timezone.localdate(),
        },
    )
    try:
        pdf = render_pdf_bounded(html)
    except PdfRenderError as exc:
        return render(request, "orgs/compare_pdf_error.html", {"error": str(exc)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="stagewise-comparison.pdf"'
    return response
