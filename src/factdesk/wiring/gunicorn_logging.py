"""gunicorn's own lines (boot, workers started and lost, timeouts) in factdesk's log format, so that the API's
output is one format; requests are logged by the app itself (`factdesk.access`), with their request id."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from ..config import Settings
from ..logs import ContextFilter, make_formatter


class FactdeskLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = make_formatter(Settings.from_env().log_format)
        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(formatter)
                handler.addFilter(ContextFilter())
