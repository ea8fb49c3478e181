"""Queue the reminders that are due: run it from cron or a systemd timer every few minutes
(docs/deploy.md, "Notifications"). Safe to run twice, or on several servers at once: the ledger
lets each reminder go out once (notifications/scheduler.py)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from notifications.models import Kind
from notifications.scheduler import BATCH_SIZE, send_due


class Command(BaseCommand):
    help = "Queue due reminders (assessment due dates, re-assessment, weekly plan digest)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--today", help="YYYY-MM-DD: act as if it were this day (testing).")

    def handle(self, *args, batch_size, today, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        day = None
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(
                    f"--today must be a date like 2026-12-31, not {today!r}."
                ) from exc
        sent = send_due(today=day, batch_size=batch_size)
        summary = ", ".join(f"{kind.label}: {sent.get(kind, 0)}" for kind in Kind)
        self.stdout.write(f"Queued {sum(sent.values())} notification(s). {summary}")
