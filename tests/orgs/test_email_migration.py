"""Migration orgs 0004: every existing user gets the allauth address they now log in by."""

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.orgs.test_signup import LINK

BEFORE = [("orgs", "0003_require_mfa_and_drop_login_failures")]
AFTER = [("orgs", "0004_email_addresses_for_existing_users")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_users_get_one_primary_address_and_keep_their_memberships(old_schema):
    User = old_schema.get_model("auth", "User")
    Organization = old_schema.get_model("orgs", "Organization")
    Membership = old_schema.get_model("orgs", "Membership")
    jane = User.objects.create(username="Jane.Doe@Example.Test", email="Jane.Doe@Example.Test")
    demo = User.objects.create(
        username="leader@acme.demo.stagewise.test", email="leader@acme.demo.stagewise.test"
    )
    twin = User.objects.create(username="jane.doe@example.test", email="jane.doe@example.test")
    org = Organization.objects.create(name="Acme", slug="acme")
    Membership.objects.create(user=jane, org=org, role="leader")

    apps = migrate(AFTER)

    EmailAddress = apps.get_model("account", "EmailAddress")
    User = apps.get_model("auth", "User")
    rows = {(a.user_id, a.email, a.primary, a.verified) for a in EmailAddress.objects.all()}
    assert rows == {
        (jane.pk, "jane.doe@example.test", True, False),
        (demo.pk, "leader@acme.demo.stagewise.test", True, True),
        (twin.pk, "jane.doe@example.test", True, False),
    }
    assert User.objects.get(pk=jane.pk).email == "jane.doe@example.test"
    assert apps.get_model("orgs", "Membership").objects.get().user_id == jane.pk


def test_an_existing_unverified_user_confirms_at_next_login_and_keeps_their_org(
    client, personas, mailoutbox
):
    """What the migration leaves existing users with: an unverified address. The next login
    mails a link; once it is opened they are in, with their org as before."""
    leader = personas.leader_a
    EmailAddress.objects.filter(user=leader).update(verified=False)

    held = client.post(
        reverse("account_login"),
        {"login": leader.email, "password": "correct horse battery staple"},
    )
    assert held.url == reverse("account_email_verification_sent")
    [mail] = mailoutbox
    client.post(LINK.search(mail.body).group(1))

    assert client.get(reverse("org_home", args=[personas.org_a.public_id])).status_code == 200
