"""Notification settings, an assessment's due date, the "Remind" button, and the page a
re-assessment reminder links to (it confirms before anything starts)."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.selectors import open_draft
from assessment.views.access import load_assessment, url_args
from notifications import services
from notifications.forms import DueDateForm, PreferenceForm
from orgs.permissions import Perm, org_for_user


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """The person's own settings: nothing org-scoped, so signing in is the whole check."""
    # Unticked boxes post nothing, so an empty POST is still a submission (every kind off).
    data = request.POST if request.method == "POST" else None
    form = PreferenceForm(data, instance=services.preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Notification settings saved.")
        return redirect("account_notifications")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
@require_POST
def due_date(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.RUN_ASSESSMENT)
    if not assessment.is_draft:
        messages.error(request, services.NOT_A_DRAFT)
        return redirect("assessment_result", **url_args(assessment))
    form = DueDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the due date as a date, such as 2026-12-31.")
        return redirect("assessment_review", **url_args(assessment))
    try:
        services.due_date_set(assessment=assessment, due_date=form.cleaned_data["due_date"])
    except services.NotificationError as exc:
        messages.error(request, str(exc))
    else:
        when = assessment.due_date
        messages.success(
            request, f"Due date set to {when:%-d %B %Y}." if when else "Due date removed."
        )
    return redirect("assessment_review", **url_args(assessment))


def _names(users) -> str:
    return ", ".join(u.get_full_name() or u.email for u in users)


@login_required
@require_POST
def remind(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.RUN_ASSESSMENT)
    if not assessment.is_draft:
        messages.error(request, services.NOT_A_DRAFT)
        return redirect("assessment_result", **url_args(assessment))
    result = services.remind_unfinished(assessment=assessment, by=request.user)
    if result.sent:
        messages.success(request, f"Reminder sent to {_names(result.sent)}.")
    if result.held_back:
        wait = max(seconds for _, seconds in result.held_back)
        hours = max(1, math.ceil(wait / 3600))
        messages.warning(
            request,
            f"Not sent to {_names(u for u, _ in result.held_back)}: reminded less than 12 hours "
            f"ago. Try again in about {hours} hour{'s' if hours != 1 else ''}.",
        )
    if result.opted_out:
        messages.info(
            request,
            f"Not sent to {_names(result.opted_out)}: they turned assessment reminders off.",
        )
    if not (result.sent or result.held_back or result.opted_out):
        messages.info(request, "Everyone has answered every question: nobody to remind.")
    return redirect("assessment_review", **url_args(assessment))


@login_required
@require_GET
def start_confirm(request, org_id):
    """Where the re-assessment email leads: a GET never starts anything; the page's button
    posts to the existing start view (CSRF-checked)."""
    access = org_for_user(request.user, org_id, Perm.RUN_ASSESSMENT)
    return render(
        request,
        "notifications/start_confirm.html",
        {"access": access, "org": access.org, "draft": open_draft(access.org)},
    )
