"""Benchmark: player heartbeats from many learners at once, against gunicorn on loopback.

Heartbeats are the platform's most frequent request (every ~15 s per playing
learner). Each simulated learner is signed in with their own session, enrolled
in a course, and sends consecutive watched intervals of a lecture.

Measures, on the same gunicorn (workers x threads) and the same concurrency:
  (a) POST /api/v1/enrollment/heartbeat/: requests per second, p50/p95 latency;
  (b) a baseline: a bare Django view behind the same middleware (session, CSRF,
      authentication), same number of POSTs;
and counts the database queries of one steady-state heartbeat request (target <= 4).
Checks nothing was lost: every learner's stored coverage equals the intervals sent.
Ends with one JSON line: {"ratio": ..., "queries_per_heartbeat": ...}.

    .venv/bin/python bench/heartbeat.py [--learners 64] [--beats 20] [--concurrency 32]
                                        [--database-url postgres://...] [--max-seconds 600]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEARTBEAT = "/api/v1/enrollment/heartbeat/"
BARE = "/bench-bare/"
_APP = None


def application(environ, start_response):
    global _APP
    if _APP is None:
        sys.path.insert(0, str(ROOT))
        from django.core.wsgi import get_wsgi_application

        _APP = get_wsgi_application()
        from django.conf import settings

        settings.ROOT_URLCONF = "bench._heartbeat_urls"
    return _APP(environ, start_response)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def setup(learners: int) -> dict:
    """Migrate, create a course with a video lesson, enrol learners and sign each one in."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string
    from importlib import import_module

    from courses.services import catalog_ensure
    from enrollment import services
    from lms.pages import home_page_ensure
    from media_pipeline.models import Video

    call_command("migrate", verbosity=0)
    video = Video.objects.create(title="Bài giảng dài", original="videos/bench.mp4", duration_s=3600.0,
                                 status=Video.Status.READY)
    from courses.models import CoursePage, LessonPage, ModulePage, Topic

    catalog = catalog_ensure(parent=home_page_ensure(), title="Khóa học", slug="khoa-hoc")
    course = catalog.add_child(instance=CoursePage(title="Chuyển đổi số (bench)", slug="bench", summary="Bench.",
                                                   topic=Topic.DIGITAL_TRANSFORMATION))
    course.save_revision().publish()
    module = course.add_child(instance=ModulePage(title="Học phần 1", slug="hp1"))
    module.save_revision().publish()
    lessons = []
    for n in range(10):
        lesson = module.add_child(instance=LessonPage(title=f"Bài {n}", slug=f"bai-{n}", body=[("video", video)]))
        lesson.save_revision().publish()
        lessons.append(lesson)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    users = []
    for n in range(learners):
        user = get_user_model().objects.create_user(username=f"hocvien{n}", password="x" * 12)
        services.enroll(user=user, course=CoursePage.objects.get(pk=course.pk))
        session = store()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        users.append({"user": user.pk, "session": session.session_key, "csrf": _get_new_csrf_string(),
                      "lesson": lessons[n % len(lessons)].pk})
    return {"video": video.pk, "users": users}


def start_gunicorn(port: int, workers: int, threads: int, env: dict, log: Path) -> subprocess.Popen:
    # run from the project root: bench/ is not on the path (bench/certificates.py would shadow the app)
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "bench.heartbeat:application", "--chdir", str(ROOT),
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread", "--timeout", "60", "--log-level", "warning"]
    with log.open("ab") as handle:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True)


def client(base: str, learner: dict):
    import requests

    session = requests.Session()
    session.cookies.set("sessionid", learner["session"], domain="127.0.0.1")
    session.cookies.set("csrftoken", learner["csrf"], domain="127.0.0.1")
    session.headers.update({"X-CSRFToken": learner["csrf"], "Referer": base + "/",
                            "Content-Type": "application/json"})
    return session


def learner_run(base: str, learner: dict, video: int, beats: int, path: str, timeout: float) -> list[float]:
    """One learner's heartbeats, in order (a player sends the next after the previous answered)."""
    session = client(base, learner)
    latencies = []
    for n in range(beats):
        body = json.dumps({"lesson": learner["lesson"], "video": video, "start": n * 15.0, "end": n * 15.0 + 15,
                           "rate": 1})
        started = time.perf_counter()
        response = session.post(base + path, data=body, timeout=timeout)
        if response.status_code == 200:
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            latencies.append(-response.status_code)
    return latencies


def crowd(base: str, prepared: dict, beats: int, concurrency: int, path: str) -> tuple[float, list[float]]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda u: learner_run(base, u, prepared["video"], beats, path, 30.0),
                                prepared["users"]))
    return time.perf_counter() - started, [ms for r in results for ms in r]


def queries_per_heartbeat(prepared: dict) -> int:
    """Database queries of one steady-state heartbeat request, through the whole Django stack."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    learner = prepared["users"][0]
    http = Client()
    http.cookies["sessionid"] = learner["session"]
    body = {"lesson": learner["lesson"], "video": prepared["video"], "start": 0, "end": 1, "rate": 1}
    http.post(HEARTBEAT, body, content_type="application/json")
    with CaptureQueriesContext(connection) as captured:
        response = http.post(HEARTBEAT, {**body, "start": 1, "end": 2}, content_type="application/json")
    assert response.status_code == 200, response.content
    # transaction control (SQLite's BEGIN IMMEDIATE / COMMIT) is not a query
    queries = [q["sql"] for q in captured.captured_queries
               if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"))]
    for sql in queries:
        print("    query:", sql[:100])
    return len(queries)


def stored_intervals_ok(prepared: dict, beats: int) -> int:
    """Learners whose stored intervals are not exactly the union of what they sent."""
    from enrollment.models import VideoProgress

    wrong = 0
    for learner in prepared["users"]:
        progress = VideoProgress.objects.filter(enrollment__user_id=learner["user"]).first()
        if progress is None or progress.position != beats * 15.0 or not progress.intervals \
                or progress.intervals[0][0] != 0.0:
            wrong += 1
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=64)
    parser.add_argument("--beats", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-heartbeat-"))
    env = {**os.environ, "VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "lms.settings.test",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT),
           "LOG_LEVEL": "ERROR"}
    env["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    prepared = setup(args.learners)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "gunicorn.log"
    server = start_gunicorn(port, args.workers, args.threads, env, log)
    try:
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(base + "/healthz", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        # warm-up: every worker thread imports Django and connects (bare view: changes nothing)
        crowd(base, {**prepared, "users": prepared["users"][:args.workers * args.threads]}, 3, 8, BARE)
        heartbeat_s, heartbeat_ms = crowd(base, prepared, args.beats, args.concurrency, HEARTBEAT)
        bare_s, bare_ms = crowd(base, prepared, args.beats, args.concurrency, BARE)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    failed = sum(1 for ms in heartbeat_ms if ms < 0) + sum(1 for ms in bare_ms if ms < 0)
    heartbeat_ok = [ms for ms in heartbeat_ms if ms >= 0]
    bare_ok = [ms for ms in bare_ms if ms >= 0]
    heartbeat_rps, bare_rps = len(heartbeat_ok) / heartbeat_s, len(bare_ok) / bare_s
    wrong = stored_intervals_ok(prepared, args.beats)
    queries = queries_per_heartbeat(prepared)
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"learners: {args.learners} x {args.beats} heartbeats (concurrency {args.concurrency}, "
          f"gunicorn {args.workers}x{args.threads} threads, {engine})")
    print(f"(a) heartbeat: {heartbeat_rps:8.1f} req/s   p50 {percentile(heartbeat_ok, .5):6.1f} ms   "
          f"p95 {percentile(heartbeat_ok, .95):6.1f} ms")
    print(f"(b) bare Django view: {bare_rps:8.1f} req/s   p50 {percentile(bare_ok, .5):6.1f} ms   "
          f"p95 {percentile(bare_ok, .95):6.1f} ms")
    print(f"    throughput ratio a/b: {heartbeat_rps / bare_rps:6.3f}   (goal >= 0.35)")
    print(f"    queries per heartbeat request: {queries}   (goal <= 4)")
    print(f"    failed requests: {failed}   learners with wrong stored coverage: {wrong}")
    if failed:
        print(f"    server log: {log}")
    print(json.dumps({"ratio": round(heartbeat_rps / bare_rps, 3), "queries_per_heartbeat": queries,
                      "heartbeat_rps": round(heartbeat_rps, 1), "bare_rps": round(bare_rps, 1),
                      "heartbeat_p95_ms": round(percentile(heartbeat_ok, .95), 1), "failed": failed,
                      "wrong_coverage": wrong}))


if __name__ == "__main__":
    main()
