"""An org's latest result against its peers in the same ARR band, segment or industry
(aggregates only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.benchmark import (
    DEFAULT_GROUP,
    DEFINITION,
    DETAIL_PEERS,
    GROUPS,
    MIN_PEERS,
    ROUGH_STEP,
    org_benchmark,
)
from assessment.charts import benchmark_strip
from orgs.permissions import Perm, org_for_user


@login_required
@require_GET
def org_benchmark_view(request, org_id):
    access = org_for_user(request.user, org_id, Perm.VIEW)
    # An unknown group falls back to the ARR band, as the portfolio's filters ignore bad values.
    group = request.GET.get("group", DEFAULT_GROUP)
    group = group if group in GROUPS else DEFAULT_GROUP
    page = org_benchmark(org=access.org, viewer=request.user, group=group)
    return render(
        request,
        "assessment/benchmark.html",
        {
            "access": access,
            "org": access.org,
            "page": page,
            "strip": benchmark_strip([r.domain for r in page.rows]) if page.shown else None,
            "group": group,
            "groups": [(key, label) for key, (_, label) in GROUPS.items()],
            "detail_peers": DETAIL_PEERS,
            "rough_step": ROUGH_STEP,
            "definition": DEFINITION,
            "min_peers": MIN_PEERS,
        },
    )
