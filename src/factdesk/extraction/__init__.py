"""Claim extraction: text in, typed claims out. Pure library: no Flask, Celery or database."""

from .claims import Claim, Extraction
from .dates import default_reference_date
from .normalize import NormalizedText, normalize
from .pipeline import extract, load_nlp
from .render import render_table

__all__ = [
    "Claim",
    "Extraction",
    "NormalizedText",
    "default_reference_date",
    "extract",
    "load_nlp",
    "normalize",
    "render_table",
]
