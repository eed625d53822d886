"""A CMS host sends every integration's saves from one address: failures are counted per address and target,
and a valid signature is never refused, whatever else that address sent."""

from __future__ import annotations

import json

from factdesk.api import create_app
from tests.cms.conftest import GENERIC_SECRET, STORED, count_rows
from tests.cms.test_hostile import SAVE, signed

HOST = {"REMOTE_ADDR": "10.7.7.7"}
JSON = {"Content-Type": "application/json"}


def test_a_flood_of_unknown_integrations_does_not_refuse_a_known_one(integrations, runtime_with, sessions, drain):
    integrations("cms", GENERIC_SECRET)
    client = create_app(runtime=runtime_with(bad_signature_limit=5)).test_client()
    body = json.dumps(SAVE).encode()
    codes = [client.post(f"/api/v1/webhooks/cms/nope-{i}", data=body, headers={**JSON, **signed(body)},
                         environ_base=HOST).status_code for i in range(8)]
    assert codes == [404] * 5 + [429] * 3
    # The first delivery to a real integration from that address, in a process that has not cached it yet.
    good = client.post("/api/v1/webhooks/cms/cms", data=body, headers={**JSON, **signed(body)}, environ_base=HOST)
    assert good.status_code == 202, good.json
    drain()
    assert count_rows(sessions, *STORED)[:3] == (1, 1, 1)


def test_bad_signatures_for_one_integration_do_not_limit_another(integrations, runtime_with, sessions):
    integrations("a", GENERIC_SECRET)
    integrations("b", "b-secret-0123456789abcdef")
    client = create_app(runtime=runtime_with(bad_signature_limit=3)).test_client()
    body = json.dumps(SAVE).encode()
    wrong = {**JSON, **signed(body, "not-the-secret-0123456789")}
    codes = [client.post("/api/v1/webhooks/cms/a", data=body, headers=wrong, environ_base=HOST).status_code
             for _ in range(5)]
    assert codes == [401] * 3 + [429] * 2
    # "b" from the same address: its own failures are its own, and its valid saves pass.
    assert client.post("/api/v1/webhooks/cms/b", data=body, headers=wrong, environ_base=HOST).status_code == 401
    b_signed = {**JSON, **signed(body, "b-secret-0123456789abcdef")}
    good = client.post("/api/v1/webhooks/cms/b", data=body, headers=b_signed, environ_base=HOST)
    assert good.status_code == 202
    # And "a"'s own CMS, signing correctly, is still never refused.
    assert client.post("/api/v1/webhooks/cms/a", data=body, headers={**JSON, **signed(body)},
                       environ_base=HOST).status_code == 202
