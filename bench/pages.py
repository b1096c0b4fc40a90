"""Benchmark: the lesson page (as an enrolled learner) and the catalog page against a bare
Django view, on the same gunicorn, in the same run.

Builds a throwaway site: a catalog of 30 courses (audiences, a page and a half of results)
and one course of 8 modules x 10 lessons; the measured lesson holds a transcoded lecture
(the real pipeline on a generated clip, with captions), text, a legal citation and a quiz.
The learner is enrolled and has visited a few lessons (the outline shows progress ticks).

Measures, on one gunicorn (workers x threads), each for the same number of requests and
the same concurrency:
  (a) a bare Django view (an HttpResponse through the project's whole middleware stack,
      no session cookie), run before and after the pages; the baseline is their mean;
  (b) the lesson page, with the learner's session cookie;
  (c) the catalog page (first page, no filters), anonymous.
Counts the database queries of one request to each page in this process (Django's test
client with CaptureQueriesContext, after one warm-up request), also for a search.
Prints the ratios and ends with one JSON line.

    .venv/bin/python bench/pages.py [--requests 1500] [--concurrency 16] [--database-url postgres://...]

Loopback only (127.0.0.1). Uses a throwaway SQLite database under a temporary VAR_DIR
unless --database-url is given. The cache is cleared first: with REDIS_URL, give the bench a
Redis database of its own. Stops by itself: every request has a timeout, the run has
a deadline, and gunicorn is stopped at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELLO_PATH = "/bench-hello/"


# --- what gunicorn serves ----------------------------------------------------------

def hello(request):
    """The baseline: the smallest Django view."""
    from django.http import HttpResponse

    return HttpResponse("hello", content_type="text/plain; charset=utf-8")


def _urlpatterns():
    from django.urls import include, path

    return [path(HELLO_PATH.strip("/") + "/", hello), path("", include("lms.urls"))]


_DJANGO_APP = None


def application(environ, start_response):
    """The platform, with the bare view at HELLO_PATH (the project's URLconf below it)."""
    global _DJANGO_APP, urlpatterns
    if _DJANGO_APP is None:
        sys.path.insert(0, str(ROOT))
        import django
        from django.conf import settings

        django.setup()
        urlpatterns = _urlpatterns()
        settings.ROOT_URLCONF = __name__
        from django.core.wsgi import get_wsgi_application

        _DJANGO_APP = get_wsgi_application()
    return _DJANGO_APP(environ, start_response)


urlpatterns: list = []


# --- the site ----------------------------------------------------------------------

def build_site(workdir: Path) -> dict:
    """Migrate and create the catalog, the big course, the lecture, a quiz and the learner."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from courses.models import CourseAudience, CoursePage, LessonPage, ModulePage, Topic
    from courses.services import catalog_ensure
    from enrollment.services import enroll, lesson_visit
    from lms.pages import home_page_ensure
    from media_pipeline import services as media
    from media_pipeline.testclips import make_clip
    from people.models import Category
    from people.services import org_unit_create
    from tests.factories import make_category, make_question, make_quiz, make_user

    call_command("migrate", verbosity=0)
    # a cache left by an earlier throwaway site (Redis) would hold its pages under reused ids
    cache.clear()
    catalog = catalog_ensure(parent=home_page_ensure(), title="Khóa học", slug="khoa-hoc")
    topics, categories = list(Topic.values), list(Category.values)

    def publish(parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        return type(page).objects.get(pk=page.pk)

    for n in range(30):
        publish(catalog, CoursePage(
            title=f"Khóa học số {n}: kỹ năng phổ biến pháp luật", slug=f"khoa-{n}", topic=topics[n % len(topics)],
            summary="Kỹ năng và kiến thức cho người làm công tác phổ biến, giáo dục pháp luật ở cơ sở.",
            audiences=[CourseAudience(category=categories[n % len(categories)]),
                       CourseAudience(category=categories[(n + 3) % len(categories)])]))

    clip = make_clip(workdir / "clip.mp4", seconds=2, width=640, height=360)
    video = media.video_create_from_path(path=clip, filename="lecture.mp4", title="Bài giảng: chuyển đổi số",
                                         is_public=True, enqueue=False)
    video = media.video_process(video_id=video.pk)
    media.caption_add(video=video, language="vi", label="Tiếng Việt", is_default=True,
                      content="WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nXin chào các học viên.\n".encode())
    unit = org_unit_create(name="Sở Tư pháp (bench)", code="BENCH-STP")
    category = make_category(unit)
    quiz = make_quiz(unit, [make_question(category, "single") for _n in range(5)], title="Kiểm tra học phần")

    course = publish(catalog, CoursePage(title="Chuyển đổi số trong công tác PBGDPL", slug="chuyen-doi-so",
                                         topic=Topic.DIGITAL_TRANSFORMATION, summary="Khóa học lớn (bench)."))
    lessons = []
    for m in range(8):
        module = publish(course, ModulePage(title=f"Học phần {m + 1}", slug=f"hoc-phan-{m + 1}"))
        for n in range(10):
            body = [("text", "<p>Nội dung bài học.</p>")]
            if (m, n) == (3, 4):
                body = [("video", video),
                        ("text", "<p>Chuyển đổi số giúp pháp luật đến với người dân nhanh hơn.</p>" * 5),
                        ("legal_citation", {"document": "Luật Phổ biến, giáo dục pháp luật số 14/2012/QH13",
                                            "article": "Điều 2", "quotation": "", "url": ""}),
                        ("quiz", {"quiz": quiz, "intro": "", "must_pass": True})]
            lessons.append(publish(module, LessonPage(title=f"Bài {m + 1}.{n + 1}", slug=f"bai-{n + 1}",
                                                      body=body)))
    lesson = lessons[3 * 10 + 4]  # the lecture: module 4, lesson 5

    learner = make_user("hocvien.bench")
    enroll(user=learner, course=course)
    for visited in lessons[:12]:
        lesson_visit(user=learner, lesson=LessonPage.objects.get(pk=visited.pk))
    client = Client()
    client.force_login(learner)
    return {"lesson_url": lesson.url, "catalog_url": catalog.url, "learner_client": client,
            "session_cookie": client.cookies["sessionid"].value}


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200, url  # warm-up: per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# --- load --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, env: dict, log: Path) -> subprocess.Popen:
    # run from the project root (bench/ holds other scripts whose names would shadow apps)
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "bench.pages:application", "--chdir", str(ROOT),
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread", "--timeout", "60", "--log-level", "warning"]
    with log.open("ab") as handle:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True)


def wait_ready(base: str, deadline: float, server: subprocess.Popen, log: Path) -> None:
    import requests

    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(base + HELLO_PATH, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start: see {log}")


def load(base: str, path: str, cookies: dict, count: int, concurrency: int, deadline: float) -> dict:
    """``count`` GETs of ``path`` by ``concurrency`` clients (one keep-alive session each)."""
    import threading

    import requests

    local = threading.local()
    expected = path.rstrip("/")

    def one(_n):
        if time.monotonic() > deadline:
            return None, "deadline"
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.cookies.update(cookies)
        started = time.perf_counter()
        try:
            response = session.get(base + path, timeout=30, allow_redirects=False)
        except requests.RequestException as error:
            return None, type(error).__name__
        ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or not response.content:
            return None, f"HTTP {response.status_code}"
        return ms, None

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(count)))
    seconds = time.perf_counter() - started
    latencies = [ms for ms, error in results if ms is not None]
    errors: dict[str, int] = {}
    for _ms, error in results:
        if error:
            errors[error] = errors.get(error, 0) + 1
    ordered = sorted(latencies) or [0.0]
    return {"path": expected, "ok": len(latencies), "errors": errors, "rps": len(latencies) / seconds,
            "p50_ms": statistics.median(ordered), "p95_ms": ordered[int(0.95 * (len(ordered) - 1))]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1500, help="requests per page and per baseline run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--database-url", default="",
                        help="an empty PostgreSQL database to use (default: a throwaway SQLite file)")
    args = parser.parse_args()
    deadline = time.monotonic() + args.max_seconds

    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {**os.environ, "VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "lms.settings.test",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "ERROR",
           "LMS_TEST_RUN": f"bench-pages-{os.getpid()}"}
    env["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    site = build_site(workdir)
    lesson_queries = count_queries(site["learner_client"], site["lesson_url"])
    from django.test import Client

    catalog_queries = count_queries(Client(), site["catalog_url"])
    search_queries = count_queries(Client(), site["catalog_url"] + "?q=chuyen+doi+so&audience=cbccvc")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "gunicorn.log"
    server = start_gunicorn(port, args.workers, args.threads, env, log)
    learner = {"sessionid": site["session_cookie"]}
    try:
        wait_ready(base, time.monotonic() + 60, server, log)
        warm = args.workers * args.threads * 4  # every worker thread imports, connects, fills its caches
        for path, cookies in ((HELLO_PATH, {}), (site["lesson_url"], learner), (site["catalog_url"], {})):
            load(base, path, cookies, warm, args.concurrency, deadline)
        bare_1 = load(base, HELLO_PATH, {}, args.requests, args.concurrency, deadline)
        lesson = load(base, site["lesson_url"], learner, args.requests, args.concurrency, deadline)
        catalog = load(base, site["catalog_url"], {}, args.requests, args.concurrency, deadline)
        bare_2 = load(base, HELLO_PATH, {}, args.requests, args.concurrency, deadline)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    bare_rps = (bare_1["rps"] + bare_2["rps"]) / 2
    lesson_ratio, catalog_ratio = lesson["rps"] / bare_rps, catalog["rps"] / bare_rps
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"gunicorn {args.workers} workers x {args.threads} threads, concurrency {args.concurrency}, "
          f"{args.requests} requests per run, {database}")
    for label, run in (("(a) bare Django view, before", bare_1), ("(a) bare Django view, after ", bare_2),
                       ("(b) lesson page (learner)  ", lesson), ("(c) catalog page           ", catalog)):
        print(f"{label} {run['rps']:8.1f} req/s   p50 {run['p50_ms']:6.1f} ms   p95 {run['p95_ms']:6.1f} ms"
              f"   errors {run['errors'] or 0}")
    print(f"lesson / bare:  {lesson_ratio:6.3f}  (goal >= 0.15)   queries per lesson page:  {lesson_queries}"
          f"  (goal <= 10)")
    print(f"catalog / bare: {catalog_ratio:6.3f}  (goal >= 0.20)   queries per catalog page: {catalog_queries}"
          f"  (a search with a filter: {search_queries})")
    if lesson["errors"] or catalog["errors"]:
        print(f"server log: {log}")
    print(json.dumps({"lesson_ratio": round(lesson_ratio, 3), "catalog_ratio": round(catalog_ratio, 3),
                      "lesson_queries": lesson_queries, "catalog_queries": catalog_queries,
                      "search_queries": search_queries, "bare_rps": round(bare_rps, 1),
                      "lesson_rps": round(lesson["rps"], 1), "catalog_rps": round(catalog["rps"], 1)}))


if __name__ == "__main__":
    main()
