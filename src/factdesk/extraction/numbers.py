"""Reading numbers as written in news copy: digits with separators, number words, scale words."""

from __future__ import annotations

import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "mln": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "tn": 1_000_000_000_000,
    "crore": 10_000_000,
    "lakh": 100_000,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "twentieth": 20,
}
FRACTIONS = {
    "half": 0.5,
    "halves": 0.5,
    "third": 1 / 3,
    "thirds": 1 / 3,
    "quarter": 0.25,
    "quarters": 0.25,
    "fourth": 0.25,
    "fourths": 0.25,
    "fifth": 0.2,
    "fifths": 0.2,
    "tenth": 0.1,
    "tenths": 0.1,
}

# One number word ("seven", "twenty"); NUMBER_WORDS joins them ("twenty-one", "two hundred").
NUMBER_WORD = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
# "twenty-one", "two hundred", "one hundred and five": bounded repetition keeps matching linear.
NUMBER_WORDS = (rf"(?:(?:{NUMBER_WORD})(?:[- ](?:{NUMBER_WORD}))?"
                rf"(?: hundred(?: and (?:{NUMBER_WORD})(?:-(?:{NUMBER_WORD}))?)?)?)")
DIGITS = r"(?:\d{1,3}(?:,\d{3}){1,6}(?!\d)|\d{1,3}(?:,\d{4})(?!\d)|\d+)(?:\.\d+)?"


def parse_digits(s: str) -> float:
    """'58,150' -> 58150, '1.15' -> 1.15, '200,0000' -> 2000000 (read literally, separators ignored)."""
    return float(s.replace(",", ""))


def parse_words(s: str) -> float | None:
    """'twenty-one' -> 21, 'two hundred' -> 200, 'one hundred and five' -> 105; None if not a number."""
    total = 0.0
    current = 0.0
    seen = False
    for w in re.split(r"[\s-]+", s.lower().strip()):
        if w == "and":
            continue
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in SCALES and w not in ("m", "b", "k"):
            total += (current or 1) * SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_number(s: str) -> float | None:
    """Digits or number words; None when s is neither."""
    s = s.strip()
    if not s:
        return None
    if s[0].isdigit():
        digits, _, scale = s.partition(" ")
        if scale.lower() not in SCALES and scale:
            return None
        try:
            return parse_digits(digits) * SCALES.get(scale.lower(), 1)  # "5.5 million"
        except ValueError:
            return None
    return parse_words(s)


def tidy(x: float) -> int | float:
    """Whole numbers as int (JSON prints 14000000000, not 14000000000.0)."""
    if abs(x - round(x)) < 1e-9 and abs(x) < 1e18:
        return int(round(x))
    return round(x, 6)
