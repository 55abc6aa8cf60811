"""The load benchmark: every key page through gunicorn (2 workers x 4 threads, production-like
settings) under wrk at 16 connections, at full scale and at one tenth, on SQLite and
PostgreSQL; each page's cost in baselines (a signed-in empty view measured between pages).

    make bench-load                          # both scales, SQLite and PostgreSQL if reachable
    SCALE=tenth DURATION=5s DB=sqlite make bench-load      # a quick run

Settings (environment): SCALE=tenth|full|hundredth|all (default all = tenth and full),
DB=sqlite|postgres|all (default all), DURATION (each page's time under wrk, and the baseline's
beside it, default 10s), ROUNDS (3: the page and its baseline taken in turns, the median of the
rounds' ratios reported), CONNECTIONS (16),
BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/; the databases are
cecportal_load_<scale>). The data sets are built once and reused (var/load-<scale>.sqlite3).
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
DURATION = os.environ.get("DURATION", "10s")
# Each page is measured in ROUNDS rounds of DURATION / ROUNDS, each beside its own baseline.
ROUNDS = max(1, int(os.environ.get("ROUNDS", "3")))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "16"))
BASELINE = "/__bench__/signed-in/"

# Targets in baselines at full scale (the issue's), and for growth from 1/10 to full.
TARGET_GROWTH = 1.2


def database_url(db: str, scale: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{ROOT / 'var' / f'load-{scale}.sqlite3'}"
    return f"{PG_URL.rstrip('/')}/cecportal_load_{scale}"


def _env(url: str) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", BENCH_DATABASE_URL=url)
    env.pop("REDIS_URL", None)
    return env


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_URL.rstrip('/')}/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


def _recreate(db: str, scale: str, url: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_URL.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS cecportal_load_{scale} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE cecportal_load_{scale}")


def _ensure_pg(scale: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL.rstrip('/')}/postgres", autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [f"cecportal_load_{scale}"]
        ).fetchone()
        if not found:
            conn.execute(f"CREATE DATABASE cecportal_load_{scale}")


def prepare(db: str, scale: str) -> dict:
    """Build the data set unless the database holds this generator's; then the pages to
    measure and a session cookie per role (made directly in the session store)."""
    url = database_url(db, scale)
    if db == "postgres":
        _ensure_pg(scale)
    probe = subprocess.run(
        [PY, "-m", "bench.load_pages", "marker", scale], cwd=ROOT, env=_env(url),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    if probe.stdout.strip() != "current":
        print(f"Building the {scale} data set on {db} …", flush=True)
        _recreate(db, scale, url)
        subprocess.run([PY, "bench/load_data.py", scale], cwd=ROOT, env=_env(url), check=True)
    else:
        print(f"Reusing the {scale} data set on {db}.", flush=True)
        # Migrations added since it was built (an index, a full-text table) apply to it too.
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=_env(url), check=True)
    out = subprocess.run(
        [PY, "-m", "bench.load_pages", "pages", scale], cwd=ROOT, env=_env(url),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str):
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "bench.wsgi:application", "--workers", "2",
             "--threads", "4", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=_env(url), start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=5)
                return
            except Exception:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer")

    def worker_rss_mb(self) -> float:
        out = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        return max((int(kb) for kb in out), default=0) / 1024

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(port: int, path: str, cookie: str, duration: str = DURATION) -> dict:
    """req/s, p50 and p99 in ms of GET path under wrk; every answer must be a 2xx.

    One connection per request, as a proxy in front of gunicorn opens them by default (nginx
    speaks HTTP/1.0 to its upstream unless told otherwise). With keep-alive, one gthread worker
    can take most of wrk's 16 lasting connections and the other few: the same page then
    measures at one worker's speed or two from one run to the next (seen: 620-1,720 req/s for
    the baseline in six runs of 2 s; 1,310-1,530 with a connection per request)."""
    # A one-off check first: a redirect to the login page would measure the wrong page.
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            if "/accounts/login/" in response.url:
                raise RuntimeError(f"GET {path} was sent to the login page: no session")
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"GET {path} answered {error.code}") from None
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency", "--timeout", "30s",
         "-H", f"Cookie: {cookie}", "-H", "Connection: close", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in out:
        raise RuntimeError(f"GET {path}: some answers were not 2xx\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
    }


def _seconds(duration: str) -> float:
    return (
        _ms(duration) / 1000
        if duration[-1] != "s" or duration[-2:] == "ms"
        else float(duration[:-1])
    )


def _drain(port: int, cookie: str) -> None:
    """Wait until the requests a slow page left queued are done: the baseline answers fast."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{BASELINE}", headers={"Cookie": cookie}
        )
        with urllib.request.urlopen(request, timeout=120):
            pass
        if time.monotonic() - started < 0.25:
            return
        time.sleep(0.5)


def _segment() -> str:
    """wrk's duration for one round of a page or of the baseline: DURATION over ROUNDS."""
    return f"{max(2, round(_seconds(DURATION) / ROUNDS))}s"


def measure(db: str, scale: str) -> dict:
    setup = prepare(db, scale)
    server = Server(database_url(db, scale))
    try:
        cookies = setup["cookies"]
        segment = _segment()
        wrk(server.port, BASELINE, cookies["professional"], "2s")  # warm both workers
        results = {}
        for label, role, path in setup["pages"]:
            # ROUNDS rounds of the page then the baseline, side by side: the cost is the median
            # of the rounds' ratios, so that a slow moment of the machine moves one round only.
            rounds = []
            for _ in range(ROUNDS):
                page = wrk(server.port, path, cookies[role], segment)
                _drain(server.port, cookies[role])
                base = wrk(server.port, BASELINE, cookies[role], segment)
                if page["rps"]:
                    page["cost"] = base["rps"] / page["rps"]
                else:  # no request finished in the window: at least this many baselines
                    page["cost"] = base["rps"] * _seconds(segment)
                    page["at_least"] = True
                page["baseline_rps"] = base["rps"]
                rounds.append(page)
            costs = sorted(r["cost"] for r in rounds)
            page = {
                key: statistics.median(r[key] for r in rounds)
                for key in ("rps", "p50", "p99", "cost", "baseline_rps")
            }
            page["at_least"] = any(r.get("at_least") for r in rounds)
            page["spread"] = costs[-1] / costs[0] if costs[0] else 1.0
            page["rounds"] = [round(c, 2) for c in costs]
            results[label] = page
            print(
                f"  {db:<8} {scale:<9} {label:<44} {page['rps']:8.1f} req/s  "
                f"p50 {page['p50']:8.1f} ms  p99 {page['p99']:8.1f} ms  "
                f"{page['cost']:6.1f} baselines (rounds {', '.join(f'{c:.1f}' for c in costs)})",
                flush=True,
            )
        rss = server.worker_rss_mb()
        print(f"  {db:<8} {scale:<9} largest gunicorn worker after the run: {rss:.0f} MB")
        return {"pages": results, "rss_mb": rss, "targets": dict(setup["targets"])}
    finally:
        server.stop()


def _wanted():
    scale = os.environ.get("SCALE", "all")
    scales = ["tenth", "full"] if scale == "all" else [scale]
    db = os.environ.get("DB", "all")
    dbs = ["sqlite", "postgres"] if db == "all" else [db]
    if "postgres" in dbs and not _pg_reachable():
        print(f"PostgreSQL not reachable at {PG_URL}: SQLite only.")
        dbs.remove("postgres")
    return scales, dbs


def report(runs: dict) -> str:
    print(
        "\n| page | db | scale | req/s | p50 ms | p99 ms | baselines | rounds | target | growth |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    worst, worst_growth = None, None
    for (db, scale), run in runs.items():
        for label, page in run["pages"].items():
            target = run["targets"].get(label)
            small = runs.get((db, "tenth"), {}).get("pages", {}).get(label)
            growth = page["cost"] / small["cost"] if small and scale != "tenth" else None
            print(
                f"| {label} | {db} | {scale} | {page['rps']:.1f} | {page['p50']:.1f} | "
                f"{page['p99']:.1f} | {'≥' if page.get('at_least') else ''}{page['cost']:.1f} | "
                f"{'–'.join(f'{c:.1f}' for c in page.get('rounds', [])[:: max(1, ROUNDS - 1)])} | "
                f"{target or '—'} | "
                f"{f'{growth:.2f}×' if growth else '—'} |"
            )
            if worst is None or (scale == "full", page["cost"]) > (worst[2] == "full", worst[3]):
                worst = (label, db, scale, page["cost"])
            if growth and (worst_growth is None or growth > worst_growth[1]):
                worst_growth = (label, growth)
    for (db, scale), run in runs.items():
        print(f"gunicorn worker after the {db} {scale} run: {run['rss_mb']:.0f} MB (target < 150)")
    label, db, scale, cost = worst
    at = "full scale" if scale == "full" else f"{scale} scale"
    growth = f"worst growth {worst_growth[0]} {worst_growth[1]:.1f}×" if worst_growth else (
        "worst growth n/a (one scale measured)"
    )  # fmt: skip
    line = f"bench-load: worst {label} {cost:.1f} baselines at {at} on {db}; {growth}"
    print(line)
    return line


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (make bench-load does it).")
    (ROOT / "var").mkdir(exist_ok=True)
    scales, dbs = _wanted()
    runs = {}
    for db in dbs:
        for scale in scales:
            runs[(db, scale)] = measure(db, scale)
    (ROOT / "var" / "bench-load.json").write_text(
        json.dumps({f"{db} {scale}": run for (db, scale), run in runs.items()}, indent=1)
    )
    report(runs)


if __name__ == "__main__":
    main()
