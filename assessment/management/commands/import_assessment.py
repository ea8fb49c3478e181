from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.imports import AssessmentImportError, assessment_import, import_document_parse


class Command(BaseCommand):
    help = (
        "Import an assessment exported as JSON (export.json) as a new organization. The same "
        "questionnaire version must be loaded and published here."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--org-name", default="", help="Name of the new org (default: as exported)."
        )
        parser.add_argument(
            "--leader",
            default="",
            metavar="EMAIL",
            help="An existing user who becomes the new org's leader; answers given under this "
            "email in the export are stored under this user.",
        )

    def handle(self, *args, path: Path, org_name: str, leader: str, **options):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            document = import_document_parse(text)
            assessment = assessment_import(
                document=document, org_name=org_name, leader_email=leader
            )
        except AssessmentImportError as exc:
            raise CommandError(f"{path}: {exc} Nothing was imported.") from exc
        org = assessment.org
        self.stdout.write(
            f"Imported as a new organization: {org.name} (id {org.public_id}), assessment "
            f"{assessment.public_id}: {assessment.get_stage_display()}, score "
            f"{assessment.overall_score:.1f}, submitted {assessment.submitted_at:%Y-%m-%d}."
        )
