"""Run every benchmark and print each figure beside a baseline measured in the same run.

    make bench                     # SQLite (var/bench.sqlite3, rebuilt each run)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cecportal_bench make bench
    .venv/bin/python bench/run.py catalog   # only the named modules

These machines are noisy: read the ratios, not the absolute numbers.
"""

import importlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

MODULES = ["catalog", "tracker", "petitions", "tasks", "reminders", "ocr"]
MODULES = ["catalog", "tracker", "petitions", "tasks", "reminders", "roster", "api"]


class Bench:
    def __init__(self):
        from django.test import Client

        self.client = Client()
        self.rows = []
        self._baseline_ms = None

    # --- measuring ----------------------------------------------------------------------
    def time_ms(self, fn, repeat=50, warmup=3):
        """Median wall time of fn() in milliseconds."""
        for _ in range(warmup):
            fn()
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        return statistics.median(samples)

    def get_ms(self, path, repeat=30, expect=200):
        """Median server time of a GET through Django's full request stack, in ms."""

        def fetch():
            response = self.client.get(path)
            if response.status_code != expect:
                raise RuntimeError(f"GET {path} answered {response.status_code}, expected {expect}")

        return self.time_ms(fetch, repeat=repeat)

    def login(self, user):
        self.client.force_login(user)

    def logout(self):
        self.client.logout()

    @property
    def baseline_ms(self):
        """A signed-in empty view through the same middleware (the session and the user
        loaded, a few bytes back): the floor of any signed-in page."""
        if self._baseline_ms is None:
            from django.test import Client

            from accounts.models import User

            user, _ = User.objects.get_or_create(email="bench-baseline@example.com")
            client = Client()
            client.force_login(user)

            def fetch():
                response = client.get("/__bench__/signed-in/")
                if response.status_code != 200:
                    raise RuntimeError(f"baseline answered {response.status_code}")

            self._baseline_ms = self.time_ms(fetch, repeat=200)
        return self._baseline_ms

    # --- reporting ----------------------------------------------------------------------
    def report(self, label, value, unit, baseline=None, baseline_label=""):
        if baseline is None:
            line = f"{label:<58} {value:>12.3f} {unit}"
        else:
            ratio = value / baseline if baseline else float("inf")
            line = (
                f"{label:<58} {value:>12.3f} {unit}   "
                f"baseline {baseline:>10.3f} {unit} ({baseline_label})   ratio {ratio:6.2f}×"
            )
        self.rows.append(line)
        print(line, flush=True)

    def section(self, title):
        print(f"\n== {title}", flush=True)


def main(argv):
    import django

    (ROOT / "var").mkdir(exist_ok=True)
    db_file = ROOT / "var" / "bench.sqlite3"
    if not os.environ.get("BENCH_DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0, interactive=False)

    bench = Bench()
    print(f"Database: {connection.vendor}; Python {sys.version.split()[0]}")
    bench.section("Baseline")
    bench.report("signed-in empty view (median server time)", bench.baseline_ms, "ms")

    wanted = argv[1:] or MODULES
    for name in wanted:
        try:
            module = importlib.import_module(f"bench.bench_{name}")
        except ModuleNotFoundError:
            print(f"\n(no benchmark for {name})")
            continue
        bench.section(name)
        module.run(bench)
    print("\nDone.")


if __name__ == "__main__":
    main(sys.argv)
