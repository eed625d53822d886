"""Train the check-worthiness model and measure it on CheckThat! 2024 Task 1 English (dev split only).

    python bench/checkworthy.py --data DIR [--train]

DIR holds the task's files (`CT24_checkworthy_english_{train,dev,dev-test}.tsv`, e.g. from a snapshot of
github.com/isyufeng/FactFinders, `data/`); they are not part of this repository. `--train` fits the model on
the training split (needs scikit-learn, which factdesk itself does not) and writes the weights that ship in
`src/factdesk/extraction/data/checkworthy.json`. Then, for the dev split and the dev-test split, it prints the
F1 of the check-worthy class at the best threshold for three scores of a sentence:
- the model alone (`checkworthy.probability`);
- what factdesk gives the sentence: the highest score of the claims extracted from it, 0 when none;
- everything "Yes", the floor.
The test split is never read.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from factdesk.extraction import checkworthy  # noqa: E402

WEIGHTS = HERE.parent / "src" / "factdesk" / "extraction" / "data" / "checkworthy.json"
# Chosen on the dev split: weaker regularisation and more words scored no better there, and weights this
# small change no sentence's score (dropping them keeps 6,500 of 43,000 features).
C = 0.1
MIN_WEIGHT = 0.1


def load(path: Path) -> list[tuple[str, bool]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for row in reader:
            if len(row) >= 3 and row[2].strip() in ("Yes", "No"):
                rows.append((row[1], row[2].strip() == "Yes"))
    return rows


def train(rows: list[tuple[str, bool]]) -> None:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = CountVectorizer(analyzer=checkworthy.features, binary=True, min_df=2)
    x = vectorizer.fit_transform([text for text, _ in rows])
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    model.fit(x, [label for _, label in rows])
    weights = {name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0],
                                                            strict=True) if abs(w) > MIN_WEIGHT}
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS.write_text(json.dumps({
        "source": "CheckThat! 2024 Task 1 English, training split; bench/checkworthy.py --train",
        "bias": round(float(model.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
    }, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    checkworthy._model.cache_clear()
    print(f"trained on {len(rows)} sentences; {len(weights)} weights -> {WEIGHTS}")


def best_f1(labels: list[bool], scores: list[float]) -> tuple[float, float]:
    """The positive class's F1 at the best threshold, and that threshold."""
    ranked = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    positives, best, at, tp = sum(labels), (0.0, 0.0), 0, 0
    for i, (score, label) in enumerate(ranked, start=1):
        tp += label
        at += 1
        if i < len(ranked) and ranked[i][0] == score:
            continue  # a threshold takes every sentence of equal score
        f1 = 2 * tp / (at + positives)
        if f1 > best[0]:
            best = (f1, score)
    return best


def factdesk_score(sentence: str) -> float:
    from factdesk.extraction.pipeline import extract

    claims = extract(sentence).claims
    return max((c.score for c in claims), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--train", action="store_true")
    args = parser.parse_args()
    if args.train:
        train(load(args.data / "CT24_checkworthy_english_train.tsv"))
    for split in ("dev", "dev-test"):
        rows = load(args.data / f"CT24_checkworthy_english_{split}.tsv")
        labels = [label for _, label in rows]
        model = best_f1(labels, [checkworthy.probability(text) for text, _ in rows])
        claims = best_f1(labels, [factdesk_score(text) for text, _ in rows])
        floor = best_f1(labels, [1.0] * len(rows))
        print(f"{split:8} ({len(rows)} sentences, {sum(labels)} check-worthy): F1 of 'Yes' at the best threshold: "
              f"model {model[0]:.3f} (at {model[1]:.2f}), factdesk's claim scores {claims[0]:.3f} "
              f"(at {claims[1]:.2f}), all Yes {floor[0]:.3f}")


if __name__ == "__main__":
    main()
