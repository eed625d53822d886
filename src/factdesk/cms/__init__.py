"""CMS integration pieces with no database or Flask: signature schemes, payload adapters, the bad-signature limiter."""

from .adapters import ADAPTERS, DEFAULT_SCHEMES, PayloadError, Save, adapt
from .request import InboundRequest
from .schemes import SCHEMES, SignatureError, verify

__all__ = [
    "ADAPTERS",
    "DEFAULT_SCHEMES",
    "SCHEMES",
    "InboundRequest",
    "PayloadError",
    "Save",
    "SignatureError",
    "adapt",
    "verify",
]
