"""Page weight: the questionnaire page's first load (HTML, stylesheets, scripts, web fonts) as a
production app server sends it, counted in bytes on the wire. Issue 13's budget: 120 KB.

Every font face the page's stylesheets declare is counted, although a browser fetches only the
faces it renders (the questionnaire uses no italic): the figure is an upper bound.

The HTML is counted uncompressed on purpose: it carries a CSRF token, and compressing secrets
next to reflected input invites BREACH, so there is no GZipMiddleware. Static files are
compressed ahead of time by collectstatic (WhiteNoise's CompressedManifestStaticFilesStorage) and
served under content-hashed names, cacheable for good.
"""

import posixpath
import re

import pytest

from tests.deploy.pages import HASHED_STATIC, domain_page_read, unhashed_name

BUDGET_BYTES = 120 * 1024
FONT_URL = re.compile(r"url\(['\"]?([^'\")]+\.woff2)['\"]?\)")
BROWSER_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br"}
ONE_YEAR = 365 * 24 * 60 * 60


def _max_age(cache_control: str) -> int:
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


@pytest.fixture(scope="module")
def first_load(one_server) -> tuple[dict[str, int], dict[str, dict[str, str]]]:
    """Bytes received for the page and each asset it links, and each asset's headers."""
    deployment = one_server
    browser = deployment.respondent()
    resumed = browser.get(deployment.url(deployment.draft))
    assert resumed.status == 302
    page = browser.get(resumed.headers["location"], headers=BROWSER_ENCODINGS)
    assert page.status == 200
    assert "content-encoding" not in page.headers  # HTML goes out uncompressed (see above)
    sizes = {"HTML (uncompressed)": len(page.body)}
    headers = {}
    links = domain_page_read(page.text)
    for url in links.stylesheets + links.scripts:
        asset = browser.get(url, headers=BROWSER_ENCODINGS)
        assert asset.status == 200, url
        sizes[url] = len(asset.body)
        headers[url] = asset.headers
    for url in _fonts_of(browser, links.stylesheets):
        font = browser.get(url, headers=BROWSER_ENCODINGS)
        assert font.status == 200, url
        sizes[url] = len(font.body)
    return sizes, headers


def _fonts_of(browser, stylesheets: list[str]) -> list[str]:
    """The web fonts the stylesheets declare, as absolute paths (read uncompressed, not counted)."""
    found: list[str] = []
    for sheet in stylesheets:
        text = browser.get(sheet).text
        for relative in FONT_URL.findall(text):
            url = posixpath.normpath(posixpath.join(posixpath.dirname(sheet), relative))
            if url not in found:
                found.append(url)
    return found


def test_questionnaire_first_load_with_fonts_is_under_120_kb(first_load):
    sizes, headers = first_load
    total = sum(sizes.values())
    print(f"\nQuestionnaire page, first load, bytes on the wire (budget {BUDGET_BYTES:,}):")
    for name, size in sizes.items():
        encoding = headers.get(name, {}).get("content-encoding", "none")
        print(f"  {size:>8,}  {name}  [{encoding}]")
    print(f"  {total:>8,}  total ({total / BUDGET_BYTES:.0%} of budget)")
    assert len(sizes) >= 3  # the HTML, a stylesheet and the autosave script at least
    assert any(name.endswith(".woff2") for name in sizes), "no web font found in the stylesheets"
    assert total < BUDGET_BYTES


def test_static_files_are_compressed_hashed_and_cached_for_good(first_load):
    _, headers = first_load
    for url, sent in headers.items():
        assert HASHED_STATIC.match(url), url
        assert sent.get("content-encoding") in {"br", "gzip"}, url
        assert "immutable" in sent["cache-control"], url
        assert _max_age(sent["cache-control"]) >= ONE_YEAR, url


def test_page_links_the_hashed_names_not_the_plain_ones(one_server, first_load):
    _, headers = first_load
    plain = one_server.browser()
    for url in headers:
        unhashed = unhashed_name(url)
        assert unhashed is not None and unhashed != url
        # The plain name exists but may change under the same URL, so it is cached only briefly:
        # linking it would make every returning browser revalidate or, worse, keep a stale copy.
        served = plain.get(unhashed)
        assert served.status == 200, unhashed
        assert "immutable" not in served.headers.get("cache-control", "")
        assert _max_age(served.headers.get("cache-control", "")) < ONE_YEAR
