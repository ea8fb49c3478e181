"""The calibration workshop page: a leader or consultant reads every respondent's answer side by
side and records agreed levels, until the draft is submitted."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessment import services
from assessment.calibration import MIN_RESPONDENTS, calibration
from assessment.models import RATIONALE_MAX_LENGTH
from assessment.views.access import load_assessment, url_args
from orgs.permissions import Perm


@login_required
@require_http_methods(["GET", "POST"])
def calibrate(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.RUN_ASSESSMENT)
    if not assessment.is_draft:
        if request.method == "POST":
            messages.error(request, services.NOT_A_DRAFT)
        return redirect("assessment_result", **url_args(assessment))
    source = request.POST if request.method == "POST" else request.GET
    blind = source.get("blind") == "1"
    if request.method == "POST":
        question_id = request.POST.get("question", "")
        try:
            row = services.agreed_answer_save(
                assessment=assessment,
                by=request.user,
                question_id=question_id,
                level=request.POST.get("level", ""),
                rationale=request.POST.get("rationale", ""),
            )
        except services.AssessmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Agreed level {row.level} recorded." if row else "Agreed level removed.",
            )
        url = reverse("assessment_calibrate", kwargs=url_args(assessment))
        return redirect(f"{url}{'?blind=1' if blind else ''}#q-{question_id}")
    found = calibration(assessment=assessment, blind=blind)
    count = len(found.respondents)
    empty_text = (
        f"Calibration compares the answers of at least {MIN_RESPONDENTS} respondents; "
        f"{'nobody has' if count == 0 else 'only one person has'} answered so far. "
        "Invite colleagues to answer from their seat, then come back."
    )
    return render(
        request,
        "assessment/calibrate.html",
        {
            "empty_text": empty_text,
            "access": access,
            "org": access.org,
            "assessment": assessment,
            "calibration": found,
            "min_respondents": MIN_RESPONDENTS,
            "rationale_max": RATIONALE_MAX_LENGTH,
            "levels": (1, 2, 3, 4, 5),
        },
    )
