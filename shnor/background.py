"""Background work on Django's task queue (the django-tasks backport): how a task stands, and the worker's identity.

The apps define their tasks (`intake.tasks`, `analysis.tasks`, `monitoring.tasks`) and keep the id of the task
working on an object beside it. Nothing is retried automatically: a task that raised, or whose worker died, stays
failed, and the page offers a retry that the user starts.
"""

from __future__ import annotations

import os
import socket

from django_tasks import TaskResult, TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

WAITING, RUNNING, FAILED, DONE = "waiting", "running", "failed", "done"
STATES = {
    TaskResultStatus.READY: WAITING,
    TaskResultStatus.RUNNING: RUNNING,
    TaskResultStatus.FAILED: FAILED,
    TaskResultStatus.SUCCESSFUL: DONE,
}


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished (a restart, a kill, out of memory)."""


def result(task_id: str) -> TaskResult | None:
    """The task's result as the backend keeps it; None when it keeps none (the immediate backend) or the id is unknown."""
    if not task_id or not default_task_backend.supports_get_result:
        return None
    try:
        return default_task_backend.get_result(task_id)
    except TaskResultDoesNotExist:
        return None


def state(task_id: str) -> str:
    """WAITING, RUNNING, FAILED or DONE; "" when there is no result to tell (see `result`)."""
    found = result(task_id)
    return STATES.get(found.status, "") if found else ""


def has_failed(task_id: str) -> bool:
    return state(task_id) == FAILED


def new_worker_id() -> str:
    """host:pid:random — enough for a worker starting on this host to tell which earlier workers are gone."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{os.urandom(4).hex()}"


def _gone(worker_id: str) -> bool:
    host, _, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False  # another machine's worker: only that machine can tell
    if int(pid) == os.getpid():
        return True  # our own pid, but we have only just started: a worker before us that had the same pid
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def fail_lost_tasks() -> int:
    """Mark as failed the running tasks of this host's workers that no longer exist; returns how many.

    A worker stopped by Ctrl+C or SIGTERM finishes its task first; one that was killed leaves its task «running»
    for ever. Run by `shnor worker` as it starts: such tasks then show as failed, with a retry button."""
    from django_tasks_db.models import DBTaskResult

    lost = 0
    for result in DBTaskResult.objects.running():
        if result.worker_ids and _gone(result.worker_ids[-1]):
            result.set_failed(WorkerLost(f"worker {result.worker_ids[-1]} stopped before the task finished"))
            lost += 1
    return lost
