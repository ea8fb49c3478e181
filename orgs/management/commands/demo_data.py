from django.core.management.base import BaseCommand, CommandError

from assessment.services import AssessmentError
from orgs.demo import DEMO_PASSWORD, demo_build, demo_logins


class Command(BaseCommand):
    help = "Create demo people, client orgs and assessments (once), and print the demo logins."

    def handle(self, *args, **options):
        try:
            created = demo_build()
        except AssessmentError as exc:
            raise CommandError(f"{exc} Run load_questionnaire first.") from exc
        self.stdout.write("Demo data created." if created else "Demo data already present.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for label, email in demo_logins():
            self.stdout.write(f"  {label:<38} {email}")
        self.stdout.write("\nOpen http://127.0.0.1:8000/ and log in with any of them.\n")
