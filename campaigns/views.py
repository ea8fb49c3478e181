"""A consultant's campaigns: the list, starting one, and following one."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.models import Assessment
from campaigns import services
from campaigns.models import Campaign
from orgs.permissions import campaign_consultant, orgs_assigned_to


def _campaign(request, campaign_id) -> Campaign:
    user = campaign_consultant(request.user)
    # Another consultant's campaign is a 404: its existence is not theirs to learn.
    campaign = get_object_or_404(Campaign, public_id=campaign_id, consultant=user)
    campaign.consultant = user  # the signed-in user already loaded: no second query for it
    return campaign


@login_required
@require_GET
def campaign_list(request):
    user = campaign_consultant(request.user)
    campaigns = Campaign.objects.filter(consultant=user).annotate(
        org_count=Count("rows"),
        submitted_count=Count("rows", filter=Q(rows__assessment__status="submitted")),
    )
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


def _parse_date(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    user = campaign_consultant(request.user)
    orgs = (
        orgs_assigned_to(user)
        .annotate(
            has_draft=Exists(
                Assessment.objects.filter(org=OuterRef("pk"), status=Assessment.Status.DRAFT)
            )
        )
        .order_by("name", "id")
    )
    error = ""
    chosen: set[str] = set()
    values = {"name": "", "due_date": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        chosen = set(request.POST.getlist("org"))
        raw_due = values["due_date"]
        due = _parse_date(raw_due)
        try:
            if raw_due.strip() and due is None:
                raise services.CampaignError("Enter the due date as a date (YYYY-MM-DD).")
            campaign = services.campaign_start(
                by=user, name=values["name"], org_ids=list(chosen), due_date=due
            )
        except services.NotAssigned as exc:
            raise Http404(str(exc)) from exc
        except services.CampaignError as exc:
            error = str(exc)
        else:
            joined = campaign.rows.filter(start="joined").count()
            text = (
                f"Campaign started for {campaign.rows.count()} organizations; their leaders "
                "have been emailed."
            )
            if joined:
                text += f" {joined} already had an open assessment: the campaign follows it."
            messages.success(request, text)
            return redirect("campaign_detail", campaign_id=campaign.public_id)
    return render(
        request,
        "campaigns/new.html",
        {
            "orgs": orgs,
            "chosen": chosen,
            "values": values,
            "error": error,
            "max_orgs": services.MAX_ORGS,
            "today": timezone.localdate(),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def campaign_detail(request, campaign_id):
    campaign = _campaign(request, campaign_id)
    progress = services.campaign_progress(campaign)
    compare_links = [
        (
            "?" + urlencode([("org", p.row.org.public_id) for p in group]),
            [p.row.org.name for p in group],
        )
        for group in progress.compare_groups()
    ]
    return render(
        request,
        "campaigns/detail.html",
        {"campaign": campaign, "progress": progress, "compare_links": compare_links},
    )


@login_required
@require_POST
def campaign_remind(request, campaign_id):
    campaign = _campaign(request, campaign_id)
    result = services.campaign_remind(campaign=campaign, by=request.user)
    text = f"Reminders queued for {result.sent} respondents in {result.orgs} organizations."
    if result.held_back:
        text += f" {result.held_back} were reminded in the last 12 hours and were left out."
    if result.opted_out:
        text += f" {result.opted_out} turned assessment reminders off."
    messages.success(request, text)
    return redirect("campaign_detail", campaign_id=campaign.public_id)
