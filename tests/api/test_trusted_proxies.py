"""FACTDESK_TRUSTED_PROXIES: behind the configured proxies the failure limits count each client's own address;
without it, X-Forwarded-For is ignored, so a client cannot escape the limits by naming another address."""

from __future__ import annotations

import pytest

from factdesk.api import create_app
from factdesk.wiring.proxies import TrustedNetworks

PROXY = "10.0.0.2"
BAD_TOKEN = {"Authorization": "Bearer not-a-token"}


def failures(client, peer: str, forwarded_for: str | None, times: int) -> list[int]:  # type: ignore[no-untyped-def]
    headers = {**BAD_TOKEN, **({"X-Forwarded-For": forwarded_for} if forwarded_for else {})}
    return [client.get("/api/v1/drafts", headers=headers, environ_base={"REMOTE_ADDR": peer}).status_code
            for _ in range(times)]


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(runtime_with):
    client = create_app(runtime=runtime_with(bad_signature_limit=3)).test_client()
    codes = [failures(client, "198.51.100.7", f"203.0.113.{i}", 1)[0] for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]


@pytest.mark.parametrize("setting", [{"trusted_proxy_count": 1},
                                     {"trusted_proxy_networks": ("10.0.0.0/8",)}], ids=["count", "networks"])
def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(runtime_with, setting):
    client = create_app(runtime=runtime_with(bad_signature_limit=3, **setting)).test_client()
    # One client floods through the load balancer: it alone is cut off...
    assert failures(client, PROXY, "203.0.113.5", 5) == [401, 401, 401, 429, 429]
    # ...also when it puts another address in front of its own: the proxy appended the real one.
    assert failures(client, PROXY, "203.0.113.99, 203.0.113.5", 1) == [429]
    # Another client behind the same proxy is not.
    assert failures(client, PROXY, "203.0.113.6", 1) == [401]


def test_forwarded_for_from_an_address_that_is_not_a_trusted_proxy_is_ignored(runtime_with):
    client = create_app(runtime=runtime_with(bad_signature_limit=3,
                                             trusted_proxy_networks=("10.0.0.0/8",))).test_client()
    codes = [failures(client, "198.51.100.7", f"10.0.0.{i}, 203.0.113.{i}", 1)[0] for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_the_access_log_names_the_client_behind_the_proxy(runtime_with, caplog):
    client = create_app(runtime=runtime_with(trusted_proxy_count=1)).test_client()
    with caplog.at_level("INFO", logger="factdesk.access"):
        client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.5"}, environ_base={"REMOTE_ADDR": PROXY})
    assert [r.client for r in caplog.records if r.name == "factdesk.access"] == ["203.0.113.5"]


@pytest.mark.parametrize(("peer", "chain", "client"), [
    ("10.0.0.2", "203.0.113.5", "203.0.113.5"),
    ("10.0.0.2", "203.0.113.5, 10.1.2.3", "203.0.113.5"),      # two proxies of ours
    ("10.0.0.2", "1.1.1.1, 203.0.113.5, 10.1.2.3", "203.0.113.5"),  # a forged hop left of the client's
    ("10.0.0.2", "", "10.0.0.2"),
    ("10.0.0.2", "10.9.9.9", "10.9.9.9"),                         # only proxies: the farthest one
    ("10.0.0.2", "203.0.113.5, not-an-address", "10.0.0.2"),      # garbage ends the walk at our proxy
    ("2001:db8::1", "203.0.113.5", "203.0.113.5"),
])
def test_the_client_is_the_nearest_hop_that_is_not_a_trusted_proxy(peer, chain, client):
    networks = TrustedNetworks(lambda environ, start: [], ["10.0.0.0/8", "2001:db8::/32"])
    assert networks.client(peer, chain) == client
