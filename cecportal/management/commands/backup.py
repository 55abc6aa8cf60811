from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cecportal import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup API or pg_dump) and the private uploads "
        "into one .tar.gz archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="folder for the archive (default: var/backups)",
        )

    def handle(self, *args, output, **options):
        try:
            archive = backup.backup(Path(output))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(archive))
