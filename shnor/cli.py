"""The `shnor` console command: a thin wrapper over Django's management commands.

`shnor serve [--host H] [--port N]` runs the development server; in production run gunicorn
(`gunicorn shnor.wsgi`), see the README.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shnor.settings")
    from django.core.management import execute_from_command_line

    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")  # `shnor import-indicators` runs the import_indicators command
    execute_from_command_line(["shnor", *argv])


if __name__ == "__main__":
    main()
