"""What the semantic layer costs a question, over the real archive (not a test): prints figures.

    .venv/bin/python benchmarks/semantic_bench.py [--data-dir DIR] [--corpus ../shared/corpus/datatalksclub]

In one process and one run: the whole answer path (`core.answering.answer`, what a member
gets) for the dev and held-out questions by words alone and with the semantic layer,
p50/p99 of each and their ratio; the question's embedding alone; and the memory the
layer adds (the model and the memory-mapped vectors it touches). The vectors come from
DIR's cache (`python -m bot index` with BOT_DATA_DIR=DIR fills it; missing chunks are
embedded first, which takes long on a fresh DIR).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app.settings import Settings  # noqa: E402
from bot.app.wiring import load_embedder, open_index, searcher_for  # noqa: E402
from bot.core.answering import answer  # noqa: E402
from bot.retrieval.search import Searcher  # noqa: E402

SHARED = ROOT.parent / "shared"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def questions() -> list[str]:
    found = []
    for path in (SHARED / "eval" / "dev.jsonl", ROOT / "eval" / "heldout.jsonl"):
        found += [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    return found


def timings(run, asked: list[str], rounds: int = 3) -> list[float]:
    for question in asked[:20]:
        run(question)  # warm: first-touch of mapped pages and caches
    spent = []
    for _ in range(rounds):
        for question in asked:
            began = time.perf_counter()
            run(question)
            spent.append((time.perf_counter() - began) * 1000)
    return spent


def line(name: str, spent: list[float]) -> str:
    ordered = sorted(spent)
    return f"{name}: p50 {statistics.median(ordered):.2f} ms, p99 {ordered[int(len(ordered) * 0.99)]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--corpus", default=str(SHARED / "corpus" / "datatalksclub"))
    args = parser.parse_args()
    settings = Settings.from_env({"BOT_DATA_DIR": args.data_dir}, knowledge=[args.corpus, str(ROOT / "knowledge")])
    index = open_index(settings).index
    words = Searcher(index)
    before = rss_mib()
    embedder = load_embedder(settings)   # as a service loads it
    if embedder is None:
        sys.exit("the semantic layer is not installed")
    meaning = searcher_for(settings, index, embedder, max_missing=0)
    if meaning.semantic is None:
        sys.exit(f"vectors are missing in {args.data_dir}: run BOT_DATA_DIR={args.data_dir} python -m bot index")
    asked = questions()
    print(f"documents {len(index.documents)}, passages {len(index.passages)}, chunks {meaning.semantic.chunks}, "
          f"questions {len(asked)} x 3")
    by_words = timings(lambda q: answer(words, q, 5, None), asked)
    with_meaning = timings(lambda q: answer(meaning, q, 5, None), asked)
    embedding = timings(meaning.semantic.question_vector, asked)
    print(line("answer by words alone", by_words))
    print(line("answer with the semantic layer", with_meaning))
    print(line("question embedding alone", embedding))
    print(f"semantic / words p50: {statistics.median(with_meaning) / statistics.median(by_words):.1f}x")
    print(f"memory the layer adds (model + vectors touched): {rss_mib() - before:.0f} MiB; process RSS {rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
