"""A scope's plan-vs-actual reports, one DOCX per school, in one ZIP made by a task of the queue with its progress.

A region of 500 schools is too much for a request (about half a minute): the coordinator (or a municipality's
coordinator, for their schools) orders the ZIP on the documents page, the task reads every school's entries in a
fixed number of queries, renders the schools one by one into a temporary ZIP, counting them in the bundle row
as it goes, and keeps the file; the page shows the count and offers the ZIP when it is ready.
"""

from __future__ import annotations

import logging
import tempfile
import zipfile
from collections import defaultdict
from decimal import Decimal

import django_tasks
from django.core.files import File
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from shnor.audit.log import record
from shnor.core.render import planfact
from shnor.core.render.kinds import FILE_PREFIXES
from shnor.core.russian import agree, latin_slug
from shnor.monitoring.models import IndicatorValue

from . import documents, spravka
from .models import DocumentBundle

log = logging.getLogger(__name__)
KIND = "plan-vs-actual"
PROGRESS_EVERY = 10  # schools between two updates of the count


class BundleError(Exception):
    """A ZIP that cannot be ordered; the message is Russian."""


def target_of(bundle: DocumentBundle) -> documents.Target:
    return documents.Target(bundle.campaign, municipality=bundle.municipality)


def start(target: documents.Target, user) -> DocumentBundle:
    """Order the ZIP of the scope's school reports: one bundle row, its task queued when the row is committed."""
    if target.level == "school":
        raise BundleError("Архив составляется для муниципалитета или региона.")
    if not target.can_issue(user):
        raise BundleError("Собрать архив отчётов может координатор муниципалитета или региональный координатор.")
    total = target.schools().count()
    if not total:
        raise BundleError("В кампании нет школ этого охвата: собирать нечего.")
    with transaction.atomic():
        bundle = DocumentBundle.objects.create(campaign=target.campaign, kind=KIND, scope_key=target.key, municipality=target.municipality,
                                               total=total, created_by=user)
        record(user, "document.bundle", bundle, f"Заказан архив отчётов о реализации дорожных карт ({target.name}): "
               f"{agree(total, 'школа')}", municipality=target.municipality, region=target.campaign.region if target.level == "region" else None,
               changes={"scope": target.key, "schools": total})
        transaction.on_commit(lambda: _enqueue(bundle.pk))
    return bundle


def _enqueue(bundle_id: int) -> None:
    result = make_bundle.enqueue(bundle_id)
    DocumentBundle.objects.filter(pk=bundle_id).update(task_id=result.id)


def indicator_changes(target: documents.Target, school_ids: list[int]) -> dict[int, list[planfact.IndicatorChange]]:
    """Each school's indicators against the previous campaign, in two queries whatever the number of schools."""
    campaign = target.campaign

    def values(c) -> dict[tuple[int, int], Decimal]:
        if c is None:
            return {}
        rows = (IndicatorValue.objects.filter(campaign=c, school_id__in=school_ids, subject="")
                .values("school_id", "indicator_id").annotate(v=Avg("value")))
        return {(r["school_id"], r["indicator_id"]): Decimal(str(r["v"])).quantize(Decimal("0.1")) for r in rows if r["v"] is not None}

    now, before = values(campaign), values(campaign.previous if campaign.previous_id else None)
    indicators = list(campaign.indicators.order_by("order", "pk"))
    found: dict[int, list[planfact.IndicatorChange]] = {}
    for school_id in school_ids:
        found[school_id] = [planfact.IndicatorChange(i.name, i.unit, before.get((school_id, i.pk)), now.get((school_id, i.pk)))
                            for i in indicators if (school_id, i.pk) in now or (school_id, i.pk) in before]
    return found


def entry_name(target: documents.Target, school) -> str:
    return f"{FILE_PREFIXES[KIND]}-{target.campaign.code}-school-{school.pk}-{latin_slug(school.short_name, 40)}.docx"


def write_zip(target: documents.Target, out, progress=None) -> int:
    """Every school's plan-vs-actual DOCX into the ZIP file `out`; `progress(done)` is called as schools are done.
    Returns the number of schools."""
    campaign = target.campaign
    schools = list(target.schools())
    by_school: dict[int, list[planfact.Activity]] = defaultdict(list)
    for a in documents.activities(target):
        by_school[a.school_id].append(a)
    changes = indicator_changes(target, [s.pk for s in schools])
    template = spravka.region_template(campaign.region_id, KIND)
    on = timezone.localdate()
    # A DOCX is a deflated ZIP already: stored as it is, not compressed a second time for nothing.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for done, school in enumerate(schools, start=1):
            doc = planfact.build(by_school.get(school.pk, []), changes.get(school.pk, []), scope_name=school.short_name,
                                 region=campaign.region.name, campaign_title=campaign.title, period=campaign.period_label(), on=on)
            archive.writestr(entry_name(target, school), planfact.RENDERERS["docx"](doc, template))
            if progress and (done % PROGRESS_EVERY == 0 or done == len(schools)):
                progress(done)
    return len(schools)


@django_tasks.task()
def make_bundle(bundle_id: int) -> int:
    """The task: make the ZIP of a waiting bundle, counting the schools done; returns the number of schools."""
    bundle = DocumentBundle.objects.select_related("campaign__region", "campaign__previous", "municipality").filter(
        pk=bundle_id, status=DocumentBundle.Status.WAITING).first()
    if bundle is None:
        return 0
    DocumentBundle.objects.filter(pk=bundle_id).update(status=DocumentBundle.Status.RUNNING, done=0)
    target = target_of(bundle)
    try:
        with tempfile.TemporaryFile() as fh:
            count = write_zip(target, fh, lambda done: DocumentBundle.objects.filter(pk=bundle_id).update(done=done))
            fh.seek(0)
            name = f"{FILE_PREFIXES[KIND]}-{bundle.campaign.code}-{bundle.scope_key}-{bundle.pk}.zip"
            bundle.file.save(name, File(fh, name=name), save=False)
    except Exception as exc:
        log.exception("the ZIP of bundle %s failed", bundle_id)
        message = exc.message if hasattr(exc, "message") else "внутренняя ошибка; попробуйте собрать архив ещё раз"
        DocumentBundle.objects.filter(pk=bundle_id).update(status=DocumentBundle.Status.FAILED, error=str(message)[:2000],
                                                           finished_at=timezone.now())
        raise
    DocumentBundle.objects.filter(pk=bundle_id).update(file=bundle.file.name, status=DocumentBundle.Status.READY, done=count,
                                                       finished_at=timezone.now())
    _drop_superseded(bundle, target)
    return count


def _drop_superseded(bundle: DocumentBundle, target: documents.Target) -> None:
    """The scope's earlier archives (made or failed) give way to the one just made: they are the same schools'
    reports as of an earlier day, and a region's archive is tens of megabytes, which kept piling up. The rows go in
    one transaction with its audit event, their files once it has committed."""
    with transaction.atomic():
        older = list(DocumentBundle.objects.select_for_update().filter(
            campaign_id=bundle.campaign_id, kind=bundle.kind, scope_key=bundle.scope_key, pk__lt=bundle.pk,
            status__in=[DocumentBundle.Status.READY, DocumentBundle.Status.FAILED]))
        if not older:
            return
        files = [(b.file.storage, b.file.name) for b in older if b.file]
        DocumentBundle.objects.filter(pk__in=[b.pk for b in older]).delete()
        record(None, "document.bundle.replace", bundle, f"Архив отчётов о реализации дорожных карт ({target.name}) собран заново; "
               f"прежние удалены: {agree(len(older), 'архив')}", municipality=bundle.municipality,
               region=bundle.campaign.region if bundle.municipality is None else None,
               changes={"scope": bundle.scope_key, "count": len(older)})
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def visible_bundles(campaign, user) -> list[DocumentBundle]:
    """The campaign's bundles of the scopes this user may see, newest first (the documents page)."""
    bundles = DocumentBundle.objects.filter(campaign=campaign).select_related("municipality", "campaign__region")[:50]
    return [b for b in bundles if target_of(b).allowed(user)]
