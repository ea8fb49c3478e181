"""The report: the result page with roadmap and targets, and its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from assessment import prerender, services
from assessment.branding import branding_for
from assessment.pdf import PdfRenderError
from assessment.report import org_tags, report_build, report_pdf_html
from assessment.scoring import STAGE_NAMES
from assessment.views.access import load_assessment, url_args
from orgs import ratelimits
from orgs.permissions import Perm

SECTIONS = [
    ("summary", "Summary"),
    ("domains", "Domains and targets"),
    ("roadmap", "Roadmap"),
    ("since", "Since last time"),
    ("gaps", "Gaps"),
    ("appendix", "Answers"),
]
TARGETS_SAVED = "Targets saved; the roadmap below follows them."


def _page(request, access, assessment, *, status=200, **extra):
    report = report_build(assessment=assessment)
    return render(
        request,
        "assessment/report.html",
        {
            "access": access,
            "org": access.org,
            "assessment": assessment,
            "report": report,
            "stages": STAGE_NAMES,
            "sections": SECTIONS,
            "can_set_targets": access.can_run,
            "branding": report.branding,  # read once, by report_build
            **extra,
        },
        status=status,
    )


@login_required
@require_GET
def result(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.VIEW)
    if assessment.is_draft:
        return redirect("assessment_review", **url_args(assessment))
    return _page(request, access, assessment, targets_saved=request.GET.get("saved") == "1")


def _wants_fragment(request) -> bool:
    # Set by static/js/report-targets.js; a plain form post gets a page back.
    return request.headers.get("X-Report-Fragment") == "1"


@login_required
@require_POST
def targets_update(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.RUN_ASSESSMENT)
    targets = {
        name.removeprefix("target-"): value
        for name, value in request.POST.items()
        if name.startswith("target-")
    }
    try:
        services.assessment_targets_set(assessment=assessment, targets=targets)
    except services.AssessmentError as exc:
        error = f"{exc} No target was changed."
        if _wants_fragment(request):
            return JsonResponse({"error": error}, status=400)
        if assessment.is_draft:  # no report to show the error on: its review page says it
            messages.error(request, error)
            return redirect("assessment_review", **url_args(assessment))
        return _page(request, access, assessment, status=400, targets_error=error)
    prerender.report_pdf_prerender_soon(assessment)
    if _wants_fragment(request):
        report = report_build(assessment=assessment, with_appendix=False)
        context = {"org": access.org, "assessment": assessment, "report": report}
        return JsonResponse(
            {
                "message": TARGETS_SAVED,
                "roadmap": render_to_string("assessment/report_roadmap.html", context),
                "rows": {
                    row.plan.key: {
                        "gap": f"{row.plan.gap} stage{'s' if row.plan.gap > 1 else ''}"
                        if row.plan.gap
                        else "at target",
                        "line": row.line,
                    }
                    for row in report.rows
                },
            }
        )
    # Back to the table just saved, with the confirmation beside it.
    return redirect(reverse("assessment_result", kwargs=url_args(assessment)) + "?saved=1#domains")


@login_required
@require_GET
def report_pdf(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.DOWNLOAD)
    if assessment.is_draft:
        raise Http404("A draft has no report yet.")
    with_appendix = request.GET.get("appendix", "1") != "0"
    branding = branding_for(access.org)
    key = services.report_pdf_key(
        assessment=assessment,
        tags=org_tags(access.org),
        with_appendix=with_appendix,
        branding=branding,
    )

    rendered = []

    def html() -> str:
        rendered.append(True)
        # Only a real render counts (a stored copy costs nothing): renders hold a CPU for up to
        # seconds, and a loop of them slowed every other user's pages.
        wait = ratelimits.hit(ratelimits.PDF_RENDERS_PER_USER, str(request.user.pk))
        if wait is not None:
            raise ratelimits.Limited(wait)
        return report_pdf_html(
            assessment=assessment, org=access.org, with_appendix=with_appendix, branding=branding
        )

    try:
        pdf = services.report_pdf_get_or_render(assessment=assessment, key=key, render_html=html)
    except ratelimits.Limited as exc:
        return ratelimits.too_many(request, exc.seconds, ratelimits.PDF_LIMITED)
    except PdfRenderError as exc:
        return render(
            request,
            "assessment/pdf_error.html",
            {"org": access.org, "assessment": assessment, "error": str(exc)},
            status=503,
        )
    filename = (
        f"stagewise-{slugify(access.org.slug) or 'org'}-{assessment.submitted_at:%Y-%m-%d}.pdf"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Whether the pre-rendered copy served this download: for operators and the end-to-end test.
    response["X-Report-Pdf"] = "rendered" if rendered else "stored"
    return response
