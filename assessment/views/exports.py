"""Downloads of one submitted assessment: full data as JSON, answers and result as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from assessment.exports import (
    assessment_csv_rows,
    assessment_export_document,
    assessment_export_json,
    org_export_fields,
)
from assessment.views.access import load_assessment
from orgs.permissions import Perm


def _submitted(user, org_id, assessment_id):
    access, assessment = load_assessment(user, org_id, assessment_id, Perm.DOWNLOAD)
    if assessment.is_draft:
        raise Http404("A draft has nothing to export yet.")
    return access, assessment


def _filename(org, assessment, extension: str) -> str:
    slug = slugify(org.slug) or "org"
    return f"stagewise-{slug}-{assessment.submitted_at:%Y-%m-%d}.{extension}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def export_json(request, org_id, assessment_id):
    access, assessment = _submitted(request.user, org_id, assessment_id)
    document = assessment_export_document(
        org=org_export_fields(access.org),
        snapshot=assessment.snapshot,
        submitted_at=assessment.submitted_at,
    )
    response = HttpResponse(
        assessment_export_json(document), content_type="application/json; charset=utf-8"
    )
    return _attachment(response, _filename(access.org, assessment, "json"))


@login_required
@require_GET
def export_csv(request, org_id, assessment_id):
    access, assessment = _submitted(request.user, org_id, assessment_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    csv.writer(response).writerows(assessment_csv_rows(assessment.snapshot))
    return _attachment(response, _filename(access.org, assessment, "csv"))
