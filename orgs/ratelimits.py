"""Rate limits that django-allauth does not cover (sign-ups per address typed, invitations per
org, PDF renders per user), counted in Django's cache.

The cache is the database cache by default (CACHES in config/settings.py), so every app server
counts against the same numbers; Redis works as well (docs/deploy.md). A limit is a fixed window:
the count for `(name, subject)` lives under a key that carries the window's number and expires
with it, so no clean-up job is needed and an old window can never hold a newer count back. The
database cache increments by read-then-write, so two requests in the same instant may both pass
at the edge of a limit: a limit can be exceeded by the number of app workers at most.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.shortcuts import render

from orgs.emails import normalise_email


@dataclass(frozen=True)
class Limit:
    name: str
    amount: int
    seconds: int


# The limits chosen (report and docs/deploy.md list them with allauth's own).
SIGNUP_PER_EMAIL = Limit("signup-email", 3, 60 * 60)
INVITATIONS_PER_ORG = Limit("invitations-org", 20, 60 * 60)
PDF_RENDERS_PER_USER = Limit("pdf-user", 6, 60)
# A "Remind" on the review page reaches each respondent at most once in 12 hours (see `once`).
REMIND_PER_RESPONDENT = Limit("remind-respondent", 1, 12 * 60 * 60)
# Share pages need no login: per address, so one caller cannot walk tokens or hammer a page
# (wrong tokens count too); per link, so a link posted somewhere public cannot become a
# free-for-all that renders a report thousands of times an hour.
SHARE_VIEWS_PER_ADDRESS = Limit("share-address", 30, 60)
SHARE_VIEWS_PER_LINK = Limit("share-link", 200, 60 * 60)
SHARE_LINKS_PER_USER = Limit("share-create-user", 20, 60 * 60)

PDF_LIMITED = "You have asked for many PDFs in the last minute; each one takes a while to make."
INVITATIONS_LIMITED = "This organization has sent many invitations in the last hour."
SHARE_VIEWS_LIMITED = "This shared report has been opened many times in a short while."
SHARE_LINKS_LIMITED = "You have created many share links in the last hour."


class Limited(Exception):  # noqa: N818 - reads as "raise Limited(seconds)"
    """Raised where a limit is hit deep inside a call; `seconds` until it lifts."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def hit(limit: Limit, subject: str, now: float | None = None) -> int | None:
    """Count one use of `limit` by `subject`. None if it is allowed; otherwise the seconds to
    wait before the window ends (the use is then not counted)."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    key = f"stagewise:rl:{limit.name}:{subject}:{window}"
    if cache.add(key, 1, timeout=limit.seconds):
        return None
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this use opens the next count
        cache.add(key, 1, timeout=limit.seconds)
        return None
    remaining = max(1, math.ceil((window + 1) * limit.seconds - now))
    # Some backends (the database cache) reset the expiry to the default on incr.
    cache.touch(key, remaining)
    if count <= limit.amount:
        return None
    return remaining


def once(limit: Limit, subject: str, now: float | None = None) -> int | None:
    """Allow one use per `limit.seconds` counted from that use (a sliding window, unlike `hit`:
    a reminder at 11:59 must hold the next one back until 23:59, not until noon). None if allowed;
    otherwise the seconds until the next use is allowed."""
    now = time.time() if now is None else now
    key = f"stagewise:once:{limit.name}:{subject}"
    # The value is when the window ends, so a refused caller can be told how long to wait.
    if cache.add(key, now + limit.seconds, timeout=limit.seconds):
        return None
    ends = cache.get(key)
    if ends is None:  # expired between add and get: this use opens the next window
        return None if cache.add(key, now + limit.seconds, timeout=limit.seconds) else 1
    return max(1, math.ceil(ends - now))


def email_subject(email: str) -> str:
    return normalise_email(email)


def too_many(request, seconds: int, what: str):
    """The 429 page: what was limited and when to try again."""
    minutes = max(1, math.ceil(seconds / 60))
    response = render(
        request,
        "429.html",
        {"what": what, "wait": f"{minutes} minute" + ("" if minutes == 1 else "s")},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
