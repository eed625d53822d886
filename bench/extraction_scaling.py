"""Extraction time against the length of one draft: seconds per MB at each size, their max/min ratio, peak RSS.

Run from the project root:  .venv/bin/python bench/extraction_scaling.py [--sizes 10,100,500,2000]
Two texts, each cut to every size (in KB of UTF-8): the sentence "The city paid $3 million. " repeated (the
hostile draft of issue 12), and real articles (tests/extraction/data, tests/fixtures and the 2020 Wikinews
articles) joined into one draft. Each size runs in a fresh process, so its peak RSS is its own; the model's
own RSS is reported apart. Time is CPU seconds of the process (the shared machine's load does not inflate it)
and wall seconds. Linear extraction keeps seconds per MB flat: the target is a max/min ratio under 1.5.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "The city paid $3 million. "
ARTICLE_DIRS = [ROOT / "tests" / "extraction" / "data", ROOT / "tests" / "fixtures"]
WIKINEWS = ROOT.parent / "shared" / "data" / "wikinews-2020" / "wikinews_2020.csv"


def articles() -> str:
    """Every article we have, as paragraphs of one text."""
    parts = [txt.read_text(encoding="utf-8") for folder in ARTICLE_DIRS for txt in sorted(folder.glob("*.txt"))]
    if WIKINEWS.exists():
        csv.field_size_limit(1 << 24)
        with WIKINEWS.open(encoding="utf-8", newline="") as f:
            parts += [f"{row['title']}\n\n{row['text']}" for row in csv.DictReader(f)]
    return "\n\n".join(p.strip() for p in parts)


def text_of(kind: str, kb: int) -> str:
    """`kb` kilobytes of the text `kind`, cut at a word boundary."""
    base = SENTENCE if kind == "sentence" else articles()
    size = kb * 1024
    text = base * (size // len(base.encode()) + 1)
    cut = text.encode()[:size].decode(errors="ignore")
    return cut[: cut.rfind(" ")] if " " in cut else cut


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def one(kind: str, kb: int) -> None:
    """Extract one text in this (fresh) process and print its figures as JSON."""
    from factdesk.extraction import extract, load_nlp

    nlp = load_nlp()
    extract("Warm up: the city paid $3 million on Tuesday.", nlp=nlp)
    model = peak_rss_mb()
    text = text_of(kind, kb)
    cpu, wall = time.process_time(), time.perf_counter()
    result = extract(text, nlp=nlp)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"kind": kind, "kb": kb, "bytes": len(text.encode()), "cpu": cpu, "wall": wall,
                      "claims": len(result.claims), "model_mb": model, "peak_mb": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,500,2000", help="sizes in KB, comma-separated")
    parser.add_argument("--kinds", default="sentence,articles")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "KB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    for kind in args.kinds.split(","):
        print(f"\n{kind}: {'size':>8} {'claims':>7} {'cpu s':>8} {'wall s':>8} {'cpu s/MB':>9} "
              f"{'wall s/MB':>9} {'peak RSS MB':>11}", flush=True)
        per_mb = []
        for kb in sizes:
            out = subprocess.run([sys.executable, __file__, "--one", kind, str(kb)], check=True,
                                 capture_output=True, text=True, cwd=ROOT).stdout
            r = json.loads(out.strip().splitlines()[-1])
            mb = r["bytes"] / 1e6
            per_mb.append(r["cpu"] / mb)
            print(f"{'':{len(kind) + 1}} {kb:>6}KB {r['claims']:>7} {r['cpu']:>8.2f} {r['wall']:>8.2f} "
                  f"{r['cpu'] / mb:>9.1f} {r['wall'] / mb:>9.1f} {r['peak_mb']:>6.0f} (model {r['model_mb']:.0f})",
                  flush=True)
        print(f"{'':{len(kind) + 1}} cpu s/MB max/min ratio: {max(per_mb) / min(per_mb):.2f}", flush=True)


if __name__ == "__main__":
    main()
