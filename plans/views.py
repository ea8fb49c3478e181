"""The plan pages: the board, adopting a report's roadmap, item changes and comments, exports.
Every view loads the org through orgs.permissions; the rules live in plans.services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from assessment.report import report_build
from assessment.views.access import load_assessment, url_args
from orgs.permissions import Perm, org_for_user
from plans import exports, services
from plans.models import COMMENT_MAX_LENGTH, PlanItem


def _board_params(params) -> dict:
    by = params.get("by", "horizon")
    return {
        "by": by if by in ("horizon", "status") else "horizon",
        "owner": params.get("owner", "")[:20],
        "domain": params.get("domain", "")[:60],
    }


@login_required
@require_GET
def org_plan(request, org_id):
    access = org_for_user(request.user, org_id, Perm.VIEW)
    org = access.org
    params = _board_params(request.GET)
    items, truncated = services.items_for_board(org, owner=params["owner"], domain=params["domain"])
    today = timezone.localdate()
    manager = services.may_manage(access.roles)
    for item in items:
        item.overdue = services.is_overdue(item, today)
        item.editable = manager or (
            access.can(Perm.PLAN_UPDATE) and item.owner_id == request.user.pk
        )
    domains = dict(
        PlanItem.objects.filter(plan__org=org)
        .order_by("domain_name")
        .values_list("domain_key", "domain_name")
        .distinct()
    )
    return render(
        request,
        "plans/plan.html",
        {
            "access": access,
            "org": org,
            "tab": "plan",
            "params": params,
            "columns": services.board_columns(items, params["by"]),
            "items": items,
            "truncated": truncated,
            "limit": services.PAGE_LIMIT,
            "owners": list(services.eligible_owners(org)),
            "domains": domains,
            "statuses": PlanItem.Status.choices,
            "progress": services.progress(org),
            "manager": manager,
            "comment_max": COMMENT_MAX_LENGTH,
            "filtered": bool(params["owner"] or params["domain"]),
        },
    )


def _back(request, org) -> str:
    """Back to the board as the person left it (only the board's own parameters)."""
    url = reverse("org_plan", args=[org.public_id])
    board = _board_params({**request.POST.dict(), "owner": request.POST.get("filter_owner", "")})
    params = {k: v for k, v in board.items() if v and v != "horizon"}
    return url + ("?" + urlencode(params) if params else "")


@login_required
@require_POST
def plan_adopt(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.PLAN_MANAGE)
    if assessment.is_draft:
        messages.error(request, "A draft has no roadmap yet; submit it first.")
        return redirect("assessment_review", **url_args(assessment))
    report = report_build(assessment=assessment, with_appendix=False)
    keys = None if request.POST.get("all") else request.POST.getlist("action")
    try:
        added, reopened = services.adopt(
            org=access.org,
            assessment=assessment,
            actor=request.user,
            items=services.adoptables(report),
            keys=keys,
        )
    except services.PlanError as exc:
        messages.error(request, f"{exc} Nothing was adopted.")
        return redirect(reverse("assessment_result", kwargs=url_args(assessment)) + "#adopt")
    text = f"{added} item{'s' if added != 1 else ''} added to the plan"
    if reopened:
        text += f", {reopened} reopened"
    messages.success(request, text + ".")
    return redirect("org_plan", org_id=access.org.public_id)


def _item(request, org_id, item_id, perm: Perm):
    access = org_for_user(request.user, org_id, perm)
    item = get_object_or_404(
        PlanItem.objects.select_related("owner", "plan__org"),
        plan__org=access.org,
        public_id=item_id,
    )
    return access, item


@login_required
@require_POST
def plan_item_update(request, org_id, item_id):
    access, item = _item(request, org_id, item_id, Perm.PLAN_UPDATE)
    post = request.POST
    try:
        events = services.item_update(
            item=item,
            actor=request.user,
            roles=access.roles,
            status=post.get("status") or None,
            drop_reason=post.get("drop_reason", ""),
            owner_id=post.get("owner"),
            owner_given="owner" in post,
            due_date=post.get("due_date") or None,
        )
    except services.PlanError as exc:
        messages.error(request, f"{item.title}: {exc} Nothing was changed.")
    else:
        if events:
            messages.success(request, f"{item.title}: saved.")
    return redirect(_back(request, access.org) + f"#item-{item.public_id}")


@login_required
@require_POST
def plan_item_comment(request, org_id, item_id):
    access, item = _item(request, org_id, item_id, Perm.PLAN_UPDATE)
    try:
        services.comment_add(
            item=item, actor=request.user, roles=access.roles, text=request.POST.get("text", "")
        )
    except services.PlanError as exc:
        messages.error(request, f"{item.title}: {exc}")
    else:
        messages.success(request, f"{item.title}: comment added.")
    return redirect(_back(request, access.org) + f"#item-{item.public_id}")


@login_required
@require_GET
def plan_csv(request, org_id):
    access = org_for_user(request.user, org_id, Perm.DOWNLOAD)
    response = HttpResponse(exports.plan_csv(access.org), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(access.org)}.csv"'
    return response


@login_required
@require_GET
def plan_ics(request, org_id):
    access = org_for_user(request.user, org_id, Perm.DOWNLOAD)
    response = HttpResponse(exports.plan_ics(access.org), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(access.org)}.ics"'
    return response
