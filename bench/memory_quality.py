"""The fact memory's quality on labelled claim pairs built from ../shared/examples (issue 14).

Every example is extracted as the worker extracts it. Pairs are then made from its claims:
- *same claim reworded* (label: match): the claim's values as extracted, its sentence rewritten by a rewrite
  rule (a leading phrase, another reporting verb, the clauses swapped around a comma, curly quotes and case)
  and its words in another case and quote style;
- *changed figure* (label: no match): the same sentence and wording with one value changed (an amount, a
  count, a date, a title, a quoted word, a name);
- *same entities, another claim* (label: no match unless the two carry the same values): two different claims
  of one type from the same article that share a named word.
Exact matching is `domain.memory.match_key` equality; near matching is the near matcher's own test (a type
it serves, a named word in common, no contradicting value, pg_trgm's similarity of the claims' words), at three
thresholds.

    python bench/memory_quality.py ../shared/examples
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factdesk.domain.memory import NEAR_TYPES, is_near_match, match_key, similarity, subject_words
from factdesk.extraction import Claim, extract, load_nlp

THRESHOLDS = (0.3, 0.5, 0.7)
_OPENERS = frozenset(re.findall(r"\w+", "the a an in on at after although while when as his her its their he she "
                                         "it they this that these those but and so despite during since because"))
_LEADS = ("Reportedly, ", "As reported, ", "According to reports, ", "It emerged that ")
_VERBS = (("said", "stated"), ("says", "states"), ("told", "informed"), ("announced", "declared"),
          ("reported", "wrote"), ("is", "remains"), ("was", "had been"))


@dataclass(frozen=True)
class Side:
    type: str
    values: dict[str, Any]
    text: str
    sentence: str

    def key(self) -> str:
        return match_key(self.type, self.values, sentence=self.sentence, text=self.text)


@dataclass(frozen=True)
class Pair:
    kind: str  # reworded | changed | other_claim
    same: bool
    a: Side
    b: Side


def side(c: Claim) -> Side:
    return Side(c.type, dict(c.normalized), c.text, c.sentence)


def reword(s: Side, rng: random.Random) -> Side:
    """The same claim in other words: its values kept, the wording around them changed."""
    sentence = s.sentence
    for old, new in _VERBS:
        if re.search(rf"\b{old}\b", sentence):
            sentence = re.sub(rf"\b{old}\b", new, sentence, count=1)
            break
    head, sep, tail = sentence.partition(", ")
    if sep and rng.random() < 0.5 and len(tail) > 20 and not any(ch in tail for ch in "\"“”"):
        sentence = f"{tail.rstrip('.')}, {_lower_opener(head)}."
    sentence = rng.choice(_LEADS) + _lower_opener(sentence)
    text = s.text.replace('"', "\u201c", 1).replace('"', "\u201d", 1)
    text = text.upper() if rng.random() < 0.3 else text
    return Side(s.type, s.values, text, sentence)


def _lower_opener(sentence: str) -> str:
    """The sentence with its first word lower-cased when that word is an ordinary word (as a writer moving it
    into the middle of a sentence would), never a name."""
    first = sentence.split(" ", 1)[0]
    return sentence[:1].lower() + sentence[1:] if first.lower() in _OPENERS else sentence


def change(s: Side, rng: random.Random) -> Side | None:
    """The same wording with one value changed, as a changed figure or title would be extracted; None when
    the claim has no value to change."""
    v = dict(s.values)
    for name in ("amount", "value", "year", "day", "month"):
        if isinstance(v.get(name), int | float) and not isinstance(v.get(name), bool):
            v[name] = v[name] + max(1, abs(v[name]) // 10) if isinstance(v[name], int) else v[name] * 1.5
            if "date" in v:
                v["date"] = f"{v['date']}-x"
            return Side(s.type, v, s.text, s.sentence)
    for name in ("role", "words", "content", "person", "speaker", "source", "event"):
        if isinstance(v.get(name), str) and v[name].strip():
            words = v[name].split()
            i = rng.randrange(len(words))
            words[i] = "not" if words[i] != "not" else "indeed"
            v[name] = " ".join(words)
            return Side(s.type, v, s.text, s.sentence)
    if s.type == "fact":
        return Side(s.type, v, s.text.replace(" is ", " is not ", 1) if " is " in s.text else "Not " + s.text,
                    s.sentence)
    return None


def near(a: Side, b: Side, threshold: float) -> bool:
    """The near matcher's test (domain.memory.is_near_match, as services.near_matches applies it): a type it
    serves, a named word in common, no contradicting value, words at least `threshold` similar."""
    return a.type == b.type and a.type in NEAR_TYPES and is_near_match(
        a.type, similarity(a.text, b.text), (a.sentence, a.values), (b.sentence, b.values), threshold)


def build(examples: Path, seed: int = 14) -> list[Pair]:
    rng = random.Random(seed)
    nlp = load_nlp()
    pairs: list[Pair] = []
    for labels in sorted(examples.glob("*.claims.json")):
        meta = json.loads(labels.read_text())
        ref = meta.get("reference_date")
        text = (examples / meta["draft"]).read_text(encoding="utf-8")
        claims = [side(c) for c in extract(text, reference_date=dt.date.fromisoformat(ref) if ref else None,
                                           nlp=nlp).claims]
        for s in claims:
            pairs.append(Pair("reworded", True, s, reword(s, rng)))
            changed = change(s, rng)
            if changed is not None:
                pairs.append(Pair("changed", False, s, changed))
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                if a.type == b.type and set(subject_words(a.sentence)) & set(subject_words(b.sentence)):
                    # The same values twice in one article (a repeated quote) are one claim.
                    same = a.values == b.values and a.type != "fact"
                    pairs.append(Pair("other_claim", same, a, b))
    return pairs


def scores(pairs: list[Pair], predict) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    tp = sum(1 for p in pairs if p.same and predict(p))
    fp = sum(1 for p in pairs if not p.same and predict(p))
    fn = sum(1 for p in pairs if p.same and not predict(p))
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 0.0), tp + fp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", type=Path)
    parser.add_argument("--out", type=Path, help="write the labelled pairs here (JSON lines)")
    args = parser.parse_args()
    pairs = build(args.examples)
    print(f"{len(pairs)} pairs: {dict(Counter(p.kind for p in pairs))}, "
          f"{sum(p.same for p in pairs)} labelled the same claim")
    precision, recall, shown = scores(pairs, lambda p: p.a.key() == p.b.key())
    print(f"exact: precision {precision:.3f}, recall {recall:.3f} ({shown} matches)")
    for kind in ("reworded", "changed", "other_claim"):
        some = [p for p in pairs if p.kind == kind]
        hits = sum(p.a.key() == p.b.key() for p in some)
        print(f"  {kind}: {len(some)} pairs, {hits} exact matches")
    for t in THRESHOLDS:
        precision, recall, shown = scores(pairs, lambda p, t=t: p.a.key() != p.b.key() and near(p.a, p.b, t)
                                          or p.a.key() == p.b.key())
        print(f"exact or near at similarity >= {t}: precision {precision:.3f}, recall {recall:.3f} ({shown})")
    if args.out:
        with args.out.open("w") as out:
            for p in pairs:
                out.write(json.dumps({"kind": p.kind, "same": p.same, "a": p.a.__dict__, "b": p.b.__dict__},
                                     ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
