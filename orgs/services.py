"""Writes for orgs: sign-up, organizations, invitations, memberships and consultant access."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from orgs.emails import normalise_email
from orgs.models import Consultant, ConsultantAssignment, Invitation, Membership, Organization
from orgs.permissions import Role, may_invite, may_remove, roles_in

INVITATION_SALT = "stagewise.invitation"
INVITATION_MAX_AGE = timedelta(days=7)

INVITATION_INVALID = "This invitation link is not valid. Ask for a new one."
INVITATION_EXPIRED = (
    "This invitation link has expired. Ask the person who invited you for a new one."
)
INVITATION_USED = "This invitation has already been used."
INVITATION_REVOKED = "This invitation was withdrawn."
INVITATION_WRONG_EMAIL = (
    "This invitation was sent to {email}. Log in with that address to accept it."
)
ALREADY_MEMBER = "{email} is already a member of {org}."
ALREADY_INVITED = "{email} already has a pending invitation."
LAST_LEADER = "An organization needs at least one leader; make someone else leader first."
INVITATION_INVITER_GONE = (
    "This invitation is no longer valid: the person who sent it can no longer invite people "
    "to {org}. Ask a leader of {org} for a new one."
)
CANNOT_INVITE_SELF = "You cannot invite yourself; ask a leader of {org} to invite you."
CANNOT_INVITE_LEADER = (
    "Only a leader of {org} can invite another leader. A consultant may invite the first leader "
    "of an organization that has none; invite this person as a member instead."
)
CANNOT_INVITE = "Your role in {org} does not let you invite people."
CANNOT_REMOVE_LEADER = "Only a leader of {org} can remove a leader. Nothing was changed."
CANNOT_REMOVE = "Your role in {org} does not let you remove people. Nothing was changed."
NOT_A_CONSULTANT = "{email} has no consultant account on Stagewise."
ALREADY_ASSIGNED = "{email} already has access to {org}."


class OrgError(Exception):
    """A request that breaks an org rule; the message is shown to the user."""


def unique_org_slug(name: str) -> str:
    return (slugify(name) or "org")[:60]


@transaction.atomic
def org_create(*, name: str, created_by, as_consultant: bool = False, **profile) -> Organization:
    org = Organization.objects.create(
        name=name, slug=unique_org_slug(name), created_by=created_by, **profile
    )
    if as_consultant:
        ConsultantAssignment.objects.create(consultant=created_by, org=org, granted_by=created_by)
    else:
        Membership.objects.create(user=created_by, org=org, role=Membership.Role.LEADER)
    return org


@transaction.atomic
def account_setup(*, user, is_consultant: bool, org_name: str = "", company: str = ""):
    """What a new account starts with: a CS leader gets their org (as leader), a consultant gets
    a portfolio. Returns the org (None for consultants). The sign-up form calls this."""
    if is_consultant:
        Consultant.objects.create(user=user, company=company)
        return None
    if org_name:
        return org_create(name=org_name, created_by=user)
    return None


@transaction.atomic
def account_signup(
    *,
    email: str,
    name: str,
    password: str,
    is_consultant: bool,
    org_name: str = "",
    company="",
    verified: bool = False,
):
    """Create a user outside the sign-up page (invitations, demo data, tests), with the primary
    address allauth logs in by. `verified` only when the address is proven (an invitation link
    reached it) or is ours (demo accounts)."""
    email = normalise_email(email)
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, first_name=name
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    org = account_setup(user=user, is_consultant=is_consultant, org_name=org_name, company=company)
    return user, org


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation behind a link, or OrgError saying why the link does not work."""
    try:
        public_id = signing.loads(
            token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired as exc:
        raise OrgError(INVITATION_EXPIRED) from exc
    except signing.BadSignature as exc:
        raise OrgError(INVITATION_INVALID) from exc
    invitation = Invitation.objects.select_related("org").filter(public_id=public_id).first()
    if invitation is None:
        raise OrgError(INVITATION_INVALID)
    if invitation.revoked_at:
        raise OrgError(INVITATION_REVOKED)
    if invitation.accepted_at:
        raise OrgError(INVITATION_USED)
    _check_inviter_still_may(invitation)
    return invitation


def _org_has_leader(org: Organization) -> bool:
    return org.memberships.filter(role=Membership.Role.LEADER).exists()


def _check_inviter_still_may(invitation: Invitation) -> None:
    """An invitation is only as good as its sender's access *now*: it dies when the inviter
    loses access to the org (revoked consultant, removed member) or could no longer send it
    (a consultant's "first leader" invitation once the org has a leader)."""
    roles = roles_in(invitation.invited_by, invitation.org)
    if not may_invite(roles, invitation.role, org_has_leader=_org_has_leader(invitation.org)):
        raise OrgError(INVITATION_INVITER_GONE.format(org=invitation.org.name))


def _invitations_die(*, org: Organization, inviter) -> None:
    """Withdraw what `inviter` sent to `org` that nobody has accepted yet."""
    org.invitations.filter(
        invited_by=inviter, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def invitation_create(
    *, org: Organization, email: str, role: str, invited_by, accept_url
) -> Invitation:
    """Invite someone by email. `accept_url(token)` builds the absolute link for the email.
    The inviter's roles in the org decide which roles they may hand out (product.md)."""
    email = normalise_email(email)
    roles = roles_in(invited_by, org)
    if email == normalise_email(invited_by.email or ""):
        raise OrgError(CANNOT_INVITE_SELF.format(org=org.name))
    if not may_invite(roles, role, org_has_leader=_org_has_leader(org)):
        if role == Membership.Role.LEADER and may_invite(
            roles, Membership.Role.MEMBER, org_has_leader=True
        ):
            raise OrgError(CANNOT_INVITE_LEADER.format(org=org.name))
        raise OrgError(CANNOT_INVITE.format(org=org.name))
    if org.memberships.filter(user__email__iexact=email).exists():
        raise OrgError(ALREADY_MEMBER.format(email=email, org=org.name))
    if org.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise OrgError(ALREADY_INVITED.format(email=email))
    invitation = Invitation.objects.create(org=org, email=email, role=role, invited_by=invited_by)
    link = accept_url(invitation_token(invitation))
    context = {"invitation": invitation, "link": link, "inviter": invited_by, "days": 7}
    inviter_name = invited_by.get_full_name() or invited_by.email
    # Names may hold line breaks; a subject must not (Django refuses one with a line break).
    subject = " ".join(f"{inviter_name} invited you to {org.name} on Stagewise".split())
    send_mail(
        subject=subject,
        message=render_to_string("orgs/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    # Lock the row so a link clicked twice at once still makes one membership.
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("org", "invited_by")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at or invitation.revoked_at:
        raise OrgError(INVITATION_USED if invitation.accepted_at else INVITATION_REVOKED)
    if normalise_email(user.email) != normalise_email(invitation.email):
        raise OrgError(INVITATION_WRONG_EMAIL.format(email=invitation.email))
    # Checked again here, not only when the link was opened: access may have gone since.
    if user.pk == invitation.invited_by_id:
        raise OrgError(CANNOT_INVITE_SELF.format(org=invitation.org.name))
    _check_inviter_still_may(invitation)
    membership, created = Membership.objects.get_or_create(
        user=user, org=invitation.org, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.LEADER:
        membership.role = Membership.Role.LEADER
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.accepted_at:
        raise OrgError(INVITATION_USED)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """Remove someone from the org. Leaders are removed only by a leader or staff; whatever the
    removed person had sent and nobody accepted dies with their access."""
    org = Organization.objects.select_for_update().get(pk=membership.org_id)
    roles = roles_in(by, org)
    if not may_remove(roles, membership.role):
        if membership.role == Membership.Role.LEADER and may_remove(roles, Role.MEMBER):
            raise OrgError(CANNOT_REMOVE_LEADER.format(org=org.name))
        raise OrgError(CANNOT_REMOVE.format(org=org.name))
    if (
        membership.role == Membership.Role.LEADER
        and org.memberships.filter(role=Membership.Role.LEADER).count() <= 1
    ):
        raise OrgError(LAST_LEADER)
    membership.delete()
    _invitations_die(org=org, inviter=membership.user)


def consultant_grant(*, org: Organization, email: str, granted_by) -> ConsultantAssignment:
    email = normalise_email(email)
    consultant = Consultant.objects.select_related("user").filter(user__email__iexact=email).first()
    if consultant is None:
        raise OrgError(NOT_A_CONSULTANT.format(email=email))
    try:
        with transaction.atomic():
            return ConsultantAssignment.objects.create(
                consultant=consultant.user, org=org, granted_by=granted_by
            )
    except IntegrityError as exc:
        raise OrgError(ALREADY_ASSIGNED.format(email=email, org=org.name)) from exc


@transaction.atomic
def consultant_revoke(*, assignment: ConsultantAssignment) -> None:
    """End a consultant's access to the org completely: the assignment, any membership they
    hold there (however it was obtained) and every invitation they sent that is still pending.
    Only leaders and staff revoke (Perm.GRANT_CONSULTANT), so removing a leader membership here
    keeps the rule that only a leader or staff removes a leader."""
    org, consultant = assignment.org, assignment.consultant
    assignment.delete()
    org.memberships.filter(user=consultant).delete()
    _invitations_die(org=org, inviter=consultant)
