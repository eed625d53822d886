"""schemathesis against the API's own OpenAPI document, with an editor's token and a fixed seed: whatever it
sends (valid requests, and invalid ones of every kind its coverage and fuzzing phases make), the API answers
with no 5xx, with a status the document lists for the operation, in the content type and the schema the
document gives for that status.

Deterministic: the seed is fixed and Hypothesis derandomized, so a run sends the same requests every time and a
failure repeats. Bounded: at most MAX_EXAMPLES generated requests per operation and phase.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from factdesk.db import unit_of_work
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.services.drafts import Submission, submit_draft
from factdesk.services.extraction import store_claims
from factdesk.services.storage_limits import MAX_LENGTHS

SEED = 20261129
MAX_EXAMPLES = 100
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "allow-x00": True,
                   "database": "none"},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
               "stateful": {"enabled": False}},
})


def _served_document() -> dict[str, object]:
    """The document the app serves. Building the app connects to nothing, and serving it reads no database."""
    from factdesk.api import create_app
    from factdesk.config import Settings

    app = create_app(Settings.from_env({"FACTDESK_SECRET_KEY": "only-the-document",
                                        "FACTDESK_DATABASE_URL": "sqlite:///:memory:"}))
    return app.test_client().get("/api/v1/openapi.json").json


DOCUMENT = _served_document()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


@pytest.fixture
def desk(sessions, users) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A desk with something in it (a reporter's draft with claims); the auth headers of its editor."""
    author, _ = users.make("rita", "reporter", "politics")
    draft = submit_draft(sessions, author, Submission(body="The city paid $3 million. It hired 40 staff.",
                                                      external_id="story-1", desk="politics")).draft
    revision = draft.current_revision
    assert revision is not None
    claims = [FoundClaim(type="money", spans=((i, i + 4),), text=revision.text[i:i + 4], sentence=revision.text,
                         normalized={"amount": 3_000_000}, score=0.5, reasons=(), fingerprint=f"fp-{i}")
              for i in (0, 26)]
    with unit_of_work(sessions) as s:
        store_claims(s, revision.id, Extraction(text=revision.text, claims=claims))
    return users.make("eddy", "editor")[1]


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_generated_request_is_answered_as_the_document_says(case, app, desk) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(app=app, headers=desk, checks=CHECKS)


# --- the document itself ----------------------------------------------------------------------------------------

OPERATIONS = [(path, method, op) for path, ops in DOCUMENT["paths"].items()  # type: ignore[attr-defined]
              for method, op in ops.items() if method != "parameters"]


def test_the_document_is_valid_openapi_3_0() -> None:
    from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR  # the official schema, as shipped

    assert DOCUMENT["openapi"] == "3.0.3"
    OPENAPI_30_VALIDATOR.validate(DOCUMENT)


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_every_operation_is_described_with_its_errors_and_a_request_example(path, method, op) -> None:
    assert op.get("summary") and op.get("tags")
    errors = {int(status) for status in op["responses"] if int(status) >= 400}
    assert "default" not in op["responses"]  # no catch-all: every answer is listed
    assert {401, 422, 429, 503} <= errors
    if "{" in path:
        assert 404 in errors
    if "requestBody" in op:
        assert {400, 413} <= errors
        assert "example" in op["requestBody"]["content"]["application/json"]
    for status in errors:
        content = op["responses"][str(status)]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    for status in errors & {429, 503}:
        assert "Retry-After" in op["responses"][str(status)]["headers"]


def test_the_rules_the_server_enforces_are_in_the_schemas() -> None:
    schemas = DOCUMENT["components"]["schemas"]  # type: ignore[index]
    body = schemas["DraftIn"]["properties"]["body"]
    assert body["minLength"] == 1 and body["pattern"] == r"\S"  # a body must hold text
    assert "accurate" in schemas["VerdictIn"]["description"] and "source" in schemas["VerdictIn"]["description"]
    assert "at most once" in schemas["ApproveIn"]["properties"]["overrides"]["description"]
    assert schemas["OverrideIn"]["properties"]["reason"]["pattern"] == r"\S"
    assert schemas["DraftIn"]["properties"]["title"]["maxLength"] == MAX_LENGTHS["title"]
    assert schemas["DraftIn"]["properties"]["external_id"]["maxLength"] == MAX_LENGTHS["external_id"]
    assert schemas["DraftIn"]["properties"]["desk"]["maxLength"] == MAX_LENGTHS["desk"]
    for path, method, op in OPERATIONS:
        for param in op.get("parameters", []):
            if param["schema"].get("type") == "integer":
                assert "minimum" in param["schema"] and "maximum" in param["schema"], (method, path, param["name"])
