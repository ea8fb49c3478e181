"""Accounts on django-allauth: our adapter and forms.

allauth owns login, sign-up, email verification, password reset/change and MFA. What is ours:
one email normalisation everywhere (orgs/emails.py), the sign-up choice between leading a CS team
(an org is created) and consulting (a portfolio), the login-failure key, and the access log.
"""

import logging

from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.fields import EmailField as AllauthEmailField
from allauth.core.internal.httpkit import get_client_ip
from django import forms
from django.contrib.auth import get_user_model

from orgs import ratelimits, services
from orgs.emails import normalise_email

log = logging.getLogger("stagewise.access")

# The username is the normalised address, and usernames are shorter than addresses may be: a
# longer one would fail in the database (PostgreSQL) instead of in the form.
ACCOUNT_EMAIL_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length
EMAIL_TOO_LONG = f"Use an address of at most {ACCOUNT_EMAIL_MAX_LENGTH} characters."
SIGNUPS_LIMITED = "Too many sign-ups for this address. Try again in {wait}."


def client_ip(request) -> str:
    """The address rate limits and the access log use: REMOTE_ADDR unless ALLAUTH_TRUSTED_*
    settings name a proxy header (docs/deploy.md). "" when unknown."""
    if request is None:
        return ""
    return get_client_ip(request) or ""


class NormalisedEmailField(AllauthEmailField):
    """An email field that normalises before validating, so a look-alike spelling
    (`ｌeader@x.test`, `x@probe.teſt`) is the same address rather than an error or a stranger."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", ACCOUNT_EMAIL_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalise_email(super().to_python(value))


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = normalise_email(email)
        if len(email) > ACCOUNT_EMAIL_MAX_LENGTH:
            raise forms.ValidationError(EMAIL_TOO_LONG)
        return email

    def populate_username(self, request, user) -> None:
        # One stored spelling: the username is the address, normalised like it (before, a
        # long s made the two differ and the login page fail).
        user.email = normalise_email(user.email)
        user.username = user.email

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The key of allauth's per-key login-failure limit: the account *and* the caller's
        address. Someone guessing from elsewhere fills their own pair (and their own address's
        limit), never the owner's: the owner can always log in from their own address."""
        login = normalise_email(credentials.get("email") or credentials.get("username") or "")
        return f"{client_ip(request)}|{login}"

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            log.warning(
                "login refused (too many failed logins): username=%r ip=%s",
                normalise_email(credentials.get("email") or ""),
                client_ip(request),
            )
            raise

    def authentication_failed(self, request, **credentials) -> None:
        # allauth never passes the password here; only the address is logged.
        log.warning(
            "login failed: username=%r ip=%s",
            normalise_email(credentials.get("email") or ""),
            client_ip(request),
        )


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = NormalisedEmailField(label="Email")
        self.order_fields(["login", "password"])


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    email = NormalisedEmailField(required=True)


class SignupForm(allauth_forms.SignupForm):
    KIND_CHOICES = [
        ("leader", "I lead a Customer Success team"),
        ("consultant", "I am a consultant working with several CS teams"),
    ]
    name = forms.CharField(label="Your name", max_length=150)
    kind = forms.ChoiceField(
        label="How will you use Stagewise?",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial="leader",
    )
    org_name = forms.CharField(
        label="Organization name",
        max_length=120,
        required=False,
        help_text="Your company or CS organization. You can change it later.",
    )
    company = forms.CharField(label="Consultancy (optional)", max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"] = NormalisedEmailField(label="Work email")
        self.order_fields(["name", "email", "password1", "kind", "org_name", "company"])

    def clean_email(self):
        email = super().clean_email()
        # Per address typed (allauth limits sign-ups per client address): repeated sign-ups
        # for one address would otherwise mail its owner over and over.
        wait = ratelimits.hit(ratelimits.SIGNUP_PER_EMAIL, email)
        if wait is not None:
            minutes = max(1, -(-wait // 60))
            raise forms.ValidationError(
                SIGNUPS_LIMITED.format(wait=f"{minutes} minute" + ("" if minutes == 1 else "s"))
            )
        return email

    def clean(self):
        data = super().clean()
        if data.get("kind") == "leader" and not (data.get("org_name") or "").strip():
            self.add_error("org_name", "Name your organization so colleagues can find it.")
        return data

    def signup(self, request, user):
        """Called by allauth once the user exists: name them and set up their org or portfolio
        through the same service the rest of the app uses."""
        data = self.cleaned_data
        user.first_name = data["name"]
        user.save(update_fields=["first_name"])
        services.account_setup(
            user=user,
            is_consultant=data["kind"] == "consultant",
            org_name=data.get("org_name", ""),
            company=data.get("company", ""),
        )
