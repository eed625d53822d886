"""How much a sentence reads like one a fact-checker would pick: a small linear model over its words.

Trained on the CheckThat! 2024 Task 1 English training split (political debates and speeches, sentences labelled
check-worthy or not; `bench/checkworthy.py` trains it and measures it on the dev split). The weights ship in the
package (`data/checkworthy.json`): nothing is downloaded, and scoring a sentence is a few dictionary lookups.

The features are lowercased words and word pairs, with every number read as `<num>` (what makes "60,000
factories" worth checking is that it is a figure, not which one), plus the sentence's length in steps of five
words. Training and scoring share `features`, so the two can never read a sentence differently.
"""

from __future__ import annotations

import functools
import json
import math
import re
from importlib import resources

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d[\d,.]*|[%$€£]")


def features(sentence: str) -> set[str]:
    words = ["<num>" if w[0].isdigit() else w for w in _WORD.findall(sentence.lower())]
    found = set(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    found.add(f"<len:{min(len(words) // 5, 8)}>")
    return found


@functools.lru_cache(maxsize=1)
def _model() -> tuple[float, dict[str, float]]:
    raw = json.loads(resources.files(__package__).joinpath("data/checkworthy.json").read_text("utf-8"))
    return float(raw["bias"]), dict(raw["weights"])


def probability(sentence: str) -> float:
    """The model's probability, in [0, 1], that a checker would want `sentence` checked."""
    bias, weights = _model()
    z = bias + sum(weights.get(f, 0.0) for f in features(sentence))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
