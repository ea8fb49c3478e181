"""Past one machine: two gunicorn app servers, one database, no sticky sessions. One Browser
switching its base URL between the servers plays a load balancer that sends each request
wherever it likes. Against PostgreSQL in CI's PostgreSQL pass; on a SQLite file otherwise."""

import json

from tests.appserver import CSRF_INPUT
from tests.deploy.deployment import RESPONDENT_EMAIL, RESPONDENT_PASSWORD
from tests.deploy.pages import HASHED_STATIC, domain_page_read

A, B = 0, 1
NOTE_VIA_A = "Health scores reviewed every Monday; see the CS handbook, p. 4."
NOTE_VIA_B = "Renewal playbook lives in the shared drive & is owned by Sam."


def _first_domain_path(browser, deployment) -> str:
    resumed = browser.get(deployment.url(deployment.draft))
    assert resumed.status == 302, resumed.status
    return resumed.headers["location"]


def _autosave(browser, deployment, question: str, value: str, note: str) -> None:
    saved = browser.post(
        deployment.url(deployment.draft, "autosave/"),
        {"question": question, "value": value, "note": note},
    )
    assert saved.status == 200, saved.text
    assert json.loads(saved.text)["ok"] is True


def test_autosave_through_one_server_resumes_through_the_other(two_servers):
    browser = two_servers.respondent(A)
    domain_path = _first_domain_path(browser, two_servers)
    page = domain_page_read(browser.get(domain_path).text)
    first, second = list(page.options)[:2]
    assert first not in page.checked and second not in page.checked

    _autosave(browser, two_servers, first, page.options[first][1], NOTE_VIA_A)
    browser.base_url = two_servers.servers[B].base_url
    seen_on_b = browser.get(domain_path)
    assert seen_on_b.status == 200  # the session made on A is valid on B
    page_b = domain_page_read(seen_on_b.text)
    assert page_b.checked[first] == page.options[first][1]
    assert page_b.notes[first] == NOTE_VIA_A

    _autosave(browser, two_servers, second, "dont_know", NOTE_VIA_B)
    browser.base_url = two_servers.servers[A].base_url
    page_a = domain_page_read(browser.get(domain_path).text)
    assert page_a.checked == {first: page.options[first][1], second: "dont_know"}
    assert page_a.notes[first] == NOTE_VIA_A
    assert page_a.notes[second] == NOTE_VIA_B


# Appended to the stored PDF after the first download: only a server that reads the database's
# copy (rather than rendering its own) can send it back.
CACHE_MARK = b"\n% stagewise deploy test: served from the database\n"
MARK_STORED_PDF = f"""
from assessment.models import ReportPdf
rows = list(ReportPdf.objects.all())
for row in rows:
    row.pdf = bytes(row.pdf) + {CACHE_MARK!r}
    row.save(update_fields=["pdf"])
print(len(rows))
"""


def test_pdf_rendered_through_one_server_is_served_from_the_database_by_the_other(two_servers):
    browser = two_servers.respondent(A)
    pdf_path = two_servers.url(two_servers.submitted, "report.pdf")
    rendered = browser.get(pdf_path)
    assert rendered.status == 200
    assert rendered.headers["content-type"] == "application/pdf"
    assert rendered.body.startswith(b"%PDF-")
    assert two_servers.shell(MARK_STORED_PDF).strip() == "1"

    browser.base_url = two_servers.servers[B].base_url
    cached = browser.get(pdf_path)
    assert cached.status == 200
    assert cached.body == rendered.body + CACHE_MARK


def test_csrf_token_from_one_server_is_accepted_by_the_other(two_servers):
    browser = two_servers.browser(A)
    token = CSRF_INPUT.search(browser.get("/accounts/login/").text).group(1)
    browser.base_url = two_servers.servers[B].base_url
    form = {"login": RESPONDENT_EMAIL, "password": RESPONDENT_PASSWORD}

    # A forged token on B is refused, so the acceptance below is B checking A's token.
    forged = browser.post("/accounts/login/", {**form, "csrfmiddlewaretoken": "x" * 64})
    assert forged.status == 403
    accepted = browser.post("/accounts/login/", {**form, "csrfmiddlewaretoken": token})
    assert accepted.status == 302
    assert accepted.headers["location"] == "/"


def test_static_urls_are_hashed_and_identical_on_both_servers(two_servers):
    browser = two_servers.respondent(A)
    domain_path = _first_domain_path(browser, two_servers)
    on_a = domain_page_read(browser.get(domain_path).text)
    browser.base_url = two_servers.servers[B].base_url
    on_b = domain_page_read(browser.get(domain_path).text)

    assets_a = on_a.stylesheets + on_a.scripts
    assert assets_a == on_b.stylesheets + on_b.scripts
    assert len(on_a.stylesheets) >= 1 and len(on_a.scripts) >= 1
    plain_a, plain_b = two_servers.browser(A), two_servers.browser(B)
    for url in assets_a:
        assert HASHED_STATIC.match(url), url
        from_a, from_b = plain_a.get(url), plain_b.get(url)
        assert from_a.status == from_b.status == 200, url
        assert from_a.body == from_b.body, url


# Rate limits live in the shared cache (the database cache by default), so a limit reached
# through one server holds on the other. A separate account, so the respondent stays usable.
LOCKED_EMAIL = "lockout@deploy.stagewise.test"
MAKE_LOCKED_ACCOUNT = f"""
from orgs.services import account_signup
account_signup(email={LOCKED_EMAIL!r}, name="Lock Out", password={RESPONDENT_PASSWORD!r},
               is_consultant=True, verified=True)
print("ok")
"""


def _post_form(browser, path: str, data: dict):
    token = CSRF_INPUT.search(browser.get(path).text).group(1)
    return browser.post(path, {**data, "csrfmiddlewaretoken": token})


def test_login_failures_through_both_servers_count_as_one(two_servers):
    assert two_servers.shell(MAKE_LOCKED_ACCOUNT).strip() == "ok"
    browser = two_servers.browser(A)
    for attempt in range(5):  # the per account-and-address limit, alternating servers
        browser.base_url = two_servers.servers[attempt % 2].base_url
        wrong = _post_form(browser, "/accounts/login/", {"login": LOCKED_EMAIL, "password": "x"})
        assert wrong.status == 200 and "Too many" not in wrong.text

    for server in (A, B):
        browser.base_url = two_servers.servers[server].base_url
        right = _post_form(
            browser, "/accounts/login/", {"login": LOCKED_EMAIL, "password": RESPONDENT_PASSWORD}
        )
        assert right.status == 200, right.status  # refused: the form again, no session
        assert "Too many failed login attempts" in right.text


def test_password_reset_limit_through_both_servers_counts_as_one(two_servers):
    browser = two_servers.browser(A)
    statuses = []
    for attempt in range(4):  # three resets an hour per address typed
        browser.base_url = two_servers.servers[attempt % 2].base_url
        sent = _post_form(browser, "/accounts/password/reset/", {"email": "victim@deploy.test"})
        statuses.append(sent.status)

    assert statuses == [302, 302, 302, 429]
