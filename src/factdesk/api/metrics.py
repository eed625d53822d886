"""GET /metrics in Prometheus text format, computed from the database at scrape time."""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from ..services.metrics import DeskFigures, collect_figures
from .errors import error_response

blp = Blueprint("metrics", __name__)


class _DeskCollector:
    def __init__(self, figures: DeskFigures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        f = self.figures
        depth = GaugeMetricFamily("factdesk_queue_depth", "Claims waiting for a checker", labels=["desk", "type"])
        for (desk, type_), n in sorted(f.queue_depth.items()):
            depth.add_metric([desk, type_], n)
        yield depth
        held = GaugeMetricFamily("factdesk_leases_held", "Live leases on claims", labels=["desk"])
        for desk, n in sorted(f.leases_held.items()):
            held.add_metric([desk], n)
        yield held
        yield CounterMetricFamily(
            "factdesk_lease_expiries", "Leases that ran out before a verdict", value=f.lease_expiries
        )
        yield CounterMetricFamily(
            "factdesk_inbox_rejected", "CMS saves the drain could not place (marked rejected, with the reason)",
            value=f.inbox_rejected,
        )
        unapproved = CounterMetricFamily(
            "factdesk_unapproved_publications", "Texts a CMS published that the gate had not cleared",
            labels=["integration"],
        )
        for integration, n in sorted(f.unapproved_publications.items()):
            unapproved.add_metric([integration], n)
        yield unapproved
        pending = GaugeMetricFamily("factdesk_jobs_pending", "Jobs written and not yet run", labels=["task"])
        waited = GaugeMetricFamily("factdesk_jobs_oldest_pending_seconds",
                                   "How long the oldest due job not yet run has waited", labels=["task"])
        for task, (n, seconds) in sorted(f.jobs_pending.items()):
            pending.add_metric([task], n)
            waited.add_metric([task], seconds)
        yield pending
        yield waited
        buckets = [(str(b), n) for b, n in f.verdict_buckets] + [("+Inf", f.verdict_count)]
        yield HistogramMetricFamily(
            "factdesk_extraction_to_verdict_seconds",
            "Time from a revision's extraction to a verdict on its claim",
            buckets=buckets,
            sum_value=f.verdict_seconds_sum,
        )


@blp.get("/metrics")
def metrics():
    """Prometheus metrics. Open unless FACTDESK_METRICS_TOKEN is set; then `Authorization: Bearer <it>`."""
    runtime = current_app.extensions["factdesk"]
    expected = runtime.settings.metrics_token
    if expected:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return error_response(
                401,
                "Send the metrics token: Authorization: Bearer <token>.",
                headers={"WWW-Authenticate": 'Bearer realm="factdesk-metrics"'},
            )
    figures = collect_figures(runtime.sessions)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DeskCollector(figures))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
