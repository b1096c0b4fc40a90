"""Benchmark: a crowd of anonymous entrants on a contest round, against gunicorn on loopback.

Each simulated entrant does what a person on a phone does: opens the round's entry
page (GET: the questions and a signed ticket, no database write), reads and answers
(``--think-seconds`` per question, 0 by default), sends the form (POST: registration,
answers, tie-break prediction), lands on the thank-you page with their place so far
(GET), and opens the round's leaderboard (GET). Every entrant comes from its own
address (X-Real-IP, as nginx sets it) so the per-address flood limit does not stop
the crowd.

Measures, on the same gunicorn (workers x threads):
  (a) the contest: requests per second, p50/p95 latency of each step and of all requests;
  (b) a baseline: a bare WSGI "hello" answered by the same gunicorn, same concurrency;
and checks that no answer was lost: every accepted entry is in the database with
exactly the answers that were sent. Ends with one JSON line.

    .venv/bin/python bench/contest_load.py [--entrants 2000] [--concurrency 32] [--questions 20]
        [--think-seconds 0] [--ramp-seconds 0] [--max-seconds 900] [--database-url URL]

Two shapes worth running: a hammer (``--concurrency 32``, no think time: the
server's capacity) and the issue's crowd (``--concurrency 2000 --think-seconds 3
--ramp-seconds 60``: 2,000 entrants at once, each reading for about a minute).

Loopback only (127.0.0.1). Uses a throwaway SQLite database under a temporary
VAR_DIR unless --database-url (or DATABASE_URL) names a PostgreSQL database; that
database is dropped and created anew, so its name must contain "bench". Stops by
itself: every request has a timeout, the run has a deadline, and gunicorn is
stopped at the end.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELLO_PATH = "/bench-hello/"
WARM_PATH = "/bench-warm/"
TICKET = re.compile(r'name="ticket" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r'type="radio" name="q(\d+)" value="([^"]+)"')


def application(environ, start_response):
    """What gunicorn serves: a bare hello at HELLO_PATH (the baseline), the worker's process id once
    Django is loaded at WARM_PATH (warm-up), the platform elsewhere."""
    if environ.get("PATH_INFO") == HELLO_PATH:
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "5")])
        return [b"hello"]
    if environ.get("PATH_INFO") == WARM_PATH:
        _django()
        body = str(os.getpid()).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]
    return _django()(environ, start_response)


_DJANGO_APP = None


def _django():
    global _DJANGO_APP
    if _DJANGO_APP is None:
        sys.path.insert(0, str(ROOT))
        from django.core.wsgi import get_wsgi_application

        _DJANGO_APP = get_wsgi_application()
    return _DJANGO_APP


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def setup_contest(questions: int) -> tuple[str, int, list[int]]:
    """Migrate the throwaway database and create an open public contest; returns (slug, round, unit ids)."""
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from assessments.models import Contest, Question, QuestionCategory, QuestionOption
    from assessments.services.contests import contest_rounds_create_weekly
    from people.services import org_unit_create

    call_command("migrate", verbosity=0)
    province = org_unit_create(name="Tỉnh Bench", code="BENCH")
    units = [org_unit_create(name=f"Xã {n}", code=f"XA-BENCH-{n:02d}", parent=province) for n in range(20)]
    category, _created = QuestionCategory.objects.get_or_create(name="Hiến pháp", org_unit=province)
    made = []
    for n in range(questions):
        if n % 2:
            question = Question.objects.create(category=category, qtype="true_false", true_false_answer=bool(n % 3),
                                               stem=f"<p>Nhận định số {n} về Hiến pháp năm 2013.</p>")
        else:
            question = Question.objects.create(category=category, qtype="single",
                                               stem=f"<p>Câu hỏi số {n}: cơ quan nào có quyền lập pháp?</p>")
            for order, (text, right) in enumerate([("Quốc hội", True), ("Chính phủ", False),
                                                   ("Tòa án nhân dân tối cao", False)]):
                QuestionOption.objects.create(question=question, sort_order=order, text=text, is_correct=right)
        made.append(question)
    contest = Contest.objects.create(title="Cuộc thi tìm hiểu Hiến pháp (bench)", slug="bench", org_unit=province,
                                     entries_per_round=1)
    contest_rounds_create_weekly(contest=contest, first_opens_at=timezone.now() - dt.timedelta(hours=1), weeks=1,
                                 slots=[{"question": q} for q in made], time_limit_minutes=30)
    return contest.slug, 1, [unit.pk for unit in units]


def start_gunicorn(port: int, workers: int, threads: int, env: dict, log: Path) -> subprocess.Popen:
    # run from the project root (bench/ holds other scripts whose names would shadow the apps)
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "bench.contest_load:application", "--chdir", str(ROOT),
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread", "--timeout", "60", "--log-level", "warning"]
    with log.open("ab") as handle:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True)


def wait_ready(base: str, deadline: float) -> None:
    import requests

    while time.monotonic() < deadline:
        try:
            if requests.get(base + HELLO_PATH, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start in time")


STEPS = ("get", "post", "done", "board")


def fresh_postgres(url: str) -> None:
    """Drop and create the (throwaway) database ``url`` names, so every run starts empty."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: a bench database's name must contain 'bench'")
    admin = urlunsplit((parts.scheme.replace("postgres", "postgresql", 1) if parts.scheme == "postgres"
                        else parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def server_cpu_seconds(master_pid: int) -> float | None:
    """CPU time (user + system) used so far by gunicorn's workers: a measure of the work per request
    that, unlike latency, does not depend on what else the machine is running. Linux /proc only."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master_pid:  # a worker of this gunicorn
                total += (int(fields[11]) + int(fields[12])) / ticks
    except OSError:
        return None
    return total


def warm_up(base: str, workers: int, deadline: float) -> None:
    """Until every worker has loaded Django: a worker's first request would otherwise pay for it."""
    import requests

    seen: set[str] = set()
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        while len(seen) < workers and time.monotonic() < deadline:
            seen.update(pool.map(lambda _n: requests.get(base + WARM_PATH, timeout=120).text, range(workers * 2)))


def run_entrant(base: str, slug: str, number: int, unit_ids: list[int], timeout: float, think: float = 0.0,
                start_at: float | None = None) -> dict:
    """One entrant: GET the form, think, POST the entry, see their place and the leaderboard.
    Returns latencies (ms) of each step and what was sent."""
    import requests

    rng = random.Random(number)
    if start_at is not None:
        time.sleep(max(0.0, start_at - time.monotonic()))
    session = requests.Session()
    address = str(ipaddress.IPv4Address(0x0A000000 + number + 1))  # 10.0.0.1, 10.0.0.2, ...
    headers = {"X-Real-IP": address, "User-Agent": "contest-bench"}
    url = f"{base}/assessments/contests/{slug}/rounds/1/enter/"
    result = {"number": number, **{f"{step}_ms": None for step in STEPS}, "ok": False, "sent": {}, "phone": ""}
    try:
        started = time.perf_counter()
        page = session.get(url, headers=headers, timeout=timeout)
        result["get_ms"] = (time.perf_counter() - started) * 1000
        if page.status_code != 200:
            result["error"] = f"GET {page.status_code}"
            return result
        html = page.text
        choices: dict[str, list[str]] = {}
        for position, value in RADIO.findall(html):
            choices.setdefault(position, []).append(value)
        sent = {position: rng.choice(values) for position, values in choices.items()}
        phone = f"09{number:08d}"
        form = {"csrfmiddlewaretoken": CSRF.search(html).group(1), "ticket": TICKET.search(html).group(1),
                "full_name": f"Người dự thi {number}", "org_unit": str(rng.choice(unit_ids)), "address": "",
                "phone": phone, "email": "", "prediction": str(rng.randint(1000, 3000))}
        form.update({f"q{position}": value for position, value in sent.items()})
        if think:  # reading and answering each question
            time.sleep(sum(rng.uniform(0.5, 1.5) * think for _question in choices))
        started = time.perf_counter()
        response = session.post(url, data=form, headers={**headers, "Referer": url}, timeout=timeout,
                                 allow_redirects=False)
        result["post_ms"] = (time.perf_counter() - started) * 1000
        result.update(ok=response.status_code == 302, sent=sent, phone=phone)
        if response.status_code != 302:
            result["error"] = f"POST {response.status_code}"
            return result
        location = response.headers["Location"]
        for step, target in (("done", base + location if location.startswith("/") else location),
                             ("board", f"{base}/assessments/contests/{slug}/rounds/1/leaderboard/")):
            started = time.perf_counter()
            page = session.get(target, headers=headers, timeout=timeout)
            result[f"{step}_ms"] = (time.perf_counter() - started) * 1000
            if page.status_code != 200:
                result["error"] = f"{step.upper()} {page.status_code}"
                return result
    except requests.RequestException as error:
        result["error"] = type(error).__name__
    return result


def hello(base: str, timeout: float) -> float | None:
    import requests

    started = time.perf_counter()
    try:
        requests.get(base + HELLO_PATH, timeout=timeout)
    except requests.RequestException:
        return None
    return (time.perf_counter() - started) * 1000


def lost_answers(results: list[dict]) -> tuple[int, int]:
    """(answers sent in accepted entries but not stored as sent, accepted entries missing)."""
    from assessments.models import ContestEntry

    stored = {entry.entrant.phone: entry for entry in ContestEntry.objects.select_related("entrant")}
    # warm-up entries are stored too; only the measured entrants are compared
    lost = missing = 0
    for result in results:
        if not result["ok"]:
            continue
        entry = stored.get(result["phone"])
        if entry is None:
            missing += 1
            lost += len(result["sent"])
            continue
        saved = {str(answer["position"]): answer["response"] for answer in entry.answers}
        for position, value in result["sent"].items():
            kept = saved.get(position)
            if str(kept).lower() != value.lower():
                lost += 1
    return lost, missing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entrants", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32, help="entrants active at once")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--think-seconds", type=float, default=0.0, help="reading time per question (mean)")
    parser.add_argument("--ramp-seconds", type=float, default=0.0, help="spread the entrants' arrivals")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    deadline = time.monotonic() + args.max_seconds
    postgres = args.database_url.startswith("postgres")

    workdir = Path(tempfile.mkdtemp(prefix="bench-contest-"))
    env = {**os.environ, "VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "lms.settings.test",
           "TRUST_X_REAL_IP": "true", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT),
           "LOG_LEVEL": "ERROR"}
    env["DATABASE_URL"] = args.database_url if postgres else f"sqlite:///{workdir / 'bench.sqlite3'}"
    if postgres:
        fresh_postgres(args.database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    slug, _round, unit_ids = setup_contest(args.questions)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "gunicorn.log"
    server = start_gunicorn(port, args.workers, args.threads, env, log)
    try:
        wait_ready(base, time.monotonic() + 60)
        warm_up(base, args.workers, time.monotonic() + 180)
        request_timeout = 30.0
        # warm up: each worker imports Django and opens its database connection (these entries are not counted)
        with ThreadPoolExecutor(max_workers=args.workers * args.threads) as pool:
            list(pool.map(lambda n: run_entrant(base, slug, 10**6 + n, unit_ids, request_timeout),
                          range(args.workers * args.threads)))

        # (a) the contest
        cpu_start = server_cpu_seconds(server.pid)
        results = []
        started = time.perf_counter()
        ramp_start = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            futures = [pool.submit(run_entrant, base, slug, number, unit_ids, request_timeout, args.think_seconds,
                                   ramp_start + args.ramp_seconds * number / max(1, args.entrants))
                       for number in range(args.entrants)]
            for future in as_completed(futures, timeout=max(1.0, deadline - time.monotonic())):
                results.append(future.result())
        contest_s = time.perf_counter() - started
        cpu_contest = server_cpu_seconds(server.pid)

        # (b) the baseline: the same number of requests, bare hello
        requests_made = sum(1 for r in results for step in STEPS if r[f"{step}_ms"] is not None)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=min(args.concurrency, 256)) as pool:
            baseline = [ms for ms in pool.map(lambda _n: hello(base, request_timeout), range(requests_made))
                        if ms is not None]
        baseline_s = time.perf_counter() - started
        cpu_baseline = server_cpu_seconds(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    accepted = [r for r in results if r["ok"]]
    errors: dict[str, int] = {}
    for r in results:
        if r.get("error"):
            errors[r["error"]] = errors.get(r["error"], 0) + 1
    lost, missing = lost_answers(results)
    by_step = {step: [r[f"{step}_ms"] for r in results if r[f"{step}_ms"] is not None] for step in STEPS}
    all_ms = [ms for values in by_step.values() for ms in values]
    # with think time the crowd, not the server, sets the pace: throughput counts the busy time only
    throughput = len(all_ms) / contest_s
    baseline_rps = len(baseline) / baseline_s
    print(f"entrants: {args.entrants} (concurrency {args.concurrency}, {args.questions} questions, think "
          f"{args.think_seconds:g} s/question, ramp {args.ramp_seconds:g} s, gunicorn {args.workers}x{args.threads} "
          f"threads, {'PostgreSQL' if postgres else 'SQLite'})")
    print(f"accepted entries:                 {len(accepted)}   refused/failed: {errors or 0}")
    print(f"(a) contest: {throughput:8.1f} req/s over {contest_s:.0f} s   all p50 {percentile(all_ms, .5):6.1f} ms  "
          f"p95 {percentile(all_ms, .95):6.1f} ms")
    for step, label in zip(STEPS, ("entry form (GET)", "submit (POST)", "your place (GET)", "leaderboard (GET)")):
        values = by_step[step]
        print(f"    {label:18s} n={len(values):5d}  p50 {percentile(values, .5):7.1f} ms  "
              f"p95 {percentile(values, .95):7.1f} ms  max {max(values, default=0):7.1f} ms")
    cpu_ms = cpu_hello_ms = None
    if None not in (cpu_start, cpu_contest, cpu_baseline):
        cpu_ms = (cpu_contest - cpu_start) * 1000 / max(1, len(all_ms))
        cpu_hello_ms = (cpu_baseline - cpu_contest) * 1000 / max(1, len(baseline))
        print(f"    server CPU per request: {cpu_ms:6.1f} ms (gunicorn workers' user + system time"
              f"{'; PostgreSQL not counted' if postgres else ', SQLite included'})")
    print(f"(b) baseline hello: {baseline_rps:8.1f} req/s   p50 {percentile(baseline, .5):6.1f} ms  "
          f"p95 {percentile(baseline, .95):6.1f} ms" + (f"   CPU {cpu_hello_ms:.2f} ms/request" if cpu_hello_ms else ""))
    print(f"    throughput ratio a/b:         {throughput / baseline_rps:8.3f}")
    print(f"    lost answers: {lost}   accepted entries missing from the database: {missing}")
    if errors:
        print(f"    server log: {log}")
    print(json.dumps({"entrants": args.entrants, "accepted": len(accepted), "throughput_rps": round(throughput, 1),
                      "p50_ms": round(statistics.median(all_ms), 1) if all_ms else None,
                      "p95_ms": round(percentile(all_ms, .95), 1),
                      "p95_by_step_ms": {step: round(percentile(by_step[step], .95), 1) for step in STEPS},
                      "baseline_rps": round(baseline_rps, 1), "baseline_p95_ms": round(percentile(baseline, .95), 1),
                      "ratio_to_baseline": round(throughput / baseline_rps, 3), "lost_answers": lost,
                      "server_cpu_ms_per_request": round(cpu_ms, 1) if cpu_ms is not None else None,
                      "baseline_cpu_ms_per_request": round(cpu_hello_ms, 2) if cpu_hello_ms is not None else None,
                      "database": "postgresql" if postgres else "sqlite", "think_seconds": args.think_seconds}))


if __name__ == "__main__":
    main()
