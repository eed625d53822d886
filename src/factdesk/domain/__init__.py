"""Workflow rules: states, transitions, roles and the gate. No Flask, Celery or database here."""
