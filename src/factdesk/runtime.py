"""A process's live resources (engine, sessions, broker sender), built lazily from Settings."""

from __future__ import annotations

from functools import cached_property

from celery import Celery
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .config import Settings
from .db import make_engine, make_session_factory
from .services import outbox


class Runtime:
    def __init__(self, settings: Settings, celery: Celery | None = None) -> None:
        self.settings = settings
        self._celery = celery

    @cached_property
    def engine(self) -> Engine:
        self.settings.ensure_data_dir()
        return make_engine(self.settings.database_url)

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
    def sessions(self) -> sessionmaker[Session]:
        outbox.install()
        factory = make_session_factory(self.engine)
        factory.configure(info={outbox.SENDER_KEY: self.sender})
        return factory

    def dispose(self) -> None:
        """Drop pooled connections (after a fork, or at shutdown)."""
        if "engine" in self.__dict__:
            self.engine.dispose()
