"""The permission matrix of issue #6: every URL × persona × method, and what each request must get.

The table is a specification written out by hand, not derived from `orgs.permissions.RULES`: a
test that computed its expectations from the rules it checks would agree with any mistake in them.

Org-scoped rows are written by *role in the org the URL names* (leader, member, consultant, staff,
unrelated); each one runs three times: with org A's ids, with org B's ids, and with A's org id
around B's object (assessment, invitation, membership, assignment). Other rows are written by
persona. The world the cases run in, and each case's URL and form data: tests/security/world.py.
"""

from dataclasses import dataclass
from itertools import product

PERSONAS = (
    "anonymous",
    "member_a",
    "leader_a",
    "consultant_a",
    "consultant_other",
    "leader_b",
    "member_b",
    "staff",
    "outsider",
)

# Who holds which role where in the world `build_world` makes. A2 and B2 are the second clients of
# A's and B's consultants; staff holds the staff role in every org, so it needs no entry.
RELATIONS: dict[str, dict[str, str]] = {
    "member_a": {"A": "member"},
    "leader_a": {"A": "leader"},
    "consultant_a": {"A": "consultant", "A2": "consultant"},
    "leader_b": {"B": "leader"},
    "member_b": {"B": "member"},
}


def role_in(persona: str, orgs: tuple[str, ...]) -> str:
    """The persona's role in the first org, or "unrelated" unless it relates to every one."""
    if persona in ("anonymous", "staff"):
        return persona
    held = RELATIONS.get(persona, {})
    if not all(org in held for org in orgs):
        return "unrelated"
    return held[orgs[0]]


def relates_to(persona: str, org: str) -> bool:
    return persona == "staff" or org in RELATIONS.get(persona, {})


@dataclass(frozen=True)
class Outcome:
    status: int
    writes: bool = False  # the request must change data (and must not, when False)
    to: str = ""  # a redirect must lead here (path prefix); "" means anywhere but a login page
    name: str = ""


OK = Outcome(200, name="ok")
SAVED = Outcome(200, writes=True, name="saved")
DONE = Outcome(302, writes=True, name="done")
MOVED = Outcome(302, name="moved")  # sent on to another page, nothing written
LOGIN = Outcome(302, to="/accounts/login/", name="login")
LOGGED_OUT = Outcome(302, to="/accounts/login/", name="logged-out")
ADMIN_LOGIN = Outcome(302, to="/admin/login/", name="admin-login")
REAUTH = Outcome(302, to="/accounts/reauthenticate/", name="reauthenticate")
# An email-confirmation key used: the address is verified, then on to the login page.
CONFIRMED = Outcome(302, writes=True, to="/accounts/login/", name="confirmed")
UNAUTHENTICATED = Outcome(401, name="unauthenticated")
FORBIDDEN = Outcome(403, name="forbidden")
HIDDEN = Outcome(404, name="hidden")
NO_METHOD = Outcome(405, name="no-method")
CONFLICT = Outcome(409, name="conflict")

# Answers given before the view looks the object up; any other answer means the object was found,
# so with another org's object it must turn into a 404.
REFUSED_BEFORE_LOOKUP = {LOGIN, UNAUTHENTICATED, FORBIDDEN, HIDDEN, NO_METHOD}

OBJECTS = (
    "draft",
    "submitted",
    "invitation",
    "consultant_invitation",
    "membership",
    "assignment",
    "roadmap_result",
    "plan_item",
    "unowned_item",
    "share_link",
)
# Invitation links: the signed token is the credential. Share links: the random token is, and
# an expired, revoked or tampered one must open nothing.
SHARE_TOKENS = ("share", "share_expired", "share_revoked", "share_tampered")
TOKENS = ("token", "consultant_token", *SHARE_TOKENS)


def roles(*, leader, member, consultant, staff, anonymous=LOGIN, unrelated=HIDDEN) -> dict:
    return {
        "anonymous": anonymous,
        "leader": leader,
        "member": member,
        "consultant": consultant,
        "staff": staff,
        "unrelated": unrelated,
    }


def related(outcome: Outcome) -> dict:
    """Every role in the org gets `outcome`; outsiders 404, anonymous visitors log in."""
    return roles(leader=outcome, member=outcome, consultant=outcome, staff=outcome)


def wrong_method(anonymous: Outcome = LOGIN) -> dict:
    """A method the view does not take: 405 for everyone signed in, related or not."""
    return roles(
        leader=NO_METHOD,
        member=NO_METHOD,
        consultant=NO_METHOD,
        staff=NO_METHOD,
        unrelated=NO_METHOD,
        anonymous=anonymous,
    )


def people(signed_in: Outcome, *, anonymous: Outcome, **persona: Outcome) -> dict:
    """By persona: everyone signed in gets `signed_in` unless named."""
    return {p: persona.get(p, signed_in) for p in PERSONAS if p != "anonymous"} | {
        "anonymous": anonymous
    }


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str
    path: tuple[str, ...]  # what the URL takes: "org", an object, "domain", a token, "reset"
    expect: dict  # by role for org-scoped and comparison rows, else by persona
    data: str = ""  # the form data (see `payload`): one that does the job when allowed
    query: tuple[tuple[str, str], ...] = ()  # (parameter, object) pairs
    compare: bool = False  # the orgs come in the query string, two per variant
    tag: str = ""  # tells apart two rows of one URL and method (e.g. what an admin action hits)

    @property
    def label(self) -> str:
        return (
            self.name
            + ("@draft" if "draft" in self.path else "")
            + ("@roadmap" if "roadmap_result" in self.path else "")
            + (f"@{self.tag}" if self.tag else "")
        )

    @property
    def org_scoped(self) -> bool:
        return "org" in self.path

    @property
    def by_token(self) -> bool:
        return any(key in TOKENS for key in self.path)

    @property
    def takes_object(self) -> bool:
        return any(key in OBJECTS for key in self.path) or bool(self.query)


ORG = ("org",)
DRAFT = ("org", "draft")
SUBMITTED = ("org", "submitted")

ORG_ROWS = [
    Row("org_home", "GET", ORG, related(OK)),
    Row("org_home", "POST", ORG, wrong_method()),
    Row(
        "org_profile",
        "GET",
        ORG,
        roles(leader=OK, member=FORBIDDEN, consultant=OK, staff=OK),
    ),
    Row(
        "org_profile",
        "POST",
        ORG,
        roles(leader=DONE, member=FORBIDDEN, consultant=DONE, staff=DONE),
        data="profile",
    ),
    Row(
        "invitation_new",
        "GET",
        ORG,
        roles(leader=OK, member=FORBIDDEN, consultant=OK, staff=OK),
    ),
    Row(
        "invitation_new",
        "POST",
        ORG,
        roles(leader=DONE, member=FORBIDDEN, consultant=DONE, staff=DONE),
        data="invite",
    ),
    Row("invitation_revoke", "GET", ("org", "invitation"), wrong_method()),
    Row(
        "invitation_revoke",
        "POST",
        ("org", "invitation"),
        roles(leader=DONE, member=FORBIDDEN, consultant=DONE, staff=DONE),
    ),
    # A consultant invitation is a pending grant: withdrawn only by those who grant, at its own
    # URL; the member-invitation URL does not find it (a consultant manages member invitations).
    Row(
        "invitation_revoke",
        "POST",
        ("org", "consultant_invitation"),
        roles(leader=HIDDEN, member=FORBIDDEN, consultant=HIDDEN, staff=HIDDEN),
        tag="consultant",
    ),
    Row("consultant_invitation_revoke", "GET", ("org", "consultant_invitation"), wrong_method()),
    Row(
        "consultant_invitation_revoke",
        "POST",
        ("org", "consultant_invitation"),
        roles(leader=DONE, member=FORBIDDEN, consultant=FORBIDDEN, staff=DONE),
    ),
    Row("member_remove", "GET", ("org", "membership"), wrong_method()),
    Row(
        "member_remove",
        "POST",
        ("org", "membership"),
        roles(leader=DONE, member=FORBIDDEN, consultant=DONE, staff=DONE),
    ),
    Row("consultant_grant", "GET", ORG, wrong_method()),
    Row(
        "consultant_grant",
        "POST",
        ORG,
        roles(leader=DONE, member=FORBIDDEN, consultant=FORBIDDEN, staff=DONE),
        data="grant",
    ),
    Row("consultant_revoke", "GET", ("org", "assignment"), wrong_method()),
    Row(
        "consultant_revoke",
        "POST",
        ("org", "assignment"),
        roles(leader=DONE, member=FORBIDDEN, consultant=FORBIDDEN, staff=DONE),
    ),
    Row("assessment_start", "GET", ORG, wrong_method()),
    # The org already has an open draft, so an allowed start is turned back with a message.
    Row(
        "assessment_start",
        "POST",
        ORG,
        roles(leader=MOVED, member=FORBIDDEN, consultant=MOVED, staff=FORBIDDEN),
    ),
    Row("org_history", "GET", ORG, related(OK), query=(("to", "submitted"),)),
    Row("org_history", "POST", ORG, wrong_method(), query=(("to", "submitted"),)),
    Row("org_benchmark", "GET", ORG, related(OK)),
    Row("org_benchmark", "POST", ORG, wrong_method()),
    # The Assessment and Report tabs: on to the open draft and the latest result.
    Row("org_assessment", "GET", ORG, related(MOVED)),
    Row("org_assessment", "POST", ORG, wrong_method()),
    Row("org_report", "GET", ORG, related(MOVED)),
    Row("org_report", "POST", ORG, wrong_method()),
    # Where a re-assessment reminder leads: a confirmation page that posts to assessment_start.
    Row(
        "assessment_start_confirm",
        "GET",
        ORG,
        roles(leader=OK, member=FORBIDDEN, consultant=OK, staff=FORBIDDEN),
    ),
    Row("assessment_start_confirm", "POST", ORG, wrong_method()),
    # The action plan (issue 15): everyone related sees it and downloads it; leaders and
    # consultants adopt and manage every item; members change and comment on their own items
    # only (elsewhere they are sent back to the board with a message, nothing written); staff
    # support the account, not the plan.
    Row("org_plan", "GET", ORG, related(OK)),
    Row("org_plan", "POST", ORG, wrong_method()),
    Row("plan_csv", "GET", ORG, related(OK)),
    Row("plan_csv", "POST", ORG, wrong_method()),
    Row("plan_ics", "GET", ORG, related(OK)),
    Row("plan_ics", "POST", ORG, wrong_method()),
    Row(
        "plan_adopt",
        "POST",
        ("org", "roadmap_result"),
        roles(leader=DONE, member=FORBIDDEN, consultant=DONE, staff=FORBIDDEN),
        data="adopt",
    ),
    # A draft has no roadmap yet: those who adopt are sent to its review page.
    Row(
        "plan_adopt",
        "POST",
        DRAFT,
        roles(leader=MOVED, member=FORBIDDEN, consultant=MOVED, staff=FORBIDDEN),
        data="adopt",
    ),
    Row("plan_adopt", "GET", ("org", "roadmap_result"), wrong_method()),
    Row(
        "plan_item_update",
        "POST",
        ("org", "plan_item"),
        roles(leader=DONE, member=DONE, consultant=DONE, staff=FORBIDDEN),
        data="plan_status",
    ),
    Row(
        "plan_item_update",
        "POST",
        ("org", "unowned_item"),
        roles(leader=DONE, member=MOVED, consultant=DONE, staff=FORBIDDEN),
        data="plan_status",
        tag="unowned",
    ),
    Row("plan_item_update", "GET", ("org", "plan_item"), wrong_method()),
    Row(
        "plan_item_comment",
        "POST",
        ("org", "plan_item"),
        roles(leader=DONE, member=DONE, consultant=DONE, staff=FORBIDDEN),
        data="plan_comment",
    ),
    Row(
        "plan_item_comment",
        "POST",
        ("org", "unowned_item"),
        roles(leader=DONE, member=MOVED, consultant=DONE, staff=FORBIDDEN),
        data="plan_comment",
        tag="unowned",
    ),
    Row("plan_item_comment", "GET", ("org", "plan_item"), wrong_method()),
]

ANSWERING = roles(leader=DONE, member=DONE, consultant=FORBIDDEN, staff=FORBIDDEN)
RUNNING = roles(leader=DONE, member=FORBIDDEN, consultant=DONE, staff=FORBIDDEN)
RUNNING_REFUSED = roles(leader=MOVED, member=FORBIDDEN, consultant=MOVED, staff=FORBIDDEN)
SHARING = roles(leader=OK, member=FORBIDDEN, consultant=OK, staff=FORBIDDEN)
SHARING_DONE = roles(leader=DONE, member=FORBIDDEN, consultant=DONE, staff=FORBIDDEN)
# A draft has no report to share: 404 once the role is known to allow sharing.
SHARING_REFUSED = roles(leader=HIDDEN, member=FORBIDDEN, consultant=HIDDEN, staff=FORBIDDEN)

ASSESSMENT_ROWS = [
    Row("assessment_export_json", "GET", SUBMITTED, related(OK)),
    Row("assessment_export_json", "GET", DRAFT, related(HIDDEN)),
    Row("assessment_export_json", "POST", SUBMITTED, wrong_method()),
    Row("assessment_export_csv", "GET", SUBMITTED, related(OK)),
    Row("assessment_export_csv", "GET", DRAFT, related(HIDDEN)),
    Row("assessment_export_csv", "POST", SUBMITTED, wrong_method()),
    Row("assessment_resume", "GET", DRAFT, related(MOVED)),
    Row("assessment_resume", "GET", SUBMITTED, related(MOVED)),
    Row("assessment_resume", "POST", DRAFT, wrong_method()),
    Row("assessment_domain", "GET", (*DRAFT, "domain"), related(OK)),
    Row("assessment_domain", "GET", (*SUBMITTED, "domain"), related(MOVED)),
    Row("assessment_domain", "POST", (*DRAFT, "domain"), ANSWERING, data="answers"),
    Row(
        "assessment_domain",
        "POST",
        (*SUBMITTED, "domain"),
        roles(leader=MOVED, member=MOVED, consultant=FORBIDDEN, staff=FORBIDDEN),
        data="answers",
    ),
    # Autosave answers JSON, never a login redirect, and takes no GET even from strangers.
    Row(
        "assessment_autosave",
        "POST",
        DRAFT,
        roles(
            leader=SAVED,
            member=SAVED,
            consultant=FORBIDDEN,
            staff=FORBIDDEN,
            anonymous=UNAUTHENTICATED,
        ),
        data="autosave",
    ),
    Row(
        "assessment_autosave",
        "POST",
        SUBMITTED,
        roles(
            leader=CONFLICT,
            member=CONFLICT,
            consultant=FORBIDDEN,
            staff=FORBIDDEN,
            anonymous=UNAUTHENTICATED,
        ),
        data="autosave",
    ),
    Row("assessment_autosave", "GET", DRAFT, wrong_method(anonymous=NO_METHOD)),
    Row("assessment_review", "GET", DRAFT, related(OK)),
    Row("assessment_review", "GET", SUBMITTED, related(MOVED)),
    Row("assessment_review", "POST", DRAFT, wrong_method()),
    Row("assessment_submit", "POST", DRAFT, RUNNING, data="submit"),
    Row("assessment_submit", "POST", SUBMITTED, RUNNING_REFUSED, data="submit"),
    # Without the confirmation's field nothing is submitted: sent on to the confirmation page.
    Row("assessment_submit", "POST", DRAFT, RUNNING_REFUSED, tag="unconfirmed"),
    # GET is the confirmation page: for those who submit.
    Row(
        "assessment_submit",
        "GET",
        DRAFT,
        roles(leader=OK, member=FORBIDDEN, consultant=OK, staff=FORBIDDEN),
    ),
    Row("assessment_submit", "GET", SUBMITTED, RUNNING_REFUSED),
    # Leaving a former member's answers out of the score: those who start and submit.
    Row("assessment_respondent_exclude", "POST", DRAFT, RUNNING, data="exclude"),
    Row("assessment_respondent_exclude", "POST", SUBMITTED, RUNNING_REFUSED, data="exclude"),
    Row("assessment_respondent_exclude", "GET", DRAFT, wrong_method()),
    # The calibration workshop: those who start and submit, on a draft only.
    Row(
        "assessment_calibrate",
        "GET",
        DRAFT,
        roles(leader=OK, member=FORBIDDEN, consultant=OK, staff=FORBIDDEN),
    ),
    Row("assessment_calibrate", "GET", SUBMITTED, RUNNING_REFUSED),
    Row("assessment_calibrate", "POST", DRAFT, RUNNING, data="calibrate"),
    Row("assessment_calibrate", "POST", SUBMITTED, RUNNING_REFUSED, data="calibrate"),
    Row("assessment_result", "GET", SUBMITTED, related(OK)),
    Row("assessment_result", "GET", DRAFT, related(MOVED)),
    Row("assessment_result", "POST", SUBMITTED, wrong_method()),
    Row("assessment_targets", "POST", SUBMITTED, RUNNING, data="targets"),
    Row("assessment_targets", "POST", DRAFT, RUNNING_REFUSED, data="targets"),
    Row("assessment_targets", "GET", SUBMITTED, wrong_method()),
    # Due date and the "Remind" button: those who start and submit. A reminder writes no row
    # (it is queued mail and a count in the cache), so an allowed one only sends on.
    Row("assessment_due_date", "POST", DRAFT, RUNNING, data="due_date"),
    Row("assessment_due_date", "POST", SUBMITTED, RUNNING_REFUSED, data="due_date"),
    Row("assessment_due_date", "GET", DRAFT, wrong_method()),
    Row("assessment_remind", "POST", DRAFT, RUNNING_REFUSED),
    Row("assessment_remind", "POST", SUBMITTED, RUNNING_REFUSED),
    Row("assessment_remind", "GET", DRAFT, wrong_method()),
    Row("assessment_pdf", "GET", SUBMITTED, related(OK)),
    Row("assessment_pdf", "GET", DRAFT, related(HIDDEN)),
    Row("assessment_pdf", "POST", SUBMITTED, wrong_method()),
    # Share links: made, listed and revoked by the report's leader and consultant only.
    Row("share_links", "GET", SUBMITTED, SHARING),
    Row("share_links", "GET", DRAFT, SHARING_REFUSED),
    Row("share_links", "POST", SUBMITTED, SHARING_DONE, data="share"),
    Row("share_links", "POST", DRAFT, SHARING_REFUSED, data="share"),
    Row("share_link_revoke", "POST", (*SUBMITTED, "share_link"), SHARING_DONE),
    Row("share_link_revoke", "GET", (*SUBMITTED, "share_link"), wrong_method()),
]

# Comparisons name their orgs in the query string: a persona must relate to every one of them.
COMPARE_ROWS = [
    row
    for name in ("compare", "compare_csv", "compare_pdf")
    for row in (
        Row(name, "GET", (), related(OK), compare=True),
        Row(name, "POST", (), wrong_method(), compare=True),
    )
]

SIGNED_IN_ONLY = people(OK, anonymous=LOGIN)
EVERYONE = people(OK, anonymous=OK)
NOBODY = people(NO_METHOD, anonymous=NO_METHOD)
STAFF_ONLY = people(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, staff=OK)
CONSULTANTS_ONLY = people(FORBIDDEN, anonymous=LOGIN, consultant_a=OK, consultant_other=OK)

# One org each: the home page sends them to it.
ONE_ORG = {p: MOVED for p in ("member_a", "leader_a", "leader_b", "member_b")}

# Campaigns are a consultant's own: other people are refused (403), and another consultant's
# campaign, or a client that is not theirs, is not found (404).
CAMPAIGN = ("campaign",)
NOT_THEIRS = people(FORBIDDEN, anonymous=LOGIN, consultant_a=DONE, consultant_other=HIDDEN)
CAMPAIGN_ROWS = [
    Row("campaign_list", "GET", (), CONSULTANTS_ONLY),
    Row("campaign_list", "POST", (), people(NO_METHOD, anonymous=LOGIN)),
    Row("campaign_new", "GET", (), CONSULTANTS_ONLY),
    # Starts A2's assessment: a client of consultant_a only.
    Row("campaign_new", "POST", (), NOT_THEIRS, data="campaign"),
    Row(
        "campaign_detail",
        "GET",
        CAMPAIGN,
        people(FORBIDDEN, anonymous=LOGIN, consultant_a=OK, consultant_other=HIDDEN),
    ),
    Row("campaign_detail", "POST", CAMPAIGN, people(NO_METHOD, anonymous=LOGIN)),
    Row("campaign_remind", "GET", CAMPAIGN, people(NO_METHOD, anonymous=LOGIN)),
    # Reminders are queued mail (and a rate limit in the cache): no row changes.
    Row(
        "campaign_remind",
        "POST",
        CAMPAIGN,
        people(FORBIDDEN, anonymous=LOGIN, consultant_a=MOVED, consultant_other=HIDDEN),
    ),
]

SITE_ROWS = [
    Row("healthz", "GET", (), EVERYONE),
    Row("healthz", "POST", (), NOBODY),
    Row("home", "GET", (), people(OK, anonymous=OK, **ONE_ORG)),
    Row("home", "POST", (), NOBODY),
    Row("portfolio_csv", "GET", (), SIGNED_IN_ONLY),
    Row("portfolio_csv", "POST", (), NOBODY),
    # Insight reads only the orgs each person may see (an empty page for someone with none).
    Row("portfolio_insight", "GET", (), SIGNED_IN_ONLY),
    Row("portfolio_insight", "POST", (), NOBODY),
    Row("portfolio_insight_csv", "GET", (), SIGNED_IN_ONLY),
    Row("portfolio_insight_csv", "POST", (), NOBODY),
    # Accounts (django-allauth). Signed-in visitors are sent on from the entrance pages.
    Row("account_signup", "GET", (), people(MOVED, anonymous=OK)),
    Row("account_signup", "POST", (), people(MOVED, anonymous=DONE), data="signup"),
    Row("account_login", "GET", (), people(MOVED, anonymous=OK)),
    Row("account_login", "POST", (), people(MOVED, anonymous=MOVED), data="login"),
    Row("account_logout", "GET", (), people(OK, anonymous=LOGIN)),
    Row("account_logout", "POST", (), people(LOGGED_OUT, anonymous=LOGGED_OUT)),
    Row("account_inactive", "GET", (), EVERYONE),
    Row("account_inactive", "POST", (), NOBODY),
    Row("account_reauthenticate", "GET", (), SIGNED_IN_ONLY),
    Row(
        "account_reauthenticate",
        "POST",
        (),
        people(MOVED, anonymous=LOGIN),
        data="reauthenticate",
    ),
    # The account settings page: only ever the signed-in user's own name.
    Row("account_settings", "GET", (), SIGNED_IN_ONLY),
    Row("account_settings", "POST", (), people(DONE, anonymous=LOGIN), data="account_name"),
    Row("account_email", "GET", (), SIGNED_IN_ONLY),
    Row("account_email", "POST", (), people(DONE, anonymous=LOGIN), data="add_email"),
    Row("account_email_verification_sent", "GET", (), EVERYONE),
    Row("account_email_verification_sent", "POST", (), NOBODY),
    # The mailed key is the credential: whoever holds it confirms that one address.
    Row("account_confirm_email", "GET", ("confirm",), EVERYONE),
    Row("account_confirm_email", "POST", ("confirm",), people(CONFIRMED, anonymous=CONFIRMED)),
    Row("account_change_password", "GET", (), SIGNED_IN_ONLY),
    Row(
        "account_change_password",
        "POST",
        (),
        people(DONE, anonymous=LOGIN),
        data="password_change",
    ),
    Row("account_set_password", "GET", (), people(MOVED, anonymous=LOGIN)),
    Row("account_set_password", "POST", (), people(MOVED, anonymous=LOGIN), data="set_password"),
    Row("account_reset_password", "GET", (), EVERYONE),
    Row(
        "account_reset_password",
        "POST",
        (),
        people(MOVED, anonymous=MOVED),
        data="password_reset",
    ),
    Row("account_reset_password_done", "GET", (), EVERYONE),
    Row("account_reset_password_done", "POST", (), NOBODY),
    # A valid link trades its key for a session key and redirects, whoever follows it.
    Row("account_reset_password_from_key", "GET", ("reset",), people(MOVED, anonymous=MOVED)),
    Row(
        "account_reset_password_from_key",
        "POST",
        ("reset",),
        people(MOVED, anonymous=MOVED),
        data="set_password",
    ),
    Row("account_reset_password_from_key_done", "GET", (), EVERYONE),
    Row("account_reset_password_from_key_done", "POST", (), NOBODY),
    # Login by mailed code is off: nothing to confirm.
    Row("account_confirm_login_code", "GET", (), people(MOVED, anonymous=LOGIN)),
    Row("account_confirm_login_code", "POST", (), people(MOVED, anonymous=LOGIN)),
    # Two-factor authentication: changing it asks for the password again (REAUTH); the second
    # step of a login only exists while a login is waiting for it.
    Row("mfa_index", "GET", (), SIGNED_IN_ONLY),
    Row("mfa_index", "POST", (), people(NO_METHOD, anonymous=LOGIN)),
    Row("mfa_authenticate", "GET", (), people(MOVED, anonymous=LOGIN)),
    Row("mfa_authenticate", "POST", (), people(MOVED, anonymous=LOGIN), data="totp"),
    Row("mfa_reauthenticate", "GET", (), people(MOVED, anonymous=LOGIN)),
    Row("mfa_reauthenticate", "POST", (), people(MOVED, anonymous=LOGIN), data="totp"),
    Row("mfa_activate_totp", "GET", (), people(REAUTH, anonymous=LOGIN)),
    Row("mfa_activate_totp", "POST", (), people(REAUTH, anonymous=LOGIN), data="totp"),
    # Nobody in the world has an authenticator yet: nothing to turn off or to show.
    Row("mfa_deactivate_totp", "GET", (), people(HIDDEN, anonymous=LOGIN)),
    Row("mfa_deactivate_totp", "POST", (), people(HIDDEN, anonymous=LOGIN), data="totp"),
    Row("mfa_view_recovery_codes", "GET", (), people(HIDDEN, anonymous=LOGIN)),
    Row("mfa_view_recovery_codes", "POST", (), people(NO_METHOD, anonymous=LOGIN)),
    Row("mfa_generate_recovery_codes", "GET", (), people(MOVED, anonymous=LOGIN)),
    Row("mfa_generate_recovery_codes", "POST", (), people(MOVED, anonymous=LOGIN)),
    Row("mfa_download_recovery_codes", "GET", (), people(HIDDEN, anonymous=LOGIN)),
    Row("mfa_download_recovery_codes", "POST", (), people(HIDDEN, anonymous=LOGIN)),
    # The signed link is the credential: whoever holds it sees the invitation; only the invited
    # address can accept it (signed in as anyone else: 409).
    Row("invitation_accept", "GET", ("token",), EVERYONE),
    # A consultant invitation: only the verified invited address takes it up (nobody here has
    # it: 409); a visitor signing up from the link proves the address and becomes a consultant.
    Row("invitation_accept", "GET", ("consultant_token",), EVERYONE, tag="consultant"),
    Row(
        "invitation_accept",
        "POST",
        ("consultant_token",),
        people(CONFLICT, anonymous=DONE),
        data="invited_signup",
        tag="consultant",
    ),
    Row(
        "invitation_accept",
        "POST",
        ("token",),
        people(CONFLICT, anonymous=DONE),
        data="invited_signup",
    ),
    # Everyone's own notification settings.
    Row("account_notifications", "GET", (), SIGNED_IN_ONLY),
    Row("account_notifications", "POST", (), people(DONE, anonymous=LOGIN)),
    # The firm profile: a consultant's own page (no org in it); the logo is served to its owner.
    Row("firm_profile", "GET", (), CONSULTANTS_ONLY),
    Row(
        "firm_profile",
        "POST",
        (),
        people(FORBIDDEN, anonymous=LOGIN, consultant_a=DONE, consultant_other=DONE),
        data="firm",
    ),
    # consultant_a has a logo in this world, consultant_other has no firm profile yet.
    Row(
        "firm_logo",
        "GET",
        (),
        people(FORBIDDEN, anonymous=LOGIN, consultant_a=OK, consultant_other=HIDDEN),
    ),
    Row("firm_logo", "POST", (), people(NO_METHOD, anonymous=LOGIN)),
    # The accent stylesheet shows only the colour in its own URL.
    Row("brand_css", "GET", ("accent",), EVERYONE),
    Row("brand_css", "POST", ("accent",), NOBODY),
    # A share link needs no login; a live one is counted (a write) for whoever opens it.
    Row("share_view", "GET", ("share",), people(SAVED, anonymous=SAVED)),
    *[
        Row("share_view", "GET", (token,), people(HIDDEN, anonymous=HIDDEN), tag=token)
        for token in SHARE_TOKENS[1:]
    ],
    Row("share_view", "POST", ("share",), NOBODY),
    Row("org_new", "GET", (), SIGNED_IN_ONLY),
    Row("org_new", "POST", (), people(DONE, anonymous=LOGIN), data="new_org"),
    # The admin site: sampled here; the rest is covered by the rule checked in the tests.
    Row("admin:index", "GET", (), STAFF_ONLY),
    Row("admin:auth_user_changelist", "GET", (), STAFF_ONLY),
    Row("admin:assessment_assessment_changelist", "GET", (), STAFF_ONLY),
    # Submitted results cannot be deleted from the admin, even by staff; drafts can.
    Row(
        "admin:assessment_assessment_changelist",
        "POST",
        (),
        people(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, staff=FORBIDDEN),
        data="admin_delete",
    ),
    Row(
        "admin:assessment_assessment_changelist",
        "POST",
        (),
        people(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, staff=DONE),
        data="admin_delete_draft",
        tag="draft",
    ),
]

ROWS = ORG_ROWS + ASSESSMENT_ROWS + COMPARE_ROWS + CAMPAIGN_ROWS + SITE_ROWS


@dataclass(frozen=True)
class Variant:
    name: str  # "" when the URL names nothing
    org: str = ""  # whose org id is in the URL
    objects: str = ""  # whose object ids (assessment, invitation, ...) are in the URL
    orgs: tuple[str, ...] = ()  # for comparisons: the orgs in the query string

    @property
    def mixed(self) -> bool:
        return bool(self.org) and self.org != self.objects


def variants(row: Row) -> list[Variant]:
    if row.compare:
        return [
            Variant("A-ids", orgs=("A", "A2")),
            Variant("B-ids", orgs=("B", "B2")),
            Variant("A-and-B-ids", orgs=("A", "B")),
        ]
    if row.org_scoped:
        own = [Variant("A-ids", "A", "A"), Variant("B-ids", "B", "B")]
        return own + ([Variant("A-org-B-ids", "A", "B")] if row.takes_object else [])
    if row.by_token:
        return [Variant("A-ids", objects="A"), Variant("B-ids", objects="B")]
    return [Variant("")]


@dataclass(frozen=True)
class Case:
    row: Row
    persona: str
    variant: Variant

    @property
    def id(self) -> str:
        parts = [self.row.label, self.row.method, self.persona, self.variant.name]
        return "-".join(part for part in parts if part)

    @property
    def orgs(self) -> tuple[str, ...]:
        """Every org whose data the request names. Invitation links are left out: the signed
        token is a credential, so holding it is the relation."""
        if self.row.compare:
            return self.variant.orgs
        if self.row.org_scoped:
            return tuple(dict.fromkeys((self.variant.org, self.variant.objects)))
        return ()

    @property
    def expected(self) -> Outcome:
        row, variant = self.row, self.variant
        if not (row.org_scoped or row.compare):
            return row.expect[self.persona]
        outcome = row.expect[role_in(self.persona, variant.orgs or (variant.org,))]
        if variant.mixed and outcome not in REFUSED_BEFORE_LOOKUP:
            return HIDDEN
        return outcome

    @property
    def crosses_tenants(self) -> bool:
        """The request reaches into an org the persona has nothing to do with (or pairs an org
        with another org's object): it must never succeed."""
        return self.variant.mixed or not all(relates_to(self.persona, o) for o in self.orgs)


CASES = [
    Case(row, persona, variant)
    for row in ROWS
    for persona, variant in product(PERSONAS, variants(row))
]
