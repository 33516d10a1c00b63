import signal
import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Запустить сайт для работы на этой машине вместе с обработчиком фоновых задач; Ctrl+C останавливает оба "
            "(для эксплуатации — gunicorn и shnor worker, см. README)")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="не запускать обработчик фоновых задач")

    def handle(self, *args, host, port, no_worker, **options):
        # Two child processes of this one: the development server and the worker (--no-reload: a reload would
        # kill a task half-way). Ctrl+C reaches all three (one process group) and each stops by itself; when
        # the server ends otherwise (its port is taken, SIGTERM to this process), the worker is stopped too.
        cli = [sys.executable, "-m", "shnor.cli"]
        children = [subprocess.Popen([*cli, "runserver", f"{host}:{port}", "--noreload"])]
        if not no_worker:
            children.append(subprocess.Popen([*cli, "worker", "--no-reload"]))
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        interrupted = False
        try:
            code = children[0].wait()
        except KeyboardInterrupt:
            interrupted, code = True, 0
        finally:
            for child in children:
                _stop(child, signalled=interrupted)
        if code:
            raise CommandError(f"Сайт остановился с кодом {code}.")


def _stop(child: subprocess.Popen, signalled: bool) -> None:
    """Let a child that got Ctrl+C finish (the worker completes its task first); stop one that did not."""
    if child.poll() is not None:
        return
    if not signalled:
        child.terminate()
    try:
        child.wait(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
