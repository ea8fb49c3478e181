"""The report: the result page with roadmap and targets, and its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from assessment import services
from assessment.branding import branding_for
from assessment.pdf import PdfRenderError
from assessment.report import org_tags, report_build, report_pdf_html
from assessment.scoring import STAGE_NAMES
from assessment.views.access import load_assessment, url_args
from orgs import ratelimits
from orgs.permissions import Perm


@login_required
@require_GET
def result(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.VIEW)
    if assessment.is_draft:
        return redirect("assessment_review", **url_args(assessment))
    return render(
        request,
        "assessment/report.html",
        {
            "access": access,
            "org": access.org,
            "assessment": assessment,
            "report": report_build(assessment=assessment),
            "stages": STAGE_NAMES,
            "branding": branding_for(access.org),
        },
    )


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
        messages.error(request, f"{exc} No target was changed.")
    else:
        messages.success(request, "Targets saved; the roadmap below follows them.")
    return redirect(reverse("assessment_result", kwargs=url_args(assessment)) + "#roadmap")


@login_required
@require_GET
def report_pdf(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.DOWNLOAD)
    if assessment.is_draft:
        raise Http404("A draft has no report yet.")
    branding = branding_for(access.org)
    key = services.report_pdf_key(
        assessment=assessment, tags=org_tags(access.org), branding=branding.key
    )

    def html() -> str:
        # Only a real render counts (a stored copy costs nothing): renders hold a CPU for up to
        # seconds, and a loop of them slowed every other user's pages.
        wait = ratelimits.hit(ratelimits.PDF_RENDERS_PER_USER, str(request.user.pk))
        if wait is not None:
            raise ratelimits.Limited(wait)
        return report_pdf_html(assessment=assessment, org=access.org, branding=branding)

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
    return response
