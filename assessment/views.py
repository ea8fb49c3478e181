"""Questionnaire pages. Each view loads the assessment through the org's permission check,
calls a service or selector, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import selectors, services
from assessment.models import NOTE_MAX_LENGTH
from assessment.pdf import PdfRenderError
from assessment.report import org_tags, report_build
from assessment.scoring import STAGE_NAMES
from orgs.permissions import Perm, org_for_user

LOGIN_LAPSED = (
    "Your session has ended. Log in again; your unsaved answers are kept in this browser."
)


def _load(user, org_id, assessment_id, perm: Perm):
    access = org_for_user(user, org_id, perm)
    assessment = get_object_or_404(
        access.org.assessments.select_related("version__questionnaire"), public_id=assessment_id
    )
    return access, assessment


def _urls(assessment):
    return {"org_id": assessment.org.public_id, "assessment_id": assessment.public_id}


@login_required
@require_POST
def assessment_start_view(request, org_id):
    access = org_for_user(request.user, org_id, Perm.RUN_ASSESSMENT)
    try:
        assessment = services.assessment_start(org=access.org, by=request.user)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("org_home", org_id=access.org.public_id)
    messages.success(
        request, "Assessment started. Invite colleagues so each answers from their seat."
    )
    return redirect("assessment_resume", **_urls(assessment))


@login_required
@require_GET
def assessment_resume(request, org_id, assessment_id):
    access, assessment = _load(request.user, org_id, assessment_id, Perm.VIEW)
    if not assessment.is_draft:
        return redirect("assessment_result", **_urls(assessment))
    respondent = request.user if access.can_answer else None
    page = selectors.domain_page(assessment=assessment, respondent=respondent, domain_key=None)
    if page is None:
        raise Http404("This questionnaire has no domains.")
    if page.answered >= page.total and respondent is not None:
        return redirect("assessment_review", **_urls(assessment))
    return redirect("assessment_domain", domain_key=page.domain.key, **_urls(assessment))


def _posted_answers(request, page) -> list[services.AnswerInput]:
    return [
        services.AnswerInput(
            question_id=str(view.question.pk),
            value=request.POST.get(f"q-{view.question.pk}", ""),
            note=request.POST.get(f"note-{view.question.pk}", ""),
        )
        for view in page.questions
    ]


def _after_save_url(request, assessment, page) -> str:
    go = request.POST.get("go", "next")
    if go == "back" and page.previous:
        return reverse(
            "assessment_domain", kwargs={"domain_key": page.previous.key, **_urls(assessment)}
        )
    if go == "next" and page.next:
        return reverse(
            "assessment_domain", kwargs={"domain_key": page.next.key, **_urls(assessment)}
        )
    if go.startswith("domain:"):
        keys = {p.domain.key for p in page.navigator}
        if go[7:] in keys:
            return reverse("assessment_domain", kwargs={"domain_key": go[7:], **_urls(assessment)})
    return reverse("assessment_review", kwargs=_urls(assessment))


@login_required
@require_http_methods(["GET", "POST"])
def domain_page_view(request, org_id, assessment_id, domain_key):
    perm = Perm.ANSWER if request.method == "POST" else Perm.VIEW
    access, assessment = _load(request.user, org_id, assessment_id, perm)
    if not assessment.is_draft:
        if request.method == "POST":
            messages.error(request, services.NOT_A_DRAFT)
        return redirect("assessment_result", **_urls(assessment))
    respondent = request.user if access.can_answer else None
    page = selectors.domain_page(
        assessment=assessment, respondent=respondent, domain_key=domain_key
    )
    if page is None:
        raise Http404("No such domain in this questionnaire.")
    error = ""
    if request.method == "POST":
        try:
            services.answers_save(
                assessment=assessment, respondent=request.user, items=_posted_answers(request, page)
            )
        except services.AssessmentError as exc:
            error = str(exc)
        else:
            return redirect(_after_save_url(request, assessment, page))
    return render(
        request,
        "assessment/domain.html",
        {
            "access": access,
            "org": access.org,
            "assessment": assessment,
            "page": page,
            "error": error,
            "note_max": NOTE_MAX_LENGTH,
            "lapsed_message": LOGIN_LAPSED,
        },
        status=400 if error else 200,
    )


@require_POST
def autosave(request, org_id, assessment_id):
    """One answer, saved as the respondent changes it. Answers JSON, never a login redirect, so
    the page can keep the answer in the browser and retry after the person logs in again."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False, "error": LOGIN_LAPSED, "login": True}, status=401)
    access, assessment = _load(request.user, org_id, assessment_id, Perm.ANSWER)
    item = services.AnswerInput(
        question_id=request.POST.get("question", ""),
        value=request.POST.get("value", ""),
        note=request.POST.get("note", ""),
    )
    try:
        services.answers_save(assessment=assessment, respondent=request.user, items=[item])
    except services.AssessmentError as exc:
        status = 409 if str(exc) == services.NOT_A_DRAFT else 400
        return JsonResponse({"ok": False, "error": str(exc)}, status=status)
    answered = selectors.answered_count(assessment=assessment, respondent=request.user)
    return JsonResponse({"ok": True, "question": item.question_id, "answered": answered})


@login_required
@require_GET
def review(request, org_id, assessment_id):
    access, assessment = _load(request.user, org_id, assessment_id, Perm.VIEW)
    if not assessment.is_draft:
        return redirect("assessment_result", **_urls(assessment))
    return render(
        request,
        "assessment/review.html",
        {
            "access": access,
            "org": access.org,
            "assessment": assessment,
            "mine": selectors.unanswered_by_domain(assessment=assessment, respondent=request.user)
            if access.can_answer
            else None,
            "nobody": selectors.unanswered_by_domain(assessment=assessment),
            "progress": selectors.respondent_progress(assessment=assessment),
        },
    )


@login_required
@require_POST
def submit(request, org_id, assessment_id):
    access, assessment = _load(request.user, org_id, assessment_id, Perm.RUN_ASSESSMENT)
    try:
        assessment = services.assessment_submit(assessment=assessment, by=request.user)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessment_review", **_urls(assessment))
    return redirect("assessment_result", **_urls(assessment))


@login_required
@require_GET
def result(request, org_id, assessment_id):
    access, assessment = _load(request.user, org_id, assessment_id, Perm.VIEW)
    if assessment.is_draft:
        return redirect("assessment_review", **_urls(assessment))
    return render(
        request,
        "assessment/report.html",
        {
            "access": access,
            "org": access.org,
            "assessment": assessment,
            "report": report_build(assessment=assessment),
            "stages": STAGE_NAMES,
        },
    )


@login_required
@require_POST
def targets_update(request, org_id, assessment_id):
    access, assessment = _load(request.user, org_id, assessment_id, Perm.RUN_ASSESSMENT)
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
    return redirect(reverse("assessment_result", kwargs=_urls(assessment)) + "#roadmap")


@login_required
@require_GET
def report_pdf(request, org_id, assessment_id):
    access, assessment = _load(request.user, org_id, assessment_id, Perm.DOWNLOAD)
    if assessment.is_draft:
        raise Http404("A draft has no report yet.")
    key = services.report_pdf_key(assessment=assessment, tags=org_tags(access.org))

    def html() -> str:
        context = {
            "org": access.org,
            "assessment": assessment,
            "pdf": True,
            "report": report_build(assessment=assessment),
            "stages": STAGE_NAMES,
        }
        return render_to_string("assessment/report_pdf.html", context)

    try:
        pdf = services.report_pdf_get_or_render(assessment=assessment, key=key, render_html=html)
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
