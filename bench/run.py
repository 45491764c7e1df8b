"""The benchmark behind `make bench` (bin/bench): the service at volume, over loopback, against a raw baseline.

Steps: create the benchmark database (recovery_bench) on the local PostgreSQL if missing, migrate,
generate the volume once (reused while it is there), start the service under gunicorn in
production mode and the raw baseline (bench/baseline_app.py) beside it, sign in, warm up, measure
every scenario of bench/scenarios.toml with wrk (or a Python load generator), time one reminder
scan in-process, and write bench/results/<timestamp>.{json,md} and latest.{json,md}.

A scenario whose route is absent (404) is reported "not available (404)", not as a failure of the run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import importlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / "var" / "bench"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/recovery_bench"
ADMIN_USERNAME = "bench-admin"
HOST = "127.0.0.1"


def log(message: str):
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


# --- the database -------------------------------------------------------------------------------
def ensure_database(url: str):
    """Create the benchmark database on the server if it does not exist."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Unexpected database name in {url!r}")
    admin_url = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def service_env(db_url: str, secret_key: str) -> dict[str, str]:
    """Production settings with a throwaway key, on loopback without TLS (no SSL redirect, no HSTS)."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "DJANGO_ENV": "production",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            # One signed-in user sends every request of the run: at the production rate (600 a
            # minute) the faster scenarios would be answered 429. The throttle still runs (its
            # cache read and write are part of each request); only its limit is out of reach.
            "API_THROTTLE_USER": "1000000/minute",
            "API_THROTTLE_TOKEN": "1000000/minute",
            # Production runs with a shared cache (Redis): throttle counters and the table versions
            # behind the API's list cache (recovery/api/list_cache.py). Its own database number,
            # emptied at the start of each run.
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/5"),
        }
    )
    return env


def prepare(args) -> dict:
    """Migrate, generate the volume if absent, collect static files, create the admin and a session."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from incoming.models import IncomingRequest
    from mla_requests.models import Request
    from recovery.models import User
    from recovery.security.sessions import SESSION_LAST_SEEN, SESSION_LOGIN_AT

    call_command("migrate", verbosity=0, interactive=False)
    have = Request.objects.count()
    if have == 0:
        log(f"generating the volume: {args.cases:,} cases, {args.requests:,} requests, {args.assets:,} assets")
        t0 = time.monotonic()
        call_command("generate_volume", cases=args.cases, requests=args.requests, assets=args.assets)
        log(f"volume generated in {time.monotonic() - t0:.0f} s")
    elif have < args.requests * 0.99:
        log(f"the bench database holds {have:,} requests (< {args.requests:,}); reusing it as it is")
    else:
        log(f"reusing the volume in the bench database ({have:,} requests)")
    if have and not IncomingRequest.objects.exists():
        # A volume generated before incoming requests existed: add them (a fifth of the requests),
        # as the full generation would have.
        incoming = round(have / 5)
        log(f"adding {incoming:,} incoming requests to the volume")
        call_command("generate_volume", cases=0, requests=0, assets=0, incoming=incoming)
    call_command("collectstatic", verbosity=0, interactive=False)

    admin, _ = User.objects.get_or_create(username=ADMIN_USERNAME, defaults={"email": "bench@localhost"})
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.set_password(secrets.token_urlsafe(16))  # nobody signs in with it: the session is made here
    admin.save()
    # Superusers must pass TOTP (recovery.security): the session is made as after a verified code,
    # with a confirmed device and the login time the session-expiry middleware reads.
    device, _ = TOTPDevice.objects.get_or_create(user=admin, name="bench", defaults={"confirmed": True})
    now = time.time()
    session = SessionStore()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_LOGIN_AT] = session[SESSION_LAST_SEEN] = now
    session.create()

    # The API scenarios sign in as an integrating agency's system does: with an API token.
    from recovery.api.services import api_token_create
    from recovery.models import ApiToken

    ApiToken.objects.filter(user=admin, name="bench").delete()
    _token, token_text = api_token_create(
        actor=admin, user=admin, name="bench", scopes=[c for c in ApiToken.SCOPE_CHOICES if c.endswith(":read")]
    )
    # A cache left by an earlier run would hold pages of a database that may since have been
    # regenerated outside Django (COPY): start from an empty one.
    from django.core.cache import cache

    cache.clear()

    # The reminder scan of an earlier run is rolled back, which leaves its inserted delivery rows
    # dead in the table until autovacuum comes by; clear them so they do not slow this run's pages.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE requests_reminderdelivery")

    # The dashboards read summary snapshots that a beat task keeps fresh (docs/dashboards.md); a
    # running service would have them, so refresh them as the task does, and time it.
    refresh = {"status": "not available (no refresh_dashboard_snapshots command)"}
    from django.core.management import get_commands

    if "refresh_dashboard_snapshots" in get_commands():
        t0 = time.monotonic()
        call_command("refresh_dashboard_snapshots", verbosity=0)
        refresh = {"status": "ok", "seconds": round(time.monotonic() - t0, 1)}
        log(f"dashboard snapshots refreshed in {refresh['seconds']} s")

    pending = Request.objects.pending().filter(country="RU").order_by("-pk")
    ids = {
        "request_id": pending.values_list("pk", flat=True).first() or 1,
        "case_id": _first_pk("cases.Case"),
        "asset_id": _first_pk("assets.Asset"),
        "incoming_id": IncomingRequest.objects.open().order_by("-pk").values_list("pk", flat=True).first()
        or _first_pk("incoming.IncomingRequest"),
    }
    with connection.cursor() as cursor:
        volume = {}
        for label, table in [
            ("cases", "cases_case"),
            ("requests", "requests_request"),
            ("assets", "assets_asset"),
            ("case_timeline", "cases_casestatuschange"),
            ("request_timeline", "requests_requeststatuschange"),
            ("asset_timeline", "assets_assetstatuschange"),
            ("incoming", "incoming_incomingrequest"),
            ("incoming_timeline", "incoming_incomingrequeststatuschange"),
        ]:
            cursor.execute(f"SELECT count(*) FROM {table}")
            volume[label] = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    connection.close()
    return {
        "session": session.session_key,
        "token": token_text,
        "ids": ids,
        "volume": volume,
        "postgres": server,
        "dashboard_refresh": refresh,
    }


def _first_pk(label: str) -> int:
    from django.apps import apps

    return apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True).first() or 1


# --- servers ------------------------------------------------------------------------------------
def free_port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind((HOST, preferred))
            return preferred
        except OSError:
            s.bind((HOST, 0))
            return s.getsockname()[1]


def start_gunicorn(app: str, port: int, env: dict, workers: int, name: str) -> subprocess.Popen:
    LOGS.mkdir(parents=True, exist_ok=True)
    logfile = open(LOGS / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    cmd = [sys.executable, "-m", "gunicorn", app, "--workers", str(workers), "--bind", f"{HOST}:{port}"]
    cmd += ["--timeout", "120", "--error-logfile", "-", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True)
    proc.bench_log = logfile
    return proc


def wait_until_up(port: int, path: str, proc: subprocess.Popen, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited; see {LOGS}")
        try:
            status, _ = fetch(port, path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn on port {port} did not answer within {timeout:.0f} s")


def stop(proc: subprocess.Popen):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.bench_log.close()


def settle(port: int, workers: int):
    """Wait until the workers have worked through the requests a load run left queued (the load
    generator stops at its deadline, the server does not): one probe per worker, in turn."""
    for _ in range(workers):
        with contextlib.suppress(OSError):
            fetch(port, "/healthz", timeout=300)


def fetch(port: int, path: str, headers: dict | None = None, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


# --- load generators ----------------------------------------------------------------------------
def run_wrk(port: int, path: str, connections: int, duration: float, headers: dict | None) -> dict:
    cmd = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{max(1, int(duration))}s"]
    cmd += ["--timeout", "10s", "-s", str(ROOT / "bench" / "wrk_report.lua"), "-H", f"Host: {HOST}"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(f"http://{HOST}:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCHJSON "))
    raw = json.loads(line.removeprefix("BENCHJSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "errors": raw["socket_errors"] + raw["non_2xx"],
    }


def run_python_load(port: int, path: str, connections: int, duration: float, headers: dict | None) -> dict:
    """Threads with keep-alive http.client connections; used when wrk is not installed."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    headers = {"Host": HOST, **(headers or {})}

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = 200 <= response.status < 300
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            mine.append(time.perf_counter() - t0)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 1) if latencies else 0

    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0,
        "errors": errors[0],
    }


# --- in-process timings -------------------------------------------------------------------------
class _Rollback(Exception):
    pass


def time_reminder_scan(spec: str) -> dict:
    """Call the reminder scan service once, inside a transaction that is rolled back afterwards."""
    from django.db import connection, transaction

    from mla_requests.models import Request, RequestQuerySet

    module_name, _, func_name = spec.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
    except (ImportError, AttributeError):
        return {"status": f"not available ({spec} absent)"}
    from django.utils import timezone

    today = timezone.localdate()
    try:  # what the scan has to look at today: the reminder schedule's due rows
        from mla_requests.models import ReminderSchedule

        due = ReminderSchedule.objects.filter(next_on__lte=today).count()
    except ImportError:  # before the schedule: pending requests whose deadline has come (due or overdue)
        due = Request.objects.filter(RequestQuerySet.overdue_q(today) | RequestQuerySet.due_today_q(today)).count()
    total = Request.objects.count()
    result: dict = {}
    # Warmed like every other scenario: a dry run (it reads and plans, writes nothing) brings the
    # pages it reads into memory, as the every-minute scans of a running service keep them.
    try:
        t0 = time.perf_counter()
        func(dry_run=True)
        result["warmup_dry_run_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    except TypeError:  # a scan without a dry-run mode
        pass
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            outcome = func()
            result["scan_ms"] = round((time.perf_counter() - t0) * 1000, 1)
            # The commit checks the new rows' deferred foreign keys; the benchmark rolls back (so the
            # next run finds the same work), so they are run here, inside the timed span: a scan is
            # done when it could commit.
            t1 = time.perf_counter()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            result["commit_checks_ms"] = round((time.perf_counter() - t1) * 1000, 1)
            result["ms"] = round((time.perf_counter() - t0) * 1000, 1)
            # What the scan read and planned, and its phases, where the service says (a ScanResult
            # with the reminder schedule); its repr would list every planned reminder.
            for name in ("read", "planned", "to_deliver"):
                value = getattr(outcome, name, None)
                if value is not None:
                    result[name] = value if isinstance(value, int) else len(value)
            timings = getattr(outcome, "timings", None)
            if timings:
                result["phases_ms"] = {k: round(v * 1000, 1) for k, v in timings.items()}
            result["outcome"] = str(outcome)[:300] if not timings else f"ScanResult(today={outcome.today})"
            raise _Rollback
    except _Rollback:
        pass
    except Exception as exc:  # noqa: BLE001 - reported, the rest of the bench goes on
        return {"status": f"error: {type(exc).__name__}: {exc}"[:300]}
    finally:
        connection.close()
    result.update({"status": "ok", "due": due, "due_share": round(due / total, 4) if total else 0})
    return result


def time_scan_query() -> dict:
    """The reminder scan's read on its own: with the reminder schedule, its due rows and then
    their requests by id with what the plan needs; before it, pending requests whose deadline
    has passed (partial index)."""
    from django.db import connection
    from django.utils import timezone

    from mla_requests import reminder_services
    from mla_requests.models import Request, RequestQuerySet

    today = timezone.localdate()
    if hasattr(reminder_services, "due_schedule"):
        what = "due schedule rows, then their requests by id"

        def read():
            ids = sorted(reminder_services.due_schedule(today=today).values_list("request_id", flat=True))
            return list(reminder_services.scan_candidates(ids).values_list(*reminder_services.CANDIDATE_FIELDS))
    else:
        what = "pending and due, partial index"
        qs = Request.objects.filter(RequestQuerySet.overdue_q(today) | RequestQuerySet.due_today_q(today))

        def read():
            return list(qs.values_list("pk", "response_due"))

    timings = []
    for _ in range(5):
        t0 = time.perf_counter()
        n = len(read())
        timings.append((time.perf_counter() - t0) * 1000)
    connection.close()
    return {"status": "ok", "rows": n, "ms": round(min(timings), 1), "ms_first": round(timings[0], 1), "what": what}


# --- reports ------------------------------------------------------------------------------------
def verdict(row: dict) -> str:
    if row.get("informational"):
        # Measured to be shown (e.g. the API list with its cache skipped), not a target of the issue.
        return "(shown, no target)"
    if "pass" not in row:
        return "n/a"
    return "pass" if row.get("pass") else "FAIL"


def result_cell(row: dict) -> str:
    # The baseline has no target of its own: it is what the API list is compared with.
    return "" if "pass" not in row and row.get("status") == "ok" else verdict(row)


def markdown(report: dict) -> str:
    lines = [
        f"# Benchmark {report['timestamp']}",
        "",
        f"Volume: {', '.join(f'{k} {v:,}' for k, v in report['volume'].items())}.",
        f"Host: {report['host']['cpus']} CPUs, PostgreSQL {report['host']['postgres']}, "
        f"gunicorn {report['host']['workers']} sync workers, load generator {report['loadgen']}, "
        f"{report['duration_s']} s per scenario after {report['warmup_s']} s of warm-up; commit {report['commit']}.",
        "",
        "| scenario | path | conns | status | req/s | p50 ms | p95 ms | target p95 | result |",
        "|---|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for row in [*report["scenarios"], report["baseline"]]:
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row.get('connections', '')} | {row['status']} | "
            f"{row.get('rps', '')} | {row.get('p50_ms', '')} | {row.get('p95_ms', '')} | "
            f"{row.get('target_p95_ms', '')} | {result_cell(row)} |"
        )
    ratio = report.get("api_list_vs_baseline") or {}
    lines += ["", f"API list vs raw baseline: {ratio.get('summary', 'not measured')}."]
    scan = report["reminder_scan"]
    lines.append(
        f"Reminder scan (in-process, rolled back): {scan['status']}"
        + (
            f", {scan['ms']} ms with {scan['due']:,} due ({scan['due_share']:.2%}); target <= "
            f"{scan['target_ms']} ms: {verdict(scan)}"
            if scan.get("status") == "ok"
            else ""
        )  # fmt: skip
        + (
            f"; {scan['read']:,} requests read, {scan['planned']:,} reminders planned"
            if scan.get("status") == "ok" and "read" in scan and "planned" in scan
            else ""
        )
        + (
            " (" + ", ".join(f"{k} {v} ms" for k, v in scan["phases_ms"].items()) + ")"
            if scan.get("status") == "ok" and scan.get("phases_ms")
            else ""
        )
        + (
            f"; the scan {scan['scan_ms']} ms, then its commit's foreign-key checks {scan['commit_checks_ms']} ms"
            if scan.get("status") == "ok" and "commit_checks_ms" in scan
            else ""
        )
        + (
            f"; after a warm-up dry run of {scan['warmup_dry_run_ms']} ms"
            if scan.get("status") == "ok" and "warmup_dry_run_ms" in scan
            else ""
        )
        + "."
    )
    q = report["scan_query"]
    lines.append(
        f"Scan query alone ({q.get('what', 'pending and due, partial index')}): {q['rows']:,} rows in {q['ms']} ms."
    )
    refresh = report.get("dashboard_refresh") or {}
    if refresh.get("status") == "ok":
        lines.append(
            f"Dashboard snapshots (all unfiltered pages, scope 'all') refreshed before the run, as the beat task "
            f"does: {refresh['seconds']} s."
        )
    return "\n".join(lines) + "\n"


def print_table(report: dict):
    head = f"{'scenario':<26}{'status':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'target':>8}  result"
    print(head)
    print("-" * len(head))
    for row in [*report["scenarios"], report["baseline"]]:
        print(
            f"{row['name']:<26}{row['status'][:23]:<24}{row.get('rps', ''):>9}{row.get('p50_ms', ''):>9}"
            f"{row.get('p95_ms', ''):>9}{row.get('target_p95_ms', ''):>8}  {result_cell(row)}"
        )
    ratio = report.get("api_list_vs_baseline") or {}
    print(f"\nAPI list vs raw baseline: {ratio.get('summary', 'not measured')}")
    scan = report["reminder_scan"]
    print(f"reminder scan: {scan['status']} {scan.get('ms', '')} ms (due {scan.get('due', '-')})  {verdict(scan)}")
    q = report["scan_query"]
    print(f"scan query alone: {q['rows']} rows in {q['ms']} ms")


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --- main ---------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--assets", type=int, default=500_000)
    parser.add_argument("--duration", type=float, default=None, help="seconds per scenario (default from the file)")
    parser.add_argument("--warmup", type=float, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--baseline-port", type=int, default=8011)
    parser.add_argument("--scenarios", default=str(ROOT / "bench" / "scenarios.toml"))
    parser.add_argument("--only", nargs="*", help="names of the scenarios to run (default: all)")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--skip-scan", action="store_true", help="do not time the reminder scan")
    args = parser.parse_args(argv)

    config = tomllib.loads(Path(args.scenarios).read_text())
    defaults = config.get("defaults", {})
    duration = args.duration or defaults.get("duration_s", 10)
    warmup = args.warmup if args.warmup is not None else defaults.get("warmup_s", 2)
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    load = run_wrk if loadgen == "wrk" else run_python_load

    for module, pin in (("orjson", "orjson==3.13.0"), ("gunicorn", "gunicorn"), ("psycopg", "psycopg[binary]")):
        if importlib.util.find_spec(module) is None:
            raise SystemExit(f"bench needs {module}: pip install {pin}")
    db_url = args.database_url
    ensure_database(db_url)
    env = service_env(db_url, secrets.token_urlsafe(48))
    os.environ.update(
        {k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE_URL", "LOG_LEVEL", "CACHE_URL"))}
    )
    sys.path.insert(0, str(ROOT))
    state = prepare(args)
    from django.conf import settings

    # How each scenario signs in: people by their session cookie (admin, dashboards), other
    # agencies' systems by their API token (what the API's integrators send).
    credentials = {
        "session": {"Cookie": f"{settings.SESSION_COOKIE_NAME}={state['session']}"},
        "token": {"Authorization": f"Token {state['token']}"},
        "none": {},
    }
    port, baseline_port = free_port(args.port), free_port(args.baseline_port)
    service = start_gunicorn("config.wsgi:application", port, env, args.workers, "service")
    baseline = start_gunicorn("bench.baseline_app:app", baseline_port, env, args.workers, "baseline")
    scenarios, baseline_row = [], None
    try:
        wait_until_up(port, "/healthz", service)
        wait_until_up(baseline_port, "/", baseline)
        for spec in config.get("scenario", []):
            if args.only and spec["name"] not in args.only:
                continue
            conns = spec.get("connections", defaults.get("connections", 2))
            path = spec["path"].format(**state["ids"])
            auth = spec.get("auth", defaults.get("auth", "session"))
            row = {"name": spec["name"], "path": path, "connections": conns, "target_p95_ms": spec["target_p95_ms"]}
            use_headers = {**credentials[auth], **spec.get("headers", {})}
            if spec.get("headers"):
                row["headers"] = spec["headers"]
            row["auth"] = auth
            if spec.get("informational"):
                row["informational"] = True
            if spec.get("baseline"):
                # The baseline first, on idle servers: measured after the service, it would share the
                # cores with whatever backlog the service's workers were still working through.
                log(f"baseline for {spec['name']}: warm-up, then {duration} s at {conns} connections")
                if warmup:
                    load(baseline_port, path, conns, warmup, None)
                baseline_row = {"name": "baseline_" + spec["name"], "path": path, "connections": conns}
                baseline_row.update(load(baseline_port, path, conns, duration, None))
                baseline_row["status"] = "ok" if not baseline_row["errors"] else "errors"
                settle(baseline_port, args.workers)
            try:
                status, _body = fetch(port, path, use_headers, timeout=120)
            except OSError as exc:  # a page slower than the probe's patience is a result, not a crash
                status, row["status"] = None, f"error (probe: {type(exc).__name__})"
                row["pass"] = False
            if status is None:
                pass
            elif status == 404:
                row["status"] = "not available (404)"
            elif status in (301, 302):
                row["status"] = f"redirected ({status}): not signed in?"
            elif status != 200:
                row["status"] = f"error ({status})"
            else:
                log(f"{spec['name']}: warm-up {warmup} s, then {duration} s at {conns} connections")
                if warmup:
                    load(port, path, conns, warmup, use_headers)
                row.update(load(port, path, conns, duration, use_headers))
                settle(port, args.workers)
                if not row["requests"]:
                    row["status"] = f"no answer within {duration} s"
                    row["pass"] = False
                else:
                    row["status"] = "ok" if not row["errors"] else f"ok ({row['errors']} errors)"
                    row["pass"] = row["p95_ms"] <= spec["target_p95_ms"] and not row["errors"]
            if spec.get("baseline"):
                if row.get("rps"):
                    ratio = row["rps"] / baseline_row["rps"] if baseline_row["rps"] else 0
                    minimum = spec.get("min_baseline_ratio", 0.5)
                    row["baseline_ratio"] = round(ratio, 3)
                    row["pass"] = row["pass"] and ratio >= minimum
                    row["baseline_summary"] = (
                        f"{row['rps']} vs {baseline_row['rps']} req/s = {ratio:.2f} of the baseline's throughput "
                        f"(target >= {minimum}); p95 {row['p95_ms']} vs {baseline_row['p95_ms']} ms"
                    )
                else:
                    row["baseline_summary"] = f"{spec['name']} {row['status']}; baseline {baseline_row['rps']} req/s"
            scenarios.append(row)
            log(f"{row['name']}: {row['status']} {row.get('p95_ms', '')}")
    finally:
        stop(service)
        stop(baseline)

    scan_spec = config.get("reminder_scan", {})
    if args.skip_scan:
        scan = {"status": "skipped (--skip-scan)"}
    else:
        scan = time_reminder_scan(scan_spec.get("callable", "mla_requests.reminder_services:scan_reminders"))
    scan["target_ms"] = scan_spec.get("target_ms", 1000)
    if scan.get("status") == "ok":
        scan["pass"] = scan["ms"] <= scan["target_ms"]
    list_row = next((r for r in scenarios if r.get("baseline_summary")), {})
    now = datetime.datetime.now(datetime.UTC)
    report = {
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": git_commit(),
        "host": {"cpus": os.cpu_count(), "postgres": state["postgres"], "workers": args.workers},
        "loadgen": loadgen,
        "duration_s": duration,
        "warmup_s": warmup,
        "volume": state["volume"],
        "scenarios": scenarios,
        "baseline": baseline_row or {"name": "baseline_api_list", "path": "-", "status": "not run"},
        "api_list_vs_baseline": {
            "summary": list_row.get("baseline_summary", "not measured"),
            "throughput_ratio": list_row.get("baseline_ratio"),
        },  # fmt: skip
        "reminder_scan": scan,
        "scan_query": time_scan_query(),
        "dashboard_refresh": state.get("dashboard_refresh", {}),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    for name in (stamp, "latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
        (RESULTS / f"{name}.md").write_text(markdown(report))
    print_table(report)
    log(f"written: bench/results/{stamp}.json, .md and latest.json, latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
