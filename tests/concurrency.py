"""Run a function in many threads at once, each on its own database connection."""

import threading
from collections.abc import Callable

from django.db import connections


def race(function: Callable[[int], object], threads: int) -> list:
    """Call function(0..threads-1) simultaneously; return results (or exceptions) in index order."""
    barrier = threading.Barrier(threads)
    results: list = [None] * threads

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = function(index)
        except Exception as error:  # reported to the test, which asserts there are none
            results[index] = error
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results
