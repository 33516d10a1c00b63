"""`make bench`: speed and memory figures measured side by side in one run.

Each module in SECTIONS has `run() -> list[Figure]`; this package prints them with their targets.
The size of the synthetic data is set by BENCH_SCHOOLS (default in each section).
"""
