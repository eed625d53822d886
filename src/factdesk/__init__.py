"""factdesk: an editorial fact-check workflow service."""

__version__ = "0.1.0"
