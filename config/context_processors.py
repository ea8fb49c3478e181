"""What every page's shell needs: the app version, the contact address, the account menu."""

import tomllib
from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Account menu entries: label and the URL names to try, first that resolves wins. Until an account
# settings page exists the menu falls back to allauth's password page, so it never links to a page
# that does not exist.
ACCOUNT_MENU = (
    ("Account settings", ("account_settings", "account_change_password")),
    ("Security", ("mfa_index", "account_change_password")),
    ("Notifications", ("account_notifications",)),
)


@cache
def app_version() -> str:
    """The version in pyproject.toml, read once per process (it changes only with a deploy)."""
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def first_url(*names: str) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def account_menu() -> list[tuple[str, str]]:
    """(label, url) pairs, without two entries leading to the same page."""
    seen: set[str] = set()
    entries = []
    for label, names in ACCOUNT_MENU:
        url = first_url(*names)
        if url and url not in seen:
            seen.add(url)
            entries.append((label, url))
    return entries


def shell(request) -> dict:
    context = {"app_version": app_version(), "contact_email": settings.CONTACT_EMAIL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["account_menu"] = account_menu()
    return context
