"""Share links: made and revoked by those who may share a report, opened by anyone holding one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import sharing
from assessment.branding import branding_for
from assessment.report import report_build
from assessment.scoring import STAGE_NAMES
from assessment.views.access import load_assessment, url_args
from orgs import ratelimits
from orgs.accounts import client_ip
from orgs.permissions import Perm

NEW_TOKEN_SESSION_KEY = "share_link_new"  # noqa: S105 - a session key, not a secret


class ShareLinkForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Link works for",
        choices=sharing.EXPIRY_CHOICES,
        coerce=int,
        initial=sharing.DEFAULT_EXPIRY_DAYS,
    )
    show_people = forms.BooleanField(
        label="Show respondent names and their notes",
        required=False,
        help_text="Off by default: respondents appear as Respondent 1, 2, … and notes are "
        "left out.",
    )


def _shares_url(assessment) -> str:
    return reverse("share_links", kwargs=url_args(assessment))


@login_required
@require_http_methods(["GET", "POST"])
def share_links(request, org_id, assessment_id):
    access, assessment = load_assessment(request.user, org_id, assessment_id, Perm.SHARE)
    if assessment.is_draft:
        raise Http404("A draft has no report to share.")
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = ratelimits.hit(ratelimits.SHARE_LINKS_PER_USER, str(request.user.pk))
        if wait is not None:
            return ratelimits.too_many(request, wait, ratelimits.SHARE_LINKS_LIMITED)
        link, token = sharing.share_link_create(
            assessment=assessment, by=request.user, **form.cleaned_data
        )
        # The token exists nowhere else: kept in the (server-side) session for the one page
        # that shows it, then dropped.
        request.session[NEW_TOKEN_SESSION_KEY] = [link.pk, token]
        return redirect(_shares_url(assessment))
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    links = list(assessment.share_links.select_related("created_by"))
    new_url = None
    if new and any(link.pk == new[0] for link in links):
        new_url = request.build_absolute_uri(reverse("share_view", args=[new[1]]))
    return render(
        request,
        "assessment/share_links.html",
        {
            "access": access,
            "org": access.org,
            "assessment": assessment,
            "form": form,
            "links": links,
            "new_url": new_url,
            "new_id": new[0] if new_url else None,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def share_link_revoke(request, org_id, assessment_id, link_id):
    _, assessment = load_assessment(request.user, org_id, assessment_id, Perm.SHARE)
    link = get_object_or_404(assessment.share_links, pk=link_id)
    sharing.share_link_revoke(link=link)
    messages.success(request, "The link is revoked; it now opens nothing.")
    return redirect(_shares_url(assessment))


def _private(response):
    """What every share page answer carries: kept out of search engines and shared caches, and
    the token (in the URL) never sent on as a referrer."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def share_view(request, token):
    """No login: the token is the credential (see assessment/sharing.py)."""
    wait = ratelimits.hit(ratelimits.SHARE_VIEWS_PER_ADDRESS, client_ip(request))
    if wait is None:
        wait = ratelimits.hit(ratelimits.SHARE_VIEWS_PER_LINK, sharing.token_hash(token))
    if wait is not None:
        return _private(ratelimits.too_many(request, wait, ratelimits.SHARE_VIEWS_LIMITED))
    link = sharing.share_link_open(token)
    if link is None:
        # The site's 404 page, with the share page's headers: a dead link stays unindexed too.
        return _private(render(request, "404.html", status=404))
    assessment = link.assessment
    shown = assessment if link.show_people else sharing.without_people(assessment)
    response = render(
        request,
        "assessment/share.html",
        {
            "org": assessment.org,
            "assessment": shown,
            "report": report_build(assessment=shown),
            "stages": STAGE_NAMES,
            "branding": branding_for(assessment.org),
            "link": link,
            "shared": True,
        },
    )
    return _private(response)
