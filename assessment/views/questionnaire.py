"""Questionnaire pages. Each view loads the assessment through the org's permission check,
calls a service or selector, and renders."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import prerender, selectors, services
from assessment.models import NOTE_MAX_LENGTH
from assessment.views.access import load_assessment, url_args
from orgs.permissions import Perm, org_for_user

log = logging.getLogger("stagewise.assessment")

LOGIN_LAPSED = (
    "Your session has ended. Log in again; your unsaved answers are kept in this browser."
)
SUBMIT_FAILED = (
    "The assessment was not submitted: the database did not complete the change. Your answers "
    "are saved as they were. Please submit again."
)


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
    return redirect("assessment_resume", **url_args(assessment))


@login_required
@require_GET
def assessment_resume(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.VIEW)
    if not assessment.is_draft:
        return redirect("assessment_result", **url_args(assessment))
    respondent = request.user if access.can_answer else None
    page = selectors.domain_page(assessment=assessment, respondent=respondent, domain_key=None)
    if page is None:
        raise Http404("This questionnaire has no domains.")
    if page.answered >= page.total and respondent is not None:
        return redirect("assessment_review", **url_args(assessment))
    return redirect("assessment_domain", domain_key=page.domain.key, **url_args(assessment))


def _posted_answers(request, page) -> list[services.AnswerInput]:
    return [
        services.AnswerInput(
            question_id=str(view.question.pk),
            value=request.POST.get(f"q-{view.question.pk}", ""),
            note=request.POST.get(f"note-{view.question.pk}", ""),
            base=request.POST.get(f"base-{view.question.pk}"),
        )
        for view in page.questions
    ]


def _after_save_url(request, assessment, page) -> str:
    go = request.POST.get("go", "next")
    if go == "back" and page.previous:
        return reverse(
            "assessment_domain",
            kwargs={"domain_key": page.previous.key, **url_args(assessment)},
        )
    if go == "next" and page.next:
        return reverse(
            "assessment_domain",
            kwargs={"domain_key": page.next.key, **url_args(assessment)},
        )
    if go.startswith("domain:"):
        keys = {p.domain.key for p in page.navigator}
        if go[7:] in keys:
            return reverse(
                "assessment_domain",
                kwargs={"domain_key": go[7:], **url_args(assessment)},
            )
    return reverse("assessment_review", kwargs=url_args(assessment))


@login_required
@require_http_methods(["GET", "POST"])
def domain_page_view(request, org_id, assessment_id, domain_key):
    perm = Perm.ANSWER if request.method == "POST" else Perm.VIEW
    access, assessment = load_assessment(request.user, org_id, assessment_id, perm)
    if not assessment.is_draft:
        if request.method == "POST":
            messages.error(request, services.NOT_A_DRAFT)
        return redirect("assessment_result", **url_args(assessment))
    respondent = request.user if access.can_answer else None
    page = selectors.domain_page(
        assessment=assessment, respondent=respondent, domain_key=domain_key
    )
    if page is None:
        raise Http404("No such domain in this questionnaire.")
    error = ""
    conflicts: tuple = ()
    if request.method == "POST":
        try:
            result = services.answers_save(
                assessment=assessment, respondent=request.user, items=_posted_answers(request, page)
            )
        except services.AssessmentError as exc:
            error = str(exc)
        else:
            if not result.conflicts:
                return redirect(_after_save_url(request, assessment, page))
            # Stay on the page, now showing the newer saved answers, with both sides of each
            # conflict spelled out; the rest of the page was saved.
            conflicts = result.conflicts
            page = selectors.domain_page(
                assessment=assessment, respondent=respondent, domain_key=domain_key
            )
    return render(
        request,
        "assessment/domain.html",
        {
            "access": access,
            "org": access.org,
            "assessment": assessment,
            "page": page,
            "error": error,
            "conflicts": conflicts,
            "note_max": NOTE_MAX_LENGTH,
            "lapsed_message": LOGIN_LAPSED,
        },
        status=400 if error else (409 if conflicts else 200),
    )


@require_POST
def autosave(request, org_id, assessment_id):
    """One answer, saved as the respondent changes it. Answers JSON, never a login redirect, so
    the page can keep the answer in the browser and retry after the person logs in again."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False, "error": LOGIN_LAPSED, "login": True}, status=401)
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.ANSWER)
    item = services.AnswerInput(
        question_id=request.POST.get("question", ""),
        value=request.POST.get("value", ""),
        note=request.POST.get("note", ""),
        base=request.POST.get("base"),
    )
    try:
        result = services.answers_save(assessment=assessment, respondent=request.user, items=[item])
    except services.AssessmentError as exc:
        status = 409 if str(exc) == services.NOT_A_DRAFT else 400
        return JsonResponse({"ok": False, "error": str(exc)}, status=status)
    if result.conflicts:
        conflict = result.conflicts[0]
        return JsonResponse(
            {
                "ok": False,
                "conflict": True,
                "error": services.ANSWER_CHANGED_ELSEWHERE,
                "question": item.question_id,
                "version": conflict.version,
                "stored": {
                    "value": selectors.stored_value(conflict.stored),
                    "note": conflict.stored_note,
                    "label": conflict.stored_label,
                },
                "yours": {"note": conflict.posted_note, "label": conflict.posted_label},
            },
            status=409,
        )
    answered = selectors.answered_count(assessment=assessment, respondent=request.user)
    version = next(iter(result.versions.values()), "")
    return JsonResponse(
        {"ok": True, "question": item.question_id, "answered": answered, "version": version}
    )


def _review_context(request, access, assessment) -> dict:
    progress = selectors.respondent_progress(assessment=assessment)
    former = selectors.former_respondents(assessment=assessment)
    summary = selectors.review_summary(assessment=assessment, progress=progress, former=former)
    return {
        "access": access,
        "org": access.org,
        "assessment": assessment,
        "summary": summary,
        "former": former,
        "refusal": services.submit_refusal(
            domains_without_answers=[d.name for d in summary.domains_without_answers]
        ),
    }


@login_required
@require_GET
def review(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.VIEW)
    if not assessment.is_draft:
        return redirect("assessment_result", **url_args(assessment))
    context = _review_context(request, access, assessment)
    summary = context["summary"]
    if access.can_answer:
        # One list: what this person has left, each marked when nobody else has answered it
        # either. Questions nobody answered are always among them, so a second list of those
        # would only repeat it.
        mine = selectors.unanswered_by_domain(assessment=assessment, respondent=request.user)
        me = request.user.pk
        nobody = {q.pk for group in summary.unanswered for q in group.questions}
        context |= {
            "unanswered": mine,
            "nobody_ids": nobody,
            "mine_count": sum(len(group.questions) for group in mine),
            "my_dont_know": next(
                (r.dont_know for r in summary.rows if r.user_id == me and not r.former), 0
            ),
        }
    else:
        context |= {"unanswered": summary.unanswered, "nobody_ids": None}
    return render(request, "assessment/review.html", context)


@login_required
@require_POST
def respondent_exclude(request, org_id, assessment_id):
    """Leave a former member's answers out of the score, or count them again."""
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.RUN_ASSESSMENT)
    if not assessment.is_draft:
        messages.error(request, services.NOT_A_DRAFT)
        return redirect("assessment_result", **url_args(assessment))
    excluded = request.POST.get("excluded") == "1"
    try:
        person = services.assessment_respondent_exclude(
            assessment=assessment,
            respondent_id=request.POST.get("respondent", ""),
            excluded=excluded,
            by=request.user,
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        name = person.get_full_name() or person.email
        messages.success(
            request,
            f"{name}'s answers are kept but will not be scored."
            if excluded
            else f"{name}'s answers count again.",
        )
    return redirect("assessment_review", **url_args(assessment))


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, org_id, assessment_id):
    """GET: the confirmation page, saying what will be frozen. POST with confirm=1: submit. A
    POST without it (an old page, a hand-made request) submits nothing and shows the
    confirmation instead, so the irreversible step is always a deliberate second one."""
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.RUN_ASSESSMENT)
    if request.method == "GET" or request.POST.get("confirm") != "1":
        if not assessment.is_draft:
            return redirect("assessment_result", **url_args(assessment))
        if request.method == "POST":
            return redirect("assessment_submit", **url_args(assessment))
        return render(
            request,
            "assessment/submit_confirm.html",
            _review_context(request, access, assessment),
        )
    try:
        assessment = services.assessment_submit(assessment=assessment, by=request.user)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessment_review", **url_args(assessment))
    except DatabaseError:
        # Submit is one transaction, rolled back by now: the draft is intact and a retry is safe,
        # so say so instead of showing a generic server error.
        log.exception("Submit of assessment %s failed in the database", assessment.public_id)
        messages.error(request, SUBMIT_FAILED)
        return redirect("assessment_review", **url_args(assessment))
    # The first download then finds its PDF ready (a repeated submit re-queues a no-op).
    prerender.report_pdf_prerender_soon(assessment)
    return redirect("assessment_result", **url_args(assessment))
