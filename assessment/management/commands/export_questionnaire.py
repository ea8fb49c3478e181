from django.core.management.base import BaseCommand, CommandError

from assessment.bank import bank_export
from assessment.bank_file import dump_bank
from assessment.models import QuestionnaireVersion


class Command(BaseCommand):
    help = "Write a questionnaire version as a question bank file (YAML) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("version", type=int)

    def handle(self, *args, slug: str, version: int, **options):
        found = QuestionnaireVersion.objects.filter(
            questionnaire__slug=slug, number=version
        ).first()
        if found is None:
            raise CommandError(f"No questionnaire '{slug}' with version {version}.")
        self.stdout.write(dump_bank(bank_export(version=found)), ending="")
