"""Run every benchmark section and print its figures with targets: `python -m bench [section ...]`."""

from __future__ import annotations

import importlib
import os
import platform
import sys
from datetime import datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shnor.settings")

# section name → module; each has run() -> list[Figure]
SECTIONS = {
    "campaign_page": "bench.campaign_page",
    "intake": "bench.intake",
    "analysis": "bench.analysis",
    "documents": "bench.documents",
    "scale": "bench.scale",
    "load": "bench.load",
}


def main(argv: list[str]) -> int:
    chosen = argv or list(SECTIONS)
    print(f"ШНОР-Монитор, make bench — {datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    failed = 0
    for name in chosen:
        module = importlib.import_module(SECTIONS[name])
        print(f"\n== {name}")
        for figure in module.run():
            print(figure.line())
            failed += figure.ok is False
    print(f"\nЦелей не достигнуто: {failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
