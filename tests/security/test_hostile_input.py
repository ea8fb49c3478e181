"""Hostile input in every text field a user can write (issue #6, item 2): each field is filled
through its real view and every page, PDF and CSV that shows it is read back. Markup comes back
escaped, PDFs fetch nothing from a loopback canary and carry no file, spreadsheets get no
formula, NUL bytes and oversized or overfull requests are refused with a clear message and
leave nothing stored.

Outputs per markup payload: org name 12 pages, industry 2, sign-up name and org name 2 each,
notes (autosave, plain form) 2 each, invited person's name 4, portfolio search 1, target key 1,
compare ids 1; emails: invitation 3, consultant grant 1. PDFs combine every payload at once."""

import csv
import io
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from assessment.models import Answer, Assessment
from orgs import services as org_services
from orgs.models import ConsultantAssignment, Invitation, Membership, Organization
from tests.assessment.conftest import option_id, question_id
from tests.factories import AssignmentFactory, ConsultantFactory
from tests.report.conftest import every_question, save_answers, submitted_assessment
from tests.security.hostile import (
    EMAIL_PAYLOADS,
    FORMULA_CELLS,
    PAYLOADS,
    RTL_OVERRIDE,
    Canary,
    all_payloads,
    no_spaces,
    payload_text,
    pdf_embedded_files,
    pdf_text,
)

PASSWORD = "a-long-unusual-passphrase-42"
PROFILE = {
    "arr_band": "5m-20m",
    "segment": "mid-market",
    "team_size": "6-20",
    "team_age": "1-3y",
    "industry": "Software",
}
TOO_BIG = "The request was too large or malformed"


@pytest.fixture(scope="module")
def canary():
    server = Canary()
    yield server
    server.close()


@pytest.fixture(params=list(PAYLOADS))
def payload(request, canary) -> str:
    return payload_text(request.param, canary)


def logged_in(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def problems_showing(text: str, pages: dict[str, str]) -> list[str]:
    """The pages that show `text` raw, or fail to show it escaped."""
    found = []
    for name, html in pages.items():
        if text in html:
            found.append(f"{name}: raw")
        elif escape(text) not in html:
            found.append(f"{name}: missing")
    return found


def get_ok(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


@dataclass
class Site:
    """Org A with a submitted result, an open draft its leader has answered in full, and a
    pending invitation; its consultant also follows org B (so there is something to compare)."""

    personas: object
    version: object
    result: Assessment
    draft: Assessment
    invitation: Invitation

    @property
    def org(self):
        return self.personas.org_a

    def assessment_url(self, name: str, assessment: Assessment, *extra) -> str:
        return reverse(name, args=[self.org.public_id, assessment.public_id, *extra])

    def org_url(self, name: str) -> str:
        return reverse(name, args=[self.org.public_id])

    def post_profile(self, **fields):
        data = {"name": self.org.name, **PROFILE, **fields}
        return logged_in(self.personas.leader_a).post(self.org_url("org_profile"), data)

    def invite_and_join(self, email: str, name: str):
        """Invite `email` to org A and accept as a new person called `name`: the new user."""
        leader = logged_in(self.personas.leader_a)
        response = leader.post(self.org_url("invitation_new"), {"email": email, "role": "member"})
        assert response.status_code == 302
        invitation = Invitation.objects.get(email=email.lower())
        link = reverse("invitation_accept", args=[org_services.invitation_token(invitation)])
        response = Client().post(link, {"name": name, "password": PASSWORD})
        assert response.status_code == 302
        return get_user_model().objects.get(email=email.lower())

    def autosave(self, user, question_key: str, level: int, note: str):
        return logged_in(user).post(
            self.assessment_url("assessment_autosave", self.draft),
            {
                "question": question_id(self.version, question_key),
                "value": option_id(self.version, question_key, level),
                "note": note,
            },
        )

    def submit_draft(self):
        response = logged_in(self.personas.leader_a).post(
            self.assessment_url("assessment_submit", self.draft), {"confirm": "1"}
        )
        assert response.status_code == 302
        assert response.url == self.assessment_url("assessment_result", self.draft)

    def pages_showing_the_org(self) -> dict[str, str]:
        """Every page that shows org A's name, as the person who would see it."""
        leader = logged_in(self.personas.leader_a)
        consultant = logged_in(self.personas.consultant_a)
        compare = urlencode([("org", self.org.public_id), ("org", self.personas.org_b.public_id)])
        token = org_services.invitation_token(self.invitation)
        return {
            "org home": get_ok(leader, self.org_url("org_home")),
            "org profile": get_ok(leader, self.org_url("org_profile")),
            "history": get_ok(leader, self.org_url("org_history")),
            "benchmark": get_ok(leader, self.org_url("org_benchmark")),
            "domain page": get_ok(
                leader, self.assessment_url("assessment_domain", self.draft, "alpha")
            ),
            "review": get_ok(leader, self.assessment_url("assessment_review", self.draft)),
            "report page": get_ok(leader, self.assessment_url("assessment_result", self.result)),
            "invitation form": get_ok(leader, self.org_url("invitation_new")),
            "invitation link": get_ok(Client(), reverse("invitation_accept", args=[token])),
            "portfolio": get_ok(consultant, reverse("home")),
            "compare": get_ok(consultant, reverse("compare") + "?" + compare),
            "consultant granted message": leader.post(
                self.org_url("consultant_grant"),
                {"email": self.personas.consultant_other.email},
                follow=True,
            ).content.decode(),
        }


@pytest.fixture
def site(personas, mini_version) -> Site:
    AssignmentFactory(consultant=personas.consultant_a, org=personas.org_b)
    people = {personas.leader_a: every_question(mini_version, 3)}
    result = submitted_assessment(personas.org_a, mini_version, personas.leader_a, people)
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    save_answers(draft, personas.leader_a, every_question(mini_version, 2))
    invitation = Invitation.objects.create(
        org=personas.org_a, email="invitee@example.com", invited_by=personas.leader_a
    )
    return Site(personas, mini_version, result, draft, invitation)


# --- markup in every field, read back from every page that shows it ---------------------------


def test_org_name_from_the_profile_form_is_escaped_on_every_page(site, payload):
    assert site.post_profile(name=payload).status_code == 302
    site.org.refresh_from_db()
    assert site.org.name == payload
    assert problems_showing(payload, site.pages_showing_the_org()) == []


def test_industry_from_the_profile_form_is_escaped_on_every_page(site, payload):
    industry = payload[:80]  # the field's limit
    assert site.post_profile(industry=industry).status_code == 302
    leader = logged_in(site.personas.leader_a)
    pages = {
        "org home": get_ok(leader, site.org_url("org_home")),
        "org profile": get_ok(leader, site.org_url("org_profile")),
    }
    assert problems_showing(industry, pages) == []


def test_name_and_org_name_from_sign_up_are_escaped_on_every_page(db, payload):
    name, org_name = f"{payload} (person)", f"{payload} (org)"
    data = {"name": name, "email": "new@example.com", "password1": PASSWORD}
    data |= {"kind": "leader", "org_name": org_name}
    response = Client().post(reverse("account_signup"), data)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new@example.com")
    org = Organization.objects.get(memberships__user=user)
    assert (user.first_name, org.name) == (name, org_name)
    client = logged_in(user)
    pages = {
        "org home": get_ok(client, reverse("org_home", args=[org.public_id])),
        "org profile": get_ok(client, reverse("org_profile", args=[org.public_id])),
    }
    assert problems_showing(name, pages) == []
    assert problems_showing(org_name, pages) == []


def test_notes_from_autosave_and_the_plain_form_are_escaped_on_every_page(site, payload):
    leader = site.personas.leader_a
    by_autosave, by_form = f"{payload} (autosave)", f"{payload} (form)"
    assert site.autosave(leader, "alpha-q1", 3, by_autosave).status_code == 200
    response = logged_in(leader).post(
        site.assessment_url("assessment_domain", site.draft, "beta"),
        {
            f"q-{question_id(site.version, 'beta-q1')}": option_id(site.version, "beta-q1", 4),
            f"note-{question_id(site.version, 'beta-q1')}": by_form,
            "go": "review",
        },
    )
    assert response.status_code == 302
    client = logged_in(leader)
    domain_pages = {
        "alpha page": get_ok(client, site.assessment_url("assessment_domain", site.draft, "alpha")),
        "beta page": get_ok(client, site.assessment_url("assessment_domain", site.draft, "beta")),
    }
    site.submit_draft()
    report = get_ok(client, site.assessment_url("assessment_result", site.draft))
    assert problems_showing(by_autosave, {"domain page": domain_pages["alpha page"]}) == []
    assert problems_showing(by_form, {"domain page": domain_pages["beta page"]}) == []
    assert problems_showing(by_autosave, {"report page": report}) == []
    assert problems_showing(by_form, {"report page": report}) == []


def test_invited_persons_name_is_escaped_on_every_page(site, payload):
    member = site.invite_and_join("joiner@example.com", payload)
    assert member.first_name == payload
    assert site.autosave(member, "alpha-q1", 4, "").status_code == 200
    leader = logged_in(site.personas.leader_a)
    pages = {
        "org home (leader)": get_ok(leader, site.org_url("org_home")),
        "review": get_ok(leader, site.assessment_url("assessment_review", site.draft)),
        "org home (the person, navigation bar)": get_ok(
            logged_in(member), site.org_url("org_home")
        ),
    }
    site.submit_draft()
    pages["report page"] = get_ok(leader, site.assessment_url("assessment_result", site.draft))
    assert problems_showing(payload, pages) == []


@pytest.mark.parametrize("email", EMAIL_PAYLOADS.values(), ids=EMAIL_PAYLOADS.keys())
def test_invitation_email_is_escaped_on_every_page(site, email, mailoutbox):
    leader = logged_in(site.personas.leader_a)
    sent = leader.post(site.org_url("invitation_new"), {"email": email, "role": "member"})
    assert sent.status_code == 302
    invitation = Invitation.objects.get(email=email)
    assert mailoutbox[-1].to == [email]
    link = reverse("invitation_accept", args=[org_services.invitation_token(invitation)])
    pages = {
        "org home (pending, sent message)": get_ok(leader, site.org_url("org_home")),
        "invitation link": get_ok(Client(), link),
    }
    joined = Client().post(link, {"name": "Joiner", "password": PASSWORD}, follow=True)
    pages["org home (members)"] = get_ok(leader, site.org_url("org_home"))
    assert joined.status_code == 200
    assert problems_showing(email, pages) == []


@pytest.mark.parametrize("email", EMAIL_PAYLOADS.values(), ids=EMAIL_PAYLOADS.keys())
def test_consultant_grant_email_is_escaped_in_the_refusal(site, email):
    response = logged_in(site.personas.leader_a).post(
        site.org_url("consultant_grant"), {"email": email}, follow=True
    )
    html = response.content.decode()
    assert "has no consultant account" in html
    assert problems_showing(email, {"org home": html}) == []
    assert (
        not ConsultantAssignment.objects.filter(org=site.org)
        .exclude(consultant=site.personas.consultant_a)
        .exists()
    )


def test_portfolio_search_query_is_escaped(site, payload):
    html = get_ok(logged_in(site.personas.consultant_a), reverse("home") + "?q=" + payload)
    assert problems_showing(payload[:100], {"portfolio": html}) == []


def test_unknown_target_key_is_escaped_in_the_refusal(site, payload):
    before = Assessment.objects.get(pk=site.result.pk).targets
    response = logged_in(site.personas.leader_a).post(
        site.assessment_url("assessment_targets", site.result),
        {f"target-{payload}": "3"},
        follow=True,
    )
    # Refused in place: the report page again, with the error beside the targets.
    assert response.status_code == 400
    assert problems_showing(payload[:60], {"report page": response.content.decode()}) == []
    assert Assessment.objects.get(pk=site.result.pk).targets == before


def test_compare_ids_that_are_not_ids_are_refused_without_echo(site, payload):
    query = urlencode([("org", payload), ("org", site.org.public_id)])
    response = logged_in(site.personas.consultant_a).get(reverse("compare") + "?" + query)
    assert response.status_code == 404
    assert payload not in response.content.decode()


def test_right_to_left_override_is_kept_as_typed_and_shown_as_text(site):
    assert site.post_profile(name=RTL_OVERRIDE).status_code == 302
    site.org.refresh_from_db()
    assert site.org.name == RTL_OVERRIDE
    html = get_ok(logged_in(site.personas.leader_a), site.org_url("org_home"))
    assert f'<h1 class="h3 mb-1">{RTL_OVERRIDE}</h1>' in html


# --- PDFs: every payload at once ---------------------------------------------------------------


def test_report_pdf_with_hostile_names_notes_and_org_name_fetches_nothing(site, canary):
    """Twelve respondents, each named with one payload and noting it; the leader's note holds
    all of them; the org is named with one."""
    org_name = payload_text("svg-foreignobject", canary)
    assert site.post_profile(name=org_name).status_code == 302
    for number, payload_id in enumerate(PAYLOADS):
        payload = payload_text(payload_id, canary)
        member = site.invite_and_join(f"respondent{number}@example.com", payload)
        assert site.autosave(member, "alpha-q2", 3, payload).status_code == 200
    assert site.autosave(site.personas.leader_a, "beta-q2", 4, all_payloads(canary)).status_code
    site.submit_draft()
    before = len(canary.hits)
    response = logged_in(site.personas.leader_a).get(
        site.assessment_url("assessment_pdf", site.draft)
    )
    assert response.status_code == 200
    assert canary.hits[before:] == []
    assert pdf_embedded_files(response.content) == []
    text = no_spaces(pdf_text(response.content))
    assert no_spaces(org_name) in text
    assert no_spaces(all_payloads(canary)) in text
    missing = [
        payload_id
        for payload_id in PAYLOADS
        if text.count(no_spaces(payload_text(payload_id, canary))) < 3  # name, note, all
    ]
    assert missing == []


@pytest.fixture
def hostile_clients(db, canary) -> tuple[object, list[Organization]]:
    """A consultant whose twelve clients, added through the "add a client" form, are each
    named with one payload."""
    consultant = ConsultantFactory().user
    client = logged_in(consultant)
    for payload_id in PAYLOADS:
        response = client.post(
            reverse("org_new"), {"name": payload_text(payload_id, canary), **PROFILE}
        )
        assert response.status_code == 302
    orgs = list(Organization.objects.filter(assignments__consultant=consultant))
    assert len(orgs) == len(PAYLOADS)
    return consultant, orgs


def test_compare_pdf_of_hostile_org_names_fetches_nothing(hostile_clients, canary):
    consultant, orgs = hostile_clients
    query = urlencode([("org", org.public_id) for org in orgs])
    client = logged_in(consultant)
    before = len(canary.hits)
    response = client.get(reverse("compare_pdf") + "?" + query)
    assert response.status_code == 200
    assert canary.hits[before:] == []
    assert pdf_embedded_files(response.content) == []
    text = no_spaces(pdf_text(response.content))
    assert [org.name for org in orgs if no_spaces(org.name) not in text] == []


def test_compare_and_portfolio_pages_show_hostile_org_names_escaped(hostile_clients):
    consultant, orgs = hostile_clients
    client = logged_in(consultant)
    query = urlencode([("org", org.public_id) for org in orgs])
    pages = {
        "portfolio": get_ok(client, reverse("home")),
        "compare": get_ok(client, reverse("compare") + "?" + query),
    }
    assert [problem for org in orgs for problem in problems_showing(org.name, pages)] == []


# --- spreadsheets: no cell a spreadsheet would run -------------------------------------------


def csv_cells(response) -> list[str]:
    assert response.status_code == 200
    rows = csv.reader(io.StringIO(response.content.decode()))
    return [cell for row in rows for cell in row]


def test_csv_exports_neutralise_formula_cells_from_every_field(site):
    org_name, name, note = FORMULA_CELLS["equals"], FORMULA_CELLS["at"], FORMULA_CELLS["plus"]
    assert site.post_profile(name=org_name).status_code == 302
    member = site.invite_and_join("formula@example.com", name)
    assert site.autosave(member, "alpha-q1", 4, note).status_code == 200
    assert site.autosave(site.personas.leader_a, "beta-q1", 2, FORMULA_CELLS["minus"]).status_code
    site.submit_draft()
    consultant = logged_in(site.personas.consultant_a)
    compare = urlencode([("org", site.org.public_id), ("org", site.personas.org_b.public_id)])
    exports = {
        "assessment CSV": csv_cells(
            logged_in(site.personas.leader_a).get(
                site.assessment_url("assessment_export_csv", site.draft)
            )
        ),
        "portfolio CSV": csv_cells(consultant.get(reverse("portfolio_csv"))),
        "compare CSV": csv_cells(consultant.get(reverse("compare_csv") + "?" + compare)),
    }
    runnable = {
        where: [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
        for where, cells in exports.items()
    }
    assert runnable == {where: [] for where in exports}
    assessment_cells = exports["assessment CSV"]
    for text in (name, note, FORMULA_CELLS["minus"]):
        assert "'" + text in assessment_cells
    assert "'" + org_name in exports["portfolio CSV"]
    assert f"'{org_name} score" in exports["compare CSV"]


# --- NUL bytes: refused with a clear message, nothing stored --------------------------------

NUL_TEXT = "Acme\x00 CS"


def test_nul_in_sign_up_is_a_form_error_and_creates_nobody(db):
    for field in ("name", "org_name"):
        data = {"name": "Nul Person", "email": "nul@example.com", "password": PASSWORD}
        data |= {"kind": "leader", "org_name": "Nul Org", field: NUL_TEXT}
        response = Client().post(reverse("account_signup"), data)
        assert response.status_code == 200, field
        assert "Null characters are not allowed." in response.content.decode()
    assert not get_user_model().objects.filter(email="nul@example.com").exists()
    assert not Organization.objects.filter(name="Nul Org").exists()


def test_nul_in_the_profile_form_is_a_form_error_and_changes_nothing(site):
    for field in ("name", "industry"):
        response = site.post_profile(**{field: NUL_TEXT})
        assert response.status_code == 200, field
        assert "Null characters are not allowed." in response.content.decode()
    site.org.refresh_from_db()
    assert (site.org.name, site.org.industry) == ("Acme CS", "Software")


def test_nul_in_an_invitation_email_is_refused_and_sends_nothing(site, mailoutbox):
    response = logged_in(site.personas.leader_a).post(
        site.org_url("invitation_new"), {"email": "nul\x00@example.com", "role": "member"}
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert Invitation.objects.filter(org=site.org).count() == 1 and mailoutbox == []


def test_nul_in_a_consultant_grant_email_is_refused(site):
    response = logged_in(site.personas.leader_a).post(
        site.org_url("consultant_grant"), {"email": "nul\x00@example.com"}, follow=True
    )
    assert "Enter a valid email address." in response.content.decode()
    assert ConsultantAssignment.objects.filter(org=site.org).count() == 1


def test_nul_in_an_autosaved_note_is_a_clear_400_and_stores_nothing(site):
    before = list(Answer.objects.values_list("pk", "note", "option_id"))
    response = site.autosave(site.personas.member_a, "alpha-q1", 3, "see\x00wiki")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "Notes cannot contain null characters."}
    assert list(Answer.objects.values_list("pk", "note", "option_id")) == before


def test_nul_in_a_note_on_the_plain_form_is_a_clear_400_and_stores_nothing(site):
    before = list(Answer.objects.values_list("pk", "note", "option_id"))
    question = question_id(site.version, "alpha-q1")
    response = logged_in(site.personas.member_a).post(
        site.assessment_url("assessment_domain", site.draft, "alpha"),
        {f"q-{question}": option_id(site.version, "alpha-q1", 3), f"note-{question}": "a\x00b"},
    )
    assert response.status_code == 400
    assert "Notes cannot contain null characters." in response.content.decode()
    assert list(Answer.objects.values_list("pk", "note", "option_id")) == before


@pytest.mark.parametrize("field", ["question", "value"])
def test_nul_in_an_autosave_question_or_value_is_a_clear_400(site, field):
    data = {
        "question": question_id(site.version, "alpha-q1"),
        "value": option_id(site.version, "alpha-q1", 3),
    }
    data[field] += "\x00"
    response = logged_in(site.personas.member_a).post(
        site.assessment_url("assessment_autosave", site.draft), data
    )
    assert response.status_code == 400 and response.json()["ok"] is False
    assert not Answer.objects.filter(respondent=site.personas.member_a).exists()


def test_nul_in_the_portfolio_search_is_ignored(site):
    response = logged_in(site.personas.consultant_a).get(reverse("home") + "?q=Acme%00")
    assert response.status_code == 200
    assert "Acme CS" in response.content.decode()


def test_nul_in_a_target_key_changes_no_target(site):
    response = logged_in(site.personas.leader_a).post(
        site.assessment_url("assessment_targets", site.result), {"target-al\x00pha": "3"}
    )
    assert response.status_code == 400
    assert Assessment.objects.get(pk=site.result.pk).targets == {}


# --- line breaks and long addresses: no header injection, no database error ----------------


def test_line_breaks_in_names_cannot_add_mail_headers(site, mailoutbox):
    injected = "Acme\r\nBcc: victim@example.com"
    assert site.post_profile(name=injected).status_code == 302
    response = logged_in(site.personas.leader_a).post(
        site.org_url("invitation_new"), {"email": "next@example.com", "role": "member"}
    )
    assert response.status_code == 302
    [mail] = mailoutbox
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.recipients() == ["next@example.com"]
    assert mail.message()["Bcc"] is None
    inviter = site.personas.leader_a.first_name
    assert mail.subject == f"{inviter} invited you to Acme Bcc: victim@example.com on Stagewise"


def long_email(length: int) -> str:
    """A valid address of exactly `length` characters (labels of at most 63)."""
    local = "a" * 64
    domain = ""
    while len(local) + 1 + len(domain) + 4 < length:
        room = length - len(local) - 1 - len(domain) - 4 - 1
        domain += "b" * min(63, max(room, 1)) + "."
    address = f"{local}@{domain}com"
    return address[: length - 4] + ".com" if len(address) > length else address


def test_an_email_too_long_for_an_account_is_a_form_error_at_sign_up(db):
    email = long_email(200)
    data = {"name": "Long", "email": email, "password": PASSWORD}
    response = Client().post(reverse("account_signup"), data | {"kind": "consultant"})
    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()
    assert not get_user_model().objects.filter(email=email).exists()


def test_an_email_too_long_for_an_account_is_refused_as_an_invitation(site, mailoutbox):
    email = long_email(300)
    response = logged_in(site.personas.leader_a).post(
        site.org_url("invitation_new"), {"email": email, "role": "member"}
    )
    assert response.status_code == 400
    assert "Ensure this value has at most" in response.content.decode()
    assert not Invitation.objects.filter(email=email).exists() and mailoutbox == []


# --- oversized and overfull requests: a clear 400, nothing stored ---------------------------

ONE_MB = "x" * (1024 * 1024)
TWO_THOUSAND_FIELDS = {f"field{n}": "x" for n in range(2000)}


def stored_state(site) -> dict:
    """Everything the requests below could write."""
    return {
        "users": get_user_model().objects.count(),
        "orgs": list(Organization.objects.values_list("name", "industry").order_by("pk")),
        "memberships": Membership.objects.count(),
        "invitations": Invitation.objects.count(),
        "assignments": ConsultantAssignment.objects.count(),
        "answers": list(Answer.objects.values_list("pk", "note", "option_id").order_by("pk")),
        "targets": list(Assessment.objects.values_list("targets", flat=True).order_by("pk")),
    }


def oversized_posts(site) -> dict[str, tuple[object, str, dict]]:
    """Each form a person can post: (who posts, where, valid fields)."""
    leader = site.personas.leader_a
    alpha_q1 = question_id(site.version, "alpha-q1")
    token = org_services.invitation_token(site.invitation)
    return {
        "sign-up": (
            None,
            reverse("account_signup"),
            {"name": "Big", "email": "big@example.com", "password": PASSWORD, "kind": "leader"},
        ),
        "invitation sign-up": (
            None,
            reverse("invitation_accept", args=[token]),
            {"name": "Big", "password": PASSWORD},
        ),
        "new org": (site.personas.consultant_a, reverse("org_new"), {**PROFILE}),
        "profile": (leader, site.org_url("org_profile"), {**PROFILE}),
        "invitation": (leader, site.org_url("invitation_new"), {"email": "big@example.com"}),
        "consultant grant": (
            leader,
            site.org_url("consultant_grant"),
            {"email": site.personas.consultant_other.email},
        ),
        "domain page": (
            leader,
            site.assessment_url("assessment_domain", site.draft, "alpha"),
            {f"q-{alpha_q1}": option_id(site.version, "alpha-q1", 5)},
        ),
        "targets": (leader, site.assessment_url("assessment_targets", site.result), {}),
    }


BIG_FIELD = {
    "sign-up": "org_name",
    "invitation sign-up": "name",
    "new org": "name",
    "profile": "name",
    "invitation": "role",
    "consultant grant": "email",
    "domain page": "note-{alpha_q1}",
    "targets": "target-alpha",
}


def post_form(user, url: str, data: dict):
    return logged_in(user).post(
        url, urlencode(data), content_type="application/x-www-form-urlencoded"
    )


@pytest.mark.parametrize("form", list(BIG_FIELD))
def test_a_one_megabyte_field_is_a_clear_400_and_stores_nothing(site, settings, form):
    settings.DEBUG = False  # the page people see, not Django's debug page
    user, url, data = oversized_posts(site)[form]
    field = BIG_FIELD[form].format(alpha_q1=question_id(site.version, "alpha-q1"))
    before = stored_state(site)
    response = post_form(user, url, data | {field: ONE_MB})
    assert response.status_code == 400
    assert TOO_BIG in response.content.decode()
    assert stored_state(site) == before


@pytest.mark.parametrize("form", list(BIG_FIELD))
def test_two_thousand_fields_are_a_clear_400_and_store_nothing(site, settings, form):
    settings.DEBUG = False
    user, url, data = oversized_posts(site)[form]
    before = stored_state(site)
    response = post_form(user, url, data | TWO_THOUSAND_FIELDS)
    assert response.status_code == 400
    assert TOO_BIG in response.content.decode()
    assert stored_state(site) == before


@pytest.mark.parametrize("extra", [{"note": ONE_MB}, TWO_THOUSAND_FIELDS], ids=["1MB", "2000"])
def test_an_oversized_autosave_is_a_400_in_json_and_stores_nothing(site, settings, extra):
    settings.DEBUG = False
    data = {
        "question": question_id(site.version, "alpha-q1"),
        "value": option_id(site.version, "alpha-q1", 5),
    }
    before = stored_state(site)
    # As in production: the CSRF check reads the body before the view runs.
    client = Client(enforce_csrf_checks=True)
    client.force_login(site.personas.leader_a)
    client.get(site.assessment_url("assessment_domain", site.draft, "alpha"))  # sets the cookie
    response = client.post(
        site.assessment_url("assessment_autosave", site.draft),
        urlencode(data | extra),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Requested-With": "fetch", "X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert response.json()["error"].startswith(TOO_BIG)
    assert stored_state(site) == before


def test_two_thousand_org_ids_to_compare_is_a_clear_400(site, settings):
    settings.DEBUG = False
    query = urlencode([("org", site.org.public_id)] * 2000)
    response = logged_in(site.personas.consultant_a).get(reverse("compare") + "?" + query)
    assert response.status_code == 400
    assert TOO_BIG in response.content.decode()


def test_the_400_page_is_the_sites_own(site, settings):
    settings.DEBUG = False
    response = post_form(None, reverse("account_signup"), {"name": ONE_MB})
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>[^<]*Stagewise</title>", html)
    assert "nothing was saved" in html.lower()
