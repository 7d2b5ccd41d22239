"""Benchmark of Engage's theme coder against the published pxtextmining approach.

Run from the repository root::

    .venv/bin/python bench/coding.py            # 5 splits, about 15-20 minutes on 2 cores
    .venv/bin/python bench/coding.py --quick    # 1 split, about 4 minutes
    .venv/bin/python bench/coding.py --skip-baseline   # Engage's coder only, about 1 minute

Data: the public pxtextmining file (NHS Friends and Family Test comments coded
into the 50 "v6" themes, CC BY-NC-SA 4.0), read where it is kept, in
``../shared/data/pxtextmining/`` (or ``--data``); it is never copied here.

Method, for each 80/20 split (``random_state`` 42, 43, ...):

* empty and duplicate comment texts are dropped first (7,394 non-empty rows
  become 5,424 distinct texts); blank theme cells are 0;
* themes with no example in the training part are dropped from both parts;
* **Engage**: ``engage.analysis.coding.train_model`` with ``min_positives=5``
  (themes with fewer training examples are skipped and count as never
  predicted); a theme applies at its own out-of-fold threshold;
* **published**: the configuration in the data README, re-trained on the same
  split: text lowercased with digits and punctuation removed; TF-IDF of word
  1-2 grams; one binary ``SVC(C=15, class_weight="balanced",
  probability=True)`` per theme (``OneVsRestClassifier``, 2 jobs over themes);
  a theme applies at probability > 0.5, and a comment with none gets its single
  most likely theme;
* macro-F1 is the mean F1 over the themes with at least one example in the
  test part (a theme absent from the test part has no F1); micro-F1 pools
  every (comment, theme) decision over the same themes.

Also times coding 100,000 answers (the test texts replicated) with the model
of the first split: ``ThemeModel.predict``, the 0/1 columns the CLI writes.

Goals: Engage's mean macro-F1 at least 0.05 above the published approach's;
Engage's training at most 60 s on every split (2 cores); coding 100,000 answers
in at most 20 s. Prints figures and PASS/FAIL; exits 0 whatever they are, 1 if
the data cannot be read.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engage.analysis.coding import train_model

DATA = Path(__file__).resolve().parents[2] / "shared/data/pxtextmining/v6framework_230831.csv"
TEXT = "FFT answer"
FIRST_THEME = "Not assigned"  # the 50 theme columns run from here to the end
MIN_POSITIVES = 5
CODE_ROWS = 100_000
GOAL_MACRO_MARGIN = 0.05
GOAL_TRAIN_SECONDS = 60.0
GOAL_CODE_SECONDS = 20.0


@dataclass
class Result:
    macro: float
    micro: float
    seconds: float


def load(path: Path) -> tuple[pd.DataFrame, list[str]]:
    frame = pd.read_csv(path)
    themes = list(frame.columns[frame.columns.get_loc(FIRST_THEME) :])
    frame[themes] = frame[themes].fillna(0).astype(int)
    frame["text"] = frame[TEXT].fillna("").astype(str).str.strip()
    frame = frame[frame["text"] != ""].drop_duplicates("text").reset_index(drop=True)
    return frame[["text", *themes]], themes


def scores(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    present = truth.sum(axis=0) > 0
    macro = f1_score(truth[:, present], predicted[:, present], average="macro", zero_division=0)
    micro = f1_score(truth[:, present], predicted[:, present], average="micro", zero_division=0)
    return float(macro), float(micro)


def run_engage(train: pd.DataFrame, test: pd.DataFrame, themes: list[str]) -> tuple[Result, object]:
    start = time.perf_counter()
    model = train_model(train["text"].tolist(), train[themes], min_positives=MIN_POSITIVES)
    seconds = time.perf_counter() - start
    coded = model.predict(test["text"].tolist())
    predicted = coded.reindex(columns=themes, fill_value=0).to_numpy()
    macro, micro = scores(test[themes].to_numpy(), predicted)
    return Result(macro, micro, seconds), model


def published_clean(text: str) -> str:
    """Lowercased, digits and punctuation removed (pxtextmining's preprocessing)."""
    return " ".join(re.sub(r"[^a-z\s]", " ", text.lower()).split())


def published_svc() -> SVC:
    # probability=True is what was published; scikit-learn 1.9 warns that it is
    # deprecated, which changes nothing in the result.
    return SVC(C=15, class_weight="balanced", probability=True)


def run_published(train: pd.DataFrame, test: pd.DataFrame, themes: list[str]) -> Result:
    start = time.perf_counter()
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), preprocessor=published_clean),
        OneVsRestClassifier(published_svc(), n_jobs=2),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        model.fit(train["text"], train[themes].to_numpy())
    seconds = time.perf_counter() - start
    proba = model.predict_proba(test["text"])
    predicted = (proba > 0.5).astype(int)
    none = predicted.sum(axis=1) == 0
    predicted[none, proba[none].argmax(axis=1)] = 1
    macro, micro = scores(test[themes].to_numpy(), predicted)
    return Result(macro, micro, seconds)


def time_coding(model: object, texts: list[str]) -> tuple[float, int]:
    answers = (texts * (CODE_ROWS // len(texts) + 1))[:CODE_ROWS]
    start = time.perf_counter()
    coded = model.predict(answers)  # type: ignore[attr-defined]
    return time.perf_counter() - start, int(coded.to_numpy().sum())


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="v6framework_230831.csv")
    parser.add_argument("--splits", type=int, default=5, help="number of 80/20 splits")
    parser.add_argument("--quick", action="store_true", help="one split")
    parser.add_argument("--first-seed", type=int, default=42, help="random_state of split 1")
    parser.add_argument(
        "--skip-baseline", action="store_true", help="time Engage's coder only (no goal check)"
    )
    args = parser.parse_args()
    splits = 1 if args.quick else args.splits
    try:
        frame, all_themes = load(args.data)
    except (OSError, KeyError, ValueError) as error:
        print(f"cannot read {args.data}: {error}", file=sys.stderr)
        return 1

    print(
        f"theme coding benchmark: {args.data.name}, {len(frame):,} distinct non-empty texts, "
        f"{len(all_themes)} themes; {splits} x 80/20 split; "
        f"scikit-learn {sklearn.__version__}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"Engage: train_model(min_positives={MIN_POSITIVES}); published: TF-IDF 1-2 + "
        "SVC(C=15, balanced, probability) per theme, p > 0.5, at least one theme"
    )
    print("macro-F1 over the themes present in each test split; micro-F1 over the same")
    print()
    header = (
        f"{'split':>5} {'train':>6} {'test':>5} {'themes':>6} {'skipped':>7} | "
        f"{'Engage macro':>12} {'micro':>6} {'train s':>7} | "
        f"{'published macro':>15} {'micro':>6} {'train s':>7} | {'macro diff':>10}"
    )
    print(header)
    print("-" * len(header))
    engage: list[Result] = []
    published: list[Result] = []
    code_model = None
    code_texts: list[str] = []
    for number in range(splits):
        seed = args.first_seed + number
        train, test = train_test_split(frame, test_size=0.2, random_state=seed)
        themes = [theme for theme in all_themes if train[theme].sum() > 0]
        present = int((test[themes].sum() > 0).sum())
        mine, model = run_engage(train, test, themes)
        engage.append(mine)
        if code_model is None:
            code_model, code_texts = model, test["text"].tolist()
        theirs = None if args.skip_baseline else run_published(train, test, themes)
        if theirs is not None:
            published.append(theirs)
        skipped = len(model.skipped)  # type: ignore[attr-defined]
        line = (
            f"{seed:>5} {len(train):>6,} {len(test):>5,} {present:>6} {skipped:>7} | "
            f"{mine.macro:>12.3f} {mine.micro:>6.3f} {mine.seconds:>7.1f} | "
        )
        if theirs is not None:
            line += (
                f"{theirs.macro:>15.3f} {theirs.micro:>6.3f} {theirs.seconds:>7.1f} | "
                f"{mine.macro - theirs.macro:>+10.3f}"
            )
        print(line, flush=True)
    print("-" * len(header))
    mean = Result(
        float(np.mean([r.macro for r in engage])),
        float(np.mean([r.micro for r in engage])),
        float(np.mean([r.seconds for r in engage])),
    )
    line = f"{'mean':>5} {'':>6} {'':>5} {'':>6} {'':>7} | "
    line += f"{mean.macro:>12.3f} {mean.micro:>6.3f} {mean.seconds:>7.1f} | "
    if published:
        base = Result(
            float(np.mean([r.macro for r in published])),
            float(np.mean([r.micro for r in published])),
            float(np.mean([r.seconds for r in published])),
        )
        line += (
            f"{base.macro:>15.3f} {base.micro:>6.3f} {base.seconds:>7.1f} | "
            f"{mean.macro - base.macro:>+10.3f}"
        )
    print(line)
    print()

    code_seconds, coded = time_coding(code_model, code_texts)
    print(
        f"coding {CODE_ROWS:,} answers ({len(code_texts):,} test texts of split "
        f"{args.first_seed} replicated) with its model: {code_seconds:.1f} s, "
        f"{coded:,} themes applied"
    )
    print()
    slowest = max(r.seconds for r in engage)
    if published:
        margin = mean.macro - base.macro
        print(
            f"goal Engage macro-F1 >= published + {GOAL_MACRO_MARGIN:.2f} (mean of {splits}): "
            f"{verdict(margin >= GOAL_MACRO_MARGIN)} ({mean.macro:.3f} vs {base.macro:.3f}, "
            f"{margin:+.3f})"
        )
    else:
        print("goal Engage macro-F1 >= published + 0.05: not checked (--skip-baseline)")
    print(
        f"goal Engage training <= {GOAL_TRAIN_SECONDS:.0f} s on every split: "
        f"{verdict(slowest <= GOAL_TRAIN_SECONDS)} (slowest {slowest:.1f} s, "
        f"mean {mean.seconds:.1f} s)"
    )
    print(
        f"goal coding {CODE_ROWS:,} answers <= {GOAL_CODE_SECONDS:.0f} s: "
        f"{verdict(code_seconds <= GOAL_CODE_SECONDS)} ({code_seconds:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
