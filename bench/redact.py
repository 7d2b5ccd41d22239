"""Benchmark of redaction plus safeguarding triage over free-text answers.

Run from the repository root::

    .venv/bin/python bench/redact.py                  # 100,000 answers
    .venv/bin/python bench/redact.py --answers 20000 --workers 2

Builds answers of 20 to 400 characters by recombining sentences from the test
corpora (tests/analysis/corpora) with ordinary filler, then times ``redact``
plus ``triage`` on every answer, first in this process and then across
``--workers`` processes (pool start-up included). Prints the time, answers per
second and the goal (10 s for 100,000 answers on 2 cores), then the corpus
figures: redaction recall and precision per kind, triage recall and
false-positive rate on the tuning and held-out parts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engage.analysis.redaction import redact
from engage.analysis.safeguarding import triage
from tests.analysis.test_redaction import load_redaction_corpus, score_redaction
from tests.analysis.test_safeguarding import load_triage_corpus, score_triage

GOAL_SECONDS = 10.0
GOAL_ANSWERS = 100_000

FILLER = [
    "I think it's alright round here most of the time.",
    "Honestly there isn't much to do for people my age.",
    "The youth club used to be open every night but now it's only Tuesdays.",
    "More things to do in the holidays would help.",
    "My friends and I mostly go to the park or the shops.",
    "Adults don't really listen to what we say.",
    "The buses are always late and they stop too early.",
    "It feels different after dark, especially near the station.",
    "School is ok but some teachers don't care.",
    "I'd like to see more sports and music stuff.",
    "People round here look out for each other.",
    "There's a lot of litter and the street lights don't work.",
    "I don't really know what else to say.",
    "Thanks for asking young people what we think.",
    "It's better than it was a few years ago.",
    "Most people are friendly but you get the odd idiot.",
    "We need somewhere warm to go that doesn't cost money.",
    "The council should listen more.",
    "idk really",
    "not much else to add tbh",
    "Police are sometimes helpful but not always.",
    "I feel ok in the day time.",
    "There should be more jobs for young people.",
    "my area is quiet mostly",
]


def build_answers(count: int, seed: int = 2026) -> list[str]:
    """Answers of 20-400 characters: corpus sentences recombined with filler."""
    redaction_rows, _ = load_redaction_corpus()
    triage_rows = load_triage_corpus()
    pools = [
        [r["text"] for r in redaction_rows],
        [r["text"] for r in triage_rows],
        FILLER,
    ]
    rng = random.Random(seed)
    answers = []
    for _ in range(count):
        target = rng.randint(20, 400)
        parts: list[str] = []
        length = 0
        while length < target:
            pool = rng.choices(pools, weights=(3, 3, 4))[0]
            sentence = rng.choice(pool)
            parts.append(sentence if sentence[-1] in ".!?" else sentence + ".")
            length += len(parts[-1]) + 1
        answer = " ".join(parts)
        if len(answer) > 400:
            answer = answer[:400].rsplit(" ", 1)[0]
        if len(answer) < 20:
            answer = (answer + " " + rng.choice(FILLER))[:400]
        answers.append(answer)
    return answers


def process(answers: Sequence[str]) -> tuple[int, int]:
    """Redact and triage each answer; returns (details redacted, answers flagged)."""
    details = flagged = 0
    for answer in answers:
        details += len(redact(answer).spans)
        flagged += triage(answer).flagged
    return details, flagged


def _chunks(answers: list[str], size: int) -> list[list[str]]:
    return [answers[i : i + size] for i in range(0, len(answers), size)]


def run_single(answers: list[str]) -> tuple[float, tuple[int, int]]:
    start = time.perf_counter()
    result = process(answers)
    return time.perf_counter() - start, result


def run_pool(answers: list[str], workers: int) -> tuple[float, tuple[int, int]]:
    start = time.perf_counter()
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(workers) as pool:
        parts = pool.map(process, _chunks(answers, 2_000))
    elapsed = time.perf_counter() - start
    return elapsed, (sum(p[0] for p in parts), sum(p[1] for p in parts))


def print_corpus_figures() -> None:
    rows, local_names = load_redaction_corpus()
    print(f"\nRedaction corpus: {len(rows)} answers")
    print(score_redaction(rows, local_names).table())
    for split in ("tuning", "heldout"):
        scores = score_redaction(rows, local_names, split)
        print(f"  {split:<8} recall {scores.recall():.3f}  precision {scores.precision():.3f}")
    triage_rows = load_triage_corpus()
    print("\nTriage corpus")
    for split, label in ((None, "all"), ("tuning", "tuning"), ("heldout", "held out")):
        print(f"  {label:<8} {score_triage(triage_rows, split).summary()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=GOAL_ANSWERS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-single", action="store_true", help="only the pooled run")
    args = parser.parse_args(argv)

    answers = build_answers(args.answers)
    lengths = [len(a) for a in answers]
    print(
        f"{len(answers):,} answers, {min(lengths)}-{max(lengths)} characters "
        f"(mean {statistics.mean(lengths):.0f}, median {statistics.median(lengths):.0f})"
    )
    process(answers[:50])  # load the word lists before timing
    goal = GOAL_SECONDS * len(answers) / GOAL_ANSWERS
    if not args.skip_single:
        elapsed, (details, flagged) = run_single(answers)
        print(
            f"single process: {elapsed:6.2f} s  {len(answers) / elapsed:8,.0f} answers/s  "
            f"({details:,} details redacted, {flagged:,} answers flagged)"
        )
    elapsed, (details, flagged) = run_pool(answers, args.workers)
    print(
        f"{args.workers} processes:    {elapsed:6.2f} s  {len(answers) / elapsed:8,.0f} answers/s  "
        f"(goal {goal:.1f} s: {'met' if elapsed <= goal else 'NOT met'}, "
        f"{elapsed / goal:.2f} of it)"
    )
    print_corpus_figures()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
