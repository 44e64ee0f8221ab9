"""Retrieval benchmark over the real archive (not a test): prints figures.

    .venv/bin/python benchmarks/retrieval_bench.py [--corpus ../shared/corpus/datatalksclub]

Figures: full index build, cold start of `python -m bot search` with a warm cache
(beside the time Python takes just to import the dependencies), query p50/p99 over the
development questions, peak memory, and the speed ratio against plain rank-bm25
`BM25Okapi.get_scores` over the same passages, measured in the same run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.retrieval.index import build_index  # noqa: E402
from bot.retrieval.loader import load_knowledge  # noqa: E402
from bot.retrieval.search import Searcher  # noqa: E402
from bot.retrieval.cached_index import open_index  # noqa: E402

SHARED = ROOT.parent / "shared"
IMPORTS_ONLY = "import numpy, Stemmer"  # what a warm-cache `search` imports


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def timed_runs(command: list[str], env: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "datatalksclub")
    parser.add_argument("--questions", type=Path, default=SHARED / "eval" / "dev.jsonl")
    parser.add_argument("--baseline-queries", type=int, default=20, help="get_scores is slow: sample")
    args = parser.parse_args()
    folders = [args.corpus, ROOT / "knowledge"]
    questions = [json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()]

    began = time.perf_counter()
    knowledge = load_knowledge(folders)
    loaded = time.perf_counter()
    index = build_index(knowledge)
    built = time.perf_counter()
    print(f"documents {len(index.documents)}, passages {len(index.passages)}")
    print(f"full index build: {built - began:.2f} s (load files {loaded - began:.2f} s, "
          f"passages+BM25 {built - loaded:.2f} s)")

    searcher = Searcher(index)
    for q in questions:  # warm-up
        searcher.search(q, 5)
    ours = []
    for _ in range(5):
        for q in questions:
            t = time.perf_counter()
            searcher.search(q, 5)
            ours.append((time.perf_counter() - t) * 1000)
    print(f"query (full pipeline, k=5): p50 {statistics.median(ours):.3f} ms, p99 {percentile(ours, 0.99):.3f} ms")

    corpus = [index.tokenizer(p.text) for p in index.passages]
    plain = BM25Okapi(corpus)
    tokenized = [index.tokenizer(q) for q in questions[: args.baseline_queries]]
    base, sparse = [], []
    for tokens in tokenized:
        t = time.perf_counter()
        plain.get_scores(tokens)
        base.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        index.fields["text"].scores(tokens)
        sparse.append((time.perf_counter() - t) * 1000)
    print(f"scoring only: rank-bm25 get_scores p50 {statistics.median(base):.2f} ms, "
          f"sparse postings p50 {statistics.median(sparse):.3f} ms "
          f"-> {statistics.median(base) / statistics.median(sparse):.0f}x faster")
    print(f"full pipeline vs plain get_scores: {statistics.median(base) / statistics.median(ours):.0f}x faster")

    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "BOT_DATA_DIR": data}
        open_index(folders, Path(data) / "cache")  # warm the cache the CLI will read
        knowledge_args = [a for f in folders for a in ("--knowledge", str(f))]
        search = [sys.executable, "-m", "bot", "search", "How do I join Omdena?", *knowledge_args]
        imports = timed_runs([sys.executable, "-c", IMPORTS_ONLY], env, 5)
        cold = timed_runs(search, env, 5)
    print(f"cold start `python -m bot search` (warm cache): {cold:.2f} s; "
          f"importing the dependencies alone: {imports:.2f} s; difference {cold - imports:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this benchmark process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
