"""Money: amounts with currency symbols, codes or names and scale words, as ISO 4217 amounts."""

from __future__ import annotations

import re

from . import figures
from .claims import Finding
from .context import Context, SentenceContext
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
    "lari": "GEL",
    "georgian lari": "GEL",
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
    r"(?:(?:US|U\.S\.|American|Australian|Canadian|New Zealand|Hong Kong|Singapore|Swiss|British|Japanese|Indian"
    r"|Georgian)\s)?"
    r"(?:dollars?|euros?|(?<=British )pounds?|pounds? sterling|sterling|yen|yuan|renminbi|rupees?|francs?|"
    r"kronor|krona|kroner|krone|zlotys?|forints?|koruna|rubles?|roubles?|reais|pesos?|rand|lira|lari|shekels?|naira|shillings?|riyals?|"
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


def find_money(sc: SentenceContext) -> list[Finding]:
    """Money amounts in one sentence; an amount already read by an earlier pattern is not read again."""
    base = sc.base + sc.start
    out = _amounts_after_symbol_or_code(sc.text, base, sc.ctx)
    out += _amounts_before_currency_name(sc.text, base, sc.ctx, _spans(out, base))
    out += _open_amounts(sc.text, base, sc.ctx, _spans(out, base))
    return figures.annotate(sc, out, money=True)


def _spans(found: list[Finding], base: int) -> list[tuple[int, int]]:
    return [(f.start - base, f.end - base) for f in found]


def _overlaps(m: re.Match[str], taken: list[tuple[int, int]]) -> bool:
    return any(s < m.end() and m.start() < e for s, e in taken)


def _amounts_after_symbol_or_code(text: str, base: int, ctx: Context) -> list[Finding]:
    """Amounts after a currency symbol or code ("$3.5 billion", "US$40m", "EUR 200", "Rs. 5 crore")."""
    out: list[Finding] = []
    for m in _PREFIXED.finditer(text):
        currency = _currency_of_symbol(m.group("sym"))
        num, scale = m.group("num"), m.group("scale")
        if not currency or num.lower() in ("a", "an"):
            continue
        # A single-letter scale only counts right after the number ("$3.5m", not "$5 m").
        if scale and len(scale) == 1 and text[m.start("scale") - 1] == " ":
            scale = None
        value = _amount(num, scale)
        if value is None:
            continue
        end = m.end("scale") if scale else m.end("num")
        out.append(_finding(base, m.start(), end, value, currency, scale))
        ctx.last_currency = currency
    return out


def _amounts_before_currency_name(text: str, base: int, ctx: Context, taken: list[tuple[int, int]]) -> list[Finding]:
    """Amounts before a currency name or code ("40 million euros", "five US dollars", "300 pence")."""
    out: list[Finding] = []
    for m in _SUFFIXED.finditer(text):
        if _overlaps(m, taken):
            continue
        cur = m.group("cur")
        currency = cur.upper() if cur.upper() in CODES else _currency_of_name(cur)
        value = _amount(m.group("num2"), m.group("scale2"))
        if value is None:
            continue
        if cur.lower() in ("cent", "cents", "pence", "penny"):
            value = value / 100
        out.append(_finding(base, m.start(), m.end(), value, currency, m.group("scale2")))
        taken.append((m.start(), m.end()))
        ctx.last_currency = currency
    return out


# The least an open amount can mean: two of its scale.
_OPEN_MINIMUM = {
    "hundreds": 200,
    "thousands": 2_000,
    "millions": 2_000_000,
    "billions": 2_000_000_000,
    "trillions": 2_000_000_000_000,
    "hundreds of thousands": 200_000,
}


def _open_amounts(text: str, base: int, ctx: Context, taken: list[tuple[int, int]]) -> list[Finding]:
    """Open amounts ("millions in sales", "billions of dollars"), in the currency last named when none is given."""
    out: list[Finding] = []
    for m in _OPEN.finditer(text):
        if _overlaps(m, taken):
            continue
        word = m.group("open").lower()
        currency = _currency_of_name(m.group("cur")) if m.group("cur") else (ctx.last_currency or "USD")
        norm = {"amount_min": _OPEN_MINIMUM[word], "currency": currency, "scale": word}
        out.append(Finding("money", base + m.start(), base + m.end(), norm, ("money", "open_amount")))
    return out


def _currency_of_symbol(symbol: str) -> str | None:
    """The ISO code for a symbol or code as written ("US$" -> "USD", "RMB" -> "CNY"); None if unknown."""
    sym = symbol.strip().lower().replace(" ", "").replace("u.s.$", "us$")
    currency = SYMBOLS.get(sym) or (sym.upper() if sym.upper() in CODES else None)
    return "CNY" if currency == "RMB" else currency


def _finding(base: int, start: int, end: int, value: float, currency: str, scale: str | None) -> Finding:
    norm: dict = {"amount": tidy(value), "currency": currency}
    if scale:
        norm["scale"] = scale.lower()
    return Finding("money", base + start, base + end, norm, ("money",))
