"""What extractors remember while reading a draft in order: people named, last speaker, last date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Context:
    """Per-extraction state shared by the extractors (one per `extract` call, never global)."""

    reference_date: dt.date | None = None
    # surname or first name (lowercased) -> the full name first used for it
    people: dict[str, str] = field(default_factory=dict)
    last_person: str | None = None
    last_speaker: str | None = None
    last_day: dt.date | None = None
    last_currency: str | None = None
    # a committee named earlier: "committee member X" is usually a member of that one
    last_committee: str | None = None
    # role word -> the person last given that role, so "the commissioner said" finds its speaker
    roles: dict[str, str] = field(default_factory=dict)
    # "WHO" -> "World Health Organization", from "World Health Organization (WHO)"
    acronyms: dict[str, str] = field(default_factory=dict)

    def add_person(self, name: str) -> str:
        """Remember a person's name; returns the fullest form known for it."""
        name = " ".join(name.split())
        full = self.full_name(name)
        parts = full.split()
        if len(parts) > 1:
            for p in (parts[-1], parts[0], " ".join(parts[1:])):
                self.people.setdefault(p.lower(), full)
            self.people.setdefault(full.lower(), full)
        return full

    def full_name(self, name: str) -> str:
        """'LeCun' -> 'Yann LeCun' when the full name was used earlier; otherwise the name itself."""
        key = " ".join(name.split()).lower()
        key = key[:-2] if key.endswith(("'s", "’s")) else key
        return self.people.get(key, " ".join(name.split()))
