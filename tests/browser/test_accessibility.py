"""Accessibility in a real Chromium: axe-core (pinned in tests/browser/axe/, installed with
`npm ci --prefix tests/browser/axe`) checks every main page against WCAG 2.1 A/AA and axe's best
practices; every form control has an accessible name; the questionnaire works with the keyboard
alone, shows where the focus is, and its skip link leads to the main content."""

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from assessment.models import Assessment
from assessment.services import AnswerInput, answers_save, assessment_start, assessment_submit
from orgs.demo import demo_build
from orgs.models import Invitation, Membership, Organization
from orgs.services import invitation_create, invitation_token
from tests.browser.helpers import (
    DONT_KNOW,
    domain_path,
    expect_all_saved,
    question_ids,
    stored_answers,
)
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.browser

AXE_JS = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
BLOCKING = ("serious", "critical")
# axe's rules for "this control has an accessible name"; the first two cover inputs, selects
# and textareas, the controls counted by control_count().
NAME_RULES = ("label", "select-name", "aria-input-field-name", "button-name")
PEERS = 5  # the benchmark shows its table from five peers on


@dataclass(frozen=True)
class Visit:
    who: str | None  # email of the person looking; None: nobody is logged in
    path: str


class World:
    """What the pages show, built on first use so that a page pays only for what it needs: the
    demo data (a consultant with three clients; Bluebird Health has a leader, members, three
    results and an open draft), a pending invitation to Bluebird, five benchmark peers."""

    @cached_property
    def org(self) -> Organization:
        demo_build()
        return Organization.objects.get(slug="bluebird")

    @cached_property
    def leader(self) -> str:
        return self.org.memberships.get(role=Membership.Role.LEADER).user.email

    @cached_property
    def consultant(self) -> str:
        return self.org.assignments.get().consultant.email

    @cached_property
    def newcomer(self) -> str:
        """Someone signed up with nothing yet, for pages whose content does not depend on data."""
        return UserFactory().email

    @cached_property
    def draft(self) -> Assessment:
        return self.org.assessments.get(status=Assessment.Status.DRAFT)

    @cached_property
    def result(self) -> Assessment:
        return self.org.assessments.filter(status=Assessment.Status.SUBMITTED).first()

    @cached_property
    def clients(self) -> list[Organization]:
        return [self.org, *Organization.objects.filter(slug__in=["northwind", "summit"])]

    @cached_property
    def invitation(self) -> Invitation:
        return invitation_create(
            org=self.org,
            email="newcomer@bluebird.test",
            role="member",
            invited_by=get_user_model().objects.get(username=self.leader),
            accept_url=lambda token: f"http://testserver/invitations/{token}/",
        )

    @cached_property
    def peers(self) -> int:
        peers_add(self.org, self.draft.version)
        return PEERS


def peers_add(org: Organization, version) -> None:
    """Five peers in the org's ARR band, each with one submitted result."""
    questions = [
        q for d in version.domains.prefetch_related("questions__options") for q in d.questions.all()
    ]
    for n in range(PEERS):
        leader = UserFactory()
        # Each its own owner: orgs created by one account count as one peer.
        peer = OrganizationFactory(arr_band=org.arr_band, created_by=leader)
        assessment = assessment_start(org=peer, by=leader)
        level = 1 + n % 5
        items = [
            AnswerInput(str(q.pk), str(next(o.pk for o in q.options.all() if o.level == level)))
            for q in questions
        ]
        answers_save(assessment=assessment, respondent=leader, items=items)
        assessment_submit(assessment=assessment, by=leader)


def _reset_confirm(w: World) -> Visit:
    user = UserFactory()
    key = default_token_generator.make_token(user)
    # The link trades its key for a session and redirects to the form.
    return Visit(
        None, reverse("account_reset_password_from_key", args=[user_pk_to_url_str(user), key])
    )


def _benchmark(w: World) -> Visit:
    assert w.peers == PEERS  # so that the page shows its table, not "too few peers"
    return Visit(w.leader, reverse("org_benchmark", args=[w.org.public_id]))


def _org_home(w: World) -> Visit:
    assert w.invitation.accepted_at is None  # the leader's view lists pending invitations
    return Visit(w.leader, reverse("org_home", args=[w.org.public_id]))


def _org(name: str):
    return lambda w: Visit(w.leader, reverse(name, args=[w.org.public_id]))


def _draft(name: str):
    return lambda w: Visit(w.leader, reverse(name, args=[w.org.public_id, w.draft.public_id]))


PAGES = {
    "landing": lambda w: Visit(None, reverse("home")),
    "login": lambda w: Visit(None, reverse("account_login")),
    "signup": lambda w: Visit(None, reverse("account_signup")),
    "password reset": lambda w: Visit(None, reverse("account_reset_password")),
    "password reset confirm": _reset_confirm,
    "portfolio": lambda w: Visit(w.consultant, reverse("home")),
    "leader home": lambda w: Visit(w.leader, reverse("home")),
    "new org": lambda w: Visit(w.newcomer, reverse("org_new")),
    "org home": _org_home,
    "org profile": _org("org_profile"),
    "invite": _org("invitation_new"),
    "questionnaire domain": lambda w: Visit(
        w.leader, domain_path(w.draft, w.draft.version.domains.first().key)
    ),
    "review": _draft("assessment_review"),
    "submit confirmation": _draft("assessment_submit"),
    "report": lambda w: Visit(
        w.leader, reverse("assessment_result", args=[w.org.public_id, w.result.public_id])
    ),
    "history": _org("org_history"),
    "benchmark": _benchmark,
    "compare": lambda w: Visit(
        w.consultant,
        reverse("compare") + "?" + "&".join(f"org={c.public_id}" for c in w.clients),
    ),
    "password change": lambda w: Visit(w.newcomer, reverse("account_change_password")),
    "two-factor authentication": lambda w: Visit(w.newcomer, reverse("mfa_index")),
    "confirm password": lambda w: Visit(w.newcomer, reverse("account_reauthenticate")),
    "verification sent": lambda w: Visit(None, reverse("account_email_verification_sent")),
    "not found": lambda w: Visit(w.newcomer, "/no-such-page/"),
    "invitation accept": lambda w: Visit(
        None, reverse("invitation_accept", args=[invitation_token(w.invitation)])
    ),
}
# The pages with inputs, selects or textareas.
FORM_PAGES = (
    "login",
    "signup",
    "password reset",
    "password reset confirm",
    "portfolio",
    "new org",
    "org home",
    "org profile",
    "invite",
    "questionnaire domain",
    "report",
    "password change",
    "confirm password",
    "invitation accept",
)


def log_in(context: BrowserContext, email: str | None, server_url: str) -> None:
    """Log in through a session cookie: the login form has its own tests, and skipping it keeps
    one page load per check."""
    if email is None:
        return
    client = Client()
    client.force_login(get_user_model().objects.get(username=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": server_url}]
    )


@pytest.fixture
def axe_tab(new_context, live_server):
    """Opens a tab for `who` (None: anonymous) in which every page comes with axe loaded."""

    assert AXE_JS.is_file(), "axe-core is not installed: run npm ci --prefix tests/browser/axe"

    def open_tab(who: str | None) -> Page:
        context = new_context()
        # An init script is evaluated by the browser itself, outside the page's CSP (script-src
        # 'self'), so the pages are checked under their real policy; add_script_tag would need
        # bypass_csp=True, which changes what is being checked.
        context.add_init_script(path=AXE_JS)
        log_in(context, who, live_server.url)
        return context.new_page()

    return open_tab


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in violations
    )


def control_count(page: Page) -> int:
    """Visible inputs, selects and textareas: what axe's 'label' and 'select-name' rules check."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                'input:not([type=hidden]):not([type=submit]):not([type=button])'
                + ':not([type=reset]):not([type=image]), select, textarea')]
            .filter(el => el.getClientRects().length > 0).length"""
    )


def test_the_pinned_axe_runs_under_our_csp_and_catches_a_planted_violation(axe_tab):
    page = axe_tab(None)
    page.goto(reverse("account_login"))
    lock = json.loads((AXE_JS.parents[2] / "package-lock.json").read_text(encoding="utf-8"))
    assert page.evaluate("axe.version") == lock["packages"]["node_modules/axe-core"]["version"]
    page.evaluate(
        """() => {
            const input = document.createElement("input");
            input.id = "planted";
            document.querySelector("main").append(input);
        }"""
    )
    violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
    label = next(v for v in violations if v["id"] == "label")
    assert label["impact"] in BLOCKING
    assert [n["target"] for n in label["nodes"]] == [["#planted"]]


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_or_critical_axe_violations(name, axe_tab):
    visit = PAGES[name](World())
    page = axe_tab(visit.who)
    response = page.goto(visit.path)
    assert response.status == (404 if name == "not found" else 200)
    assert name == "login" or "/accounts/login/" not in page.url, "sent to the login page"

    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name} ({visit.path}):\n{describe(blocking)}"
    # Shown with -rP: what is left below "serious", and what axe could not decide on its own.
    print(describe(results["violations"]))
    print(
        "needs review:", ", ".join(f"{r['id']} ({len(r['nodes'])})" for r in results["incomplete"])
    )


def test_every_form_control_and_group_on_the_form_pages_has_an_accessible_name(axe_tab):
    world = World()
    tabs: dict[str | None, Page] = {}
    for name in FORM_PAGES:
        visit = PAGES[name](world)
        if visit.who not in tabs:
            tabs[visit.who] = axe_tab(visit.who)
        page = tabs[visit.who]
        page.goto(visit.path)
        results = page.evaluate(
            "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}})",
            list(NAME_RULES),
        )
        assert not results["violations"], f"{name}:\n{describe(results['violations'])}"
        named = sum(len(r["nodes"]) for r in results["passes"] if r["id"] in NAME_RULES[:2])
        controls = control_count(page)
        assert controls > 0, f"{name} has no form control any more: drop it from FORM_PAGES"
        assert named == controls, f"{name}: {controls} controls, {named} found named by axe"
        # axe has no rule for this one: a fieldset whose legend is not its first child (or a
        # radio group without a label) is announced as a group with no name.
        unnamed = [
            line.strip()
            for line in page.locator("body").aria_snapshot().splitlines()
            if line.strip().startswith(("- group:", "- radiogroup:"))
        ]
        assert not unnamed, f"{name} has {len(unnamed)} unnamed group(s)"


# --- keyboard ------------------------------------------------------------------------------


def focused(page: Page, expression: str):
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


def tab_until(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focus is on `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, f"el.matches({selector!r})"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


@pytest.fixture
def keyboard_page(page, team, live_server) -> Page:
    """The leader on the first domain page of an untouched assessment (under the real CSP)."""
    log_in(page.context, team.leader.email, live_server.url)
    page.goto(domain_path(team.assessment, team.version.domains.first().key))
    return page


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(keyboard_page):
    page = keyboard_page
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # hidden until focused, then on screen
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside main, past the site navigation.
    page.keyboard.press("Tab")
    assert focused(page, "el.closest('main') !== null")


def test_each_question_is_a_group_named_by_the_question_and_described_by_its_hint(
    keyboard_page, team
):
    questions = team.version.domains.first().questions.all()
    for number, question in enumerate(questions, 1):
        group = keyboard_page.get_by_role("group", name=f"{number}. {question.text}")
        expect(group).to_have_accessible_description(question.help_text)


def test_every_tab_stop_on_the_questionnaire_shows_a_focus_outline(keyboard_page):
    page = keyboard_page
    stops = []
    for _ in range(80):
        page.keyboard.press("Tab")
        stop = focused(
            page,
            """el === document.body ? null : {
                what: el.outerHTML.slice(0, 80),
                style: getComputedStyle(el).outlineStyle,
                width: parseFloat(getComputedStyle(el).outlineWidth),
                label: el.labels && el.labels.length && el.type === 'radio'
                    ? getComputedStyle(el.labels[0]).outlineStyle : null,
            }""",
        )
        if stop is None or (stops and stop["what"] == stops[0]["what"]):
            break  # past the last stop
        stops.append(stop)
    # Skip link, navigation, 8 domains, review, then per question a radio group and a note.
    assert len(stops) > 10 + 2 * 5
    unmarked = [s["what"] for s in stops if s["style"] == "none" or s["width"] < 2]
    assert not unmarked, "no visible focus outline on:\n" + "\n".join(unmarked)
    # A radio is small: its whole answer card is outlined too.
    radios = [s for s in stops if s["label"] is not None]
    assert len(radios) == 5 and all(s["label"] == "solid" for s in radios)


def test_the_questionnaire_is_answered_and_left_with_the_keyboard_alone(keyboard_page, team):
    page = keyboard_page
    ids = question_ids(page)
    assert len(ids) == 5
    # The keys for each question once the focus is on its (untouched) radio group: Space picks
    # level 1, arrows move the choice and wrap (Up from level 1 reaches "Don't know").
    keys = {
        ids[0]: ["Space", "ArrowDown", "ArrowDown"],  # level 3, changed to 4 below
        ids[1]: ["Space", "ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown"],  # level 5
        ids[2]: ["Space", "ArrowUp"],  # don't know
        ids[3]: ["Space"],  # level 1
        ids[4]: ["Space", "ArrowRight"],  # level 2
    }
    notes = {ids[0]: "Segments live in the CRM.", ids[3]: "Nobody owns this yet."}

    tab_until(page, f'input[name="q-{ids[0]}"]')
    for qid in ids:
        for key in keys[qid]:
            page.keyboard.press(key)
        page.keyboard.press("Tab")
        assert focused(page, "el.id") == f"note-{qid}"
        page.keyboard.type(notes.get(qid, ""))
        if qid == ids[0]:
            # Shift+Tab returns to the group, on the chosen radio; one level higher, then on.
            page.keyboard.press("Shift+Tab")
            assert focused(page, "el.id") == f"q-{qid}-3"
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Tab")
        page.keyboard.press("Tab")

    next_domain = team.version.domains.all()[1]
    assert focused(page, "el.textContent.trim()") == f"Save and continue: {next_domain.name}"
    expect_all_saved(page)  # what a person waits for before leaving the page
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(next_domain.name)
    assert page.url.endswith(domain_path(team.assessment, next_domain.key))
    assert stored_answers(team.assessment, team.leader) == {
        ids[0]: (4, notes[ids[0]]),
        ids[1]: (5, ""),
        ids[2]: (DONT_KNOW, ""),
        ids[3]: (1, notes[ids[3]]),
        ids[4]: (2, ""),
    }
