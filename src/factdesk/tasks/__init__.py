"""Celery tasks: thin wrappers that take ids, open their own session, call a service, and are safe to rerun."""
