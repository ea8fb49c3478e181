"""The database cache's table (CACHES in config/settings.py), created by `migrate` so that no
deploy step (`createcachetable`) can be forgotten: rate limits live there and every app server
must see the same counts. Does nothing when CACHES points elsewhere (Redis)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    from django.conf import settings

    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("DatabaseCache"):
            table = schema_editor.quote_name(cache["LOCATION"])
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_email_addresses_for_existing_users")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
