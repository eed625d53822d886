"""Input a database would refuse is answered at the door with a 4xx in the JSON error shape, never a 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", [
    "/api/v1/drafts/2147483648",
    "/api/v1/drafts/99999999999999999999999",
    "/api/v1/drafts/2147483648/claims",
    "/api/v1/drafts/0",
])
def test_an_id_past_what_an_id_column_holds_is_404(client, reporter, path):
    r = client.get(path, headers=reporter)
    assert r.status_code == 404
    assert r.json["code"] == "not_found"


def test_a_claim_id_past_32_bits_is_404_on_post_too(client, users):
    _, editor = users.make("ed", "editor")
    r = client.post("/api/v1/claims/2147483648/release", headers=editor)
    assert r.status_code == 404 and r.json["code"] == "not_found"


def test_the_largest_id_is_still_an_id(client, reporter):
    r = client.get("/api/v1/drafts/2147483647", headers=reporter)
    assert r.status_code == 404 and "2147483647" in r.json["message"]


def test_the_openapi_document_states_the_id_range(client):
    spec = client.get("/api/v1/openapi.json").json
    param = next(p for p in spec["paths"]["/api/v1/drafts/{draft_id}"]["parameters"] if p["name"] == "draft_id")
    assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": 2147483647}
