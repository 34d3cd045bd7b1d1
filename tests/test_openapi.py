"""The OpenAPI description is served, valid, and a schemathesis run against it over the
web chat and Open311 endpoints never gets a server error, nor a status or a JSON body the
description does not declare. Half of the generated Open311 posts carry a real api_key,
service and place, so case creation is fuzzed too."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from api.keys import create_key

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = 25


def test_openapi_document_is_served(client):
    document = client.get("/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert {"/api/chat/messages", "/open311/v2/requests.{format}", "/open311/v2/services.{format}"} <= set(document["paths"])


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_server_error(app, sqlite_only):
    with app.app_context():
        key = create_key("fuzz")
    ran = []
    for operation in operations(app):
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            if case.method == "POST" and case.path.startswith("/open311") and isinstance(case.body, dict):
                if hash(repr(sorted(case.body.items(), key=repr))) % 2:
                    # A valid key, service and place: the fuzzed text reaches case creation.
                    case.body.update(api_key=key, service_code="other", lat="35.2", long="114.2")
            case.call_and_validate(checks=CHECKS)

        run()
        ran.append(f"{operation.method.upper()} {operation.path}")
    assert len(ran) == 11, ran
