"""Login throttling against password guessing, and the log of failed logins.

Failures are counted per account (LOGIN_FAILURE_LIMIT, default 5) and per client address
(LOGIN_FAILURE_IP_LIMIT, default 30) over a sliding window (LOGIN_FAILURE_WINDOW seconds, default
15 minutes). They live in the database so that several app servers share one count.

The client address is REMOTE_ADDR and nothing else: X-Forwarded-For is whatever the client chose
to send. Behind a load balancer REMOTE_ADDR is the balancer's address unless the balancer speaks
the PROXY protocol to gunicorn (`--proxy-protocol v2 --proxy-allow-from <balancer>`, see
docs/deploy.md); without it every visitor shares one address and only the per-account limit holds.
"""

import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone

from orgs.models import LoginFailure

log = logging.getLogger("stagewise.access")

# Set on the request when the throttle refused a login, so the failure signal Django sends for
# that refusal is logged as a refusal and not counted again (that would extend the block).
REFUSED_FLAG = "stagewise_login_refused"
# Set by our login view once it has found the caller not blocked: the backend then skips a
# second look at the same counts.
CHECKED_FLAG = "stagewise_login_checked"


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def account_key(username: str) -> str:
    return (username or "").strip().lower()[:254]


def client_ip(request) -> str:
    """The caller's address, or "" when REMOTE_ADDR is missing or not an IP address (a unix
    socket, say): an empty address is never throttled, since everyone would share it."""
    raw = (request.META.get("REMOTE_ADDR") or "").strip() if request is not None else ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return ""


@dataclass(frozen=True)
class Block:
    seconds: int
    scope: str  # "account" or "network"

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.seconds / 60))
        when = f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"
        who = "this account" if self.scope == "account" else "your network"
        return f"Too many failed attempts for {who}. Try again in {when}."


def _seconds_until_below(failures, limit: int, now: datetime) -> int | None:
    """Blocked while `limit` failures lie inside the window; the block lifts when the
    limit-th newest of them leaves it."""
    pivot = list(
        failures.filter(at__gt=now - _window())
        .order_by("-at")
        .values_list("at", flat=True)[limit - 1 : limit]
    )
    if not pivot:
        return None
    return max(1, math.ceil((pivot[0] + _window() - now).total_seconds()))


def login_blocked(username: str, ip: str, now: datetime | None = None) -> Block | None:
    """How long this account (or this address) must wait before trying again; None if it
    may try now. The longer wait wins when both are blocked."""
    now = now or timezone.now()
    blocks = []
    seconds = _seconds_until_below(
        LoginFailure.objects.filter(username=account_key(username)),
        settings.LOGIN_FAILURE_LIMIT,
        now,
    )
    if seconds is not None:
        blocks.append(Block(seconds, "account"))
    if ip:
        seconds = _seconds_until_below(
            LoginFailure.objects.filter(ip=ip), settings.LOGIN_FAILURE_IP_LIMIT, now
        )
        if seconds is not None:
            blocks.append(Block(seconds, "network"))
    return max(blocks, key=lambda block: block.seconds, default=None)


def login_failed(username: str, ip: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    LoginFailure.objects.create(username=account_key(username), ip=ip, at=now)
    # Rows older than the window no longer count for anyone: pruning them here keeps the table
    # as small as the attack in progress, with one indexed delete and no scheduled job.
    LoginFailure.objects.filter(at__lte=now - _window()).delete()


def login_succeeded(username: str) -> None:
    """The owner proved the password: earlier misses (typos) no longer count against them.
    The address's count stays: one good login must not reset a guessing run across accounts."""
    LoginFailure.objects.filter(username=account_key(username)).delete()


def log_refusal(username: str, ip: str, block: Block) -> None:
    log.warning(
        "login refused (too many failures for the %s): username=%r ip=%s retry_in=%ss",
        block.scope,
        account_key(username),
        ip,
        block.seconds,
    )


class LoginThrottleBackend:
    """First in AUTHENTICATION_BACKENDS: refuses every password check while the account or
    address is blocked, so the admin login and any other `authenticate()` call are throttled
    as well as our login page. It never authenticates anyone itself, and has no `get_user` so
    sessions are never attributed to it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or getattr(request, CHECKED_FLAG, False):
            return None
        ip = client_ip(request)
        block = login_blocked(username, ip)
        if block is not None:
            setattr(request, REFUSED_FLAG, block)
            raise PermissionDenied("login throttled")
        return None


@receiver(user_login_failed, dispatch_uid="stagewise_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is logged.
    username = credentials.get("username", "") or ""
    ip = client_ip(request)
    refused = getattr(request, REFUSED_FLAG, None)
    if refused is not None:
        log_refusal(username, ip, refused)
        return
    log.warning("login failed: username=%r ip=%s", account_key(username), ip)
    login_failed(username, ip)
