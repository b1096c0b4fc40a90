"""Run one call from many threads released at once (a parallel burst against a limit or a lock)."""
import threading

from django.db import connection


def burst(calls: int, function) -> list:
    """Run ``function`` from ``calls`` threads released together; their results, in any order.

    Each thread closes its database connection when done (transactional tests only: the threads
    do not see the test's transaction).
    """
    barrier, results, errors = threading.Barrier(calls), [], []

    def run():
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results
