"""Fuzz every operation of the OpenAPI schema with schemathesis, in process, on the demo region.

As the demo regional coordinator (and, for the report operations, the demo school head, who may change
reports), with valid and invalid data, on real objects and on random identifiers: no answer is a 5xx,
every status code and body is the documented one. The number of examples is bounded so that the run
stays within seconds; raise SHNOR_FUZZ_EXAMPLES for a deeper run.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shnor.intake import services as intake_services
from shnor.monitoring import workflow
from shnor.monitoring.models import Campaign, IndicatorChange, IndicatorValue
from shnor.plans.models import PlannedActivity, Roadmap
from shnor.registry.models import School

EXAMPLES = int(os.environ.get("SHNOR_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CAMPAIGN = "bryansk-2021-h1"
# Operations that render a whole справка (charts, DOCX, PDF) get fewer examples on the real campaign.
HEAVY = {"GET /api/v1/campaigns/{code}/spravka/": 2, "POST /api/v1/campaigns/{code}/spravka/issue/": 1}


def _real_ids(head) -> dict[str, dict]:
    """Path parameters naming objects the callers can see, per resource, so that the fuzzer gets past 404."""
    school = School.objects.get(pk=head.memberships.get(role="head").school_id)
    # A draft in the open campaign, so that the head's changes reach the workflow, and an upload to review.
    report = workflow.open_report(Campaign.objects.get(code="bryansk-2021-h2"), school)
    batch, _ = intake_services.create_batch(report.campaign, school, [intake_services.Upload("otchet.txt", "Проведены курсы повышения квалификации".encode())], head)
    intake_services.start_reading(batch)
    quality = report.campaign.indicators.get(code="quality")
    workflow.import_into_report(report, head, [], [], source="otchet.docx",
                                changes=[workflow.ImportedChange(quality, "", Decimal("1.1"), "%", "повысилось на 1,1 %")])
    change = IndicatorChange.objects.get(school=school, campaign=report.campaign, indicator=quality)
    return {
        "regions": {"code": school.municipality.region.code},
        "municipalities": {"id": school.municipality_id},
        "schools": {"id": school.pk},
        "frameworks": {"code": "cluster4"},
        "activity-types": {"code": "pk_courses"},
        "indicators": {"code": "quality"},
        "roadmaps": {"id": Roadmap.objects.filter(school=school).values_list("pk", flat=True).first()},
        "planned-activities": {"id": PlannedActivity.objects.filter(roadmap__school=school).values_list("pk", flat=True).first()},
        "campaigns": {"code": CAMPAIGN},
        "reports": {"id": report.pk},
        "intake": {"id": batch.pk},
        "indicator-values": {"id": IndicatorValue.objects.filter(school=school).values_list("pk", flat=True).first()},
        "indicator-changes": {"id": change.pk},
    }


def _fuzz(operation, headers: dict, path_parameters: dict | None, mode: GenerationMode, examples: int = EXAMPLES) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.fixture
def app():
    # The real WSGI app closes "old" connections at the end of each request; in a test that is the test's
    # own connection, inside its transaction (on PostgreSQL the next query then fails). Keep it open.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_operation_answers_with_a_server_error_or_off_schema(db, app):
    User = get_user_model()
    coordinator, head = User.objects.get(username="coordinator"), User.objects.get(username="head")
    auth = {name: {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
            for name, user in (("coordinator", coordinator), ("head", head))}
    ids = _real_ids(head)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 38
    for operation in operations:
        resource = operation.path.split("/")[3]
        real = {k: v for k, v in ids[resource].items() if "{" + k + "}" in operation.path} if resource in ids else {}
        callers = ["coordinator", "head"] if resource == "reports" else ["coordinator"]
        for caller in callers:
            _fuzz(operation, auth[caller], real or None, GenerationMode.POSITIVE, min(EXAMPLES, HEAVY.get(operation.label, EXAMPLES)))
            if real:
                _fuzz(operation, auth[caller], None, GenerationMode.POSITIVE)  # random identifiers: 404s, never 500s
            try:
                _fuzz(operation, auth[caller], None, GenerationMode.NEGATIVE)
            except Unsatisfiable:
                pass  # nothing to make invalid: no parameters and no body (GET /api/v1/me/)
