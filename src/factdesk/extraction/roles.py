"""Roles: a person's title or position at an organisation, from titles, appositions and copulas."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import people
from .claims import Finding
from .context import Context, SentenceContext
from .lexicon import word_set
from .speakers import ORG_WORDS
from .tokens import entities

# Head words of titles and positions. Kinship and nationality words ("son", "countryman") are not roles.
ROLE_HEADS = word_set(
    """president vice-president premier minister secretary chancellor king queen prince princess emperor
    senator governor mayor judge justice magistrate chairman chairwoman chairperson chair ceo cfo cto
    coo founder co-founder cofounder director editor editor-in-chief publisher professor lecturer
    commissioner delegate speaker spokesman spokeswoman spokesperson leader member ambassador envoy
    officer manager executive strategist scientist analyst economist researcher reporter correspondent
    columnist author writer novelist poet conductor composer actor actress singer musician rapper coach
    captain champion heiress heir tycoon magnate agent lawyer attorney prosecutor commander general
    admiral colonel lieutenant sergeant representative congressman congresswoman congressmember lawmaker
    legislator sheriff superintendent dean principal rector treasurer auditor inspector adviser advisor
    consultant partner owner investor designer architect engineer surgeon physician doctor nurse pope
    bishop archbishop cardinal rabbi imam pastor priest head chief president-elect deputy administrator
    commissioner mp mep councillor councilor chancellor provost curator historian diplomat
    governor-general attorney-general solicitor barrister detective constable marshal warden
    director-general ombudsman photographer filmmaker producer presenter anchor host broadcaster defender activist
    campaigner entrepreneur businessman businesswoman philanthropist banker official
    midfielder striker goalkeeper quarterback pitcher athlete cyclist pilot astronaut commentator aide
    lobbyist pollster mathematician physicist astrophysicist astronomer chemist biologist neuroscientist
    player politician journalist footballer wrestler guitarist drummer fellow ayatollah billionaire
    millionaire successor predecessor cleric sen. rep. gov. gen. lt. col. capt. sgt. prof. supt. insp. adm. cmdr."""
)
# Capitalised words that belong to the title, not to the organisation ("District Judge", "Prime Minister").
_TITLE_WORDS = word_set(
    """prime vice deputy chief district federal associate assistant senior junior general acting interim
    executive managing foreign finance defence defense interior health education justice home attorney
    supreme circuit state grand first majority minority independent"""
)
_FORMER = frozenset({"former", "ex", "ex-", "then", "then-", "erstwhile", "late", "outgoing"})
_DROP = frozenset(
    {"new", "newly", "elected", "current", "incoming", "young", "the", "a", "an", "its", "their", "his", "her"}
)
_PARTIES = frozenset(
    {"republican", "democratic", "democrat", "labour", "conservative", "liberal", "green", "socialist"}
)
_KIN = word_set(
    """son daughter wife husband mother father brother sister aunt uncle nephew niece cousin grandson
    granddaughter grandmother grandfather countryman countrywoman compatriot friend partner widow
    widower half-sister half-brother stepson stepdaughter"""
)
# Titles of a state's office-holders: with no organisation stated, the nearby country is theirs.
_STATE_TITLES = frozenset(
    {
        "president",
        "prime minister",
        "premier",
        "chancellor",
        "king",
        "queen",
        "vice president",
        "foreign minister",
        "emperor",
        "president-elect",
    }
)
# Titles whose "for X" names a portfolio, not an organisation ("minister for East African Affairs").
_PORTFOLIO_TITLES = frozenset({"minister", "secretary", "commissioner", "spokesman", "spokeswoman", "spokesperson"})
# Members and chairs with no organisation stated belong to the committee named last.
_COMMITTEE_ROLES = frozenset({"committee member", "member", "committee chairman", "chairman"})
DEMONYMS = {
    "us": "United States",
    "u.s.": "United States",
    "american": "United States",
    "united states": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "america": "United States",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "british": "United Kingdom",
    "britain": "United Kingdom",
    "hungarian": "Hungary",
    "samoan": "Samoa",
    "ukrainian": "Ukraine",
    "russian": "Russia",
    "chinese": "China",
    "french": "France",
    "german": "Germany",
    "italian": "Italy",
    "spanish": "Spain",
    "japanese": "Japan",
    "indian": "India",
    "canadian": "Canada",
    "australian": "Australia",
    "mexican": "Mexico",
    "brazilian": "Brazil",
    "kenyan": "Kenya",
    "ethiopian": "Ethiopia",
    "nigerian": "Nigeria",
    "israeli": "Israel",
    "iranian": "Iran",
    "turkish": "Turkey",
    "polish": "Poland",
    "austrian": "Austria",
    "czech": "Czech Republic",
    "irish": "Ireland",
    "dutch": "Netherlands",
    "swedish": "Sweden",
    "norwegian": "Norway",
    "finnish": "Finland",
    "danish": "Denmark",
    "greek": "Greece",
    "portuguese": "Portugal",
    "belgian": "Belgium",
    "swiss": "Switzerland",
    "south african": "South Africa",
    "south korean": "South Korea",
    "north korean": "North Korea",
    "egyptian": "Egypt",
    "saudi": "Saudi Arabia",
    "pakistani": "Pakistan",
    "afghan": "Afghanistan",
    "venezuelan": "Venezuela",
    "argentine": "Argentina",
    "argentinian": "Argentina",
    "chilean": "Chile",
    "colombian": "Colombia",
    "peruvian": "Peru",
    "cuban": "Cuba",
    "philippine": "Philippines",
    "filipino": "Philippines",
    "indonesian": "Indonesia",
    "vietnamese": "Vietnam",
    "thai": "Thailand",
    "new zealand": "New Zealand",
    "scottish": "Scotland",
    "welsh": "Wales",
    "european": "European Union",
    "slovak": "Slovakia",
    "english": "England",
    "georgian": "Georgia",
    "burundian": "Burundi",
    "south sudanese": "South Sudan",
    "sudanese": "Sudan",
    "iraqi": "Iraq",
    "korean": "Korea",
}
_COUNTRIES = frozenset(DEMONYMS.values()) | {"Burundi", "Egypt", "Iran", "Iraq", "Ukraine", "Korea"}
# Verb forms that start a clause, never a title ("officials including deputy minister X").
_CLAUSE_VERBS = frozenset({"including", "according", "following", "regarding", "excluding", "concerning"})


def _name_after(doc: Any, i: int, limit: int, strict: bool = True) -> tuple[int, int, str] | None:
    return people.name_after(doc, i, limit, ROLE_HEADS, strict)


def _name_before(doc: Any, end: int, floor: int, ctx: Context) -> tuple[int, int, str] | None:
    return people.name_before(doc, end, floor, ctx, ROLE_HEADS)


def _org_text(tokens: list[Any]) -> str | None:
    words = [t.text for t in tokens]
    while words and words[0].lower() in ("the", "a", "an"):
        words.pop(0)
    if not words:
        return None
    text = " ".join(words).replace(" 's", "'s").replace(" ’s", "’s")
    return DEMONYMS.get(text.lower(), text)


def _split_title(tokens: list[Any]) -> tuple[list[Any], list[Any], bool, str | None]:
    """Left modifiers of a role head -> (org tokens, role tokens, former, party)."""
    org: list[Any] = []
    role: list[Any] = []
    former = False
    party = None
    for t in tokens:
        low = t.lower_
        if low in _FORMER:
            former = True
        elif low in _PARTIES and not role:
            party = t.text
        elif low in _DROP or t.pos_ in ("DET", "ADV", "PUNCT", "PART") and not role:
            continue
        elif t.text[:1].isupper() and low not in _TITLE_WORDS and low not in ROLE_HEADS and _plain(role):
            # "trade union Aslef general secretary": a name after plain lowercase words ends the organisation
            org += role + [t]
            role = []
        else:
            role.append(t)
    return org, role, former, party


def _plain(role: list[Any]) -> bool:
    """No title word among the role words so far ("trade union", not "chief" in "chief AI strategist")."""
    return not any(t.lower_ in _TITLE_WORDS or t.lower_ in ROLE_HEADS for t in role)


def _left_modifiers(doc: Any, head: int, floor: int) -> int:
    """Where the title phrase ending at `head` starts: back over adjectives, nouns, names and 'and'.

    Two titles in a row ("filmmaker and journalist", "Minister for Finance and Minister of Economy") are
    two phrases: the walk stops at the 'and' or comma after an earlier title.
    """
    i = head
    while i > floor:
        t = doc[i - 1]
        # "Halden's chief executive", "the FCA's executive director": a named possessor is the organisation.
        if (
            t.text in ("'s", "’s")
            and i - 2 >= floor
            and doc[i - 2].pos_ == "PROPN"
            and doc[i - 2].ent_type_ != "PERSON"
        ):
            i -= 1
            continue
        if t.lower_ in ("and", ",") and _ends_title(doc, i - 1, floor):
            break
        if (
            t.pos_ in ("ADJ", "NOUN", "PROPN", "NUM")
            or t.tag_ == "VBG"
            or t.lower_ in _FORMER
            or t.lower_ in ("-", "and", "newly", "elected")
        ):
            if t.lower_ in _KIN or t.lower_ in _CLAUSE_VERBS or t.ent_type_ in ("PERSON", "ORDINAL") or t.pos_ == "NUM":
                break
            i -= 1
        else:
            break
    while i < head and doc[i].lower_ in ("and", ",", "-"):
        i += 1  # "Harirchi and vice president ...": the title starts after the 'and'
    return i


def _ends_title(doc: Any, i: int, floor: int) -> bool:
    """Whether the words before token i (an 'and' or a comma) end a title of their own."""
    if i - 1 >= floor and doc[i - 1].lower_ in ROLE_HEADS:
        return True
    return any(
        doc[k].lower_ in ("of", "for") and doc[k - 1].lower_ in ROLE_HEADS for k in range(max(floor + 1, i - 3), i)
    )


def _role_phrase(doc: Any, head: int, start: int) -> str:
    _, role, _, _ = _split_title(list(doc[start : head + 1]))
    role = [t for t in role if t.lower_ not in _DROP]
    while role and (role[0].pos_ in ("CCONJ", "PUNCT") or role[0].lower_ in ("and", ",")):
        role.pop(0)
    if not role:
        return ""
    return doc[role[0].i : role[-1].i + 1].text


def _org_after(doc: Any, i: int, limit: int) -> tuple[str | None, int]:
    """'of the House of Representatives', 'at Meta' after token i-1 -> (org, end token).

    A lowercase field in between ("director of public health for Harlow County") is skipped.
    """
    i = _past_field(doc, i, limit)
    if i < limit and doc[i].lower_ in ("of", "at", "for", "to", "with", "in") and i + 1 < limit:
        toks = _org_name_tokens(doc, i + 1, limit)
        if any(t.text[:1].isupper() for t in toks):
            return _org_text(toks), i + 1 + len(toks)
    return None, i


def _past_field(doc: Any, i: int, limit: int) -> int:
    """Token i, or the 'for'/'at'/'in' after a lowercase field ('of public health for Harlow County')."""
    if not (i + 2 < limit and doc[i].lower_ == "of" and doc[i + 1].text[:1].islower()):
        return i
    k = i + 1
    while k < limit and k < i + 5 and doc[k].text[:1].islower() and doc[k].pos_ in ("NOUN", "ADJ"):
        k += 1
    if k < limit and doc[k].lower_ in ("for", "at", "in") and k + 1 < limit and doc[k + 1].text[:1].isupper():
        return k
    return i


def _org_name_tokens(doc: Any, j: int, limit: int) -> list[Any]:
    """The capitalised name from token j ('the House of Representatives'), without trailing small words."""
    toks = []
    while j < limit and (
        doc[j].text[:1].isupper() or doc[j].lower_ in ("the", "of", "and", "&", "for", "de") or doc[j].pos_ == "PROPN"
    ):
        toks.append(doc[j])
        j += 1
    while toks and toks[-1].lower_ in ("of", "and", "&", "for", "the", "de"):
        toks.pop()
    return toks


def _country_near(sent: Any, i: int) -> str | None:
    for t in sorted(sent, key=lambda t: abs(t.i - i)):
        if abs(t.i - i) > 20:
            break
        if t.ent_type_ in ("NORP", "GPE") and t.text.lower() in DEMONYMS:
            return DEMONYMS[t.text.lower()]
    return None


_ACRONYM = re.compile(r"((?:[A-Z][\w.&'’-]*\s(?:(?:of|for|and|the|on)\s)?){1,8})\(([A-Z][A-Za-z.&]{1,9})\)")


def remember_people(doc: Any, text: str, ctx: Context) -> None:
    """Register every person named in the piece (`text` is doc.text, which spaCy rebuilds on each access)."""
    for m in _ACRONYM.finditer(text):
        long_form = m.group(1).strip().removeprefix("the ").removeprefix("The ")
        # "Britain's Financial Conduct Authority (FCA)": the owner is not part of the name.
        long_form = re.split(r"['’]s\s", long_form)[-1]
        ctx.acronyms.setdefault(m.group(2), long_form)
    for ent in doc.ents:
        if ent.label_ == "ORG" and "committee" in ent.text.lower():
            ctx.last_committee = _org_text(list(ent))
        if ent.label_ == "PERSON":
            name = ent.text.strip()
            for suffix in ("'s", "’s"):
                if name.endswith(suffix):
                    name = name[: -len(suffix)]
            words = name.split()
            while words and (words[0].lower() in ROLE_HEADS or words[0].lower() in _TITLE_WORDS):
                words.pop(0)  # "Grand Ayatollah Mousa Shubairi Zanjani": the title is not the name
            name = " ".join(words)
            if any(w.lower() in ORG_WORDS for w in words):
                continue  # "Northwind Freight" tagged as a person is still a company
            if len(words) > 1 and all(w[:1].isupper() or w.lower() in people.NAME_PARTICLES for w in words):
                ctx.add_person(name)


def _finding(doc: Any, base: int, s: int, e: int, norm: dict[str, Any], features: tuple[str, ...]) -> Finding:
    return Finding("role", base + doc[s].idx, base + doc[e - 1].idx + len(doc[e - 1].text), norm, ("role", *features))


def _norm(person: str, role: str, org: str | None, former: bool, ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {"person": ctx.add_person(person), "role": role}
    ctx.roles[role.split()[-1].lower()] = out["person"]
    if role.lower() in _STATE_TITLES:
        # "Joe Biden, who served as Vice President": a state's office with no country stated is held in the
        # country of the first office-holder the text named, the country the story is about.
        if org in _COUNTRIES and ctx.home_country is None:
            ctx.home_country = org
        org = org or ctx.home_country
    if org:
        out["org"] = org
    out["former"] = former
    return out


@dataclass
class _Title:
    """A role word in a sentence and the title phrase ending at it, before we know whose title it is."""

    sc: SentenceContext
    head: int  # token index of the role word
    start: int  # first token of the title phrase
    role: str
    org: str | None  # from the phrase itself: "US President", "Halden's chief executive"
    former: bool

    @property
    def head_word(self) -> str:
        return str(self.sc.doc[self.head].lower_)

    @functools.cached_property
    def org_after(self) -> tuple[str | None, int]:
        """The organisation after the role word ('at Meta') and the token where it ends."""
        return _org_after(self.sc.doc, self.head + 1, self.sc.sent.end)

    @functools.cached_property
    def lead(self) -> int:
        """Where the words before the title end: back over determiners and an age between commas."""
        doc, lo = self.sc.doc, self.sc.sent.start
        j = self.start
        # "a young billionaire and co-founder of Scale AI": the apposition starts at the first title.
        while j - 2 > lo and doc[j - 1].lower_ in ("and", ",") and _ends_title(doc, j - 1, lo):
            j = _left_modifiers(doc, j - 2 if doc[j - 2].lower_ in ROLE_HEADS else _head_before(doc, j - 1, lo), lo)
        while j > lo and doc[j - 1].pos_ == "DET":
            j -= 1
        if j > lo + 3 and doc[j - 1].text == "," and doc[j - 2].like_num and doc[j - 3].text == ",":
            j -= 2  # "Ortiz, 47, a former public defender": the age sits between name and title
        return j

    def claim(
        self, person: str, org: str | None, start: int, end: int, features: tuple[str, ...], role: str | None = None
    ) -> Finding:
        """The role finding over tokens start..end, registering the person (and role) in the context."""
        norm = _norm(person, role or self.role, org, self.former, self.sc.ctx)
        return _finding(self.sc.doc, self.sc.base, start, end, norm, features)


# A pattern's finding and the tokens it used, which no later role word or affiliation may claim again.
_Match = tuple[Finding, range]


def find_roles(sc: SentenceContext) -> list[Finding]:
    """Role claims in one sentence: each role word is read by the first pattern that fits it."""
    out: list[Finding] = []
    used: set[int] = set()
    for tok in sc.sent:
        if tok.i in used:
            continue
        title = _title_at(sc, tok)
        if title is None:
            continue
        for pattern in _PATTERNS:
            match = pattern(title)
            if match is not None:
                out.append(match[0])
                used.update(match[1])
                break
    out += _affiliations(sc, used)
    return out


def _title_at(sc: SentenceContext, tok: Any) -> _Title | None:
    """The title phrase that a role word heads, or None when the word is not a role here."""
    doc, hi = sc.doc, sc.sent.end
    low = tok.lower_
    if low not in ROLE_HEADS and not _plural_before_name(doc, tok, hi):
        return None
    if low == "head" and not (tok.i + 1 < hi and doc[tok.i + 1].lower_ == "of"):
        return None
    # "chief" in "chief AI strategist" modifies a later head; the phrase is read at that head.
    if _later_head(doc, tok.i, hi):
        return None
    start = _left_modifiers(doc, tok.i, sc.sent.start)
    org_toks, _role_toks, former, _party = _split_title(list(doc[start : tok.i + 1]))
    role = _role_phrase(doc, tok.i, start)
    if not role or role.lower() in _KIN:
        return None
    org = _org_text(org_toks) if org_toks else None
    return _Title(sc, tok.i, start, role, org, former)


def _plural_before_name(doc: Any, tok: Any, hi: int) -> bool:
    """'One of South Sudan's Vice Presidents, Rebecca Nyandeng De Mabior': a plural title, then a name."""
    low = tok.lower_
    return low.endswith("s") and low[:-1] in ROLE_HEADS and tok.i + 2 < hi and doc[tok.i + 1].text == ","


def _title_before_name(t: _Title) -> _Match | None:
    """A title before the name ("US President Donald Trump", "Secretary of State Mike Pompeo", "conductor
    Leopold Stokowski"), or before another title and then the name ("filmmaker and journalist Brady Haran":
    each title is a claim of its own, over its own words)."""
    doc, hi = t.sc.doc, t.sc.sent.end
    named = _named_title(doc, t.head, hi, 0)
    if named is None:
        return None
    tail_end, field, tail_org, name, direct = named
    role = f"{t.role} {field}" if field else t.role
    org: str | None
    stated: tuple[str, ...]
    if tail_org:
        org, stated = tail_org, ("org_stated",)
    elif direct:
        org, stated = _org_of_named_title(t, name[1])
    else:
        org, stated = t.org, ()
    end = name[1] if direct else tail_end
    return t.claim(name[2], org, t.start, end, ("title", *stated), role), range(t.start, end)


# What follows a title word up to the name: (where it ends, a field that belongs to the title ("of State"),
# an organisation ("of the United States"), the name, whether the name follows this title directly).
_Named = tuple[int, str | None, str | None, tuple[int, int, str], bool]


def _named_title(doc: Any, head: int, hi: int, depth: int) -> _Named | None:
    """The name a title word leads to, directly or through further titles joined by 'and' or commas."""
    k, field, org, strict = _title_tail(doc, head + 1, hi)
    if k < hi and doc[k].text[:1].isupper():
        name = _name_after(doc, k, hi, strict)
        if name:
            return k, field, org, name, True
    if depth < 3 and k + 1 < hi and doc[k].lower_ in ("and", ","):
        j = k + 1
        while j < min(hi, k + 5) and (doc[j].lower_ in ("and", ",") or doc[j].pos_ in ("ADJ", "NOUN", "PROPN")):
            if doc[j].lower_ in ROLE_HEADS and not _later_head(doc, j, hi):
                later = _named_title(doc, j, hi, depth + 1)
                return (k, field, org, later[3], False) if later else None
            j += 1
    return None


def _title_tail(doc: Any, i: int, hi: int) -> tuple[int, str | None, str | None, bool]:
    """'of State', 'of Ukraine', 'of the parliament', 'for Finance' between a title word and a name ->
    (where it ends, the field that belongs to the title, the organisation, whether the name is checked)."""
    if not (i + 2 < hi and doc[i].lower_ in ("of", "for")):
        return i, None, None, True
    j, toks = _tail_tokens(doc, i + 1, hi)
    strict = True
    # "President of Ukraine Volodymyr Zelenskyy" read as one organisation: a country, then the name.
    split = len(toks) >= 3 and toks[0].text in _COUNTRIES and all(x.text[:1].isupper() for x in toks)
    if split and (j == hi or not doc[j].text[:1].isupper()):
        j, toks, strict = toks[1].i, toks[:1], False
    while toks and toks[-1].lower_ in ("the", "and", "&"):
        toks.pop()
    if not toks:
        return i, None, None, True
    words = [x for x in toks if x.lower_ != "the"]
    is_org = toks[0].lower_ == "the" or len(words) > 1 and words[0].text[:1].isupper() or words[0].text in _COUNTRIES
    if is_org or words[0].ent_type_ == "GPE":
        return j, None, _org_text(toks), strict
    return j, doc[i:j].text, None, strict


def _tail_tokens(doc: Any, j: int, hi: int) -> tuple[int, list[Any]]:
    """The words after 'of'/'for' up to where a person's name or another title begins."""
    toks: list[Any] = []
    while j < hi and len(toks) < 7:
        tok = doc[j]
        if toks and tok.ent_type_ == "PERSON" and tok.ent_iob_ == "B" and tok.text[:1].isupper():
            break  # the name begins
        after = doc[j + 1].lower_ if j + 1 < hi else ""
        if tok.lower_ == "and" and (after in ROLE_HEADS or after in _TITLE_WORDS):
            break  # another title follows
        if not (tok.lower_ in ("the", "and", "&") or tok.text[:1].isupper() or tok.pos_ in ("NOUN", "ADJ")):
            break
        toks.append(tok)
        j += 1
    return j, toks


def _head_before(doc: Any, i: int, lo: int) -> int:
    """The title word before token i ('Minister' in 'Minister for Finance and'), or i - 1."""
    for k in range(i - 1, max(lo, i - 5) - 1, -1):
        if doc[k].lower_ in ROLE_HEADS:
            return k
    return i - 1


def _org_of_named_title(t: _Title, name_end: int) -> tuple[str | None, tuple[str, ...]]:
    """The organisation of "<title> <name>": from the title, the country nearby, an 'of X' after the
    name, or the committee named earlier; with "org_stated" when the text names it after the name."""
    doc, hi, ctx = t.sc.doc, t.sc.sent.end, t.sc.ctx
    org = t.org
    if t.role.lower() in _STATE_TITLES and not org:
        org = _country_near(t.sc.sent, t.head)
    after_org, _ = _org_after(doc, name_end, hi) if not org else (None, 0)
    if after_org and after_org not in DEMONYMS.values() and doc[name_end + 1].ent_type_ != "GPE":
        org = after_org
    if t.role.lower() in _COMMITTEE_ROLES and ctx.last_committee and not org:
        org = ctx.last_committee
    return org, ("org_stated",) if org and org == after_org else ()


def _name_comma_title(t: _Title) -> _Match | None:
    """A title in apposition after the name ("Yann LeCun, former chief AI strategist at Meta")."""
    doc, lo = t.sc.doc, t.sc.sent.start
    j = t.lead
    if not (j > lo + 1 and doc[j - 1].text == ","):
        return None
    person = _name_before(doc, j - 1, lo, t.sc.ctx)
    if not person:
        return None
    after_org, org_end = t.org_after
    role = None
    if after_org and doc[t.head + 1].lower_ == "for" and t.head_word in _PORTFOLIO_TITLES:
        role, after_org = f"{t.role} for {after_org}", None  # "minister for East African Affairs"
    features = ("apposition", "org_stated") if after_org else ("apposition",)
    finding = t.claim(person[2], after_org or t.org, person[0], max(org_end, t.head + 1), features, role)
    return finding, range(person[0], org_end)


def _subject_is_title(t: _Title) -> _Match | None:
    """A title after a copula or "as" ("Kosgei was the defending champion", "served as head of X")."""
    doc, lo = t.sc.doc, t.sc.sent.start
    j = t.lead
    while j - 1 > lo and doc[j - 1].pos_ == "ADV" and doc[j - 2].lower_ in ("was", "is", "became"):
        j -= 1  # "He was also an original director"
    if not (j > lo and doc[j - 1].lower_ in ("was", "is", "as", "became", "becomes")):
        return None
    at = doc[t.head].idx
    if any(s <= at < e for s, e in t.sc.quoted):
        return None  # "having an idiot as economy minister": someone's words, not the writer's title
    subject = _subject_person(doc, j - 1, lo, t.sc.ctx)
    if not subject:
        return None
    after_org, org_end = t.org_after
    # "served as" or "worked as" a title is a past one.
    was_past = doc[j - 1].lower_ == "as" and j - 2 >= lo and doc[j - 2].lower_ in ("served", "worked")
    norm = _norm(subject, t.role, after_org or t.org, t.former or was_past, t.sc.ctx)
    features = ("copula", "org_stated") if after_org else ("copula",)
    return _finding(doc, t.sc.base, t.start, max(org_end, t.head + 1), norm, features), range(0)


def _title_comma_name(t: _Title) -> _Match | None:
    """A definite title phrase, then the name after a comma ("The delegate to the U.S. House, Aumua Amata")."""
    doc, lo, hi = t.sc.doc, t.sc.sent.start, t.sc.sent.end
    after_org, org_end = t.org_after
    k = _past_aside(doc, max(org_end, t.head + 1), hi)
    possessed = any(tok.text in ("'s", "’s") for tok in doc[t.start : t.head])
    definite = possessed or t.start > lo and doc[t.start - 1].lower_ in ("the", "its", "their", "his", "her")
    if not (k + 1 < hi and doc[k].text == ","):
        return None
    name = _name_after(doc, k + 1, hi)
    # "Iranian general, Qasem Soleimani at ...": without 'the', only a title with its country or organisation
    # and a name the parser knows as a person's ("A third president, Richard Nixon" is not a title claim)
    if not (name and (definite or t.org and doc[name[0]].ent_type_ == "PERSON")):
        return None
    if not (name[1] >= hi or doc[name[1]].is_punct or doc[name[1]].pos_ in ("VERB", "AUX", "ADP")):
        return None
    return t.claim(name[2], after_org or t.org, t.start, name[1], ("apposition",)), range(0)


def _past_aside(doc: Any, k: int, hi: int) -> int:
    """Token k, or past a lowercase word and a parenthesis ("the RMT union (National Union of ...)")."""
    j = k
    while j < hi and j < k + 2 and doc[j].pos_ == "NOUN" and doc[j].text[:1].islower():
        j += 1
    if j < hi and doc[j].text == "(":
        close = next((x.i for x in doc[j:hi] if x.text == ")"), None)
        if close is not None:
            return close + 1
    return j if j < hi and doc[j].text == "," else k


# Tried in this order for each role word; the first that fits claims it.
_PATTERNS: tuple[Callable[[_Title], _Match | None], ...] = (
    _title_before_name,
    _name_comma_title,
    _subject_is_title,
    _title_comma_name,
)


def _later_head(doc: Any, i: int, hi: int) -> bool:
    """Whether another role word follows token i within the same phrase (before punctuation or 'of')."""
    for t in doc[i + 1 : min(hi, i + 4)]:
        if t.is_punct or t.lower_ in ("of", "at", "for", "and"):
            return False
        if t.lower_ in ROLE_HEADS:
            return True
    return False


def _subject_person(doc: Any, verb_i: int, lo: int, ctx: Context) -> str | None:
    """The person a copula or 'as' phrase is about: the nearest name before it in the sentence."""
    for i in range(verb_i - 1, lo - 1, -1):
        t = doc[i]
        if t.lower_ in ("he", "she") and t.dep_ in ("nsubj", "nsubjpass"):
            return ctx.last_person  # "He was also an original director of ...": the person last the subject
        if t.ent_type_ == "PERSON" or (t.pos_ == "PROPN" and ctx.full_name(t.text) != t.text):
            j = i
            while j > lo and doc[j - 1].ent_type_ == "PERSON":
                j -= 1
            return " ".join(x.text for x in doc[j : i + 1])
    return None


def _affiliations(sc: SentenceContext, used: set[int]) -> list[Finding]:
    """'Sheldon Yett of UNICEF', 'Anderson Cooper, of CNN': a person with an organisation, no title."""
    sent, doc = sc.sent, sc.doc
    out = []
    for start, end, label in entities(sent):
        if label != "PERSON" or start in used:
            continue
        i = end
        if i < sent.end and doc[i].text == ",":
            i += 1
        if i + 1 < sent.end and doc[i].lower_ == "of" and doc[i + 1].ent_type_ == "ORG":
            org, org_end = _org_after(doc, i, sent.end)
            if org:
                norm = {"person": sc.ctx.full_name(doc[start:end].text), "org": org}
                out.append(_finding(doc, sc.base, start, org_end, norm, ("affiliation",)))
    return out


def complete_names(finding: Finding, ctx: Context) -> None:
    """Replace short names in a finding's values with the full name the draft used anywhere."""
    for key in ("person", "speaker"):
        value = finding.normalized.get(key)
        if isinstance(value, str) and value:
            finding.normalized[key] = ctx.full_name(value)
