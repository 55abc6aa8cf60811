import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.importer import (
    COLUMNS,
    CourseImport,
    ImportFileError,
    count_records,
    decode_check,
    open_text,
)


class Progress:
    """A one-line progress bar on stderr, redrawn at most a few times a second."""

    def __init__(self, stream, total, enabled):
        self.stream, self.total, self.enabled = stream, max(total, 1), enabled
        self.start = self.last = time.monotonic()

    def __call__(self, done):
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done < self.total):
            return
        self.last = now
        share = min(done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = done / max(now - self.start, 1e-6)
        self.stream.write(
            f"\r[{bar:<30}] {share:4.0%} {done:,}/{self.total:,} rows  {rate:,.0f} rows/s"
        )
        self.stream.flush()

    def finish(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import approved courses (and conference sessions) from a CSV file, the same import as "
        f"the upload page. Columns: {', '.join(COLUMNS)}. Valid rows are imported in one "
        "transaction; refused rows are listed with their reasons."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; write nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, file, dry_run, no_progress, verbosity, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        start = time.monotonic()
        with file.open("rb") as binary:
            try:
                decode_check(binary)
                total = count_records(binary)
                importer = CourseImport(open_text(binary))
                if dry_run:
                    refused = [r for r in importer.results() if r.action == "refused"]
                else:
                    show = not no_progress and verbosity > 0
                    progress = Progress(self.stderr, total, show)
                    try:
                        refused = importer.run(progress=progress)
                    finally:
                        progress.finish()
            except ImportFileError as error:
                raise CommandError(str(error)) from None
        for result in refused:
            self.stderr.write(f"line {result.line}: {result.number or '-'}: {result.message}")
        summary = importer.summary
        elapsed = time.monotonic() - start
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {summary.created} created, {summary.updated} updated, "
            f"{summary.sessions} session rows; {summary.refused} refused"
            + (
                f"; new providers: {', '.join(summary.providers_created[:10])}"
                + (
                    f" and {len(summary.providers_created) - 10} more"
                    * (len(summary.providers_created) > 10)
                )
                if summary.providers_created
                else ""
            )
            + f" ({summary.rows / max(elapsed, 1e-6):,.0f} rows/s)."
        )
