"""Benchmark: a crowd of anonymous entrants on a contest round, against gunicorn on loopback.

Each simulated entrant does what a person on a phone does: opens the round's entry
page (GET: the questions and a signed ticket, no database write), reads and answers
the questions (``--think-seconds`` per question on average, spread 0.5x-1.5x), sends
the form (POST: registration, answers, tie-break prediction), lands on the thank-you
page with their place so far (GET), and opens the round's leaderboard (GET). Every
entrant comes from its own address (X-Real-IP, as nginx sets it) so the per-address
flood limit does not stop the crowd, and opens a new connection per request (a phone
reading for minutes does not keep one open).

The client is one asyncio process speaking HTTP/1.1 over asyncio streams: thousands of
waiting entrants cost it almost nothing, so the two cores go to the server.

Three phases on the same gunicorn (workers x threads):
  (a) the crowd: ``--entrants`` (2,000) entrants arriving evenly over ``--ramp-seconds`` (100)
      and each reading for about ``--questions x --think-seconds`` seconds (20 x 5 = 100), so
      that when the last arrives the first is about to send: all 2,000 are in the middle of
      their entry at once (20 arrive per second). Requests per second, p50/p95 latency of
      each step and of all requests (the goal: p95 under 1 s);
  (b) the capacity: ``--hammer-entrants`` more entrants without think time, ``--hammer-
      concurrency`` at a time: the contest's requests per second when the server is the limit;
  (c) the baseline: a bare Django "hello" view (the same middleware) answered by the same
      gunicorn at the same concurrency, as many requests as (b).
``ratio_to_baseline`` is (b) / (c): what a contest request costs against the cheapest Django
request. Checks that no answer was lost: every accepted entry is in the database with
exactly the answers that were sent. Ends with one JSON line.

    .venv/bin/python bench/contest_load.py [--entrants 2000] [--think-seconds 5] [--ramp-seconds 100]
        [--questions 20] [--workers 3] [--threads 4] [--hammer-entrants 300] [--hammer-concurrency 24]
        [--max-seconds 900] [--database-url URL]

Loopback only (127.0.0.1). Uses a throwaway SQLite database under a temporary
VAR_DIR unless --database-url (or DATABASE_URL) names a PostgreSQL database; that
database is dropped and created anew, so its name must contain "bench". REDIS_URL, if
set, is the cache every worker shares (otherwise each worker has its own memory cache).
Stops by itself: every request has a timeout, the run has a deadline, and gunicorn is
stopped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HELLO_PATH = "/bench-hello/"
WARM_PATH = "/bench-warm/"
TICKET = re.compile(r'name="ticket" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r'type="radio" name="q(\d+)" value="([^"]+)"')
STEPS = ("get", "post", "done", "board")


# --- the server side: what gunicorn imports ---------------------------------------------------

def application(environ, start_response):
    """What gunicorn serves: the worker's process id once Django is loaded at WARM_PATH (warm-up),
    Django elsewhere (the platform, and the bare hello view at HELLO_PATH)."""
    if environ.get("PATH_INFO") == WARM_PATH:
        _django()
        body = str(os.getpid()).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]
    return _django()(environ, start_response)


_DJANGO_APP = None
urlpatterns: list = []  # this module is the workers' URLconf: the hello view, then the platform


def hello_view(request):
    """The baseline: the same Django stack (sessions, CSRF, authentication middleware), no work."""
    from django.http import HttpResponse

    return HttpResponse("hello", content_type="text/plain; charset=utf-8")


def _django():
    global _DJANGO_APP
    if _DJANGO_APP is None:
        sys.path.insert(0, str(ROOT))
        from django.core.wsgi import get_wsgi_application

        app = get_wsgi_application()
        from django.conf import settings
        from django.urls import path

        from lms.urls import urlpatterns as platform

        urlpatterns[:] = [path(HELLO_PATH.strip("/") + "/", hello_view), *platform]
        settings.ROOT_URLCONF = __name__
        _DJANGO_APP = app
    return _DJANGO_APP


# --- setting up ------------------------------------------------------------------------------

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


def flush_redis(url: str) -> None:
    """Empty the bench's Redis database (boards and question specs of an earlier run would be served)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def start_gunicorn(port: int, workers: int, threads: int, env: dict, log: Path) -> subprocess.Popen:
    # run from the project root (bench/ holds other scripts whose names would shadow the apps)
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "bench.contest_load:application", "--chdir", str(ROOT),
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread", "--worker-connections", "2000", "--backlog", "4096",
               "--timeout", "60", "--log-level", "warning"]
    with log.open("ab") as handle:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True)


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


# --- the client: HTTP/1.1 over asyncio streams -------------------------------------------------

class HTTPError(Exception):
    pass


async def http(port: int, method: str, target: str, *, headers: dict | None = None, body: bytes = b"",
               timeout: float = 30.0) -> tuple[int, dict[str, list[str]], bytes]:
    """One request on a new connection (``Connection: close``): (status, headers, body)."""
    async def exchange():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
            lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
            if method == "POST":
                lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            raw = await reader.read(-1)  # the server closes the connection after the response
        finally:
            writer.close()
        head, _sep, content = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise HTTPError(f"bad response {status_line[:40]!r}")
        found: dict[str, list[str]] = {}
        for line in header_lines:
            name, _colon, value = line.partition(":")
            found.setdefault(name.strip().lower(), []).append(value.strip())
        return int(parts[1]), found, content

    return await asyncio.wait_for(exchange(), timeout)


class Entrant:
    """One simulated person: their address, cookies and what they sent."""

    def __init__(self, number: int, unit_ids: list[int]):
        self.number = number
        self.rng = random.Random(number)
        self.unit_id = self.rng.choice(unit_ids)
        self.address = str(ipaddress.IPv4Address(0x0A000000 + number + 1))  # 10.0.0.1, 10.0.0.2, ...
        self.cookies: dict[str, str] = {}
        self.result = {"number": number, **{f"{step}_ms": None for step in STEPS}, "ok": False, "sent": {},
                       "phone": f"09{number:08d}"}

    def headers(self, extra: dict | None = None) -> dict:
        found = {"X-Real-IP": self.address, "User-Agent": "contest-bench", **(extra or {})}
        if self.cookies:
            found["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return found

    def keep_cookies(self, headers: dict[str, list[str]]) -> None:
        for value in headers.get("set-cookie", []):
            name, _eq, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    async def timed(self, step: str, port: int, method: str, target: str, **kwargs) -> tuple[int, dict, bytes]:
        started = time.perf_counter()
        status, headers, body = await http(port, method, target, headers=self.headers(kwargs.pop("headers", None)),
                                           **kwargs)
        self.result[f"{step}_ms"] = (time.perf_counter() - started) * 1000
        self.keep_cookies(headers)
        return status, headers, body

    async def run(self, port: int, slug: str, think: float, timeout: float) -> dict:
        """GET the form, think, POST the entry, see their place and the leaderboard."""
        result = self.result
        enter = f"/assessments/contests/{slug}/rounds/1/enter/"
        try:
            status, _headers, body = await self.timed("get", port, "GET", enter, timeout=timeout)
            if status != 200:
                result["error"] = f"GET {status}"
                return result
            html = body.decode()
            choices: dict[str, list[str]] = {}
            for position, value in RADIO.findall(html):
                choices.setdefault(position, []).append(value)
            sent = {position: self.rng.choice(values) for position, values in choices.items()}
            form = {"csrfmiddlewaretoken": CSRF.search(html).group(1), "ticket": TICKET.search(html).group(1),
                    "full_name": f"Người dự thi {self.number}", "org_unit": str(self.unit_id), "address": "",
                    "phone": result["phone"], "email": "", "prediction": str(self.rng.randint(1000, 3000))}
            form.update({f"q{position}": value for position, value in sent.items()})
            if think:  # reading and answering each question
                await asyncio.sleep(sum(self.rng.uniform(0.5, 1.5) * think for _question in choices))
            status, headers, _body = await self.timed(
                "post", port, "POST", enter, body=urlencode(form).encode(), timeout=timeout,
                headers={"Referer": f"http://127.0.0.1:{port}{enter}", "Origin": f"http://127.0.0.1:{port}"})
            result.update(ok=status == 302, sent=sent, ticket=form["ticket"])
            if status != 302:
                result["error"] = f"POST {status}"
                return result
            location = headers["location"][0]
            location = "/" + location.split("/", 3)[3] if location.startswith("http") else location
            board = f"/assessments/contests/{slug}/rounds/1/leaderboard/"
            for step, target in (("done", location), ("board", board)):
                status, _headers, _body = await self.timed(step, port, "GET", target, timeout=timeout)
                if status != 200:
                    result["error"] = f"{step.upper()} {status}"
                    return result
        except (OSError, HTTPError, asyncio.TimeoutError) as error:
            result["error"] = type(error).__name__
        return result


async def crowd(port: int, slug: str, unit_ids: list[int], numbers: range, *, think: float, ramp: float,
                concurrency: int | None, timeout: float) -> tuple[list[dict], float]:
    """Run these entrants: arriving evenly over ``ramp`` seconds, or ``concurrency`` at a time.
    Returns their results and the seconds from the first request to the last response."""
    gate = asyncio.Semaphore(concurrency) if concurrency else None
    started = time.perf_counter()

    async def one(index: int, number: int) -> dict:
        if ramp:
            await asyncio.sleep(ramp * index / max(1, len(numbers)))
        if gate is None:
            return await Entrant(number, unit_ids).run(port, slug, think, timeout)
        async with gate:
            return await Entrant(number, unit_ids).run(port, slug, think, timeout)

    results = await asyncio.gather(*(one(index, number) for index, number in enumerate(numbers)))
    return list(results), time.perf_counter() - started


async def hellos(port: int, count: int, concurrency: int, timeout: float) -> tuple[list[float], float]:
    """``count`` GETs of the bare Django view, ``concurrency`` at a time: latencies (ms) and seconds."""
    gate = asyncio.Semaphore(concurrency)

    async def one(number: int) -> float | None:
        address = str(ipaddress.IPv4Address(0x0B000000 + number))
        async with gate:
            started = time.perf_counter()
            try:
                status, _headers, _body = await http(port, "GET", HELLO_PATH, headers={"X-Real-IP": address},
                                                     timeout=timeout)
            except (OSError, HTTPError, asyncio.TimeoutError):
                return None
            return (time.perf_counter() - started) * 1000 if status == 200 else None

    started = time.perf_counter()
    found = await asyncio.gather(*(one(number) for number in range(count)))
    return [ms for ms in found if ms is not None], time.perf_counter() - started


async def wait_ready(port: int, workers: int, deadline: float) -> None:
    """Until gunicorn answers and every worker has loaded Django (a first request would pay for it)."""
    seen: set[bytes] = set()
    while len(seen) < workers:
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not start in time")
        try:
            answers = await asyncio.gather(*(http(port, "GET", WARM_PATH, timeout=120) for _n in range(workers * 2)))
            seen.update(body for status, _headers, body in answers if status == 200)
        except (OSError, HTTPError, asyncio.TimeoutError):
            await asyncio.sleep(0.3)


def lost_answers(results: list[dict]) -> tuple[int, int]:
    """(answers sent in accepted entries but not stored as sent, accepted entries missing).

    The form names options by the entry's tokens and the entry stores option ids: a stored id is
    compared by its token, computed from the entrant's ticket as the server does."""
    from django.core import signing

    from assessments.models import ContestEntry, ContestRound
    from assessments.services import contests

    stored = {phone: answers for phone, answers in ContestEntry.objects.values_list("entrant__phone", "answers")}
    rounds = {}
    lost = missing = 0
    for result in results:
        if not result["ok"]:
            continue
        answers = stored.get(result["phone"])
        if answers is None:
            missing += 1
            lost += len(result["sent"])
            continue
        data = signing.loads(result["ticket"], salt=contests.TICKET_SALT)
        if data["r"] not in rounds:
            rounds[data["r"]] = ContestRound.objects.get(pk=data["r"])
        contest_round = rounds[data["r"]]
        tokens = contests.ticket_tokens(contest_round=contest_round, data=data)
        saved = {str(answer["position"]): tokens.option(answer["response"])
                 if isinstance(answer["response"], int) and not isinstance(answer["response"], bool)
                 else answer["response"] for answer in answers}
        for position, value in result["sent"].items():
            if str(saved.get(position)).lower() != value.lower():
                lost += 1
    return lost, missing


def step_summary(results: list[dict]) -> dict[str, list[float]]:
    return {step: [r[f"{step}_ms"] for r in results if r[f"{step}_ms"] is not None] for step in STEPS}


def error_counts(results: list[dict]) -> dict[str, int]:
    errors: dict[str, int] = {}
    for r in results:
        if r.get("error"):
            errors[r["error"]] = errors.get(r["error"], 0) + 1
    return errors


async def measure(args, port: int, slug: str, unit_ids: list[int], server_pid: int, deadline: float) -> dict:
    timeout = 30.0
    await wait_ready(port, args.workers, time.monotonic() + 180)
    # warm-up: every worker thread opens its database connection (these entries are not counted)
    await crowd(port, slug, unit_ids, range(10**7, 10**7 + args.workers * args.threads), think=0, ramp=0,
                concurrency=None, timeout=timeout)

    def left() -> float:
        return max(1.0, deadline - time.monotonic())

    # (a) the crowd
    load = [os.getloadavg()[0]]
    cpu = [server_cpu_seconds(server_pid)]
    client_cpu = time.process_time()
    results, crowd_s = await asyncio.wait_for(
        crowd(port, slug, unit_ids, range(args.entrants), think=args.think_seconds, ramp=args.ramp_seconds,
              concurrency=None, timeout=timeout), left())
    client_cpu = time.process_time() - client_cpu
    load.append(os.getloadavg()[0])
    cpu.append(server_cpu_seconds(server_pid))
    # (b) the capacity: entrants without think time
    hammer, hammer_s = await asyncio.wait_for(
        crowd(port, slug, unit_ids, range(10**6, 10**6 + args.hammer_entrants), think=0, ramp=0,
              concurrency=args.hammer_concurrency, timeout=timeout), left())
    cpu.append(server_cpu_seconds(server_pid))
    # (c) the baseline: the bare Django view, as many requests as (b), same concurrency
    hammer_requests = sum(len(values) for values in step_summary(hammer).values())
    baseline, baseline_s = await asyncio.wait_for(
        hellos(port, hammer_requests, args.hammer_concurrency, timeout), left())
    cpu.append(server_cpu_seconds(server_pid))
    return {"results": results, "crowd_s": crowd_s, "client_cpu_s": client_cpu, "hammer": hammer,
            "hammer_s": hammer_s, "baseline": baseline, "baseline_s": baseline_s, "cpu": cpu, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entrants", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--think-seconds", type=float, default=5.0, help="reading time per question (mean)")
    parser.add_argument("--ramp-seconds", type=float, default=100.0, help="the crowd's arrivals are spread over this")
    parser.add_argument("--hammer-entrants", type=int, default=300)
    parser.add_argument("--hammer-concurrency", type=int, default=24)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    deadline = time.monotonic() + args.max_seconds
    postgres = args.database_url.startswith("postgres")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # a socket per waiting entrant

    workdir = Path(tempfile.mkdtemp(prefix="bench-contest-"))
    env = {**os.environ, "VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "lms.settings.test",
           "TRUST_X_REAL_IP": "true", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT),
           "LOG_LEVEL": "ERROR"}
    env["DATABASE_URL"] = args.database_url if postgres else f"sqlite:///{workdir / 'bench.sqlite3'}"
    if postgres:
        fresh_postgres(args.database_url)
    if env.get("REDIS_URL"):
        flush_redis(env["REDIS_URL"])
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    slug, _round, unit_ids = setup_contest(args.questions)

    port = free_port()
    log = workdir / "gunicorn.log"
    server = start_gunicorn(port, args.workers, args.threads, env, log)
    try:
        run = asyncio.run(measure(args, port, slug, unit_ids, server.pid, deadline))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    report(args, run, postgres, log)


def report(args, run: dict, postgres: bool, log: Path) -> None:
    results, hammer, baseline = run["results"], run["hammer"], run["baseline"]
    accepted = sum(1 for r in results if r["ok"]) + sum(1 for r in hammer if r["ok"])
    errors = error_counts(results + hammer)
    lost, missing = lost_answers(results + hammer)
    by_step = step_summary(results)
    all_ms = [ms for values in by_step.values() for ms in values]
    throughput = len(all_ms) / run["crowd_s"]
    hammer_ms = [ms for values in step_summary(hammer).values() for ms in values]
    capacity = len(hammer_ms) / run["hammer_s"]
    baseline_rps = len(baseline) / run["baseline_s"]
    cpu = run["cpu"]
    cpu_ms = cpu_hello_ms = None
    if None not in cpu:
        cpu_ms = (cpu[1] - cpu[0]) * 1000 / max(1, len(all_ms))
        cpu_hello_ms = (cpu[3] - cpu[2]) * 1000 / max(1, len(baseline))
    database = "PostgreSQL" if postgres else "SQLite"
    print(f"entrants: {args.entrants} ({args.questions} questions, think {args.think_seconds:g} s/question on "
          f"average, arrivals over {args.ramp_seconds:g} s), gunicorn {args.workers} workers x {args.threads} "
          f"threads (gthread), {database}, cache {'Redis' if os.environ.get('REDIS_URL') else 'per worker'}")
    print(f"accepted entries: {accepted} of {len(results) + len(hammer)}   refused/failed: {errors or 0}")
    print(f"(a) crowd:    {throughput:7.1f} req/s over {run['crowd_s']:.0f} s   "
          f"all p50 {percentile(all_ms, .5):6.1f} ms  p95 {percentile(all_ms, .95):6.1f} ms   "
          f"(client CPU {run['client_cpu_s']:.1f} s)")
    for step, label in zip(STEPS, ("entry form (GET)", "submit (POST)", "your place (GET)", "leaderboard (GET)")):
        values = by_step[step]
        print(f"    {label:18s} n={len(values):5d}  p50 {percentile(values, .5):7.1f} ms  "
              f"p95 {percentile(values, .95):7.1f} ms  max {max(values, default=0):7.1f} ms")
    if cpu_ms is not None:
        print(f"    server CPU per request: {cpu_ms:6.1f} ms (gunicorn workers' user + system time"
              f"{'; PostgreSQL not counted' if postgres else ', SQLite included'})")
    print(f"(b) capacity: {capacity:7.1f} req/s   {args.hammer_entrants} entrants without think time, "
          f"{args.hammer_concurrency} at a time   p95 {percentile(hammer_ms, .95):6.1f} ms")
    print(f"(c) baseline: {baseline_rps:7.1f} req/s   bare Django view, same concurrency   p95 "
          f"{percentile(baseline, .95):6.1f} ms" + (f"   CPU {cpu_hello_ms:.2f} ms/request" if cpu_hello_ms else ""))
    print(f"    ratio (b)/(c): {capacity / baseline_rps:.3f}")
    print(f"    machine load (1-minute average, {os.cpu_count()} cores) at the crowd's start and end: "
          f"{run['load'][0]:.1f}, {run['load'][1]:.1f} (what else runs shapes the latencies)")
    print(f"    lost answers: {lost}   accepted entries missing from the database: {missing}")
    if errors:
        print(f"    server log: {log}")
    print(json.dumps({"entrants": args.entrants, "accepted": accepted, "throughput_rps": round(throughput, 1),
                      "p50_ms": round(statistics.median(all_ms), 1) if all_ms else None,
                      "p95_ms": round(percentile(all_ms, .95), 1),
                      "p95_by_step_ms": {step: round(percentile(by_step[step], .95), 1) for step in STEPS},
                      "capacity_rps": round(capacity, 1), "baseline_rps": round(baseline_rps, 1),
                      "ratio_to_baseline": round(capacity / baseline_rps, 3), "lost_answers": lost,
                      "missing_entries": missing, "errors": errors,
                      "server_cpu_ms_per_request": round(cpu_ms, 1) if cpu_ms is not None else None,
                      "baseline_cpu_ms_per_request": round(cpu_hello_ms, 2) if cpu_hello_ms is not None else None,
                      "workers": args.workers, "threads": args.threads,
                      "load_avg": [round(value, 1) for value in run["load"]],
                      "database": database.lower(), "think_seconds": args.think_seconds,
                      "ramp_seconds": args.ramp_seconds}))


if __name__ == "__main__":
    main()
