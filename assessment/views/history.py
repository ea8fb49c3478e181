"""An org's history: every submitted assessment over time and per-domain deltas."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.history import AssessmentNotFound, history_build
from orgs.permissions import Perm, org_for_user


@login_required
@require_GET
def org_history(request, org_id):
    access = org_for_user(request.user, org_id, Perm.VIEW)
    try:
        history = history_build(
            org=access.org, from_id=request.GET.get("from"), to_id=request.GET.get("to")
        )
    except AssessmentNotFound as exc:
        raise Http404(str(exc)) from exc
    return render(
        request,
        "assessment/history.html",
        {"access": access, "org": access.org, "history": history},
    )
