"""Stored analyses: a campaign's analysis is computed once per change of what it reads, not on every view.

The stamp (`stamp`) is the data versions (shnor.monitoring.versions) of the campaign, of its previous campaign and of
the campaign a year before (the analysis reads all three), and the day: every door that changes what the analysis reads
bumps the version in its own transaction; what no door writes (a school renamed in the registry, a roadmap or a
framework edited) makes every stored analysis stale through model signals (`forget_all`), and the day bounds the rest. The справка page and the dashboard take the analysis from here (`analysis`): up to
INLINE_SCHOOLS schools it is computed in the request the first time after a change; beyond, a task computes it and the
page shows its progress (`Pending`) until it is ready. The analysis is kept with its charts (PNG for the справка), which
take as long as the rest of a small analysis. The earlier campaigns' facts that every analysis reads are kept apart
(`facts`), under their own campaign's version: a change to the current campaign does not read them again.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import pickle
import threading
import time
import types
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import django_tasks
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shnor import background
from shnor.core.analysis import Analysis, CampaignData
from shnor.core.bulk import collector_paused
from shnor.core.render import charts as core_charts
from shnor.monitoring import versions
from shnor.monitoring.coverage_counts import maps_key
from shnor.monitoring.models import Campaign
from shnor.monitoring.stamps import ids_key
from shnor.plans.maps import FrameworkMaps

from .models import StoredAnalysis
from .records import campaign_data
from .spravka import analysis_for, year_before

log = logging.getLogger(__name__)
State = StoredAnalysis.State


def inline_schools() -> int:
    """Up to this many schools an analysis is computed in the request (≈ 1 s); beyond, by a task with progress."""
    return getattr(settings, "ANALYSIS_INLINE_SCHOOLS", 1000)


@dataclass
class Stored:
    analysis: Analysis
    charts: list  # the справка's PNG charts (shnor.core.render.charts.Chart)


@dataclass
class Pending:
    """An analysis being computed by a task: how far it has gone."""

    progress: int
    step: str
    failed: bool
    schools: int


def stamp(campaign: Campaign) -> str:
    """What the campaign's analysis depends on, as one string: changes whenever any of it changes (and every day)."""
    earlier = year_before(campaign)
    ids = [campaign.pk, campaign.previous_id, earlier.pk if earlier else None]
    found = versions.versions(ids)
    parts = [f"{i}:{found.get(i, '-')}" if i else "-" for i in ids]
    return f"{timezone.localdate().isoformat()}|" + "|".join(parts)


def key_of(campaign: Campaign, school_ids) -> str:
    return f"analysis:{campaign.pk}:{ids_key(school_ids)}"


_FIELDS: dict[type, tuple[str, ...]] = {}
_SETTERS: dict[type, tuple] = {}
# The int objects of what is being read (`_unpack`): one per value, as the analysis shares one int object per school id
# among its records and lists (read one object each, a national analysis held ≈ 70 MB more).
_reading = threading.local()


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _setters(cls: type) -> tuple[Callable[[object, object], None], ...]:
    """How to set each field of a record being read, bypassing a frozen dataclass's __setattr__: the slot's own
    descriptor where the field is a slot (twice as fast as object.__setattr__ by name, for hundreds of thousands of
    records), object.__setattr__ otherwise."""
    found = _SETTERS.get(cls)
    if found is None:
        setters = []
        for name in _fields(cls):
            slot = next((c.__dict__[name] for c in cls.__mro__ if name in c.__dict__), None)
            if type(slot) is types.MemberDescriptorType:
                setters.append(slot.__set__)
            else:
                setters.append(lambda obj, value, name=name: object.__setattr__(obj, name, value))
        found = _SETTERS[cls] = tuple(setters)
    return found


def _rebuild(cls: type, values: tuple):
    obj = object.__new__(cls)
    canonical = _reading.ints
    for set_field, value in zip(_setters(cls), values, strict=True):
        set_field(obj, canonical.setdefault(value, value) if type(value) is int else value)
    return obj


def _ids(packed: array) -> list[int]:
    canonical = _reading.ints
    return [canonical.setdefault(i, i) for i in packed]


class _Ids:
    """A long list of ints (a coverage row's schools) as it is pickled: an array, read back by `_ids`."""

    __slots__ = ("packed",)

    def __init__(self, packed: array):
        self.packed = packed

    def __reduce__(self):
        return _ids, (self.packed,)


class _Pickler(pickle.Pickler):
    """Dataclasses are pickled as their field values: the frozen ones with slots (the analysis's records, thousands of
    them) look their fields up in their own __getstate__/__setstate__ on every object, which made reading a stored
    analysis of 500 schools take a second. Their long lists of ints (the schools of each coverage row) are pickled as
    arrays and read back sharing one int object per id, as the analysis computed them: a national analysis read with
    an int object per list element held ≈ 70 MB more. (pickle never offers plain lists to `reducer_override`.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._packed: dict[int, _Ids] = {}  # id of a list → its one _Ids, so that a list shared stays shared

    def _field(self, value):
        if type(value) is list and len(value) >= 256 and type(value[0]) is int and set(map(type, value)) == {int}:
            packed = self._packed.get(id(value))
            if packed is None:
                try:
                    packed = self._packed[id(value)] = _Ids(array("q", value))
                except OverflowError:  # an int beyond 64 bits
                    return value
            return packed
        return value

    def reducer_override(self, obj):
        cls = type(obj)
        if not dataclasses.is_dataclass(cls):
            return NotImplemented
        names = _fields(cls)
        values = tuple(self._field(getattr(obj, name)) for name in names)
        if "__slots__" in cls.__dict__:
            return _rebuild, (cls, values)
        if any(type(v) is _Ids for v in values) and obj.__dict__.keys() == set(names):  # nothing besides its fields
            return _rebuild, (cls, values)
        return NotImplemented


class _Deflating:
    """Where pickle writes: each piece deflated as it comes, so that the whole pickle (≈ 40 MB for a national analysis)
    is never held beside what it is made from."""

    def __init__(self):
        self._zlib, self.parts = zlib.compressobj(1), []

    def write(self, piece) -> int:
        self.parts.append(self._zlib.compress(piece))
        return len(piece)

    def finish(self) -> bytes:
        self.parts.append(self._zlib.flush())
        return b"".join(self.parts)


def _pack(stored) -> bytes:
    out = _Deflating()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(stored)
    return out.finish()


class _Inflating(io.RawIOBase):
    """The stored bytes inflated as pickle reads them: a national analysis is ≈ 40 MB inflated, which need not be held
    at once beside the objects made from it."""

    CHUNK = 1 << 16

    def __init__(self, data):
        self._data, self._at, self._zlib = memoryview(data), 0, zlib.decompressobj()
        self._out, self._taken = memoryview(b""), 0  # the inflated piece, and how much of it has been read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._taken == len(self._out) and self._zlib is not None:
            if self._at < len(self._data):
                self._out = memoryview(self._zlib.decompress(self._data[self._at:self._at + self.CHUNK]))
                self._at += self.CHUNK
            else:
                self._out, self._zlib = memoryview(self._zlib.flush()), None
            self._taken = 0
        n = min(len(buffer), len(self._out) - self._taken)
        buffer[:n] = self._out[self._taken:self._taken + n]  # the rest of the piece is not copied again
        self._taken += n
        return n


@collector_paused()
def _unpack(data):
    _reading.ints = {}
    try:
        return pickle.load(io.BufferedReader(_Inflating(data), 1 << 16))
    finally:
        del _reading.ints


def compute(campaign: Campaign, school_ids=None, progress=None) -> Stored:
    analysis = analysis_for(campaign, school_ids, progress=progress)
    if progress:
        progress(85, "диаграммы")
    return Stored(analysis, core_charts.draw_charts(analysis))


def _keep(key: str, campaign: Campaign, current: str, stored: Stored, seconds: float) -> None:
    StoredAnalysis.objects.update_or_create(key=key, defaults={
        "campaign": campaign, "stamp": current, "state": State.READY, "data": _pack(stored), "progress": 100, "step": "",
        "schools": len(stored.analysis.data.schools), "computed_seconds": seconds})


def ready(campaign: Campaign, school_ids=None, current: str | None = None) -> Stored | None:
    """The stored analysis if it is current; None otherwise (nothing is computed)."""
    return load(key_of(campaign, school_ids), current or stamp(campaign), Stored)


def get(campaign: Campaign, school_ids=None, *, inline: bool | None = None) -> Stored | Pending:
    """The campaign's analysis on `school_ids` (all its schools when None): the stored one if current; otherwise computed
    now (small, or `inline`) or by a task (large: a Pending with its progress is returned meanwhile)."""
    current = stamp(campaign)
    found = ready(campaign, school_ids, current)
    if found is not None:
        return found
    schools = len(school_ids) if school_ids is not None else campaign.schools.count()
    if inline if inline is not None else schools <= inline_schools():
        started = time.perf_counter()
        found = compute(campaign, school_ids)
        _keep(key_of(campaign, school_ids), campaign, current, found, time.perf_counter() - started)
        return found
    return _start(campaign, school_ids, current, schools)


def load(key: str, current: str, kind: type = object):
    """What is kept under `key` and the stamp `current` (an analysis, the справка page's preview, a campaign's facts), or
    None — also when it cannot be read back as a `kind` (kept by code whose records had other fields or another shape):
    it is then computed again, as if stale."""
    data = StoredAnalysis.objects.filter(key=key, stamp=current, state=State.READY).values_list("data", flat=True).first()
    if data is None:
        return None
    try:
        found = _unpack(data)
    except Exception:  # a record's fields changed since it was kept, or the bytes are not ours
        log.warning("the stored %s could not be read back; it is computed again", key, exc_info=True)
        return None
    return found if isinstance(found, kind) else None


def keep(key: str, campaign: Campaign, current: str, value) -> None:
    StoredAnalysis.objects.update_or_create(key=key, defaults={"campaign": campaign, "stamp": current, "state": State.READY,
                                                               "data": _pack(value), "progress": 100, "step": ""})


def facts_stamp(campaign: Campaign, maps: FrameworkMaps) -> str:
    """What a campaign's facts (`facts`) depend on: its data version (every door that changes its reports, entries,
    indicator values, schools or settings bumps it) and the framework maps they were read with. What no door writes
    (the registry, the plans, the indicators' catalogue) makes them stale through `forget_all`, like the analyses."""
    return f"{versions.versions([campaign.pk])[campaign.pk]}|{maps_key(maps)}"


def facts(campaign: Campaign, school_ids, maps: FrameworkMaps) -> CampaignData:
    """The campaign's facts on `school_ids` (all its schools when None) as the dynamics read them from a previous
    campaign (`campaign_data(..., facts_only=True)`), kept between analyses: a previous campaign is usually closed,
    and reading its facts again took seconds at 50,000 schools. The version is read before the facts, so that facts
    kept under it are never older than it."""
    key, current = f"facts:{campaign.pk}:{ids_key(school_ids)}", facts_stamp(campaign, maps)
    found = load(key, current, CampaignData)
    if found is not None:
        return found
    data = campaign_data(campaign, school_ids, maps=maps, facts_only=True)
    keep(key, campaign, current, data)
    return data


def analysis(campaign: Campaign, school_ids=None, **kwargs) -> Analysis | Pending:
    got = get(campaign, school_ids, **kwargs)
    return got.analysis if isinstance(got, Stored) else got


def _start(campaign: Campaign, school_ids, current: str, schools: int) -> Pending | Stored:
    key = key_of(campaign, school_ids)
    with transaction.atomic():
        StoredAnalysis.objects.get_or_create(key=key, defaults={"campaign": campaign, "stamp": "", "state": State.COMPUTING})
        row = StoredAnalysis.objects.select_for_update().get(key=key)  # two first views must not both start a task
        # Queued (its id is written once the task is enqueued) or running, and not lost.
        running = row.stamp == current and row.state == State.COMPUTING and not (row.task_id and background.has_failed(row.task_id))
        if row.stamp == current and row.state == State.FAILED:
            return Pending(row.progress, row.step, True, schools)
        if not running:
            row.stamp, row.state, row.progress, row.step, row.schools, row.task_id = current, State.COMPUTING, 0, "в очереди", schools, ""
            row.data = b""
            row.save()
            ids = sorted(school_ids) if school_ids is not None else None
            transaction.on_commit(lambda: _enqueue(key, campaign.pk, ids, current))
    row = StoredAnalysis.objects.defer("data").get(key=key)
    if row.stamp == current and row.state == State.READY:  # the immediate backend (tests) has computed it already
        return ready(campaign, school_ids, current) or Pending(100, "", False, schools)
    return Pending(row.progress, row.step, row.state == State.FAILED or (bool(row.task_id) and background.has_failed(row.task_id)), schools)


def _enqueue(key: str, campaign_id: int, school_ids, current: str) -> None:
    result = compute_task.enqueue(key, campaign_id, school_ids, current)
    StoredAnalysis.objects.filter(key=key, stamp=current, state=State.COMPUTING, task_id="").update(task_id=result.id)


def forget_all(sender=None, raw=False, **kwargs) -> None:
    """What no door writes (a school renamed or its status changed, a roadmap or a framework edited) is read by every
    analysis: each stored one is made stale at once, in the transaction of the change (a signal receiver, see apps.py)."""
    if not raw:  # fixtures being loaded
        StoredAnalysis.objects.filter(state=State.READY).exclude(stamp="").update(stamp="")


def retry(campaign: Campaign, school_ids=None) -> None:
    """Start again an analysis whose task failed (the page's «Повторить»)."""
    StoredAnalysis.objects.filter(key=key_of(campaign, school_ids), state=State.FAILED).update(stamp="")


@django_tasks.task()
def compute_task(key: str, campaign_id: int, school_ids, current: str) -> bool:
    """The task: compute and keep an analysis, saying how far it has gone; False when what it reads changed meanwhile
    (the next view starts another)."""
    campaign = Campaign.objects.select_related("framework", "region", "previous").get(pk=campaign_id)
    mine = StoredAnalysis.objects.filter(key=key, stamp=current)

    def progress(share: int, step: str) -> None:
        mine.filter(state=State.COMPUTING).update(progress=share, step=step)

    started = time.perf_counter()
    try:
        found = compute(campaign, school_ids, progress)
    except Exception:
        log.exception("the analysis %s failed", key)
        mine.update(state=State.FAILED, step="ошибка при вычислении")
        raise
    # Kept only under the stamp it was computed for: a newer view may have started another computation meanwhile.
    return bool(mine.update(state=State.READY, data=_pack(found), progress=100, step="", schools=len(found.analysis.data.schools),
                            computed_seconds=time.perf_counter() - started))
