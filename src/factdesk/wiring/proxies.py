"""The client's address behind load balancers: X-Forwarded-For is believed only from the proxies configured in
FACTDESK_TRUSTED_PROXIES, so the failure limits count the client, and a client cannot pick its own address.

Either a number N (N proxies always stand in front: the address the Nth proxy from the API saw, werkzeug's
ProxyFix), or a list of the proxies' addresses and networks (the nearest address in the chain that is not one
of them). Without either, X-Forwarded-For is ignored: the address is the connection's peer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
# Where the connection's own peer address is kept once REMOTE_ADDR names the client (as ProxyFix keeps it).
ORIGINAL_REMOTE_ADDR = "factdesk.proxy.remote_addr"


def trust_proxies(app: WSGIApplication, count: int, networks: Sequence[str]) -> WSGIApplication:
    """`app` behind `count` trusted proxies or proxies in `networks`; `app` itself when neither is set."""
    if count:
        return ProxyFix(app, x_for=count, x_proto=count)
    if networks:
        return TrustedNetworks(app, networks)
    return app


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedNetworks:
    """Sets REMOTE_ADDR to the nearest address of the X-Forwarded-For chain that is not a trusted proxy, when
    the request came from one; X-Forwarded-Proto likewise sets the scheme. Anything else is left as it came."""

    def __init__(self, app: WSGIApplication, networks: Sequence[str]) -> None:
        self.app = app
        self.networks = [ipaddress.ip_network(n, strict=False) for n in networks]

    def trusted(self, address: str) -> bool:
        ip = _address(address)
        return ip is not None and any(ip in network for network in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        """Walk the chain from the API outwards while each hop is a trusted proxy; the first other hop is the
        client. A hop that is not an address ends the walk at the proxy that passed it on."""
        client = peer
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            if not self.trusted(client) or _address(hop) is None:
                break
            client = hop
        return client

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        peer = environ.get("REMOTE_ADDR", "")
        if self.trusted(peer):
            environ[ORIGINAL_REMOTE_ADDR] = peer
            environ["REMOTE_ADDR"] = self.client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""))
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.app(environ, start_response)
