"""Every existing user gets the allauth EmailAddress they now log in by (primary), with the
address in its one normalised spelling (orgs/emails.py) on the user as well.

Existing addresses start unverified, except the demo accounts (our own reserved .test domain):
nobody has proven they own theirs, and consultant access and benchmark peers now require a
proven address. Nobody loses access: memberships, grants and sessions stay, and the next login
mails a confirmation link and continues once it is clicked (docs/deploy.md, "Upgrading").
Two users whose addresses normalise to one (e.g. `Jane@x.test` and `jane@x.test`) both keep an
unverified address; the first to confirm it owns it.
"""

import unicodedata

from django.db import migrations

DEMO_DOMAIN = ".demo.stagewise.test"


def normalise_email(value):
    # A frozen copy of orgs.emails.normalise_email: a migration must not change when app code does.
    current = value or ""
    for _ in range(4):
        following = unicodedata.normalize("NFKC", current.strip()).casefold()
        following = unicodedata.normalize("NFKC", following).lower().strip()
        if following == current:
            break
        current = following
    return current


def forwards(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    owners = {}
    for user in User.objects.order_by("pk").iterator():
        email = normalise_email(user.email or user.username)
        if not email:
            continue
        first = owners.setdefault(email, user.pk) == user.pk
        changed = []
        if user.email != email:
            user.email = email
            changed.append("email")
        if (
            first
            and user.username != email
            and normalise_email(user.username) == email
            and not User.objects.filter(username=email).exclude(pk=user.pk).exists()
        ):
            user.username = email
            changed.append("username")
        if changed:
            user.save(update_fields=changed)
        EmailAddress.objects.update_or_create(
            user=user,
            email=email,
            defaults={"primary": True, "verified": first and email.endswith(DEMO_DOMAIN)},
        )


def backwards(apps, schema_editor):
    # The addresses stay with allauth's tables (dropped if allauth is unmigrated).
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_require_mfa_and_drop_login_failures"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
