"""The app shell's org parts: the tabs inside an org and the org switcher.

Tabs are built from `access` (an OrgAccess the view got from orgs.permissions), never from an id
in the URL, so a page only ever shows tabs for the org its permission check let through.
"""

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

from orgs.permissions import OrgAccess, orgs_to_switch_to

register = template.Library()

# How many orgs the switcher lists; more than that (staff, big portfolios) go through the home
# page's search.
SWITCHER_LIMIT = 12


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    active: bool


# label, URL name, URL fragment, the URL names for which the tab is the current one.
TABS = (
    ("Overview", "org_home", "", {"org_home"}),
    (
        "Assessment",
        "org_assessment",
        "",
        {"org_assessment", "assessment_resume", "assessment_domain", "assessment_review"},
    ),
    ("Report", "org_report", "", {"org_report", "assessment_result", "assessment_pdf"}),
    # The action plan arrives with its own issue: the tab appears once `org_plan` exists.
    ("Plan", "org_plan", "", {"org_plan"}),
    ("History", "org_history", "", {"org_history"}),
    ("Benchmark", "org_benchmark", "", {"org_benchmark"}),
    ("Team", "org_home", "#people", {"invitation_new"}),
    ("Settings", "org_profile", "", {"org_profile"}),
)


def org_tabs_for(access: OrgAccess, current: str | None) -> list[Tab]:
    org_id = access.org.public_id
    tabs = []
    for label, name, fragment, active_for in TABS:
        if name == "org_profile" and not access.can_manage:
            continue  # the profile page answers 403 to these roles: no tab leads there
        try:
            url = reverse(name, kwargs={"org_id": org_id})
        except NoReverseMatch:
            continue
        tabs.append(Tab(label, url + fragment, current in active_for))
    return tabs


@register.filter
def initials(user) -> str:
    """Up to two letters for the account menu: from the full name, else the email."""
    words = (user.get_full_name() or user.email or "?").replace("@", " ").split()
    return "".join(word[0] for word in words[:2]).upper()


@register.inclusion_tag("includes/org_tabs.html", takes_context=True)
def org_tabs(context):
    access = context.get("access")
    if not isinstance(access, OrgAccess):
        return {"tabs": []}
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    return {"tabs": org_tabs_for(access, current), "org": access.org}


@register.inclusion_tag("includes/org_switcher.html", takes_context=True)
def org_switcher(context):
    """Inside an org, the user's orgs, for people who have more than one. The home page is
    itself the list of orgs, so the switcher only appears on org pages."""
    request = context.get("request")
    user = getattr(request, "user", None)
    access = context.get("access")
    if user is None or not user.is_authenticated or not isinstance(access, OrgAccess):
        return {"orgs": []}
    current = access.org
    orgs = orgs_to_switch_to(user, SWITCHER_LIMIT + 1)
    if len(orgs) < 2:
        return {"orgs": []}
    return {
        "orgs": orgs[:SWITCHER_LIMIT],
        "more": len(orgs) > SWITCHER_LIMIT,
        "current": current,
    }
