"""Blocks of a document → records: activities, indicators, findings, schools and the report's period.

    extraction = extract(read_document(data, name), ReadingContext(schools=registry))
    extraction_to_dict(extraction)  # JSON for `shnor import --dry-run --json` and the review screen

One job per module: `tables` (table rows), `columns` (headers → roles), `prose` (lead-ins, findings, results
lines, activities in sentences), `evidence`, `quantities`, `indicators`, `schools`, `signature` (the signature
block, never an activity), `status`, `report_period`, `activities` (drafts → activities, with classification),
`checks` (stated percentages), `extraction` (the whole), `model` (the dataclasses), `words` (cached pymorphy
lookups), `bench` (speed figures for `make bench`).
"""

from shnor.core.reading.extraction import extract, extraction_to_dict
from shnor.core.reading.model import (
    Activity,
    EvidenceRef,
    Extraction,
    IndicatorMention,
    Quantity,
    ReadingContext,
    SchoolMention,
    SchoolRef,
    Statement,
)

__all__ = [
    "Activity", "EvidenceRef", "Extraction", "Statement", "IndicatorMention", "Quantity", "ReadingContext",
    "SchoolMention", "SchoolRef", "extract", "extraction_to_dict",
]
