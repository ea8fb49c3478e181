"""Writes for orgs: sign-up, organizations, invitations, memberships and consultant access."""

from dataclasses import dataclass
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
INVITATION_GRANTER_GONE = (
    "This invitation is no longer valid: the person who sent it can no longer grant consultant "
    "access to {org}. Ask a leader of {org} for a new one."
)
INVITATION_UNCONFIRMED = (
    "Confirm {email} before you accept: open the confirmation link we emailed to it, or send a "
    "new one from the Email addresses page of your account. Then open this invitation again."
)
ALREADY_ASSIGNED = "{email} already has access to {org}."
CANNOT_GRANT = "Only a leader of {org} can grant consultant access. Nothing was changed."
CANNOT_GRANT_SELF = "You cannot grant consultant access to yourself."
CONSULTANT_GRANTED = "{email} can now see {org}."
# Worded so that the leader learns nothing they could not learn by asking the person: whether an
# account exists, but never anything about it beyond "not confirmed".
CONSULTANT_INVITED = (
    "{email} has no consultant account on Stagewise yet, so nothing was granted: we emailed an "
    "invitation to join {org} as a consultant. Access starts when they accept it."
)
CONSULTANT_UNCONFIRMED = (
    "{email} has not confirmed this address yet, so nothing was granted: consultant access goes "
    "only to a confirmed address. We emailed an invitation to {email}; access starts when its "
    "owner accepts it, signed in with the confirmed address."
)


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
    (a consultant's "first leader" invitation once the org has a leader; a consultant invitation
    once its sender may no longer grant consultant access)."""
    roles = roles_in(invitation.invited_by, invitation.org)
    if not may_invite(roles, invitation.role, org_has_leader=_org_has_leader(invitation.org)):
        gone = INVITATION_GRANTER_GONE if invitation.is_consultant else INVITATION_INVITER_GONE
        raise OrgError(gone.format(org=invitation.org.name))


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
    if role not in (Invitation.Role.LEADER, Invitation.Role.MEMBER):
        # Consultant invitations carry the grant rules (verified address): consultant_grant.
        raise OrgError(CANNOT_INVITE.format(org=org.name))
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
    _invitation_send(invitation, accept_url)
    return invitation


def _invitation_send(invitation: Invitation, accept_url) -> None:
    """Email the signed link (queued, like every email)."""
    inviter, org = invitation.invited_by, invitation.org
    link = accept_url(invitation_token(invitation))
    context = {"invitation": invitation, "link": link, "inviter": inviter, "days": 7}
    inviter_name = inviter.get_full_name() or inviter.email
    as_what = " as a consultant" if invitation.is_consultant else ""
    # Names may hold line breaks; a subject must not (Django refuses one with a line break).
    subject = " ".join(f"{inviter_name} invited you to {org.name}{as_what} on Stagewise".split())
    send_mail(
        subject=subject,
        message=render_to_string("orgs/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership | ConsultantAssignment:
    """Join the org (member and leader invitations) or take up consultant access (consultant
    invitations); returns the membership or the assignment."""
    # Lock the row so a link clicked twice at once still makes one membership.
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("org", "invited_by")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at or invitation.revoked_at:
        raise OrgError(INVITATION_USED if invitation.accepted_at else INVITATION_REVOKED)
    if invitation.is_consultant:
        return _consultant_invitation_accept(invitation, user)
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


def _consultant_invitation_accept(invitation: Invitation, user) -> ConsultantAssignment:
    """Consultant access goes to the account that has *proven* it owns the invited address
    (security review, issue 11, finding 2): holding the link or typing the address at sign-up
    is not enough. Called inside invitation_accept's transaction, with the row locked."""
    target = normalise_email(invitation.email)
    matching = [
        address
        for address in EmailAddress.objects.filter(user=user)
        if normalise_email(address.email) == target
    ]
    if not matching:
        raise OrgError(INVITATION_WRONG_EMAIL.format(email=invitation.email))
    if not any(address.verified for address in matching):
        raise OrgError(INVITATION_UNCONFIRMED.format(email=invitation.email))
    if user.pk == invitation.invited_by_id:
        raise OrgError(CANNOT_GRANT_SELF)
    _check_inviter_still_may(invitation)
    # Accepting is how someone without a consultant account becomes a consultant.
    Consultant.objects.get_or_create(user=user)
    assignment, _ = ConsultantAssignment.objects.get_or_create(
        consultant=user, org=invitation.org, defaults={"granted_by": invitation.invited_by}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return assignment


@dataclass(frozen=True)
class Grant:
    """What a grant did: access given now (`assignment`), or an invitation sent (`invitation`)
    because the address has no verified consultant account; `message` tells the granter which."""

    message: str
    assignment: ConsultantAssignment | None = None
    invitation: Invitation | None = None


def _verified_owner(email: str):
    """The account that proved it owns `email` (a verified allauth address), or None. Addresses
    are stored normalised, so the database comparison is exact after normalise_email."""
    address = (
        EmailAddress.objects.select_related("user")
        .filter(email__iexact=email, verified=True)
        .first()
    )
    return address.user if address else None


@transaction.atomic
def consultant_grant(*, org: Organization, email: str, granted_by, accept_url) -> Grant:
    """Give consultant access to the person at `email`. Only a consultant account whose address
    is verified gets access at once; any other address (no account, an account that is not a
    consultant's, or one whose address is unconfirmed) gets an invitation to join as a
    consultant, and nothing is granted until its owner accepts it from the verified address.
    `accept_url(token)` builds the link for the email."""
    email = normalise_email(email)
    if not may_invite(roles_in(granted_by, org), Role.CONSULTANT, org_has_leader=True):
        raise OrgError(CANNOT_GRANT.format(org=org.name))
    if email == normalise_email(granted_by.email or ""):
        raise OrgError(CANNOT_GRANT_SELF)
    if org.assignments.filter(consultant__email__iexact=email).exists():
        raise OrgError(ALREADY_ASSIGNED.format(email=email, org=org.name))
    owner = _verified_owner(email)
    if owner is not None and Consultant.objects.filter(user=owner).exists():
        try:
            with transaction.atomic():
                assignment = ConsultantAssignment.objects.create(
                    consultant=owner, org=org, granted_by=granted_by
                )
        except IntegrityError as exc:
            raise OrgError(ALREADY_ASSIGNED.format(email=email, org=org.name)) from exc
        return Grant(CONSULTANT_GRANTED.format(email=email, org=org.name), assignment=assignment)
    if org.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise OrgError(ALREADY_INVITED.format(email=email))
    unconfirmed = owner is None and (
        EmailAddress.objects.filter(email__iexact=email).exists()
        or get_user_model().objects.filter(email__iexact=email).exists()
    )
    invitation = Invitation.objects.create(
        org=org, email=email, role=Invitation.Role.CONSULTANT, invited_by=granted_by
    )
    _invitation_send(invitation, accept_url)
    message = CONSULTANT_UNCONFIRMED if unconfirmed else CONSULTANT_INVITED
    return Grant(message.format(email=email, org=org.name), invitation=invitation)


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
