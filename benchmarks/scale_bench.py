"""How retrieval grows with the archive (not a test): prints the growth table of issue #17.

    .venv/bin/python benchmarks/scale_bench.py [--corpus ../shared/corpus/datatalksclub] [--scales 1 4 16]

The 4x and 16x archives are made in a temporary folder from the real one: every episode
and article copied under new names, one word in eight (of five letters or more, outside
YAML keys) given a suffix that depends on the copy, so each copy adds passages and
vocabulary as new episodes would. Every figure is measured in a fresh child process
(CPU is user+system time; memory is the kernel's resident-set figures):

- build: load, cut, index and write the cache (`open_index(..., rebuild=True)`);
- warm start: CPU of opening the cached index and answering one question, beyond
  the imports that take;
- serving: RSS after answering the dev questions, then after a live reload (a new
  episode appears; the watcher rebuilds and swaps), and the high-water mark of it all;
- query p50: the whole lexical pipeline (`Searcher.search`, k=5) over the dev
  questions, and rank-bm25 `BM25Okapi.get_scores` over the same passages in the same
  process, for the ratio.
The machine may be busy: compare figures of one run, and ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PERTURBED = re.compile(r"\b([a-z]{5,})\b(?!:)")
QUERY_ROUNDS = 5
BASELINE_QUERIES = 10


# ---- synthetic archives -------------------------------------------------------------

def make_archive(source: Path, dest: Path, times: int) -> Path:
    """`source`'s people once, its episodes and articles `times` times (copy 0 as is)."""
    shutil.copytree(source / "_people", dest / "_people") if (source / "_people").is_dir() else None
    for kind in ("_podcast", "_posts"):
        if not (source / kind).is_dir():
            continue
        (dest / kind).mkdir(parents=True)
        for path in sorted((source / kind).glob("*.md")):
            text = path.read_text(encoding="utf-8")
            for copy in range(times):
                name = path.name if copy == 0 else f"{path.stem}-copy{copy}.md"
                (dest / kind / name).write_text(perturbed(text, copy), encoding="utf-8")
    return dest


def perturbed(text: str, copy: int) -> str:
    if copy == 0:
        return text
    suffix = "".join(chr(ord("a") + int(d)) for d in str(copy))

    def change(match: re.Match) -> str:
        word = match.group(1)
        return word + "q" + suffix if zlib.crc32(f"{word}{copy}".encode()) % 8 == 0 else word
    return PERTURBED.sub(change, text)


# ---- children: one measurement each ---------------------------------------------------

def cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def memory_mib() -> dict:
    status = Path("/proc/self/status").read_text()
    value = {k: int(v.split()[0]) / 1024 for k, v in (line.split(":", 1) for line in status.splitlines())
             if k in ("VmRSS", "VmHWM")}
    return {"rss": value["VmRSS"], "hwm": value["VmHWM"]}


def questions() -> list[str]:
    path = SHARED / "eval" / "dev.jsonl"
    return [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]


def child_build(folders, cache) -> dict:
    from bot.retrieval.cached_index import open_index

    began = cpu_seconds()
    loaded = open_index(folders, cache, rebuild=True)
    return {"cpu": cpu_seconds() - began, "peak": memory_mib()["hwm"], "passages": len(loaded.index.passages)}


def child_start(folders, cache) -> dict:
    import numpy  # noqa: F401  what any start imports
    import Stemmer  # noqa: F401
    from bot.retrieval.cached_index import open_index
    from bot.retrieval.search import Searcher

    began = cpu_seconds()
    loaded = open_index(folders, cache)
    Searcher(loaded.index).search("How do I join Omdena?")
    return {"cpu": cpu_seconds() - began, "from_cache": loaded.from_cache}


def child_serve(folders, cache) -> dict:
    import gc
    import time

    from bot.knowledge_handle import KnowledgeHandle
    from bot.ops.reload import KnowledgeWatcher
    from bot.retrieval.cached_index import open_index
    from bot.retrieval.search import Searcher

    asked = questions()
    handle = KnowledgeHandle(Searcher(open_index(folders, cache).index))  # the handle alone holds it, as in a service
    for question in asked:
        handle.searcher.search(question)
    served = memory_mib()
    watcher = KnowledgeWatcher(handle, lambda: folders, cache)
    watcher.prime()
    extra = folders[-1]
    episode = next((folders[0] / "_podcast").glob("*.md"))
    (extra / "new-episode.md").write_text(perturbed(episode.read_text(encoding="utf-8"), 99), encoding="utf-8")
    time.sleep(0.01)
    began = time.perf_counter()
    swapped = watcher.check_once()
    seconds = time.perf_counter() - began
    (extra / "new-episode.md").unlink()
    del swapped
    gc.collect()
    for question in asked:
        handle.searcher.search(question)
    after = memory_mib()
    return {"rss": served["rss"], "rss_after_reload": after["rss"], "hwm": after["hwm"],
            "reload_seconds": seconds, "needed": needed_mib(handle.searcher.index)}


def needed_mib(index) -> float:
    """What a query can read: every array of the index models and passages, and the texts."""
    total = len(index.passages.blob) + sum(a.nbytes for a in index.passages.columns.values())
    for model in (*index.fields.values(), index.utterances, index.ranking):
        total += model.offsets.nbytes + model.doc_ids.nbytes + model.weights.nbytes
    total += index.utterance_terms.offsets.nbytes + index.utterance_terms.ids.nbytes
    return total / 2**20


def child_query(folders, cache) -> dict:
    import statistics
    import time

    from rank_bm25 import BM25Okapi

    from bot.retrieval.cached_index import open_index
    from bot.retrieval.search import Searcher

    asked = questions()
    searcher = Searcher(open_index(folders, cache).index)
    for question in asked:
        searcher.search(question)
    ours = []
    for _ in range(QUERY_ROUNDS):
        for question in asked:
            began = time.perf_counter()
            searcher.search(question)
            ours.append(time.perf_counter() - began)
    index = searcher.index
    plain = BM25Okapi([index.tokenizer(p.text) for p in index.passages])
    theirs = []
    for question in asked[:BASELINE_QUERIES]:
        tokens = index.tokenizer(question)
        began = time.perf_counter()
        plain.get_scores(tokens)
        theirs.append(time.perf_counter() - began)
    return {"p50_ms": statistics.median(ours) * 1000, "get_scores_p50_ms": statistics.median(theirs) * 1000}


CHILDREN = {"build": child_build, "start": child_start, "serve": child_serve, "query": child_query}


def run_child(mode: str, folders: list[Path], cache: Path) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--cache", str(cache), *map(str, folders)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- the table --------------------------------------------------------------------

def measure(archive: Path, work: Path, measured: list[str]) -> dict:
    extra = work / "extra"  # where the live-reload test drops a new episode
    extra.mkdir(parents=True, exist_ok=True)
    folders, cache = [archive, extra], work / "cache"
    row = {"build": run_child("build", folders, cache)}
    row["disk"] = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) / 2**20
    for mode in ("start", "serve", "query"):
        if mode in measured:
            row[mode] = run_child(mode, folders, cache)
    return row


def print_table(rows: dict[int, dict]) -> None:
    scales = sorted(rows)
    lines = [
        ("passages", lambda r: f"{r['build']['passages']:,}"),
        ("index build, CPU", lambda r: f"{r['build']['cpu']:.2f} s"),
        ("build peak memory", lambda r: f"{r['build']['peak']:.0f} MiB"),
        ("cache on disk", lambda r: f"{r['disk']:.0f} MiB"),
        ("warm start, CPU beyond imports", lambda r: f"{r['start']['cpu']:.2f} s"),
        ("arrays + texts a query may read", lambda r: f"{r['serve']['needed']:.0f} MiB"),
        ("serving RSS / after reload / high-water",
         lambda r: f"{r['serve']['rss']:.0f}/{r['serve']['rss_after_reload']:.0f}/{r['serve']['hwm']:.0f} MiB"),
        ("live reload, wall", lambda r: f"{r['serve']['reload_seconds']:.1f} s"),
        ("query p50, lexical pipeline", lambda r: f"{r['query']['p50_ms']:.2f} ms"),
        ("rank-bm25 get_scores p50", lambda r: f"{r['query']['get_scores_p50_ms']:.1f} ms"),
        ("pipeline vs get_scores", lambda r: f"{r['query']['get_scores_p50_ms'] / r['query']['p50_ms']:.0f}x"),
    ]
    print("| | " + " | ".join(f"{s}x" for s in scales) + " |")
    print("|---|" + "---|" * len(scales))
    for label, cell in lines:
        print(f"| {label} | " + " | ".join(cell(rows[s]) for s in scales) + " |")
    if 1 in rows and 16 in rows:
        print_targets(rows[1], rows[16])


def print_targets(one: dict, big: dict) -> None:
    serve, query = big["serve"], big["query"]
    checks = [
        ("serving RSS at 16x <= 2x what a query may read", serve["rss"] <= 2 * serve["needed"]),
        ("serving high-water at 16x incl. a reload <= 512 MiB", serve["hwm"] <= 512),
        ("build CPU at 16x <= 16x the 1x figure +10%", big["build"]["cpu"] <= 16 * one["build"]["cpu"] * 1.1),
        ("build peak at 16x <= 1 GiB", big["build"]["peak"] <= 1024),
        ("warm start at 16x <= 0.5 s CPU beyond imports", big["start"]["cpu"] <= 0.5),
        ("query p50 at 16x <= 1.5 ms", query["p50_ms"] <= 1.5),
        ("query at 16x >= 20x faster than get_scores", query["get_scores_p50_ms"] >= 20 * query["p50_ms"]),
    ]
    for label, met in checks:
        print(f"{'met   ' if met else 'MISSED'} {label}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "datatalksclub")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--measure", nargs="+", default=["start", "serve", "query"],
                        help="which rows beside the build (the build is always measured)")
    parser.add_argument("--child")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("folders", type=Path, nargs="*")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        import logging

        logging.disable(logging.WARNING)
        print(json.dumps(CHILDREN[args.child](args.folders, args.cache)))
        return
    rows = {}
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as temp:
        for scale in args.scales:
            work = Path(temp) / f"{scale}x"
            archive = make_archive(args.corpus, work / "archive", scale)
            rows[scale] = measure(archive, work, args.measure)
            print(f"{scale}x measured: {json.dumps(rows[scale])}", file=sys.stderr, flush=True)
            shutil.rmtree(work)
    if all(m in rows[s] for s in rows for m in ("start", "serve", "query")):
        print_table(rows)


if __name__ == "__main__":
    main()
