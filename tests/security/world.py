"""The world the permission matrix runs in (two orgs alike, A and B, with every object their URLs
name), and each case's URL, form data and the markers a page must not leak. The table itself is
in tests/security/matrix.py."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment.bank import bank_load
from assessment.models import Assessment, ShareLink
from assessment.services import AnswerInput, answers_save
from assessment.sharing import share_link_create, share_link_revoke
from campaigns.models import Campaign, CampaignOrg
from orgs.models import ConsultantAssignment, Invitation, Membership, Organization
from orgs.services import invitation_token
from plans.models import Plan, PlanItem
from tests.bank.test_bank_file_v2 import MINI_BANK_V2
from tests.branding import images
from tests.branding.helpers import firm_for
from tests.conftest import MINI_BANK, Personas
from tests.factories import AssignmentFactory, ConsultantFactory, OrganizationFactory, UserFactory
from tests.history.helpers import submit
from tests.security.matrix import PERSONAS, SHARE_TOKENS, Case, relates_to

PASSWORD = "correct horse battery staple"  # every factory-made user's password
NEW_PASSWORD = "an unrelated passphrase of 2026"


@dataclass
class Side:
    """One org and the objects its URLs name."""

    org: Organization
    draft: Assessment
    submitted: Assessment
    invitation: Invitation
    token: str  # the invitation link's signed token
    consultant_invitation: Invitation  # a pending consultant grant
    consultant_token: str
    membership: Membership  # the member's
    assignment: ConsultantAssignment  # the org's consultant's
    roadmap_result: Assessment  # an earlier result on the practice-level bank: a roadmap to adopt
    plan_item: PlanItem  # owned by the org's member
    unowned_item: PlanItem  # owned by nobody
    former: object  # a removed member whose answers are still in the draft
    emails: tuple[str, ...]  # people only those related to the org may see
    share_link: ShareLink  # a live link to the submitted report
    share_tokens: dict[str, str]  # "share", "share_expired", "share_revoked", "share_tampered"


@dataclass
class World:
    people: dict  # persona → user ("anonymous" has none)
    orgs: dict[str, Organization]  # "A", "A2", "B", "B2"
    sides: dict[str, Side]  # "A", "B"
    answers: dict[str, str]  # each Alpha question's id → its level-4 option id
    reset_link: tuple[str, str]  # (uidb36, key) of a password-reset link
    confirm_key: str  # the key of an email-confirmation link (another user's unverified address)
    sessions: dict[str, str]  # persona → the key of a session it is signed in with
    campaign: Campaign | None = None  # consultant_a's, following A's open draft


def _every_answer(version, level: int) -> list[AnswerInput]:
    return [
        AnswerInput(str(question.pk), str(option.pk))
        for domain in version.domains.prefetch_related("questions__options")
        for question in domain.questions.all()
        for option in question.options.all()
        if option.level == level
    ]


def _side(org, leader, member, consultant, version, v2_version) -> Side:
    """An earlier result on the practice-level bank with two of its plan items (one the
    member's), a submitted result, then an open draft the member has fully answered (so it can be
    submitted), a pending invitation and a pending consultant invitation, the member's
    membership and the consultant's assignment."""
    roadmap_result = submit(org, v2_version, leader, 2, days_ago=30)
    plan = Plan.objects.create(org=org)
    plan_items = [
        PlanItem.objects.create(
            plan=plan,
            action_key=key,
            title=f"{org.name} action {key}",
            domain_key="alpha",
            domain_name="Alpha Domain",
            horizon=30,
            due_date=datetime.date(2030, 1, 1),
            owner=owner,
            source_assessment=roadmap_result,
        )
        for key, owner in (("owned", member), ("unowned", None))
    ]
    submitted = submit(org, version, leader, 3)
    draft = Assessment.objects.create(org=org, version=version, started_by=leader)
    answers_save(assessment=draft, respondent=member, items=_every_answer(version, 3))
    invitation = Invitation.objects.create(
        org=org, email=f"invitee-{org.slug}@example.com", invited_by=leader
    )
    consultant_invitation = Invitation.objects.create(
        org=org,
        email=f"adviser-{org.slug}@example.com",
        role=Invitation.Role.CONSULTANT,
        invited_by=leader,
    )
    former = UserFactory(email=f"former-{org.slug}@example.com")
    Membership.objects.create(user=former, org=org)
    answers_save(assessment=draft, respondent=former, items=_every_answer(version, 1)[:2])
    Membership.objects.filter(user=former, org=org).delete()
    share_link, share = share_link_create(assessment=submitted, by=leader)
    expired, share_expired = share_link_create(assessment=submitted, by=leader)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked, share_revoked = share_link_create(assessment=submitted, by=leader)
    share_link_revoke(link=revoked)
    return Side(
        org=org,
        draft=draft,
        submitted=submitted,
        invitation=invitation,
        token=invitation_token(invitation),
        consultant_invitation=consultant_invitation,
        consultant_token=invitation_token(consultant_invitation),
        membership=Membership.objects.get(org=org, user=member),
        assignment=ConsultantAssignment.objects.get(org=org, consultant=consultant),
        roadmap_result=roadmap_result,
        plan_item=plan_items[0],
        unowned_item=plan_items[1],
        former=former,
        emails=(
            leader.email,
            member.email,
            invitation.email,
            consultant_invitation.email,
            former.email,
        ),
        share_link=share_link,
        share_tokens={
            "share": share,
            "share_expired": share_expired,
            "share_revoked": share_revoked,
            # One character changed: the right length and alphabet, the wrong hash.
            "share_tampered": share[:-1] + ("A" if share[-1] != "A" else "B"),
        },
    )


def build_world() -> World:
    """Org A and org B built alike, plus a second client for each org's consultant."""
    personas = Personas()
    version, _ = bank_load(text=MINI_BANK.read_text(encoding="utf-8"))
    v2_version, _ = bank_load(text=MINI_BANK_V2.read_text(encoding="utf-8"))
    # Campaigns start the current questionnaire (slug cs-maturity): the mini bank stands in.
    mini_text = MINI_BANK.read_text(encoding="utf-8")
    bank_load(text=mini_text.replace("slug: mini", "slug: cs-maturity", 1))
    consultant_b = ConsultantFactory().user
    AssignmentFactory(consultant=consultant_b, org=personas.org_b)
    orgs = {
        "A": personas.org_a,
        "A2": OrganizationFactory(name="Acme Labs"),
        "B": personas.org_b,
        "B2": OrganizationFactory(name="Bravo Labs"),
    }
    AssignmentFactory(consultant=personas.consultant_a, org=orgs["A2"])
    firm_for(personas.consultant_a)  # A's reports carry a firm's brand; B's carry Stagewise's
    AssignmentFactory(consultant=consultant_b, org=orgs["B2"])
    sides = {
        "A": _side(
            orgs["A"],
            personas.leader_a,
            personas.member_a,
            personas.consultant_a,
            version,
            v2_version,
        ),
        "B": _side(
            orgs["B"], personas.leader_b, personas.member_b, consultant_b, version, v2_version
        ),
    }
    alpha = version.domains.get(key="alpha").questions.prefetch_related("options")
    reset_user = UserFactory()
    unverified = UserFactory(verified_email=False)
    people = {p: getattr(personas, p) for p in PERSONAS if p != "anonymous"}
    world = World(
        people=people,
        orgs=orgs,
        sides=sides,
        answers={
            str(q.pk): str(next(o.pk for o in q.options.all() if o.level == 4)) for q in alpha
        },
        reset_link=(
            user_pk_to_url_str(reset_user),
            default_token_generator.make_token(reset_user),
        ),
        confirm_key=EmailConfirmationHMAC(EmailAddress.objects.get(user=unverified)).key,
        sessions={persona: _session(user) for persona, user in people.items()},
    )
    world.campaign = Campaign.objects.create(
        consultant=personas.consultant_a, name="Matrix campaign", due_date=datetime.date(2030, 1, 1)
    )
    CampaignOrg.objects.create(
        campaign=world.campaign,
        org=orgs["A"],
        assessment=sides["A"].draft,
        start=CampaignOrg.Start.JOINED,
    )
    _render_pdfs_once(world)
    return world


def _session(user) -> str:
    """Signed in once here, not per case: each case's changes to its session are rolled back."""
    client = Client()
    client.force_login(user)
    return client.session.session_key


def _render_pdfs_once(world: World) -> None:
    """Each allowed PDF request would otherwise render the report anew; rendered once here,
    the cached copy is served (the cache key is the same for every viewer)."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["staff"]
    for side in world.sides.values():
        response = client.get(
            reverse("assessment_pdf", args=[side.org.public_id, side.submitted.public_id])
        )
        assert response.status_code == 200


def case_url(case: Case, world: World) -> str:
    org = world.sides.get(case.variant.org)
    objects = world.sides.get(case.variant.objects)
    kwargs: dict = {}
    for key in case.row.path:
        if key == "org":
            kwargs["org_id"] = org.org.public_id
        elif key in ("plan_item", "unowned_item"):
            kwargs["item_id"] = getattr(objects, key).public_id
        elif key in ("draft", "submitted", "roadmap_result"):
            kwargs["assessment_id"] = getattr(objects, key).public_id
        elif key in ("invitation", "consultant_invitation"):
            kwargs["invitation_id"] = getattr(objects, key).public_id
        elif key == "membership":
            kwargs["membership_id"] = objects.membership.pk
        elif key == "assignment":
            kwargs["assignment_id"] = objects.assignment.pk
        elif key == "domain":
            kwargs["domain_key"] = "alpha"
        elif key in ("token", "consultant_token"):
            kwargs["token"] = getattr(objects, key)
        elif key in SHARE_TOKENS:
            kwargs["token"] = objects.share_tokens[key]
        elif key == "share_link":
            kwargs["link_id"] = objects.share_link.pk
        elif key == "campaign":
            kwargs["campaign_id"] = world.campaign.public_id
        elif key == "accent":
            kwargs["accent"] = "1d4e89"
        elif key == "reset":
            kwargs["uidb36"], kwargs["key"] = world.reset_link
        elif key == "confirm":
            kwargs["key"] = world.confirm_key
    query = [(name, str(getattr(objects, key).public_id)) for name, key in case.row.query]
    query += [("org", str(world.orgs[key].public_id)) for key in case.variant.orgs]
    url = reverse(case.row.name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


def payload(case: Case, world: World) -> dict:
    """Form data that does the row's job when the persona is allowed to."""
    people = world.people
    first_question, level_4 = next(iter(world.answers.items()))
    return {
        "": {},
        "profile": {"name": "Renamed Co"},
        "invite": {"email": "new-colleague@example.com", "role": "member"},
        "grant": {"email": people["consultant_other"].email},
        "answers": {f"q-{q}": option for q, option in world.answers.items()} | {"go": "review"},
        "autosave": {"question": first_question, "value": level_4},
        "targets": {"target-alpha": "5"},
        "adopt": {"all": "1"},
        "plan_status": {"status": "in_progress"},
        "plan_comment": {"text": "On it."},
        "share": {"days": "30"},
        "firm": {
            "name": "Renamed Firm",
            "accent": "#1d4e89",
            "logo": SimpleUploadedFile("logo.png", images.png(), content_type="image/png"),
        },
        "submit": {"confirm": "1"},
        "campaign": {
            "name": "Matrix start",
            "due_date": "2099-12-31",
            "org": [str(world.orgs["A2"].public_id)],
        },
        "calibrate": {"question": first_question, "level": "3", "rationale": "Agreed."},
        "due_date": {"due_date": "2099-12-31"},
        "exclude": {
            "respondent": world.sides[case.variant.objects or "A"].former.pk,
            "excluded": "1",
        },
        "signup": {
            "name": "New Leader",
            "email": "new-leader@example.com",
            "password1": NEW_PASSWORD,
            "kind": "leader",
            "org_name": "Newco",
        },
        "invited_signup": {"name": "Invited Person", "password": NEW_PASSWORD},
        "login": {"login": people["leader_a"].email, "password": PASSWORD},
        "password_change": {
            "oldpassword": PASSWORD,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        "password_reset": {"email": "someone@example.com"},
        "set_password": {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        "reauthenticate": {"password": PASSWORD},
        "account_name": {"first_name": "Renamed", "last_name": "Person"},
        "add_email": {"action_add": "", "email": "second-address@example.com"},
        "totp": {"code": "123456"},
        "new_org": {"name": "Brand New Co"},
        "admin_delete": {
            "action": "delete_selected",
            "_selected_action": [world.sides["A"].submitted.pk],
            "post": "yes",
        },
        "admin_delete_draft": {
            "action": "delete_selected",
            "_selected_action": [world.sides["A"].draft.pk],
            "post": "yes",
        },
    }[case.row.data]


def markers(persona: str, world: World) -> list[str]:
    """What no page may show this persona: the names, ids and people of orgs it is not in."""
    found = []
    for key, org in world.orgs.items():
        if not relates_to(persona, key):
            found += [org.name, str(org.public_id)]
            if key in world.sides:
                found += world.sides[key].emails
    return found
