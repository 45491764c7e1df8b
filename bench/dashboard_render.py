"""In-process timing of the dashboard pages served from their snapshots: the whole view (filter
form, snapshot read, figures, template and charts), called with a RequestFactory request as a
signed-in user, without the middleware. Median and spread of N runs after a warm-up, per page and
language, the median CPU time of this process (without the database's, and less sensitive than the
wall time to what else runs on the machine), and the size of the HTML. Used for the figures of
docs/perf.md ("Dashboards").

    DATABASE_URL=postgres://... .venv/bin/python manage.py refresh_dashboard_snapshots
    DATABASE_URL=postgres://... .venv/bin/python bench/dashboard_render.py [--user NAME] [--runs 20]
        [--pages assets,trends] [--languages en,ru] [--cold]

`--cold` clears the rendered-figures cache ("dashboards": this process's, or the shared Redis database
if RECOVERY_DASHBOARD_CACHE_URL is set) before every run (what the first view of a snapshot
in a language costs); without it the runs after the warm-up read the fragment from the cache.
Production settings (DEBUG off), as `make bench` serves. Reads only, apart from the snapshot's
last-viewed time and, for a scope without a fresh snapshot, the one live computation it stores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ENV", "production")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PAGES = ["overview", "countries", "categories", "overdue", "assets", "trends", "report"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", default="bench-admin", help="username (default: the benchmark's superuser)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--languages", default="en,ru")
    parser.add_argument("--query", default="", help="query string, e.g. country=RU")
    parser.add_argument("--cold", action="store_true", help="clear the fragment cache before each run")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import caches
    from django.test import RequestFactory
    from django.urls import resolve, reverse
    from django.utils import translation

    from recovery.models import User

    user = User.objects.get(username=args.user)
    user.is_verified = lambda: True  # as after a TOTP code (django-otp's middleware sets it)
    factory = RequestFactory()
    try:
        from recovery.dashboards.fragments import CACHE_ALIAS
    except ImportError:  # before the fragment cache
        CACHE_ALIAS = None

    print(f"{'page':<12} {'lang':<4} {'median ms':>10} {'min':>7} {'max':>7} {'cpu ms':>7} {'KiB':>6}")
    for page in args.pages.split(","):
        path = reverse(f"dashboard:{page}")
        view = resolve(path).func
        for language in args.languages.split(","):
            times, cpu, size = [], [], 0
            with translation.override(language):
                for index in range(args.warmup + args.runs):
                    if args.cold and CACHE_ALIAS:
                        caches[CACHE_ALIAS].clear()
                    request = factory.get(path + (f"?{args.query}" if args.query else ""))
                    request.user = user
                    request.LANGUAGE_CODE = language
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = view(request)
                    elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
                    assert response.status_code == 200, (page, response.status_code)
                    size = len(response.content)
                    if index >= args.warmup:
                        times.append(elapsed * 1000)
                        cpu.append(elapsed_cpu * 1000)
            print(
                f"{page:<12} {language:<4} {statistics.median(times):>10.1f} {min(times):>7.1f} "
                f"{max(times):>7.1f} {statistics.median(cpu):>7.1f} {size / 1024:>6.0f}"
            )


if __name__ == "__main__":
    main()
