"""The portfolio: a consultant's (or staff member's) home, comparison and exports."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from orgs.models import Consultant
from orgs.permissions import orgs_visible_to
from orgs.selectors import org_rows, with_latest_assessment

PAGE_SIZE = 25


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    orgs = orgs_visible_to(request.user)
    is_consultant = Consultant.objects.filter(user=request.user).exists()
    if not is_consultant and not request.user.is_staff:
        first_two = list(orgs[:2])
        if len(first_two) == 1:
            return redirect("org_home", org_id=first_two[0].public_id)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        orgs = orgs.filter(name__icontains=query)
    orgs = with_latest_assessment(orgs.order_by("name", "id"))
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "home.html",
        {
            "page": page,
            "rows": org_rows(page.object_list),
            "query": query,
            "is_consultant": is_consultant,
        },
    )
