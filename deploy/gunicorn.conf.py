"""Gunicorn settings for the `web` container (used by the image's default CMD).

Worker class ``gthread``: a thread serving a long request (a 5 GB upload streamed
by nginx with ``proxy_request_buffering off``) does not stop the worker's
heartbeat, so ``timeout`` never kills a slow upload. With the ``sync`` class
any request longer than ``timeout`` would be killed.

Tunables (environment):
    GUNICORN_WORKERS   worker processes        (default: 2 x CPUs + 1, at most 6)
    GUNICORN_THREADS   threads per worker      (default: 4)
    GUNICORN_TIMEOUT   silent-worker timeout   (default: 60 s)
    FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-Proto (default "*":
                       only nginx can reach the container in docker-compose.yml)
"""
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", min(2 * _cpus() + 1, 6))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 120)
keepalive = 5

# Recycle workers now and then to cap slow memory growth.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file on tmpfs avoids stalls on a slow container filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# nginx already writes the access log; gunicorn logs errors to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
