"""The OpenAPI description lists every operation the app serves, and is valid OpenAPI 3.1."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from actionvault.api.descriptions import OPERATIONS
from actionvault.api.openapi import error_types, route_operations
from support import App

SPEC = "/api/v26.1/ext/openapi.json"


async def spec_of(app: App) -> dict[str, Any]:
    response = await app.client.get(SPEC)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    spec: dict[str, Any] = response.json()
    return spec


async def test_the_description_lists_every_route_the_app_serves(app: App) -> None:
    spec = await spec_of(app)
    served = set(route_operations(app.client._transport.app.routes))  # type: ignore[attr-defined]
    described = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    assert described == served
    assert ("POST", "/api/{version}/services/ai/agent_actions/actions/execute") in served


async def test_every_route_has_a_description_and_every_description_a_route(app: App) -> None:
    served = set(route_operations(app.client._transport.app.routes))  # type: ignore[attr-defined]
    assert served - set(OPERATIONS) == set(), "routes without an entry in api/descriptions.py"
    assert set(OPERATIONS) - served == set(), "entries in api/descriptions.py without a route"


async def test_the_description_is_valid_openapi_3_1(app: App) -> None:
    spec = await spec_of(app)
    assert spec["openapi"] == "3.1.0"
    validate(spec)


async def test_the_envelope_and_every_error_type_are_described(app: App) -> None:
    schemas = (await spec_of(app))["components"]["schemas"]
    assert schemas["ErrorType"]["enum"] == error_types()
    assert {"INVALID_SESSION_ID", "INVALID_DATA", "MALFORMED_URL"} <= set(error_types())
    assert schemas["Envelope"]["properties"]["responseStatus"]["enum"] == [
        "SUCCESS", "WARNING", "FAILURE", "EXCEPTION",
    ]  # fmt: skip


async def test_no_session_is_needed_to_read_it(app: App) -> None:
    spec = await spec_of(app)
    assert spec["paths"]["/api/{version}/ext/openapi.json"]["get"]["security"] == []
    assert "security" not in spec["paths"]["/api/{version}/services/ai/agents"]["get"]
