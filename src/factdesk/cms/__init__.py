"""CMS integration pieces that are plain Python: signature schemes and payload adapters.

No database, broker, thread or web framework: what runs those for CMS traffic is in `services` (storing and
placing saves) and `wiring` (the drain signal, the failed-authentication limiter).
"""

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
