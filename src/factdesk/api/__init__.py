"""The Flask application factory: the REST API under /api/v1, the desk pages under /desk, health probes and docs."""

from __future__ import annotations

import gc

from flask import Flask
from werkzeug.routing import IntegerConverter

from ..config import Settings
from ..logs import configure_logging
from ..runtime import Runtime
from .door import install as install_door
from .errors import FactdeskApi, register_error_handlers

API_BLUEPRINTS = [
    "factdesk.api.drafts",
    "factdesk.api.queue",
    "factdesk.api.claims",
    "factdesk.api.approvals",
    "factdesk.api.audit",
    "factdesk.api.webhooks",
    "factdesk.api.deliveries",
    "factdesk.api.inbox",
]


# Ids are INTEGER columns: 1 to 2**31 - 1.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: an id past what an id column holds names nothing (404, as for any missing id)
    instead of reaching the database, which would refuse the number (a 500)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the WSGI app. Connects to nothing until the first request needs it."""
    settings = settings or (runtime.settings if runtime else Settings.from_env())
    runtime = runtime or Runtime(settings)
    configure_logging(settings.log_level, settings.log_format)
    app = Flask("factdesk")
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE="factdesk",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Swagger UI is served from the installed swagger-ui-bundle package: the docs work offline.
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/assets/",
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["factdesk"] = runtime
    app.url_map.converters["int"] = IdConverter
    api = FactdeskApi(app, spec_kwargs={"info": {"description": "Editorial fact-check workflow service."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    from flask_smorest.spec.plugins import integerconverter2paramschema

    api.register_converter(IdConverter, integerconverter2paramschema)
    app.extensions["factdesk.api"] = api
    register_error_handlers(app)
    from . import request_context

    request_context.install(app, settings)

    from importlib import import_module

    for name in API_BLUEPRINTS:
        api.register_blueprint(import_module(name).blp)
    from .health import blp as health_blp

    app.register_blueprint(health_blp)
    from .docs import blp as docs_blp

    app.register_blueprint(docs_blp)
    from .metrics import blp as metrics_blp

    app.register_blueprint(metrics_blp)
    from ..web import init_app as add_desk_pages

    add_desk_pages(app, settings)
    install_door(app)  # the last of the app's own before_request hooks: those before it see every request
    return app


def warm_up(app: Flask) -> None:
    """Pay a worker process's one-time costs before it takes traffic: imports, the engine, SQLAlchemy's mapper
    configuration, the Celery app and the Redis clients. Left lazy, they land on the first requests each new
    worker serves (about a second of CPU, against a CMS that gives up after two). Connects to nothing, so a
    worker still starts, and answers 503, while the database or the broker is down. Call it once, at boot:
    it also hides what exists by then from the garbage collector."""
    from ..celery_app import prepare_to_publish
    from .limits import failure_limiter

    runtime: Runtime = app.extensions["factdesk"]
    runtime.sessions  # noqa: B018 - builds the engine (imports the driver), configures the mappers, installs the outbox
    runtime.sender  # noqa: B018 - the Celery app
    prepare_to_publish(runtime.celery)
    runtime.inbox_writer  # noqa: B018
    runtime.drain_signal  # noqa: B018
    with app.app_context():
        failure_limiter()
    # What exists now lives as long as the process (modules, the app, mappers, schemas): frozen, the cyclic
    # garbage collector stops walking it. A full collection of a warmed-up worker took 66-113 ms, a pause of
    # every request in the process (the hook's p99 over 100 ms in one benchmark round in two); frozen, 1 ms.
    gc.collect()
    gc.freeze()

