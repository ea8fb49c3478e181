"""An org's latest result against its peers in the same ARR band (aggregates only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.benchmark import DEFINITION, MIN_PEERS, org_benchmark
from orgs.permissions import Perm, org_for_user


@login_required
@require_GET
def org_benchmark_view(request, org_id):
    access = org_for_user(request.user, org_id, Perm.VIEW)
    return render(
        request,
        "assessment/benchmark.html",
        {
            "access": access,
            "org": access.org,
            "page": org_benchmark(org=access.org, viewer=request.user),
            "definition": DEFINITION,
            "min_peers": MIN_PEERS,
        },
    )
