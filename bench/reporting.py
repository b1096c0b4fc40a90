"""Benchmark: the training-targets dashboard at province scale, against one raw SQL count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportbench .venv/bin/python bench/reporting.py \
        [--people 50000] [--repeat 5]

Creates the database (on the server of DATABASE_URL), its tables and the generated province
(``manage.py generate_province --people N``: 300 units, 120 courses, ~500k enrolments, a year of
completions and attendance) when they are missing; a second run reuses them. Then measures, in
one process, each after a warm-up run, the median of ``--repeat`` runs:

  (a) dashboard: ``reporting.selectors.dashboard`` for the department admin, phase 1, the province:
      every unit's figures rolled up the tree, the breakdowns, the monthly trend, and satisfaction
      for the province and each of its children (what the page shows);
  (b) a commune's dashboard (the drill-down);
  (c) the unit table of the yearly report (every unit, no satisfaction);
  (d) baseline: one raw SQL count over the same tables (people of the target population with a
      counted completion in the phase);
  (e) once: the yearly XLSX export of the province (every unit, every person trained), in a child
      process, with its peak memory (ru_maxrss).

Prints the times and the ratios to (d); ends with one JSON line:
{"people": ..., "dashboard_s": ..., "raw_sql_s": ..., "ratio": ..., ...}
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/reportbench"

RAW_COUNT = """
SELECT COUNT(*) FROM people_profile p
WHERE p.in_target_population AND p.is_active AND p.user_id IN (
    SELECT e.user_id FROM enrollment_enrollment e
    WHERE e.status = 'completed' AND e.counted_toward_target AND e.completion_revoked_at IS NULL
      AND e.completed_at >= %s AND e.completed_at < %s)
"""

EXPORT_CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
import django
django.setup()
from django.conf import settings
settings.DEBUG = False
from reporting.services import export_job_run
started = time.perf_counter()
job = export_job_run(job_id={job_id})
print(job.status, job.total, round(time.perf_counter() - started, 3),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, job.file.size if job.file else 0)
job.file.delete(save=False)
"""


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist (through the server's maintenance database)."""
    import psycopg
    from urllib.parse import urlparse

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def timed(function, repeat: int) -> float:
    function()  # warm-up: caches, plans
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    if os.environ["DATABASE_URL"].startswith("postgres"):
        ensure_database(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    settings.DEBUG = False  # no query log in memory
    call_command("migrate", verbosity=0)
    from people.models import OrgUnit, Profile, Role
    from people.services import role_assign
    from reporting.models import ExportJob
    from reporting.periods import periods_available
    from reporting.province import ROOT_CODE
    from reporting.selectors import dashboard, unit_table
    from reporting.services import export_job_create, plan_phases_ensure

    plan_phases_ensure()
    if not OrgUnit.objects.filter(code=ROOT_CODE).exists():
        print(f"generating the province ({args.people} people); this takes a few minutes ...", flush=True)
        started = time.perf_counter()
        call_command("generate_province", people=args.people)
        print(f"generated in {time.perf_counter() - started:.0f} s")
    root = OrgUnit.objects.get(code=ROOT_CODE)
    people = Profile.objects.filter(org_unit__path__startswith=root.path).count()
    admin, _created = get_user_model().objects.get_or_create(username="bench.reporting.admin")
    role_assign(user=admin, role=Role.DEPARTMENT_ADMIN, org_unit=root)
    admin = get_user_model().objects.get(pk=admin.pk)
    now = timezone.now()
    phase = next(p for p in periods_available() if p.kind == "phase" and p.since <= now < p.until)
    commune = OrgUnit.objects.filter(path__startswith=root.path, level_name="Xã, phường").order_by("path").first()

    board = dashboard(user=admin, period=phase, now=now)
    print(f"people: {people}, units: {OrgUnit.objects.filter(path__startswith=root.path).count()}, "
          f"children of the province: {len(board.children)}, period: {phase.label}")
    print(f"province: population {board.node.figures.population}, trained {board.node.figures.trained} "
          f"({board.node.figures.trained_share} %), activities online {board.node.figures.online_share} %, "
          f"satisfaction {board.node.figures.satisfaction} %")

    dashboard_s = timed(lambda: dashboard(user=admin, period=phase, now=now), args.repeat)
    no_satisfaction_s = timed(lambda: dashboard(user=admin, period=phase, now=now, with_satisfaction=False),
                              args.repeat)
    commune_s = timed(lambda: dashboard(user=admin, period=phase, unit_code=commune.code, now=now), args.repeat)
    table_s = timed(lambda: unit_table(user=admin, period=phase, now=now), args.repeat)

    def raw_count():
        with connection.cursor() as cursor:
            cursor.execute(RAW_COUNT, [phase.since, phase.effective_until(now)])
            return cursor.fetchone()[0]

    raw_sql_s = timed(raw_count, args.repeat)

    job = export_job_create(user=admin, kind=ExportJob.Kind.REPORT_XLSX, period_key=phase.key, enqueue=False)
    child = subprocess.run([sys.executable, "-c", EXPORT_CHILD.format(root=str(ROOT), job_id=job.pk)],
                           capture_output=True, text=True, env=os.environ.copy(), timeout=1800)
    status, rows, export_s, maxrss_kb, size = child.stdout.split()[-5:]
    ExportJob.objects.filter(pk=job.pk).delete()

    ratio = dashboard_s / raw_sql_s
    print(f"(a) dashboard, all units, phase:       {dashboard_s:8.3f} s   ({ratio:5.1f}x the raw count)")
    print(f"    of which without satisfaction:     {no_satisfaction_s:8.3f} s   "
          f"({no_satisfaction_s / raw_sql_s:5.1f}x)")
    print(f"(b) one commune's dashboard:           {commune_s:8.3f} s   ({commune_s / raw_sql_s:5.1f}x)")
    print(f"(c) unit table (yearly report):        {table_s:8.3f} s   ({table_s / raw_sql_s:5.1f}x)")
    print(f"(d) baseline: one raw SQL count:       {raw_sql_s:8.3f} s")
    print(f"(e) yearly XLSX export ({status}, {rows} rows, {int(size) / 1e6:.1f} MB): {float(export_s):.1f} s, "
          f"peak memory {int(maxrss_kb) / 1024:.0f} MB")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(json.dumps({
        "people": people, "dashboard_s": round(dashboard_s, 4), "raw_sql_s": round(raw_sql_s, 4),
        "ratio": round(ratio, 2), "dashboard_without_satisfaction_s": round(no_satisfaction_s, 4),
        "commune_s": round(commune_s, 4), "unit_table_s": round(table_s, 4), "export_xlsx_s": float(export_s),
        "export_peak_mb": round(int(maxrss_kb) / 1024, 1), "load_average": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
