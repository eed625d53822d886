"""CMS integration pieces that are plain Python: signature schemes and payload adapters.

No database, broker, thread or web framework: what runs those for CMS traffic is in `services` (storing and
placing saves) and `wiring` (the drain signal, the failed-authentication limiter).
"""

from .adapters import ADAPTERS, DEFAULT_SCHEMES, PUBLISHED, UNPUBLISHED, PayloadError, Save, adapt
from .request import InboundRequest
from .schemes import SCHEMES, SignatureError, verify

__all__ = [
    "ADAPTERS",
    "DEFAULT_SCHEMES",
    "PUBLISHED",
    "SCHEMES",
    "InboundRequest",
    "PayloadError",
    "Save",
    "SignatureError",
    "UNPUBLISHED",
    "adapt",
    "verify",
]
