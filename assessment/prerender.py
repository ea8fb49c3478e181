"""PDF reports rendered in the background, so a download is a lookup rather than a render.

After a submit, a target change or a branding change, `report_pdf_prerender_soon` queues
`report_pdf_prerender` once the caller's transaction commits; a worker (`manage.py db_worker`)
renders the PDF and stores it under the same key the download view computes. The task is
idempotent: a PDF already stored under that key is left as it is, and two runs racing each other
store one row (the key is unique). A download that finds nothing stored still renders in the
request, within the usual 30 s limit."""

import logging

from django.db import transaction
from django_tasks import task

from assessment import services
from assessment.models import Assessment, ReportPdf
from assessment.pdf import render_pdf
from assessment.report import org_tags, report_pdf_html

log = logging.getLogger("stagewise.pdf")


@task()
def report_pdf_prerender(assessment_id: int) -> dict:
    assessment = (
        Assessment.objects.select_related("org", "version")
        .filter(pk=assessment_id, status=Assessment.Status.SUBMITTED)
        .first()
    )
    if assessment is None:  # deleted since, or never submitted: nothing to render
        return {"rendered": False, "reason": "no submitted assessment"}
    org = assessment.org
    key = services.report_pdf_key(assessment=assessment, tags=org_tags(org))
    if ReportPdf.objects.filter(assessment=assessment, key=key).exists():
        return {"rendered": False, "reason": "already stored", "key": key}
    pdf = render_pdf(report_pdf_html(assessment=assessment, org=org))
    ReportPdf.objects.bulk_create(
        [ReportPdf(assessment=assessment, key=key, pdf=pdf)], ignore_conflicts=True
    )
    log.info("Pre-rendered the PDF of assessment %s (%d bytes)", assessment.pk, len(pdf))
    return {"rendered": True, "key": key, "bytes": len(pdf)}


def report_pdf_prerender_soon(assessment: Assessment) -> None:
    """Queue a render of this assessment's PDF once the current transaction commits."""
    assessment_id = assessment.pk
    # robust: a queue that cannot take the job must not turn a committed submit (or target
    # change) into an error page; the download then renders on demand, as before pre-rendering.
    transaction.on_commit(lambda: report_pdf_prerender.enqueue(assessment_id), robust=True)


def report_pdf_prerender_org(org) -> None:
    """After a branding change: the org's latest submitted report, the one people download."""
    latest = (
        org.assessments.filter(status=Assessment.Status.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .first()
    )
    if latest is not None:
        report_pdf_prerender_soon(latest)
