"""The one normalisation of email addresses: every place that stores, compares or counts an
address (sign-up, login, rate limits, invitations, consultant grants) passes it through
`normalise_email` first.

Why NFKC + casefold: two strings a person reads as the same address must give one key. NFKC folds
compatibility look-alikes (fullwidth `ｌ` → `l`, long s `ſ` → `s`, Kelvin sign `K` → `K`), casefold
folds case more thoroughly than `lower()` (`ß` → `ss`). Before this, the lockout key lower-cased
while the login matched case-insensitively in the database, so `ｌeader@x.test` dodged a lock on
`leader@x.test`, and sign-up stored the username and the email differently.
"""

import unicodedata


def normalise_email(value: str) -> str:
    """The canonical form of an address: trimmed, NFKC-normalised and case-folded.

    The steps repeat until nothing changes: casefolding can produce characters NFKC recomposes
    (and back), and `lower()` is applied last because django-allauth lower-cases addresses again
    on its own; a canonical form that `lower()` still changed would be stored twice over.
    """
    current = value or ""
    for _ in range(4):
        following = unicodedata.normalize("NFKC", current.strip()).casefold()
        following = unicodedata.normalize("NFKC", following).lower().strip()
        if following == current:
            break
        current = following
    return current
