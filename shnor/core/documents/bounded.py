"""Reading an untrusted file in a child process that cannot take more than its memory and time.

A 5 KB workbook can declare a million rows, a 7 KB PDF two million glyphs, a 1 MB PDF a gigabyte stream: the
checks in the readers catch the kinds we know, and this catches the rest. The child is forked, so it starts at
once with everything the server has loaded (the classifier, the dictionaries); it gets an address-space limit
(RLIMIT_AS) of its size at the fork plus `memory_mb`, and is killed after `seconds`. A file that hits a limit
raises `ReadLimitExceeded`, a `DocumentError` with the message people see; the server process is never hurt.

The child must not touch the database: the work it does is pure (bytes in, plain data out).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from shnor.core.documents import DocumentError

T = TypeVar("T")
LIMIT_MESSAGE = (
    "«{filename}»: слишком большой или повреждённый файл — на его чтение не хватило отведённой памяти или времени. "
    "Сохраните документ заново (в Word или Excel), уберите лишнее или разделите его на части и загрузите снова."
)


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1024  # on top of the process's own size
    seconds: float = 120

    @classmethod
    def of(cls, settings) -> Limits:
        """The limits of the project's settings (SHNOR_READ_MAX_MEMORY_MB, SHNOR_READ_MAX_SECONDS)."""
        return cls(settings.SHNOR_READ_MAX_MEMORY_MB, settings.SHNOR_READ_MAX_SECONDS)


class ReadLimitExceeded(DocumentError):
    """Reading took more memory or time than allowed; the file is not read again automatically."""

    def __init__(self, filename: str) -> None:
        super().__init__(LIMIT_MESSAGE.format(filename=filename))
        self.filename = filename

    def __reduce__(self):
        return (ReadLimitExceeded, (self.filename,))


class ReadingCrashed(Exception):
    """The work raised something other than DocumentError in the child; the message carries its traceback."""


def run_bounded(work: Callable[..., T], *args, limits: Limits, filename: str) -> T:
    """`work(*args)` in a child process under `limits`; its result, or the DocumentError it raised.

    Raises ReadLimitExceeded when the child runs out of memory or time (or dies), ReadingCrashed for any other
    failure of `work`."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, work, args, limits), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            raise ReadLimitExceeded(filename)
        kind, value = receiver.recv()
    except (EOFError, OSError):  # the child died without answering: killed by the kernel, or a crash in C
        raise ReadLimitExceeded(filename) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if kind == "result":
        return value
    if kind == "limit":
        raise ReadLimitExceeded(filename)
    if kind == "error":
        raise value
    raise ReadingCrashed(value)


def _child(sender, work, args, limits: Limits) -> None:
    try:
        _limit_memory(limits.memory_mb)
        answer = ("result", work(*args))
    except ReadLimitExceeded:
        answer = ("limit", None)
    except DocumentError as exc:
        answer = ("error", exc)
    except (MemoryError, RecursionError):
        answer = ("limit", None)
    except BaseException:  # noqa: BLE001 — reported to the parent, which decides
        answer = ("crash", traceback.format_exc())
    try:
        sender.send(answer)
    except MemoryError:
        sender.send(("limit", None))
    except Exception:  # noqa: BLE001 — an answer that cannot be pickled
        sender.send(("crash", traceback.format_exc()))
    sender.close()


def _limit_memory(memory_mb: int) -> None:
    allowed = memory_mb * 1024 * 1024
    try:
        with open("/proc/self/statm") as statm:
            allowed += int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass  # no /proc: the limit is on the whole process
    resource.setrlimit(resource.RLIMIT_AS, (allowed, allowed))
