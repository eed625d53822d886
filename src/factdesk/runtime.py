"""A process's live resources (engine, sessions, broker sender), built lazily from Settings."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from celery import Celery
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .config import Settings
from .db import make_engine, make_session_factory
from .services import outbox

if TYPE_CHECKING:
    from .services.inbox_writer import InboxWriter
    from .services.queue_counts import QueueCounter
    from .wiring.drain_signal import DrainSignal


class Runtime:
    def __init__(self, settings: Settings, celery: Celery | None = None) -> None:
        self.settings = settings
        self._celery = celery

    @cached_property
    def engine(self) -> Engine:
        self.settings.ensure_data_dir()
        s = self.settings
        return make_engine(s.database_url, pool_size=s.db_pool_size, max_overflow=s.db_max_overflow,
                           pool_timeout=s.db_pool_timeout_seconds, connect_timeout=s.db_connect_timeout_seconds)

    @cached_property
    def celery(self) -> Celery:
        if self._celery is None:
            from .celery_app import create_celery

            self._celery = create_celery(self.settings)
        return self._celery

    @cached_property
    def sender(self) -> outbox.Sender:
        from .celery_app import CelerySender

        return CelerySender(self.celery)

    @cached_property
    def drain_signal(self) -> DrainSignal:
        """Asks the workers to drain the CMS inbox (see wiring.drain_signal); its thread starts on first use."""
        from .services.inbox import DRAIN_TASK
        from .wiring.drain_signal import DrainSignal

        return DrainSignal(self.settings.broker_url, lambda: self.celery.send_task(DRAIN_TASK, retry=False))

    @cached_property
    def inbox_writer(self) -> InboxWriter:
        """Stores CMS saves, committing concurrent requests' rows together (see services.inbox_writer)."""
        from .services.inbox_writer import InboxWriter

        return InboxWriter(self.engine)

    @cached_property
    def queue_counter(self) -> QueueCounter:
        """The queue page's waiting counts, shared by this process's readers (see services.queue_counts)."""
        from .services.queue_counts import QueueCounter

        return QueueCounter(self.sessions, max_age=self.settings.queue_counts_seconds)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        outbox.install()
        factory = make_session_factory(self.engine)
        factory.configure(info={outbox.SENDER_KEY: self.sender})
        return factory

    def dispose(self) -> None:
        """Drop pooled connections (after a fork, or at shutdown)."""
        if "engine" in self.__dict__:
            self.engine.dispose()
