"""Hostile questions benchmark (not a test): what one adversarial question costs.

    .venv/bin/python benchmarks/hostile_questions.py \
        --knowledge ../shared/corpus/datatalksclub --knowledge knowledge

For each question it prints the time of one search (median of `--repeat` runs) and the
peak memory that search allocates (tracemalloc: Python objects and numpy arrays), beside
normal questions measured in the same run; then the same for the whole answer path that
`eval` takes (routing, then one or more searches), and through the chat core (`/ask`,
with its pin matcher and answer log, and `/episode`), where a question over 500
characters is refused before any search. The last lines name the worst case of each
column beside the worst normal question.
"""
from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.answering import answer  # noqa: E402
from bot.core.dispatcher import Core  # noqa: E402
from bot.knowledge_handle import KnowledgeHandle  # noqa: E402
from bot.models import Invocation  # noqa: E402
from bot.ratelimit import RateLimiter  # noqa: E402
from bot.retrieval.cached_index import open_index  # noqa: E402
from bot.retrieval.search import Searcher  # noqa: E402
from bot.retrieval.spelling import SpellingCorrector  # noqa: E402
from bot.store.answers import AnswerLog  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.pins import PinStore  # noqa: E402

NORMAL = ("How do I join Omdena?", "what is the difference between a data scientist and a data analyst",
          "how do I get my first job in data engineering without experience")
CHAT_CHARS = 500   # what a chat message may carry (core/inputs.py)
EVAL_CHARS = 3_000_000  # what a question file fed to `eval` may carry


def hostile_questions(index) -> list[tuple[str, str]]:
    """(label, question): long words, many words, repeats, expanding characters, scripts,
    names and the router's shape words."""
    word_counts = index.word_counts
    names = " ".join(p.name for p in list(index.people.values())[:60])
    rng = random.Random(12)
    common = [w for w, _ in sorted(word_counts.items(), key=lambda item: -item[1])][:400]
    trusted_long = max((w for w, c in word_counts.items() if c >= 3), key=len)
    typo = trusted_long[:-2] + trusted_long[-1] + trusted_long[-2]  # one transpose away

    def junk_words(n: int, length: int) -> str:
        return " ".join("".join(rng.choices(string.ascii_lowercase, k=length)) for _ in range(n))

    def fill(unit: str, chars: int = CHAT_CHARS) -> str:
        return (unit * (chars // len(unit) + 1))[:chars]

    return [
        ("500 x U+3389 (one 2,000-letter word 'kcal...')", "\u3389" * CHAT_CHARS),
        ("500 x U+33AF ('rad/s2': 3,000 chars)", "\u33af" * CHAT_CHARS),
        ("500 x U+FDFA (Arabic ligature, 18 chars each)", "\ufdfa" * CHAT_CHARS),
        ("500 x U+2474 ('(1)': 1,500 chars)", "\u2474" * CHAT_CHARS),
        ("500 x U+00BC ('1/4': 500 two-digit words)", "\u00bc" * CHAT_CHARS),
        ("one 500-letter word", "q" * CHAT_CHARS),
        ("3 MB single word (eval)", "x" * EVAL_CHARS),
        ("3 MB of U+3389 (eval)", "\u3389" * EVAL_CHARS),
        ("3 MB of distinct words (eval)", junk_words(EVAL_CHARS // 9, 8)),
        ("3 MB of common words (eval)", fill(" ".join(common) + " ", EVAL_CHARS)),
        ("83 distinct 5-letter unknown words", junk_words(83, 5)),
        ("18 distinct 26-letter unknown words", junk_words(18, 26)),
        (f"distinct unknown {len(trusted_long) + 1}-letter words (longest corrected)",
         junk_words(CHAT_CHARS // (len(trusted_long) + 2), len(trusted_long) + 1)),
        (f"typo of longest trusted word x 20 ({typo})", " ".join([typo] * 20)[:CHAT_CHARS]),
        ("64 most common archive words", " ".join(common[:64])),
        ("'data science' repeated", fill("data science ")),
        ("'data' repeated", fill("data ")),
        ("common 4-word phrase repeated", fill("data science machine learning ")),
        ("digits '1234567890' x 50", "1234567890" * 50),
        ("single digits", fill("7 ")),
        ("emoji x 250 (surrogate pairs in UTF-16)", "\U0001F600" * 250),
        ("emoji ZWJ family sequences", fill("\U0001F468\u200d\U0001F469\u200d\U0001F467 ")),
        ("RTL Arabic and Hebrew, RLO override", fill("\u202e\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd ")),
        ("combining marks (zalgo)", "e" + "\u0301" * (CHAT_CHARS - 1)),
        ("combining marks on every letter", fill("d\u0301a\u0301t\u0301a\u0301 ")),
        ("mixed scripts (Cyrillic a in 'data')", fill("d\u0430ta sci\u0435nce ")),
        ("full-width letters", fill("\uff44\uff41\uff54\uff41 ")),
        ("control characters and ESC sequences", fill("\x1b[31mdata\x07 \x00science ")),
        ("which episode with 60 guests' names", fill("which episode with " + names)),
        ("the host's name repeated", fill("alexey grigorev ")),
        ("'how many episodes' repeated", fill("how many episodes ")),
        ("'is there an episode about' repeated", fill("is there an episode about ")),
    ]


def measure(run, repeat: int, fresh) -> tuple[float, float]:
    """(median milliseconds, peak MB allocated) of `run()`, each time after `fresh()`."""
    fresh()
    run()  # warm: the archive's words met once (idf, stems) are not the steady cost
    times = []
    for _ in range(repeat):
        fresh()
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    fresh()
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    run()
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return statistics.median(times), peak / 1e6


def chat_core(searcher: Searcher, data_dir: Path) -> Core:
    db = Database(data_dir / "bot.sqlite3")
    core = Core(KnowledgeHandle(searcher), PinStore(db), AnswerLog(db), limiter=RateLimiter(0, time.time))
    for n in range(20):  # a realistic pin list for the matcher to read
        core.handle(_invocation("pin", f"how do I find topic {n} in the archive | see https://example.com/{n}", True))
    return core


def _invocation(command: str, text: str, moderator: bool = False) -> Invocation:
    return Invocation(platform="bench", user_id="u1", user_name="bench", channel_id="c1", command=command,
                      text=text, is_moderator=moderator)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--knowledge", action="append", type=Path, required=True, metavar="DIR")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        loaded = open_index(args.knowledge, Path(data) / "cache")
        searcher = Searcher(loaded.index)
        core = chat_core(searcher, Path(data))

        def fresh() -> None:  # an attacker's every message brings new words: nothing recalled
            searcher.parser.speller = SpellingCorrector(loaded.index.word_counts)
        rows = [(f"normal: {q}", q) for q in NORMAL] + hostile_questions(loaded.index)
        results = []
        for label, question in rows:
            costs = [measure(lambda: searcher.search(question, 5), args.repeat, fresh),
                     measure(lambda: answer(searcher, question, 5), args.repeat, fresh),
                     measure(lambda: core.handle(_invocation("ask", question)), args.repeat, fresh),
                     measure(lambda: core.handle(_invocation("episode", question)), args.repeat, fresh)]
            kind = core.handle(_invocation("ask", question)).kind
            results.append((label, len(question), costs, kind))
    report(results)


COLUMNS = ("search", "answer (eval)", "/ask", "/episode")


def report(results) -> None:
    print(f"{'question':<50} {'chars':>9} | " + " | ".join(f"{c + ' ms':>16} {'MB':>5}" for c in COLUMNS)
          + f" | {'/ask reply':>10}")
    for label, chars, costs, kind in results:
        print(f"{label[:50]:<50} {chars:>9,} | " + " | ".join(f"{ms:>16.2f} {mb:>5.2f}" for ms, mb in costs)
              + f" | {kind:>10}")
    print()
    normal = [r for r in results if r[0].startswith("normal")]
    hostile = [r for r in results if r not in normal]
    for i, name in enumerate(COLUMNS):
        base_ms, base_mb = max(r[2][i][0] for r in normal), max(r[2][i][1] for r in normal)
        slow = max(hostile, key=lambda r: r[2][i][0])
        big = max(hostile, key=lambda r: r[2][i][1])
        print(f"{name}: normal up to {base_ms:.2f} ms, {base_mb:.2f} MB; worst {slow[2][i][0]:.2f} ms "
              f"(+{slow[2][i][0] - base_ms:.2f} ms, {slow[0]}), worst {big[2][i][1]:.2f} MB "
              f"(+{big[2][i][1] - base_mb:.2f} MB, {big[0]})")


if __name__ == "__main__":
    main()
