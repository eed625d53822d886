"""The Celery application factory and the sender that publishes outbox jobs to the broker."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from celery import Celery, current_app, signals
from celery.beat import PersistentScheduler

from . import embedded_broker, logs
from .config import Settings
from .services.outbox import Send

log = logging.getLogger(__name__)

# The default queue (the inbox, small drafts, callbacks, housekeeping) and the queue of large drafts'
# extractions, which `factdesk worker` serves with a process of its own so that one large draft never holds
# the others back.
DEFAULT_QUEUE = "factdesk"
LARGE_QUEUE = "extract_large"
MAX_CHILD_MEMORY_KB = 800 * 1024
EXTRACT_TASK = "factdesk.extract_revision"
PRUNE_INTERVAL_SECONDS = 3600.0

TASK_MODULES = ["factdesk.tasks.extraction", "factdesk.tasks.maintenance", "factdesk.tasks.notify",
                "factdesk.tasks.inbox", "factdesk.tasks.publications", "factdesk.tasks.memory"]


def create_celery(settings: Settings) -> Celery:
    """A Celery app for `settings`. Building it connects to nothing."""
    settings.ensure_data_dir()
    app = Celery("factdesk", broker=embedded_broker.broker_url(settings.broker_url), include=TASK_MODULES)
    transport_options: dict[str, object] = {}
    if not settings.broker_url.startswith("sqla+"):
        transport_options.update(
            socket_connect_timeout=settings.broker_timeout_seconds,
            socket_timeout=max(5.0, settings.broker_timeout_seconds),
            # A task a worker took but never acknowledged (the worker died) is delivered again after this.
            visibility_timeout=3600,
            # Publishing gives up after one quick retry: a job the broker did not take waits in the outbox
            # for the sweep, and a broker outage must not hold up the request that wrote it.
            max_retries=1,
            interval_start=0,
            interval_step=0.2,
        )
    app.conf.update(
        broker_transport_options=transport_options,
        broker_connection_timeout=settings.broker_timeout_seconds,
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # A child that a job left this large (a large draft extracted where no large-draft worker runs) is
        # replaced after the job, so that it does not hold the memory for good; one with the model loaded
        # and small drafts done stays near 300 MB.
        worker_max_memory_per_child=MAX_CHILD_MEMORY_KB,
        task_default_queue=DEFAULT_QUEUE,
        task_routes={"factdesk.deliver_event": {"queue": DEFAULT_QUEUE},
                     "factdesk.revert_publication": {"queue": DEFAULT_QUEUE}},
        beat_schedule={
            "sweep-outbox": {
                "task": "factdesk.sweep_outbox",
                "schedule": settings.sweep_interval_seconds,
            },
            # Drains CMS saves a lost drain message (or a broker outage) left in the inbox.
            "drain-inbox": {
                "task": "factdesk.process_inbox",
                "schedule": settings.sweep_interval_seconds,
            },
            "expire-leases": {
                "task": "factdesk.expire_leases",
                "schedule": settings.sweep_interval_seconds,
            },
            "prune-jobs": {
                "task": "factdesk.prune_jobs",
                "schedule": PRUNE_INTERVAL_SECONDS,
            },
        },
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
        beat_scheduler="factdesk.celery_app:HeartbeatScheduler",
        broker_pool_limit=settings.broker_pool_limit,
        worker_hijack_root_logger=False,
        timezone="UTC",
    )
    app.conf.factdesk_settings = settings
    signals.worker_init.connect(_warm_up, weak=False)
    signals.worker_process_init.connect(_after_fork, weak=False)
    # factdesk's log format for the worker and beat (Celery then configures none of its own), and the request id
    # of the request that enqueued a task on every line the task logs.
    signals.setup_logging.connect(_setup_logging, weak=False)
    signals.before_task_publish.connect(_stamp_request_id, weak=False)
    signals.task_prerun.connect(_bind_task, weak=False)
    signals.task_postrun.connect(_unbind_task, weak=False)
    return app


def beat_heartbeat_path(settings: Settings) -> Path:
    """The file the scheduler touches on every tick: `factdesk health beat` reads its age."""
    return settings.data_dir / "beat-heartbeat"


class HeartbeatScheduler(PersistentScheduler):
    """Celery's file-backed scheduler that also touches a heartbeat file on every tick (at least every
    FACTDESK_SWEEP_INTERVAL_SECONDS), so a health check can tell a running beat from a stuck one."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        try:
            beat_heartbeat_path(self.app.conf.factdesk_settings).touch()
        except OSError as exc:  # a heartbeat is a report, never a reason to stop scheduling
            log.warning("could not touch the beat heartbeat: %s", exc)
        return float(super().tick(*args, **kwargs))


def _setup_logging(**_: object) -> None:
    settings = current_app.conf.get("factdesk_settings") or Settings.from_env()
    logs.configure_logging(settings.log_level, settings.log_format)


def _stamp_request_id(headers: dict[str, Any] | None = None, **_: object) -> None:
    # A task sent while a request (or a task) is served carries its request id, unless the sender set one
    # (the outbox sweep sends each job with the id of the request that wrote it).
    request_id = logs.current_request_id()
    if headers is not None and request_id and not headers.get(logs.TASK_HEADER):
        headers[logs.TASK_HEADER] = request_id


_TASK_BINDINGS: dict[str, Any] = {}


def _bind_task(task_id: str | None = None, task: Any = None, **_: object) -> None:
    request_id = getattr(task.request, logs.TASK_HEADER, None) if task is not None else None
    if task_id:
        _TASK_BINDINGS[task_id] = logs.bind(request_id=request_id, task_id=task_id,
                                            task=getattr(task, "name", None))


def _unbind_task(task_id: str | None = None, **_: object) -> None:
    token = _TASK_BINDINGS.pop(task_id or "", None)
    if token is not None:
        logs.unbind(token)


def prepare_to_publish(app: Celery) -> None:
    """Build what Celery builds on a process's first `send_task`, without connecting: the result backend,
    the task sender with its event dispatcher, and the producer pool with the broker transport. Left lazy,
    their imports (celery.events, the backends, kombu's transport) run in the middle of the first saves a
    new API process takes, and hold the GIL for tens of milliseconds while they do."""
    app.backend  # noqa: B018
    app.amqp.send_task_message  # noqa: B018
    app.amqp.producer_pool  # noqa: B018 - the pool and its Connection are lazy: nothing connects until a send


def _warm_up(**_: object) -> None:
    # Load the language model once in the parent so forked pool children share its memory.
    from .extraction import load_nlp

    load_nlp()


def _after_fork(**_: object) -> None:
    from .tasks.context import reset_after_fork

    reset_after_fork()


def queue_for(send: Send, large_chars: int) -> str | None:
    """The queue a job goes to: `extract_large` for the extraction of a text over `large_chars` characters,
    None (the default queue) for anything else."""
    if send.task == EXTRACT_TASK and send.size is not None and send.size > large_chars:
        return LARGE_QUEUE
    return None


class CelerySender:
    """Publishes outbox jobs. Never raises: a job the broker did not take stays pending for the sweep.

    After a failure it stops trying for `cooldown` seconds, so a broker outage does not add a connect
    timeout to every request.
    """

    def __init__(self, app: Celery, cooldown: float = 5.0) -> None:
        self.app = app
        self.cooldown = cooldown
        self.large_chars: int = getattr(app.conf.get("factdesk_settings"), "large_draft_chars",
                                        Settings.large_draft_chars)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def send(self, sends: Sequence[Send]) -> None:
        if time.monotonic() < self._down_until:
            log.info("broker marked down; %d job(s) left for the sweep", len(sends))
            return
        try:
            with self.app.producer_or_acquire() as producer:
                for s in sends:
                    queue = queue_for(s, self.large_chars)
                    self.app.send_task(
                        s.task,
                        args=s.args,
                        kwargs={"job_id": s.job_id},
                        countdown=s.countdown or None,
                        producer=producer,
                        retry=False,
                        headers={logs.TASK_HEADER: s.request_id} if s.request_id else None,
                        **({"queue": queue} if queue else {}),
                    )
        except Exception as exc:  # any broker failure: the outbox row keeps the job safe
            with self._lock:
                self._down_until = time.monotonic() + self.cooldown
            log.warning("could not publish %d job(s), the sweep will retry: %s", len(sends), exc)
