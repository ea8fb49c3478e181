import os

from django.core.management.base import BaseCommand, CommandError

from assessment.services import AssessmentError
from orgs.demo import (
    DEMO_PASSWORD,
    demo_build,
    demo_build_peers,
    demo_build_portfolio,
    demo_logins,
)


class Command(BaseCommand):
    help = "Create demo people, client orgs and assessments (once), and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--orgs",
            type=int,
            default=0,
            help="Also give the demo consultant this many generated client orgs (for trying "
            "the portfolio at scale). Orgs already generated are kept, so a rerun adds nothing.",
        )
        parser.add_argument(
            "--assessments",
            type=int,
            default=4,
            help="Submitted assessments per generated org, a quarter apart (default 4).",
        )
        parser.add_argument("--seed", type=int, default=7, help="Seed of the generated data.")

    def handle(self, *args, orgs: int, assessments: int, seed: int, **options):
        if orgs < 0 or assessments < 0:
            raise CommandError("--orgs and --assessments must be 0 or more.")
        try:
            created = demo_build()
            # A database built before the demo had benchmark peers gets them now.
            demo_build_peers(seed=seed)
            built = (
                demo_build_portfolio(orgs=orgs, assessments=assessments, seed=seed)
                if orgs
                else None
            )
        except AssessmentError as exc:
            raise CommandError(f"{exc} Run load_questionnaire first.") from exc
        self.stdout.write("Demo data created." if created else "Demo data already present.")
        if built is not None:
            self.stdout.write(
                f"Generated portfolio: {built.orgs} new orgs, {built.assessments} submitted "
                f"assessments, {built.drafts} open drafts"
                + ("." if built.orgs else " (all requested orgs already exist).")
            )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for label, email in demo_logins():
            self.stdout.write(f"  {label:<38} {email}")
        # `make run PORT=8001` passes its port on, so the address printed is the one served.
        port = os.environ.get("PORT") or "8000"
        self.stdout.write(f"\nOpen http://127.0.0.1:{port}/ and log in with any of them.\n")
