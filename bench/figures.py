from __future__ import annotations

import os
import resource
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Figure:
    section: str
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None  # None: informative, no target

    def line(self) -> str:
        verdict = "" if self.ok is None else ("  OK" if self.ok else "  НЕ ДОСТИГНУТО")
        target = f"  (цель: {self.target})" if self.target else ""
        return f"{self.name:<70} {self.value:>12,.3f} {self.unit:<10}{target}{verdict}"


def bench_schools(default: int) -> int:
    return int(os.environ.get("BENCH_SCHOOLS", default))


@contextmanager
def timer():
    box = {}
    start = time.perf_counter()
    yield box
    box["s"] = time.perf_counter() - start


def best_of(fn, repeat: int = 5) -> float:
    """Best wall time of `repeat` runs, in seconds (the least disturbed by other processes)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@contextmanager
def peak_memory():
    """Peak Python heap growth (tracemalloc) in MB, for memory targets of one operation."""
    tracemalloc.start()
    box = {}
    try:
        yield box
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        box["mb"] = peak / 1024 / 1024


def max_rss_mb() -> float:
    """This process's peak resident memory. On Linux from VmHWM: ru_maxrss survives exec, so a child started by
    a large parent would report at least the parent's size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
