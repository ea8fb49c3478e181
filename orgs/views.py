"""Account and organization pages. Each view: read input, call a service, render."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assessment.selectors import open_draft, respondent_progress, submitted_assessments
from orgs import services
from orgs.forms import ConsultantGrantForm, InvitationForm, OrganizationForm, SignupForm
from orgs.models import Consultant
from orgs.permissions import Perm, org_for_user, orgs_visible_to
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


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, org = services.account_signup(
            email=data["email"],
            name=data["name"],
            password=data["password"],
            is_consultant=data["kind"] == "consultant",
            org_name=data.get("org_name", ""),
            company=data.get("company", ""),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Stagewise. Your account is ready.")
        if org is not None:
            return redirect("org_home", org_id=org.public_id)
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except services.OrgError as exc:
        return render(request, "orgs/invitation_invalid.html", {"error": str(exc)}, status=410)
    if not request.user.is_authenticated:
        form = SignupForm(request.POST or None, invited_email=invitation.email)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            user, _ = services.account_signup(
                email=invitation.email,
                name=data["name"],
                password=data["password"],
                is_consultant=False,
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _accept(request, invitation)
        return render(
            request, "orgs/invitation_accept.html", {"invitation": invitation, "form": form}
        )
    if request.method == "POST":
        return _accept(request, invitation)
    return render(request, "orgs/invitation_accept.html", {"invitation": invitation})


def _accept(request, invitation):
    try:
        services.invitation_accept(invitation=invitation, user=request.user)
    except services.OrgError as exc:
        return render(request, "orgs/invitation_invalid.html", {"error": str(exc)}, status=409)
    messages.success(request, f"You joined {invitation.org.name}.")
    return redirect("org_home", org_id=invitation.org.public_id)


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
def org_home(request, org_id):
    access = org_for_user(request.user, org_id, Perm.VIEW)
    org = access.org
    draft = open_draft(org)
    return render(
        request,
        "orgs/org_home.html",
        {
            "access": access,
            "org": org,
            "draft": draft,
            "progress": respondent_progress(assessment=draft) if draft else [],
            "past": submitted_assessments(org)[:50],
            "members": org.memberships.select_related("user").order_by("-role", "user__email"),
            "invitations": org.invitations.filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            ).select_related("invited_by"),
            "assignments": org.assignments.select_related("consultant"),
            "invite_form": InvitationForm(),
            "consultant_form": ConsultantGrantForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_profile(request, org_id):
    access = org_for_user(request.user, org_id, Perm.MANAGE)
    form = OrganizationForm(request.POST or None, instance=access.org)
    if request.method == "POST" and form.is_valid():
        form.save()
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
            form.add_error("email", str(exc))
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
    invitation = get_object_or_404(access.org.invitations, public_id=invitation_id)
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
        services.membership_remove(membership=membership)
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
        try:
            services.consultant_grant(
                org=access.org, email=form.cleaned_data["email"], granted_by=request.user
            )
        except services.OrgError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{form.cleaned_data['email']} can now see {access.org.name}."
            )
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
