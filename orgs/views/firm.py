"""A consultant's firm profile (name, logo, accent colour) and the logo as we serve it."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from assessment.branding import STAGEWISE
from assessment.prerender import report_pdf_prerender_org
from config.security import accepts_files
from orgs import logos
from orgs.forms import FirmProfileForm
from orgs.models import FirmProfile
from orgs.permissions import consultant_for

# The logo's own limit plus room for the rest of the multipart form (boundaries, the CSRF token,
# name and colour); a larger body is refused before anything reads it (config/security.py).
FIRM_PROFILE_MAX_BODY = logos.MAX_BYTES + 64 * 1024
ACCENT_RE = re.compile(r"[0-9a-f]{6}")


@accepts_files(max_bytes=FIRM_PROFILE_MAX_BODY)
@login_required
@require_http_methods(["GET", "POST"])
def firm_profile(request):
    consultant = consultant_for(request.user)
    profile = FirmProfile.objects.filter(consultant=consultant).first()
    initial = {
        "name": profile.name if profile else consultant.company,
        "accent": profile.accent if profile else STAGEWISE.accent,
    }
    form = FirmProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = profile or FirmProfile(consultant=consultant)
        profile.name, profile.accent = data["name"], data["accent"]
        if data["logo"] is not None:
            logo = data["logo"]
            profile.logo, profile.logo_type, profile.logo_digest = (
                logo.data,
                logo.content_type,
                logo.digest,
            )
        elif data["remove_logo"]:
            profile.logo, profile.logo_type, profile.logo_digest = None, "", ""
        profile.save()
        # The clients' stored PDFs carry the old brand (it is in their cache key): render anew.
        for assignment in consultant.user.assignments.select_related("org"):
            report_pdf_prerender_org(assignment.org)
        messages.success(request, "Firm profile saved. Reports of your client orgs now carry it.")
        return redirect("firm_profile")
    return render(
        request,
        "orgs/firm_profile.html",
        {"form": form, "profile": profile, "accent": form["accent"].value() or STAGEWISE.accent},
    )


@login_required
@require_GET
def firm_logo(request):
    """The signed-in consultant's own logo (the profile page's preview). Reports and share pages
    carry the logo inline (assessment/branding.py), so nobody else needs this URL."""
    consultant = consultant_for(request.user)
    profile = FirmProfile.objects.filter(consultant=consultant).first()
    if profile is None or not profile.logo:
        raise Http404("No logo yet.")
    response = HttpResponse(bytes(profile.logo), content_type=profile.logo_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@cache_control(public=True, max_age=31536000, immutable=True)
def brand_css(request, accent):
    """The accent as a stylesheet: the site's CSP forbids inline styles, so a page names its
    brand colour by linking here. Public on purpose: it shows only the colour in its own URL."""
    if not ACCENT_RE.fullmatch(accent):
        raise Http404("No such colour.")
    response = HttpResponse(
        f":root{{--brand-accent:#{accent}}}\n", content_type="text/css; charset=utf-8"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
