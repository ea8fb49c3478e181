"""Issue 13, item 9: the page sweep. Every GET page of the app, opened by a persona allowed to see
it, at a phone (390×844) and a desktop (1280×800) size: the page must not scroll sideways
(`scrollWidth <= innerWidth`), log no console error, and have no serious or critical axe
violation. Screenshots go to var/screenshots/ (ignored by git) for a person to look through.

Every URL name the resolver knows is either swept (SWEPT) or excluded with its reason
(EXCLUDED, ADMIN_EXCLUDED): a meta-test fails when a new URL name is in neither, so no page can
escape the sweep unnoticed. One browser, one context per persona, pages one after another: the
whole sweep runs in a few minutes on two cores.
"""

import datetime
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.account.internal.userkit import user_id_to_str
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from playwright.sync_api import Page

from orgs.services import consultant_grant, invitation_token
from tests.browser.helpers import domain_path
from tests.browser.test_accessibility import (
    AXE_JS,
    AXE_OPTIONS,
    BLOCKING,
    PEERS,
    World,
    describe,
)
from tests.factories import UserFactory

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

# Who looks: the demo's leader of Bluebird Health and its consultant, a newcomer with nothing
# yet, someone with an authenticator and recovery codes, a staff admin, and nobody.
ANONYMOUS, LEADER, CONSULTANT, NEWCOMER, SECURED, STAFF = (
    "anonymous",
    "leader",
    "consultant",
    "newcomer",
    "secured",
    "staff",
)


class SweepWorld(World):
    """The accessibility test's world (demo data, peers) plus the accounts only the sweep needs."""

    def __init__(self):
        self.extra: dict[str, str] = {}

    def secured(self) -> str:
        if "secured" not in self.extra:
            user = UserFactory()
            TOTP.activate(user, generate_totp_secret())
            RecoveryCodes.activate(user)
            self.extra["secured"] = user.email
        return self.extra["secured"]

    def staff(self) -> str:
        if "staff" not in self.extra:
            self.extra["staff"] = UserFactory(is_staff=True, is_superuser=True).email
        return self.extra["staff"]

    def email_of(self, persona: str) -> str | None:
        return {
            ANONYMOUS: lambda: None,
            LEADER: lambda: self.leader,
            CONSULTANT: lambda: self.consultant,
            NEWCOMER: lambda: self.newcomer,
            SECURED: self.secured,
            STAFF: self.staff,
        }[persona]()

    def confirm_email_key(self) -> str:
        user = UserFactory()
        address = EmailAddress.objects.create(user=user, email="unconfirmed@example.com")
        return EmailConfirmationHMAC(address).key

    def share_token(self) -> str:
        from assessment.sharing import share_link_create

        leader = get_user_model().objects.get(username=self.leader)
        return share_link_create(assessment=self.result, by=leader)[1]

    def consultant_invitation_token(self) -> str:
        grant = consultant_grant(
            org=self.org,
            email="new-consultant@example.com",
            granted_by=get_user_model().objects.get(username=self.leader),
            accept_url=lambda token: f"http://testserver/invitations/{token}/",
        )
        return invitation_token(grant.invitation)


@dataclass(frozen=True)
class Sweep:
    persona: str
    path: Callable[[SweepWorld], str]


def _org(name: str) -> Callable[[SweepWorld], str]:
    return lambda w: reverse(name, args=[w.org.public_id])


def _draft(name: str) -> Callable[[SweepWorld], str]:
    return lambda w: reverse(name, args=[w.org.public_id, w.draft.public_id])


def _reset_from_key(w: SweepWorld) -> str:
    from tests.browser.test_accessibility import _reset_confirm

    return _reset_confirm(w).path


def _benchmark(w: SweepWorld) -> str:
    assert w.peers == PEERS  # the page shows its table, not "too few peers"
    return reverse("org_benchmark", args=[w.org.public_id])


def _org_home(w: SweepWorld) -> str:
    assert w.invitation.accepted_at is None  # the leader's view lists a pending invitation
    return reverse("org_home", args=[w.org.public_id])


def _campaign(w: SweepWorld) -> str:
    """A campaign over every client of the demo consultant, following each one's latest
    assessment (so the page shows submitted, in-progress and not-started rows)."""
    from assessment.models import Assessment
    from campaigns.models import Campaign, CampaignOrg
    from orgs.permissions import orgs_assigned_to

    consultant = get_user_model().objects.get(username=w.consultant)
    campaign = Campaign.objects.create(
        consultant=consultant, name="Spring assessments", due_date=datetime.date(2030, 3, 31)
    )
    for org in orgs_assigned_to(consultant):
        CampaignOrg.objects.create(
            campaign=campaign,
            org=org,
            assessment=Assessment.objects.filter(org=org).first(),
            start=CampaignOrg.Start.JOINED,
        )
    return reverse("campaign_detail", args=[campaign.public_id])


# URL name -> (persona, path). Some names are swept more than once, as different personas (the
# home page is the landing page, a consultant's portfolio and a leader's org).
SWEPT: dict[str, list[Sweep]] = {
    "home": [
        Sweep(ANONYMOUS, lambda w: reverse("home")),
        Sweep(CONSULTANT, lambda w: reverse("home")),
    ],
    "account_login": [Sweep(ANONYMOUS, lambda w: reverse("account_login"))],
    "account_signup": [Sweep(ANONYMOUS, lambda w: reverse("account_signup"))],
    "account_logout": [Sweep(NEWCOMER, lambda w: reverse("account_logout"))],
    "account_inactive": [Sweep(ANONYMOUS, lambda w: reverse("account_inactive"))],
    "account_reauthenticate": [Sweep(NEWCOMER, lambda w: reverse("account_reauthenticate"))],
    "account_settings": [
        Sweep(NEWCOMER, lambda w: reverse("account_settings")),
        Sweep(SECURED, lambda w: reverse("account_settings")),
    ],
    "account_email": [Sweep(NEWCOMER, lambda w: reverse("account_email"))],
    "account_email_verification_sent": [
        Sweep(ANONYMOUS, lambda w: reverse("account_email_verification_sent"))
    ],
    "account_confirm_email": [
        Sweep(ANONYMOUS, lambda w: reverse("account_confirm_email", args=[w.confirm_email_key()]))
    ],
    "account_change_password": [Sweep(NEWCOMER, lambda w: reverse("account_change_password"))],
    "account_reset_password": [Sweep(ANONYMOUS, lambda w: reverse("account_reset_password"))],
    "account_reset_password_done": [
        Sweep(ANONYMOUS, lambda w: reverse("account_reset_password_done"))
    ],
    "account_reset_password_from_key": [Sweep(ANONYMOUS, _reset_from_key)],
    "account_reset_password_from_key_done": [
        Sweep(ANONYMOUS, lambda w: reverse("account_reset_password_from_key_done"))
    ],
    "mfa_index": [
        Sweep(NEWCOMER, lambda w: reverse("mfa_index")),
        Sweep(SECURED, lambda w: reverse("mfa_index")),
    ],
    "mfa_activate_totp": [Sweep(NEWCOMER, lambda w: reverse("mfa_activate_totp"))],
    "mfa_deactivate_totp": [Sweep(SECURED, lambda w: reverse("mfa_deactivate_totp"))],
    "mfa_view_recovery_codes": [Sweep(SECURED, lambda w: reverse("mfa_view_recovery_codes"))],
    "mfa_generate_recovery_codes": [
        Sweep(SECURED, lambda w: reverse("mfa_generate_recovery_codes"))
    ],
    "invitation_accept": [
        Sweep(
            ANONYMOUS, lambda w: reverse("invitation_accept", args=[invitation_token(w.invitation)])
        ),
        Sweep(
            ANONYMOUS,
            lambda w: reverse("invitation_accept", args=[w.consultant_invitation_token()]),
        ),
    ],
    "org_new": [Sweep(NEWCOMER, lambda w: reverse("org_new"))],
    "org_home": [Sweep(LEADER, _org_home), Sweep(CONSULTANT, _org_home)],
    "portfolio_insight": [Sweep(CONSULTANT, lambda w: reverse("portfolio_insight"))],
    "org_profile": [Sweep(LEADER, _org("org_profile"))],
    "invitation_new": [Sweep(LEADER, _org("invitation_new"))],
    "org_history": [Sweep(LEADER, _org("org_history"))],
    "org_benchmark": [Sweep(LEADER, _benchmark)],
    "compare": [
        Sweep(
            CONSULTANT,
            lambda w: reverse("compare") + "?" + "&".join(f"org={c.public_id}" for c in w.clients),
        )
    ],
    "assessment_domain": [
        Sweep(LEADER, lambda w: domain_path(w.draft, w.draft.version.domains.first().key))
    ],
    "assessment_review": [Sweep(LEADER, _draft("assessment_review"))],
    "assessment_submit": [Sweep(LEADER, _draft("assessment_submit"))],
    "assessment_calibrate": [
        Sweep(LEADER, _draft("assessment_calibrate")),
        Sweep(CONSULTANT, lambda w: _draft("assessment_calibrate")(w) + "?blind=1"),
    ],
    "assessment_result": [
        Sweep(
            LEADER,
            lambda w: reverse("assessment_result", args=[w.org.public_id, w.result.public_id]),
        )
    ],
    "admin:index": [Sweep(STAFF, lambda w: reverse("admin:index"))],
    "org_plan": [Sweep(LEADER, _org("org_plan"))],
    "firm_profile": [Sweep(CONSULTANT, lambda w: reverse("firm_profile"))],
    "share_links": [
        Sweep(LEADER, lambda w: reverse("share_links", args=[w.org.public_id, w.result.public_id]))
    ],
    "share_view": [Sweep(ANONYMOUS, lambda w: reverse("share_view", args=[w.share_token()]))],
    "account_notifications": [Sweep(LEADER, lambda w: reverse("account_notifications"))],
    "assessment_start_confirm": [Sweep(LEADER, _org("assessment_start_confirm"))],
    "campaign_list": [Sweep(CONSULTANT, lambda w: reverse("campaign_list"))],
    "campaign_new": [Sweep(CONSULTANT, lambda w: reverse("campaign_new"))],
    "campaign_detail": [Sweep(CONSULTANT, _campaign)],
}

POST_ONLY = "takes POST only: a GET answers 405"
DOWNLOAD = "a download, not a page"
EXCLUDED: dict[str, str] = {
    "assessment_autosave": POST_ONLY,
    "assessment_start": POST_ONLY,
    "assessment_targets": POST_ONLY,
    "assessment_respondent_exclude": POST_ONLY,
    "invitation_revoke": POST_ONLY,
    "member_remove": POST_ONLY,
    "consultant_grant": POST_ONLY,
    "consultant_revoke": POST_ONLY,
    "consultant_invitation_revoke": POST_ONLY,
    "assessment_due_date": POST_ONLY,
    "assessment_remind": POST_ONLY,
    "campaign_remind": POST_ONLY,
    "plan_adopt": POST_ONLY,
    "plan_item_update": POST_ONLY,
    "plan_item_comment": POST_ONLY,
    "plan_csv": DOWNLOAD + " (CSV)",
    "share_link_revoke": POST_ONLY,
    "firm_logo": DOWNLOAD + " (the firm's logo image)",
    "brand_css": "a stylesheet (the brand accent), not a page",
    "plan_ics": DOWNLOAD + " (iCalendar)",
    "assessment_pdf": DOWNLOAD + " (PDF)",
    "compare_pdf": DOWNLOAD + " (PDF)",
    "compare_csv": DOWNLOAD + " (CSV)",
    "portfolio_csv": DOWNLOAD + " (CSV)",
    "portfolio_insight_csv": DOWNLOAD + " (CSV)",
    "assessment_export_csv": DOWNLOAD + " (CSV)",
    "assessment_export_json": DOWNLOAD + " (JSON)",
    "mfa_download_recovery_codes": DOWNLOAD + " (text file of recovery codes)",
    "healthz": "a health check for load balancers (plain text), not a page",
    "org_assessment": "only redirects: to the open draft's domain page or the start (swept)",
    "org_report": "only redirects: to the latest result (swept as assessment_result)",
    "assessment_resume": "only redirects: to the first unanswered domain page (swept)",
    "account_set_password": "only redirects to the password change page: every account here "
    "has a password (swept as account_change_password)",
    "account_confirm_login_code": "login by mailed code is off: only redirects",
    "mfa_authenticate": "exists only while a login waits for its second step; else redirects",
    "mfa_reauthenticate": "exists only while a reauthentication waits for a code; else redirects",
}

# Django's admin has five pages per model. Swept: the index and every model's list (our
# branding, filters and version columns show there). The add, change, delete and history pages
# are Django's own forms around one object, and the rest are not pages.
ADMIN_PER_OBJECT = re.compile(r"^admin:\w+_(add|change|delete|history)$")
ADMIN_EXCLUDED: dict[str, str] = {
    "admin:login": "redirects to allauth's login page (swept as account_login)",
    "admin:logout": POST_ONLY,
    "admin:password_change": "staff change passwords through allauth (swept)",
    "admin:password_change_done": "staff change passwords through allauth (swept)",
    "admin:auth_user_password_change": "a per-object form of Django's admin",
    "admin:assessment_questionnaireversion_publish": "asks to confirm a publish of one version; "
    "covered by the admin tests",
    "admin:jsi18n": "JavaScript, not a page",
    "admin:autocomplete": "JSON for the admin's select boxes, not a page",
    "admin:view_on_site": "only redirects to the object's own page",
    "admin:app_list": "an app's section of the index (swept as admin:index)",
    # Unnamed patterns, under the names url_names() gives them.
    "admin:unnamed (?P<url>.*)$": "the admin's catch-all: a 404 or a redirect to the login",
    "admin:unnamed <path:object_id>/": "an old-style object URL: redirects to its change page",
}


def _admin_changelists() -> dict[str, list[Sweep]]:
    found = {}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        found[name] = [Sweep(STAFF, lambda w, name=name: reverse(name))]
    return found


def swept() -> dict[str, list[Sweep]]:
    return SWEPT | _admin_changelists()


def excluded(name: str) -> str | None:
    if name in EXCLUDED:
        return EXCLUDED[name]
    if name in ADMIN_EXCLUDED:
        return ADMIN_EXCLUDED[name]
    if ADMIN_PER_OBJECT.match(name):
        return "a per-object form of Django's admin (the model's list is swept)"
    return None


def url_names(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        else:
            yield f"{namespace}{pattern.name or f'unnamed {pattern.pattern}'}"


def test_every_url_name_is_swept_or_excluded_with_a_reason():
    names = set(url_names(get_resolver()))
    sweeps = swept()
    missing = sorted(n for n in names if n not in sweeps and excluded(n) is None)
    assert not missing, f"neither swept nor excluded: {missing}"
    both = sorted(n for n in sweeps if excluded(n) is not None)
    assert not both, f"swept and excluded at once: {both}"
    gone = sorted((set(sweeps) | set(EXCLUDED) | set(ADMIN_EXCLUDED)) - names)
    assert not gone, f"listed, but no such URL name: {gone}"


def _session_for(email: str) -> str:
    """A signed-in session that also counts as a fresh password entry, so the pages that ask
    for the password again (two-factor set-up) show themselves instead of the password prompt."""
    user = get_user_model().objects.get(username=email)
    client = Client()
    client.force_login(user)
    session = client.session
    session["account_authentication_methods_user"] = user_id_to_str(user)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "username": email}
    ]
    session.save()
    return session.session_key


OVERFLOW_JS = """() => {
    const width = window.innerWidth, doc = document.documentElement;
    if (doc.scrollWidth <= width) return null;
    // The widest elements that stick out, to say where the overflow comes from.
    const wide = [...document.body.querySelectorAll('*')]
        .filter(el => el.getBoundingClientRect().right > width + 0.5)
        .slice(-3)
        .map(el => el.tagName.toLowerCase()
            + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '')
            + ' ' + Math.round(el.getBoundingClientRect().right));
    return doc.scrollWidth + ' > ' + width + ': ' + wide.join(', ');
}"""


@pytest.mark.browser
def test_every_page_fits_phone_and_desktop_logs_no_error_and_passes_axe(
    browser, live_server, transactional_db
):
    assert AXE_JS.is_file(), "axe-core is not installed: run npm ci --prefix tests/browser/axe"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    world = SweepWorld()
    sweeps = [(name, sweep) for name, found in swept().items() for sweep in found]
    sweeps.sort(key=lambda item: item[1].persona)  # one context per persona, opened once
    pages: dict[str, Page] = {}
    errors: dict[str, list[str]] = {}
    failures: list[str] = []
    checked = 0
    for number, (name, sweep) in enumerate(sweeps):
        if sweep.persona not in pages:
            for page in pages.values():
                page.context.close()
            pages.clear()
            context = browser.new_context(viewport=VIEWPORTS["phone"])
            context.add_init_script(path=AXE_JS)
            email = world.email_of(sweep.persona)
            if email:
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": _session_for(email),
                            "url": live_server.url,
                        }
                    ]
                )
            page = context.new_page()
            page.on(
                "console",
                lambda msg: msg.type == "error" and errors.setdefault("now", []).append(msg.text),
            )
            page.on("pageerror", lambda exc: errors.setdefault("now", []).append(str(exc)))
            pages[sweep.persona] = page
        page = pages[sweep.persona]
        path = sweep.path(world)
        label = f"{name} as {sweep.persona} ({path})"
        for size, viewport in VIEWPORTS.items():
            errors.clear()
            page.set_viewport_size(viewport)
            response = page.goto(live_server.url + path)
            checked += 1
            if response is None or response.status != 200:
                failures.append(f"{label} {size}: status {response and response.status}")
                continue
            if "/accounts/login/" in page.url and name != "account_login":
                failures.append(f"{label} {size}: sent to the login page")
                continue
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow:
                failures.append(f"{label} {size}: scrolls sideways, {overflow}")
            results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
            if blocking:
                failures.append(f"{label} {size}: axe\n{describe(blocking)}")
            if errors.get("now"):
                failures.append(f"{label} {size}: console errors {errors['now']}")
            shot = f"{number:03}-{name.replace(':', '-')}-{sweep.persona}-{size}.png"
            page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
    for page in pages.values():
        page.context.close()
    print(f"page sweep: {len(sweeps)} pages, {checked} loads, {len(failures)} failures")
    assert not failures, "\n".join(failures)
