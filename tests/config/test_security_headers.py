"""Security headers and cookies: on every page in the test profile, and in the production profile
(DEBUG off) run in a subprocess the way a deployment would start it."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from assessment.models import Assessment
from tests.config.test_settings import manage, production_env
from tests.report.conftest import report_scenario


def policy_directives(response) -> dict[str, str]:
    return dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )


def test_pages_send_a_content_security_policy_without_inline_script(client, db):
    directives = policy_directives(client.get(reverse("account_login")))

    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in " ".join(directives.values())


def test_the_policy_forbids_framing_by_any_site(client, db):
    directives = policy_directives(client.get(reverse("account_login")))

    assert directives["frame-ancestors"] == "'none'"


def test_pages_forbid_framing_and_sniffing(client, db):
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_send_links_to_other_sites_without_the_referring_url(client, db):
    assert client.get(reverse("account_login"))["Referrer-Policy"] == "same-origin"


class InlineCode(HTMLParser):
    """What a `script-src 'self'; style-src 'self'` policy would block: script bodies, event
    handler attributes, javascript: URLs, style blocks and style attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}= on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline script body")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_scanner_finds_each_kind_of_inline_code():
    html = (
        '<script>alert(1)</script><script src="/a.js">x()</script><button onclick="x()">'
        '<a href="JavaScript:x()"><style>p{}</style><p style="color:red">'
    )

    assert inline_code(html) == [
        "<script> without src",
        "inline script body",
        "inline script body",
        "onclick= on <button>",
        "javascript: URL in href= on <a>",
        "<style> block",
        "style= on <p>",
    ]


def test_templates_have_no_inline_script(settings):
    # The PDF templates are rendered by WeasyPrint, not a browser: their <style> is not subject
    # to the page's policy. Scripts are banned there too.
    found = {}
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        # Template tags stand in for a value ("tag"), so src="{% static ... %}" still has one.
        text = re.sub(r"{[{%#].*?[%}#]}", "tag", path.read_text(), flags=re.DOTALL)
        problems = inline_code(text)
        if path.name.endswith("_pdf.html"):
            problems = [p for p in problems if p != "<style> block"]
        if problems:
            found[str(path)] = problems
    assert found == {}


@pytest.fixture
def main_pages(personas, mini_version, client):
    """Every main page, rendered: (who is logged in, url). Renders what crispy-forms and other
    packages add too, which a look at our own templates cannot see."""
    _, result = report_scenario(personas, mini_version)
    draft = Assessment.objects.create(
        org=personas.org_a, version=mini_version, started_by=personas.leader_a
    )
    org = [personas.org_a.public_id]
    in_draft = [personas.org_a.public_id, draft.public_id]
    domain = mini_version.domains.order_by("position").first().key
    return [
        (None, reverse("home")),
        (None, reverse("account_login")),
        (None, reverse("account_signup")),
        (None, reverse("account_reset_password")),
        (personas.consultant_a, reverse("home")),
        (personas.leader_a, reverse("org_home", args=org)),
        (personas.leader_a, reverse("org_profile", args=org)),
        (personas.leader_a, reverse("invitation_new", args=org)),
        (personas.leader_a, reverse("org_history", args=org)),
        (personas.leader_a, reverse("org_benchmark", args=org)),
        (personas.leader_a, reverse("assessment_domain", args=[*in_draft, domain])),
        (personas.leader_a, reverse("assessment_review", args=in_draft)),
        (
            personas.leader_a,
            reverse("assessment_result", args=[personas.org_a.public_id, result.public_id]),
        ),
        (personas.leader_a, reverse("account_change_password")),
    ]


def test_rendered_pages_have_no_inline_script_or_event_handlers(client, main_pages):
    found = {}
    for user, url in main_pages:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        problems = inline_code(response.content.decode())
        if problems:
            found[url] = problems
    assert found == {}


PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client

report = {"settings": {name: getattr(settings, name) for name in (
    "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE")}}
client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
report["https_headers"] = dict(client.get("/healthz/", secure=True).headers)
plain = client.get("/accounts/login/")
report["http"] = [plain.status_code, plain.get("Location")]
if LOG_IN:
    # Only the tables a login touches: the whole schema takes seconds longer to build.
    for app in ("contenttypes", "auth", "sessions", "account", "mfa", "orgs"):
        call_command("migrate", app, verbosity=0)
    from django.contrib.auth import get_user_model
    from allauth.account.models import EmailAddress
    pat = get_user_model().objects.create_user(
        "pat@example.com", "pat@example.com", "a long secret"
    )
    EmailAddress.objects.create(user=pat, email=pat.email, primary=True, verified=True)
    response = client.post(
        "/accounts/login/",
        {"login": "pat@example.com", "password": "a long secret"},
        secure=True,
    )
    report["login_status"] = response.status_code
    report["cookies"] = {
        name: {key: morsel[key] for key in ("secure", "httponly", "samesite", "max-age")}
        for name, morsel in response.cookies.items()
    }
print(json.dumps(report))
"""


def probe(env: dict[str, str], log_in: bool) -> dict:
    result = manage("shell", "--no-imports", "-c", f"LOG_IN = {log_in}\n{PROBE}", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    return probe(production_env(tmp_path_factory.mktemp("production")), log_in=True)


@pytest.fixture(scope="module")
def development(tmp_path_factory) -> dict:
    env = {**production_env(tmp_path_factory.mktemp("development")), "DEBUG": "1"}
    return probe(env, log_in=False)


def test_production_sends_hsts_for_a_year_with_subdomains_over_https(production):
    assert (
        production["https_headers"]["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def test_production_sends_every_security_header(production):
    headers = production["https_headers"]

    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_redirects_plain_http_to_https(production):
    assert production["http"] == [301, "https://stagewise.example.com/accounts/login/"]


def test_production_session_cookie_is_secure_httponly_and_same_site(production):
    assert production["login_status"] == 302
    cookie = production["cookies"]["sessionid"]

    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 12 * 60 * 60


def test_production_csrf_cookie_is_secure_and_same_site(production):
    cookie = production["cookies"]["csrftoken"]

    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_production_sessions_last_twelve_hours_whatever_the_browser_does(production):
    assert production["settings"]["SESSION_COOKIE_AGE"] == 12 * 60 * 60
    assert production["settings"]["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is False


def test_development_sends_no_hsts_and_allows_cookies_over_http(development):
    assert "Strict-Transport-Security" not in development["https_headers"]
    assert development["http"] == [200, None]
    assert development["settings"]["SESSION_COOKIE_SECURE"] is False
    assert development["settings"]["CSRF_COOKIE_SECURE"] is False
