"""Benchmark of the representativeness table and raking on 1,000,000 responses.

Run from the repository root::

    .venv/bin/python bench/reach.py               # 1,000,000 responses, 5 repeats
    .venv/bin/python bench/reach.py --rows 200000 --repeats 3

Builds synthetic responses over five dimensions (age band 5, sex 2, ethnic
group 19, religion 8, disability 2, each with "Prefer not to say" and blanks
sprinkled in, as text columns like a responses frame), then times, in the
same run and interleaved so all three see the same machine load:

* the baseline: a bare pandas ``value_counts(dropna=False)`` on each of the
  five columns, the least any representativeness table has to do;
* ``reach_summary`` over all five dimensions;
* ``rake`` over all five dimensions.

Prints the median of each (and the spread) and its ratio to the baseline. The
goal is reach_summary plus rake within 3 s on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engage.analysis.representativeness import reach_summary
from engage.analysis.weighting import design_effect, effective_sample_size, rake

GOAL_SECONDS = 3.0
PREFER_NOT_TO_SAY = "Prefer not to say"

ETHNIC_GROUPS = {
    "White: English, Welsh, Scottish, Northern Irish or British": 0.5,
    "White: Irish": 0.01,
    "White: Gypsy or Irish Traveller": 0.003,
    "White: Roma": 0.002,
    "White: Any other White background": 0.03,
    "Mixed: White and Black Caribbean": 0.03,
    "Mixed: White and Black African": 0.005,
    "Mixed: White and Asian": 0.012,
    "Mixed: Any other Mixed or Multiple background": 0.01,
    "Asian: Indian": 0.06,
    "Asian: Pakistani": 0.14,
    "Asian: Bangladeshi": 0.05,
    "Asian: Chinese": 0.006,
    "Asian: Any other Asian background": 0.03,
    "Black: Caribbean": 0.03,
    "Black: African": 0.04,
    "Black: Any other Black background": 0.012,
    "Other: Arab": 0.01,
    "Other: Any other ethnic group": 0.01,
}

# Population shares roughly like a West Midlands borough; the sample is drawn
# from skewed shares so raking has real work to do.
POPULATIONS: dict[str, dict[str, float]] = {
    "age_band": {"10-14": 0.21, "15-19": 0.20, "20-24": 0.19, "25-34": 0.22, "35+": 0.18},
    "sex": {"Female": 0.51, "Male": 0.49},
    "ethnic_group": ETHNIC_GROUPS,
    "religion": {
        "No religion": 0.30,
        "Christian": 0.36,
        "Buddhist": 0.005,
        "Hindu": 0.03,
        "Jewish": 0.002,
        "Muslim": 0.27,
        "Sikh": 0.03,
        "Any other religion": 0.003,
    },
    "disability": {"Disabled": 0.18, "Not disabled": 0.82},
}


def make_responses(rows: int, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    columns = {}
    for dimension, shares in POPULATIONS.items():
        labels = list(shares)
        population = np.array(list(shares.values()))
        population /= population.sum()
        tilt = rng.lognormal(0, 0.6, len(labels))  # who answers is not who lives there
        sample = population * tilt / (population * tilt).sum()
        values = np.array(labels, dtype=object)[rng.choice(len(labels), rows, p=sample)]
        values[rng.random(rows) < 0.02] = PREFER_NOT_TO_SAY
        values[rng.random(rows) < 0.01] = None
        columns[dimension] = values
    return pd.DataFrame(columns)


def timed(function: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    responses = make_responses(args.rows)
    populations = {name: pd.Series(shares) for name, shares in POPULATIONS.items()}
    dimensions = list(POPULATIONS)

    def baseline() -> None:
        for column in dimensions:
            responses[column].value_counts(dropna=False)

    def summary() -> pd.DataFrame:
        return reach_summary(responses, populations)

    def weights() -> pd.Series:
        return rake(responses, populations)

    summary()  # warm up imports and caches once
    times: dict[str, list[float]] = {"baseline": [], "summary": [], "rake": []}
    for _ in range(args.repeats):  # interleaved, so all three see the same load
        times["baseline"] += timed(baseline, 1)
        times["summary"] += timed(summary, 1)
        times["rake"] += timed(weights, 1)
    median = {name: statistics.median(values) for name, values in times.items()}
    total = median["summary"] + median["rake"]

    w = weights()
    table = summary()
    print(
        f"reach benchmark: {args.rows:,} responses x {len(dimensions)} dimensions "
        f"({', '.join(f'{d} {len(POPULATIONS[d])}' for d in dimensions)}), "
        f"median of {args.repeats}"
    )
    print(f"  {'what':<40} {'median s':>9} {'min s':>7} {'max s':>7} {'x value_counts':>15}")
    rows = [
        ("value_counts x5 (baseline)", "baseline"),
        ("reach_summary over 5", "summary"),
        ("rake over 5", "rake"),
    ]
    for label, key in rows:
        values = times[key]
        ratio = median[key] / median["baseline"]
        print(
            f"  {label:<40} {median[key]:>9.3f} {min(values):>7.3f} {max(values):>7.3f} "
            f"{ratio:>15.2f}"
        )
    ratio = total / median["baseline"]
    print(f"  {'reach_summary + rake':<40} {total:>9.3f} {'':>7} {'':>7} {ratio:>15.2f}")
    print(
        f"  summary rows {len(table)}, worst cv {table['cv'].max():.3f}; "
        f"weights {w.min():.3f}..{w.max():.3f}, design effect {design_effect(w):.3f}, "
        f"effective n {effective_sample_size(w):,.0f}"
    )
    verdict = "PASS" if total <= GOAL_SECONDS else "FAIL"
    print(f"  goal reach_summary + rake <= {GOAL_SECONDS:.1f} s: {verdict} ({total:.3f} s)")
    return 0 if total <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
