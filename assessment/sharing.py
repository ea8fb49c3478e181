"""Share links: a read-only view of one submitted report for people without an account.

The token is 32 random bytes (secrets.token_urlsafe), so it cannot be guessed; the database
keeps only its SHA-256, so the link is shown once, when it is made. A link that is expired,
revoked, tampered with or unknown gets the same 404. Unless its creator chose otherwise, the
report behind a link names no respondent and shows no note: the names are replaced in the
snapshot itself before the report is built, so no part of the report can print them."""

import copy
import datetime
import hashlib
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessment.models import Assessment, ShareLink

EXPIRY_CHOICES = [(7, "7 days"), (30, "30 days"), (90, "90 days")]
DEFAULT_EXPIRY_DAYS = 30
TOKEN_BYTES = 32


class ShareError(Exception):
    """The link cannot be made; the message says why."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_link_create(
    *, assessment: Assessment, by, days: int = DEFAULT_EXPIRY_DAYS, show_people: bool = False
) -> tuple[ShareLink, str]:
    """The new link and its token (returned once, never stored)."""
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ShareError("Only a submitted report can be shared.")
    if days not in dict(EXPIRY_CHOICES):
        raise ShareError("Choose how long the link works: 7, 30 or 90 days.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        assessment=assessment,
        token_hash=token_hash(token),
        created_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        show_people=show_people,
    )
    return link, token


def share_link_revoke(*, link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def share_link_open(token: str) -> ShareLink | None:
    """The live link for `token`, counted as one view; None when there is none to open."""
    if not token or len(token) > 100:
        return None
    now = timezone.now()
    link = (
        ShareLink.objects.select_related("assessment__org", "assessment__version__questionnaire")
        .filter(
            token_hash=token_hash(token),
            revoked_at__isnull=True,
            expires_at__gt=now,
            assessment__status=Assessment.Status.SUBMITTED,
        )
        .first()
    )
    if link is None:
        return None
    with transaction.atomic():
        # F(): two viewers at once both count.
        ShareLink.objects.filter(pk=link.pk).update(
            view_count=F("view_count") + 1, last_viewed_at=now
        )
    return link


def without_people(assessment: Assessment) -> Assessment:
    """A copy of the assessment whose snapshot names nobody: respondents become "Respondent 1",
    "Respondent 2", … (in the snapshot's order) and notes are emptied. Nothing is saved."""
    snapshot = copy.deepcopy(assessment.snapshot)
    for number, respondent in enumerate(snapshot.get("respondents", []), start=1):
        respondent["name"] = f"Respondent {number}"
        respondent["email"] = ""
    for answer in snapshot.get("answers", []):
        answer["note"] = ""
    anonymous = copy.copy(assessment)
    anonymous.snapshot = snapshot
    return anonymous
