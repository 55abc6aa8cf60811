from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cecportal import backup


class Command(BaseCommand):
    help = (
        "Replace the database and the private uploads with those of a backup archive made by "
        "`manage.py backup`. Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz made by manage.py backup")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing everything"
        )

    def handle(self, *args, archive, yes, **options):
        if not yes and options.get("interactive", True):
            answer = input(
                "This replaces the whole database and the uploaded documents. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            manifest = backup.restore(Path(archive))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the {manifest.engine} database and {manifest.private_files} uploaded "
            f"files from the backup of {manifest.created} (UTC)."
        )
