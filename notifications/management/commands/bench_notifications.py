"""Time the reminder scheduler over many users: `time per 1,000 users` (figures, no assertions).

    DEBUG=1 DATABASE_URL=sqlite:///$PWD/var/bench-notify.sqlite3 python manage.py migrate
    DEBUG=1 DATABASE_URL=sqlite:///$PWD/var/bench-notify.sqlite3 python manage.py \\
        bench_notifications --users 10000

Adds --users people (orgs of 10, each with a draft due today that nobody has finished) to the
configured database: point DATABASE_URL at a throwaway one. Then runs the scheduler twice: the
first run claims and queues one reminder per person (a task row each, as in production); the
second finds every reminder claimed and sends nothing. Prints the time and the SQL statements of
each, per 1,000 users and per batch.
"""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from assessment.models import Assessment
from assessment.services import current_published_version
from notifications.scheduler import BATCH_SIZE, send_due
from orgs.models import Membership, Organization

BANK = Path(__file__).parents[3] / "assessment" / "content" / "cs-maturity-v2.yaml"
PER_ORG = 10


class Command(BaseCommand):
    help = "Time the reminder scheduler per 1,000 users."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def build(self, users: int) -> None:
        try:
            version = current_published_version()
        except Exception:  # noqa: BLE001 - a fresh database: load the bank first
            call_command("load_questionnaire", str(BANK), verbosity=0)
            version = current_published_version()
        user_model = get_user_model()
        stamp = int(time.time())
        with transaction.atomic():
            orgs = Organization.objects.bulk_create(
                [
                    Organization(name=f"Bench {stamp}-{i}", slug=f"bench-{stamp}-{i}")
                    for i in range(users // PER_ORG)
                ]
            )
            people = user_model.objects.bulk_create(
                [
                    user_model(
                        username=f"b{stamp}-{i}@bench.test", email=f"b{stamp}-{i}@bench.test"
                    )
                    for i in range(len(orgs) * PER_ORG)
                ]
            )
            Membership.objects.bulk_create(
                [
                    Membership(org=orgs[i // PER_ORG], user=person, role="member")
                    for i, person in enumerate(people)
                ]
            )
            Assessment.objects.bulk_create(
                [
                    Assessment(
                        org=org,
                        version=version,
                        started_by=people[n * PER_ORG],
                        due_date=timezone.localdate(),
                    )
                    for n, org in enumerate(orgs)
                ]
            )

    def timed(self, label: str, users: int, batch_size: int) -> None:
        statements = 0

        def count(execute, sql, params, many, context):
            nonlocal statements
            statements += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            sent = sum(send_due(batch_size=batch_size).values())
            seconds = time.perf_counter() - started
        batches = max(1, -(-users // batch_size))
        # Each email adds exactly one statement: its task row in the queue.
        scheduler_queries = statements - sent
        self.stdout.write(
            f"{label:<34} {seconds:7.2f} s total  {seconds * 1000 / users:6.3f} s per 1,000 users"
            f"  {sent:6d} emails  {scheduler_queries / batches:5.1f} queries per batch"
            f" (+1 per email)"
        )

    def handle(self, *args, users, batch_size, **options):
        self.build(users)
        self.stdout.write(
            f"{users} users in orgs of {PER_ORG}, drafts due today, batches of {batch_size}"
        )
        self.timed("first run (claims and queues all)", users, batch_size)
        self.timed("second run (all already claimed)", users, batch_size)
