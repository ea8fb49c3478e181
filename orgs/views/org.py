"""An organization's pages: home, profile, people and consultant access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.prerender import report_pdf_prerender_org
from assessment.selectors import open_draft, respondent_progress, submitted_assessments
from orgs import ratelimits, services
from orgs.forms import ConsultantGrantForm, InvitationForm, OrganizationForm
from orgs.models import Consultant, Invitation, Membership
from orgs.permissions import Perm, Role, org_for_user
from plans import services as plan_services


@login_required
@require_http_methods(["GET", "POST"])
def org_new(request):
    is_consultant = Consultant.objects.filter(user=request.user).exists()
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = services.org_create(
            created_by=request.user, as_consultant=is_consultant, **form.cleaned_data
        )
        messages.success(request, f"{org.name} is ready.")
        return redirect("org_home", org_id=org.public_id)
    return render(request, "orgs/org_new.html", {"form": form, "is_consultant": is_consultant})


@login_required
@require_GET
def org_home(request, org_id):
    access = org_for_user(request.user, org_id, Perm.VIEW)
    org = access.org
    draft = open_draft(org)
    members = list(org.memberships.select_related("user").order_by("-role", "user__email"))
    has_leader = any(m.role == Membership.Role.LEADER for m in members)
    pending = list(
        org.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related(
            "invited_by"
        )
    )
    return render(
        request,
        "orgs/org_home.html",
        {
            "access": access,
            "org": org,
            "draft": draft,
            "progress": respondent_progress(assessment=draft) if draft else [],
            "past": submitted_assessments(org)[:50],
            "members": members,
            "can_invite_leader": access.can_invite_leader(org_has_leader=has_leader),
            "invitations": [inv for inv in pending if not inv.is_consultant],
            "consultant_invitations": [inv for inv in pending if inv.is_consultant],
            "assignments": org.assignments.select_related("consultant"),
            "invite_form": InvitationForm(),
            "consultant_form": ConsultantGrantForm(),
            "plan_progress": plan_services.progress(org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_profile(request, org_id):
    access = org_for_user(request.user, org_id, Perm.MANAGE)
    # Only a leader sets the MFA rule (product.md, "Roles and trust").
    form = OrganizationForm(
        request.POST or None,
        instance=access.org,
        mfa_setter=request.user if Role.LEADER in access.roles else None,
        with_reminders=True,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.changed_data:
            # Name, profile tags and paper size are all in the PDF's cache key: have the new
            # one ready (a change that alters nothing printed re-renders nothing).
            report_pdf_prerender_org(access.org)
        messages.success(request, "Profile saved.")
        return redirect("org_home", org_id=access.org.public_id)
    return render(
        request, "orgs/org_profile.html", {"form": form, "org": access.org, "access": access}
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_new(request, org_id):
    access = org_for_user(request.user, org_id, Perm.MANAGE)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = ratelimits.hit(ratelimits.INVITATIONS_PER_ORG, str(access.org.pk))
        if wait is not None:
            return ratelimits.too_many(request, wait, ratelimits.INVITATIONS_LIMITED)
        try:
            invitation = services.invitation_create(
                org=access.org,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                accept_url=lambda token: request.build_absolute_uri(
                    reverse("invitation_accept", args=[token])
                ),
            )
        except services.OrgError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("org_home", org_id=access.org.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "orgs/invitation_new.html",
        {"form": form, "org": access.org, "access": access},
        status=status,
    )


@login_required
@require_POST
def invitation_revoke_view(request, org_id, invitation_id):
    access = org_for_user(request.user, org_id, Perm.MANAGE)
    # Consultant invitations are pending grants, withdrawn at consultant_invitation_revoke.
    invitation = get_object_or_404(
        access.org.invitations.exclude(role=Invitation.Role.CONSULTANT), public_id=invitation_id
    )
    return _withdraw(request, access, invitation)


@login_required
@require_POST
def consultant_invitation_revoke_view(request, org_id, invitation_id):
    access = org_for_user(request.user, org_id, Perm.GRANT_CONSULTANT)
    invitation = get_object_or_404(
        access.org.invitations.filter(role=Invitation.Role.CONSULTANT), public_id=invitation_id
    )
    return _withdraw(request, access, invitation)


def _withdraw(request, access, invitation):
    try:
        services.invitation_revoke(invitation=invitation)
    except services.OrgError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("org_home", org_id=access.org.public_id)


@login_required
@require_POST
def member_remove(request, org_id, membership_id):
    access = org_for_user(request.user, org_id, Perm.MANAGE)
    membership = get_object_or_404(access.org.memberships.select_related("user"), pk=membership_id)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except services.OrgError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{membership.user.email} no longer has access.")
    return redirect("org_home", org_id=access.org.public_id)


@login_required
@require_POST
def consultant_grant_view(request, org_id):
    access = org_for_user(request.user, org_id, Perm.GRANT_CONSULTANT)
    form = ConsultantGrantForm(request.POST)
    if form.is_valid():
        # A grant may email an invitation: it counts against the org's invitation limit.
        wait = ratelimits.hit(ratelimits.INVITATIONS_PER_ORG, str(access.org.pk))
        if wait is not None:
            return ratelimits.too_many(request, wait, ratelimits.INVITATIONS_LIMITED)
        try:
            grant = services.consultant_grant(
                org=access.org,
                email=form.cleaned_data["email"],
                granted_by=request.user,
                accept_url=lambda token: request.build_absolute_uri(
                    reverse("invitation_accept", args=[token])
                ),
            )
        except services.OrgError as exc:
            messages.error(request, str(exc))
        else:
            if grant.assignment is not None:
                messages.success(request, grant.message)
            else:
                messages.warning(request, grant.message)
    else:
        messages.error(request, "Enter a valid email address.")
    return redirect("org_home", org_id=access.org.public_id)


@login_required
@require_POST
def consultant_revoke_view(request, org_id, assignment_id):
    access = org_for_user(request.user, org_id, Perm.GRANT_CONSULTANT)
    assignment = get_object_or_404(
        access.org.assignments.select_related("consultant"), pk=assignment_id
    )
    services.consultant_revoke(assignment=assignment)
    messages.success(request, f"{assignment.consultant.email} no longer has access.")
    return redirect("org_home", org_id=access.org.public_id)
