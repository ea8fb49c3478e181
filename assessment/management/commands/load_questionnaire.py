from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from assessment.bank import bank_load
from assessment.bank_file import BankFileError
from assessment.models import PublishedVersionError


class Command(BaseCommand):
    help = "Load a question bank file (YAML) as a questionnaire version. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--draft", action="store_true", help="Keep the new version as a draft (not published)."
        )

    def handle(self, *args, path: Path, draft: bool, **options):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            version, created = bank_load(text=text, publish=not draft)
        except (BankFileError, PublishedVersionError) as exc:
            raise CommandError(f"{path}: {exc} Nothing was loaded.") from exc
        except DatabaseError as exc:  # a limit the file check does not know about
            raise CommandError(
                f"{path}: the database refused it ({exc}). Nothing was loaded."
            ) from exc
        if created:
            counts = (
                version.domains.count(),
                sum(d.questions.count() for d in version.domains.all()),
                version.actions.count(),
            )
            self.stdout.write(
                f"Loaded {version} ({version.get_status_display().lower()}): "
                f"{counts[0]} domains, {counts[1]} questions, {counts[2]} actions."
            )
        else:
            self.stdout.write(f"{version} is already loaded with this content; nothing changed.")
