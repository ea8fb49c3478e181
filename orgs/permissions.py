"""The one permission layer. Every view that takes an org (or something inside one) from the URL
loads it through `org_for_user`, which applies the rules below:

- no relation to the org → 404 (we do not reveal that it exists);
- related, but the role lacks the permission → 403;
- the org requires MFA and the user has not turned it on → MfaRequired (a 403 page saying how to
  set it up, shown by orgs.middleware), and the org is left out of every list;
- anonymous users never get here: views require login first.
"""

import enum
import logging

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from orgs.models import Consultant, ConsultantAssignment, Membership, Organization

log = logging.getLogger("stagewise.access")


class Role(enum.StrEnum):
    LEADER = "leader"
    MEMBER = "member"
    CONSULTANT = "consultant"
    STAFF = "staff"


class Perm(enum.Enum):
    VIEW = "see the org, its drafts and results"
    ANSWER = "answer the questionnaire"
    RUN_ASSESSMENT = "start or submit an assessment"
    MANAGE = "invite or remove members and edit the profile"
    DOWNLOAD = "download reports"
    GRANT_CONSULTANT = "grant or revoke consultant access"
    PLAN_MANAGE = "adopt a roadmap into the action plan or manage every item in it"
    PLAN_UPDATE = "change the status of plan items you own and comment on them"
    SHARE = "share a report by link"


RULES: dict[Perm, frozenset[Role]] = {
    Perm.VIEW: frozenset(Role),
    Perm.ANSWER: frozenset({Role.LEADER, Role.MEMBER}),
    Perm.RUN_ASSESSMENT: frozenset({Role.LEADER, Role.CONSULTANT}),
    Perm.MANAGE: frozenset({Role.LEADER, Role.CONSULTANT, Role.STAFF}),
    Perm.DOWNLOAD: frozenset(Role),
    Perm.GRANT_CONSULTANT: frozenset({Role.LEADER, Role.STAFF}),
    # Staff support an org's account, not its work: they see the plan but do not run it.
    Perm.PLAN_MANAGE: frozenset({Role.LEADER, Role.CONSULTANT}),
    # Members may change only the items they own (plans.services checks the owner).
    Perm.PLAN_UPDATE: frozenset({Role.LEADER, Role.MEMBER, Role.CONSULTANT}),
    # A share link opens a report to people without an account: those who answer for the
    # result (its leader, its consultant) decide; staff support orgs, they do not publish them.
    Perm.SHARE: frozenset({Role.LEADER, Role.CONSULTANT}),
}

NOT_ALLOWED = "You can see this organization but your role does not let you {what}."


# --- people rules (product.md, "Roles and trust") ---------------------------------------------
# Pure functions over roles, so the services and the pages (which buttons to show) share them.
# A consultant manages members but never leaders, except to invite the first leader of an org
# that has none; nobody hands out a role above their own.


def may_invite(roles: frozenset[Role], role: str, *, org_has_leader: bool) -> bool:
    """May someone holding `roles` invite a person into the org with membership `role`, or (role
    "consultant") invite them to consultant access?"""
    if role == Role.CONSULTANT:
        # A consultant invitation is a grant waiting for a verified address: the grant rule.
        return can(roles, Perm.GRANT_CONSULTANT)
    if not can(roles, Perm.MANAGE):
        return False
    if role != Role.LEADER:
        return True
    if roles & {Role.LEADER, Role.STAFF}:
        return True
    return Role.CONSULTANT in roles and not org_has_leader


def may_withdraw(roles: frozenset[Role], role: str) -> bool:
    """May someone holding `roles` withdraw a pending invitation for `role`? Whoever manages
    people withdraws member and leader invitations; a consultant invitation is a pending grant,
    so only those who grant withdraw it."""
    if role == Role.CONSULTANT:
        return can(roles, Perm.GRANT_CONSULTANT)
    return can(roles, Perm.MANAGE)


def may_remove(roles: frozenset[Role], role: str) -> bool:
    """May someone holding `roles` remove (or demote) a membership with `role`?"""
    if not can(roles, Perm.MANAGE):
        return False
    return role != Role.LEADER or bool(roles & {Role.LEADER, Role.STAFF})


def roles_in(user, org: Organization) -> frozenset[Role]:
    """Every role the user holds in the org (a person can be a member and staff, say)."""
    if not user.is_authenticated:
        return frozenset()
    return _org_with_roles(user, org.public_id)[1]


def can(roles: frozenset[Role], perm: Perm) -> bool:
    return bool(roles & RULES[perm])


MFA_REQUIRED = (
    "{org} requires two-factor authentication for everyone who can see it. "
    "Turn it on for your account to continue."
)


class MfaRequired(PermissionDenied):
    """The user may see the org by role, but the org requires MFA and they have none."""

    def __init__(self, org: Organization):
        super().__init__(MFA_REQUIRED.format(org=org.name))
        self.org = org


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _mfa_allows(user) -> Q:
    """Orgs the user may open as far as MFA goes: those that do not require it, or all of them
    when the user has an authenticator (a subquery: no extra query per list)."""
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
    return Q(require_mfa=False) | Q(Exists(has_totp))


def _related_orgs(user) -> QuerySet[Organization]:
    if user.is_staff:
        return Organization.objects.all()
    member = Membership.objects.filter(org=OuterRef("pk"), user=user)
    assigned = ConsultantAssignment.objects.filter(org=OuterRef("pk"), consultant=user)
    return Organization.objects.filter(Q(Exists(member)) | Q(Exists(assigned)))


def orgs_visible_to(user) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return _related_orgs(user).filter(_mfa_allows(user))


# The orgs a user may open (orgs_visible_to), first by name, for the org switcher that every org
# page shows. Hand-written for the reason ROLES_SQL is: built with Exists the ORM spent about a
# fifth of the questionnaire page's time compiling it (cProfile, docs/performance.md). A test
# checks that it returns what orgs_visible_to returns and pins the table names.
SWITCHER_SQL = (
    "SELECT o.id, o.name, o.public_id FROM orgs_organization o WHERE "
    "(%s OR EXISTS (SELECT 1 FROM orgs_membership m WHERE m.org_id = o.id AND m.user_id = %s) "
    "OR EXISTS (SELECT 1 FROM orgs_consultantassignment a "
    "WHERE a.org_id = o.id AND a.consultant_id = %s)) "
    "AND (o.require_mfa = %s OR EXISTS (SELECT 1 FROM mfa_authenticator t "
    "WHERE t.user_id = %s AND t.type = %s)) "
    "ORDER BY o.name, o.id LIMIT %s"
)


def orgs_to_switch_to(user, limit: int) -> list[Organization]:
    """Up to `limit` of the orgs the user may open, by name (only name and public_id loaded)."""
    if not user.is_authenticated:
        return []
    params = [user.is_staff, user.pk, user.pk, False, user.pk, Authenticator.Type.TOTP, limit]
    return list(Organization.objects.raw(SWITCHER_SQL, params))


def orgs_held_back_by_mfa(user) -> QuerySet[Organization]:
    """Orgs the user has a role in but may not open before turning on MFA: named on the home
    page so that they do not silently vanish."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return _related_orgs(user).exclude(_mfa_allows(user))


class OrgAccess:
    """An org loaded for a user, with the roles that decided access; templates ask `access.can`."""

    def __init__(self, org: Organization, roles: frozenset[Role]):
        self.org = org
        self.roles = roles

    def can(self, perm: Perm | str) -> bool:
        return can(self.roles, perm if isinstance(perm, Perm) else Perm[perm])

    @property
    def can_answer(self) -> bool:
        return self.can(Perm.ANSWER)

    @property
    def can_run(self) -> bool:
        return self.can(Perm.RUN_ASSESSMENT)

    @property
    def can_manage(self) -> bool:
        return self.can(Perm.MANAGE)

    @property
    def can_grant(self) -> bool:
        return self.can(Perm.GRANT_CONSULTANT)

    @property
    def can_share(self) -> bool:
        return self.can(Perm.SHARE)

    @property
    def can_remove_leaders(self) -> bool:
        return may_remove(self.roles, Role.LEADER)

    def can_invite_leader(self, *, org_has_leader: bool) -> bool:
        return may_invite(self.roles, Role.LEADER, org_has_leader=org_has_leader)

    @property
    def role_label(self) -> str:
        for role in (Role.LEADER, Role.MEMBER, Role.CONSULTANT, Role.STAFF):
            if role in self.roles:
                return role.value.title()
        return ""


# The org by public id, the user's membership role and whether the user is assigned as a
# consultant, in one statement. Hand-written because every request runs it: the same query built
# with Subquery/Exists spent ~7 ms compiling per request against ~0.3 ms for this (measured in one
# process on this machine; docs/performance.md). Table names are pinned by a test.
ROLES_SQL = (
    "SELECT o.*, "
    "(SELECT m.role FROM orgs_membership m WHERE m.org_id = o.id AND m.user_id = %s LIMIT 1) "
    "AS member_role, "
    "EXISTS (SELECT 1 FROM orgs_consultantassignment a "
    "WHERE a.org_id = o.id AND a.consultant_id = %s) AS is_assigned "
    "FROM orgs_organization o WHERE o.public_id = %s"
)


def _org_with_roles(user, public_id) -> tuple[Organization | None, frozenset[Role]]:
    """The org and the user's roles in it, in one query."""
    try:
        db_public_id = Organization._meta.get_field("public_id").get_db_prep_value(
            public_id, connection
        )
    except (ValueError, ValidationError):
        return None, frozenset()
    found = list(Organization.objects.raw(ROLES_SQL, [user.pk, user.pk, db_public_id]))
    if not found:
        return None, frozenset()
    org = found[0]
    roles: set[Role] = set()
    if user.is_staff:
        roles.add(Role.STAFF)
    if org.member_role:
        roles.add(Role(org.member_role))
    if org.is_assigned:
        roles.add(Role.CONSULTANT)
    return org, frozenset(roles)


def org_for_user(user, public_id, perm: Perm) -> OrgAccess:
    org, roles = _org_with_roles(user, public_id)
    if not roles:
        log.warning("access denied (404): user=%s org=%s perm=%s", user.pk, public_id, perm.name)
        raise Http404("No such organization.")
    if not can(roles, perm):
        log.warning("access denied (403): user=%s org=%s perm=%s", user.pk, public_id, perm.name)
        raise PermissionDenied(NOT_ALLOWED.format(what=perm.value))
    # Checked after the role so that an org's MFA rule is never shown to someone without a role
    # in it; only orgs that set the rule pay for the extra query.
    if org.require_mfa and not has_mfa(user):
        log.warning("access denied (MFA required): user=%s org=%s", user.pk, public_id)
        raise MfaRequired(org)
    return OrgAccess(org, roles)


NOT_A_CONSULTANT = "Only consultants have a firm profile."


def consultant_for(user) -> Consultant:
    """The signed-in user's consultant record, for pages about their own firm (the firm profile
    and its logo); anyone else is refused with 403. No org is involved, so no 404 to hide one."""
    consultant = Consultant.objects.filter(user=user).first() if user.is_authenticated else None
    if consultant is None:
        log.warning("access denied (403): user=%s is not a consultant", user.pk)
        raise PermissionDenied(NOT_A_CONSULTANT)
    return consultant


NOT_A_CONSULTANT_CAMPAIGN = "Only consultants run campaigns."


def campaign_consultant(user):
    """The signed-in consultant, for campaign pages (a campaign is a consultant's own object:
    anyone else is refused with 403; a campaign of another consultant is then a 404)."""
    if not (user.is_authenticated and Consultant.objects.filter(user=user).exists()):
        log.warning("access denied (403): user=%s is not a consultant (campaigns)", user.pk)
        raise PermissionDenied(NOT_A_CONSULTANT_CAMPAIGN)
    return user


def orgs_assigned_to(user) -> QuerySet[Organization]:
    """The client orgs a consultant may start work in: assigned to them, and open to them as far
    as MFA goes (an org that requires MFA stays out until they turn it on)."""
    return orgs_visible_to(user).filter(
        Exists(ConsultantAssignment.objects.filter(org=OuterRef("pk"), consultant=user))
    )
