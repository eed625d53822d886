"""Money: amounts with currency symbols, codes or names and scale words, as ISO 4217 amounts."""

from __future__ import annotations

import re

from .claims import Finding
from .context import Context
from .lexicon import word_set
from .numbers import DIGITS, NUMBER_WORDS, SCALES, parse_number, tidy

SYMBOLS = {
    "us$": "USD",
    "$": "USD",
    "a$": "AUD",
    "au$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "r$": "BRL",
    "mx$": "MXN",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₦": "NGN",
    "rs": "INR",
    "rs.": "INR",
    "chf": "CHF",
}
CODES = word_set(
    """USD EUR GBP JPY CNY RMB INR AUD CAD NZD CHF HKD SGD SEK NOK DKK PLN HUF CZK RUB BRL MXN ZAR KRW TRY
    ILS NGN KES EGP SAR AED"""
)
NAMES = {
    "dollar": "USD",
    "us dollar": "USD",
    "u.s. dollar": "USD",
    "american dollar": "USD",
    "australian dollar": "AUD",
    "canadian dollar": "CAD",
    "new zealand dollar": "NZD",
    "hong kong dollar": "HKD",
    "singapore dollar": "SGD",
    "euro": "EUR",
    "pound": "GBP",
    "pound sterling": "GBP",
    "sterling": "GBP",
    "british pound": "GBP",
    "yen": "JPY",
    "japanese yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "indian rupee": "INR",
    "swiss franc": "CHF",
    "franc": "CHF",
    "krona": "SEK",
    "kronor": "SEK",
    "krone": "NOK",
    "kroner": "NOK",
    "zloty": "PLN",
    "forint": "HUF",
    "koruna": "CZK",
    "ruble": "RUB",
    "rouble": "RUB",
    "real": "BRL",
    "reais": "BRL",
    "peso": "MXN",
    "rand": "ZAR",
    "won": "KRW",
    "lira": "TRY",
    "shekel": "ILS",
    "naira": "NGN",
    "shilling": "KES",
    "riyal": "SAR",
    "dirham": "AED",
    "cent": "USD",
    "pence": "GBP",
    "penny": "GBP",
}
_SCALE = r"(?:hundred|thousand|million|billion|trillion|mln|mn|bn|tn|crore|lakh|m|b|k)\b"
_SYMBOL = r"(?:US\$|U\.S\.\s?\$|A\$|AU\$|C\$|CA\$|NZ\$|HK\$|S\$|R\$|MX\$|\$|£|€|¥|₹|₩|₽|₺|₪|₦|Rs\.?\s?|CHF\s?)"
_CODE = r"(?-i:" + "|".join(sorted(CODES)) + r")"  # codes only in capitals ("TRY", never "try")
_NAME = (
    r"(?:(?:US|U\.S\.|American|Australian|Canadian|New Zealand|Hong Kong|Singapore|Swiss|British|Japanese|Indian)\s)?"
    r"(?:dollars?|euros?|(?<=British )pounds?|pounds? sterling|sterling|yen|yuan|renminbi|rupees?|francs?|"
    r"kronor|krona|kroner|krone|zlotys?|forints?|koruna|rubles?|roubles?|reais|pesos?|rand|lira|shekels?|naira|shillings?|riyals?|"
    r"dirhams?|cents?|pence)\b"
)
_AMOUNT = rf"(?P<num>{DIGITS}|(?:a|an|{NUMBER_WORDS}))(?:\s?(?P<scale>{_SCALE}))?"
_PREFIXED = re.compile(rf"(?<![\w$])(?P<sym>{_SYMBOL}|{_CODE}\s?){_AMOUNT}", re.I)
_SUFFIXED = re.compile(
    rf"(?<![\w.,$])(?P<num2>{DIGITS}|{NUMBER_WORDS}|a|an)(?:\s?(?P<scale2>{_SCALE}))?\s?(?P<cur>{_NAME}|{_CODE}\b)",
    re.I,
)
# "millions in sales", "billions of dollars": an open amount, at least two of the scale.
_OPEN = re.compile(
    r"\b(?P<open>hundreds of thousands|hundreds|thousands|millions|billions|trillions)\s"
    r"(?:of\s(?P<cur>dollars|euros|pounds)|in\s(?:sales|revenue|funding|damages|profits?|losses|fines?|dollars))\b",
    re.I,
)


def _currency_of_name(name: str) -> str:
    key = (
        re.sub(r"\s+", " ", name.lower()).rstrip("s")
        if name.lower() not in ("reais", "kronor", "pence")
        else name.lower()
    )
    key = key.replace("u.s. ", "us ")
    if key in NAMES:
        return NAMES[key]
    last = key.split()[-1]
    return NAMES.get(last, NAMES.get(last.rstrip("s"), "USD"))


def _amount(num: str, scale: str | None) -> float | None:
    value = 1.0 if num.lower() in ("a", "an") else parse_number(num)
    if value is None:
        return None
    if scale:
        s = scale.lower()
        value *= SCALES.get(s, 1)
    return value


def find_money(text: str, base: int, ctx: Context) -> list[Finding]:
    """Money amounts in text (offsets shifted by base)."""
    out: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for m in _PREFIXED.finditer(text):
        sym = m.group("sym").strip().lower().replace(" ", "").replace("u.s.$", "us$")
        currency = SYMBOLS.get(sym) or (sym.upper() if sym.upper() in CODES else None)
        if currency == "RMB":
            currency = "CNY"
        if not currency:
            continue
        num, scale = m.group("num"), m.group("scale")
        if num.lower() in ("a", "an"):
            continue
        # A single-letter scale only counts right after the number ("$3.5m", not "$5 m").
        if scale and len(scale) == 1 and text[m.start("scale") - 1] == " ":
            scale = None
        value = _amount(num, scale)
        if value is None:
            continue
        end = m.end("scale") if scale else m.end("num")
        out.append(_finding(base, m.start(), end, value, currency, scale))
        taken.append((m.start(), end))
        ctx.last_currency = currency
    for m in _SUFFIXED.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        cur = m.group("cur")
        currency = cur.upper() if cur.upper() in CODES else _currency_of_name(cur)
        if cur.lower() in ("cent", "cents", "pence", "penny"):
            value = _amount(m.group("num2"), m.group("scale2"))
            value = value / 100 if value is not None else None
        else:
            value = _amount(m.group("num2"), m.group("scale2"))
        if value is None:
            continue
        out.append(_finding(base, m.start(), m.end(), value, currency, m.group("scale2")))
        taken.append((m.start(), m.end()))
        ctx.last_currency = currency
    for m in _OPEN.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        word = m.group("open").lower()
        minimum = {
            "hundreds": 200,
            "thousands": 2_000,
            "millions": 2_000_000,
            "billions": 2_000_000_000,
            "trillions": 2_000_000_000_000,
            "hundreds of thousands": 200_000,
        }[word]
        currency = _currency_of_name(m.group("cur")) if m.group("cur") else (ctx.last_currency or "USD")
        norm = {"amount_min": minimum, "currency": currency, "scale": word}
        out.append(Finding("money", base + m.start(), base + m.end(), norm, ("money", "open_amount")))
    return out


def _finding(base: int, start: int, end: int, value: float, currency: str, scale: str | None) -> Finding:
    norm: dict = {"amount": tidy(value), "currency": currency}
    if scale:
        norm["scale"] = scale.lower()
    return Finding("money", base + start, base + end, norm, ("money",))
