"""Suggesting themes for free-text answers: seed terms first, a trained model later.

Two coders, both giving ``Suggestion`` lists that an officer accepts or rejects:

* ``suggest_by_seeds``: a cold start from each theme's seed terms (stemmed,
  phrases, simple negation). Needs no coded examples.
* ``train_model``: once a sample has been coded by hand, a linear classifier on
  word and character n-grams, one per theme, with a threshold per theme chosen
  out-of-fold. ``ThemeModel.suggest`` gives the n-grams that pushed each theme.

Pure: no Flask, no database. Nothing here logs or keeps respondent text beyond
the fitted vocabulary of a model, which stays with the model.
"""

from __future__ import annotations

import hashlib
import html
import pickle
import re
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from nltk.stem.snowball import SnowballStemmer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from sklearn.utils.parallel import Parallel, delayed

from engage.analysis.codebook import Theme

__all__ = [
    "NotEnoughExamples",
    "Suggestion",
    "ThemeModel",
    "suggest_by_seeds",
    "train_model",
]


@dataclass(frozen=True)
class Suggestion:
    theme: str
    confidence: float
    reasons: tuple[str, ...]


class NotEnoughExamples(ValueError):
    """No theme has enough coded examples to learn from; ``themes`` maps each to its count."""

    def __init__(self, themes: dict[str, int], min_positives: int) -> None:
        self.themes = dict(themes)
        self.min_positives = min_positives
        super().__init__(
            f"no theme has at least {min_positives} coded examples "
            f"(most: {max(self.themes.values(), default=0)})"
        )


# ================================================================ seed matching

# Words that negate a seed found shortly after them ("not scared", "don't feel
# unsafe", "never any fights"). Apostrophes are removed before comparing, so
# "don't" and "dont" are the same token.
_NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nor",
        "neither",
        "without",
        "nobody",
        "noone",
        "nothing",
        "none",
        "nowhere",
        "hardly",
        "barely",
        "cannot",
        "aint",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "cant",
        "couldnt",
        "wont",
        "wouldnt",
        "shouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "mustnt",
        "neva",
        "nah",
    }
)
# "don t" (apostrophe lost to a space): a stub followed by a lone "t" is one word.
_NEGATOR_STUBS = frozenset(
    {
        "don",
        "doesn",
        "didn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "can",
        "couldn",
        "won",
        "wouldn",
        "shouldn",
        "haven",
        "hasn",
        "hadn",
        "ain",
    }
)
# A negation reaches at most this many tokens forward, and never past a clause
# boundary: punctuation or one of these words ("not scared but worried").
NEGATION_WINDOW = 3
_CLAUSE_WORDS = frozenset(
    {"but", "and", "or", "because", "cause", "cos", "coz", "though", "although", "however"}
)
# Nor past a determiner: it starts a new noun phrase, the object of the negated
# verb, and the answer is still about that object ("I don't trust the police"
# is about policing; "never any fights" stays negated).
_DETERMINERS = frozenset(
    {"the", "a", "an", "my", "your", "his", "her", "their", "our", "this", "that", "these", "those"}
)

# Strength of one seed hit by its length in words: a phrase is more specific
# than a single word. 1 word 0.6, 2 words 0.8, 3 words 0.9, 4 words 0.95.
SINGLE_WORD_STRENGTH = 0.6


def seed_strength(words: int) -> float:
    return 1.0 - (1.0 - SINGLE_WORD_STRENGTH) * 0.5 ** (max(words, 1) - 1)


_TOKEN = re.compile(
    r"(?P<word>[^\W_]+(?:['’‘`][^\W_]+)*)"
    r"|(?P<boundary>[.,;:!?…()\[\]{}\"“”]+|\n)"
    r"|(?P<emoji>[\U0001F000-\U0001FAFF\u2600-\u27BF])"
)
_RUN_OF_THREE = re.compile(r"(.)\1{2,}")
_APOSTROPHES = re.compile(r"['’‘`]")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,500}>")  # "<b>", "</p>"; not "<3 football >"
_MAX_TEXT = 100_000  # characters looked at per answer; beyond that is not an answer

_stemmer = SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    return str(_stemmer.stem(token))


@dataclass(frozen=True)
class _Token:
    forms: tuple[str, ...]  # stems to look up: the token, and with letter runs shortened
    word: str  # apostrophes removed, casefolded: for negation
    start: int
    end: int
    boundary: bool = False


def _forms(word: str) -> tuple[str, ...]:
    """Stems to match a token by; "scaaaared" also tries "scaared" and "scared"."""
    forms = [_stem(word)]
    if _RUN_OF_THREE.search(word):
        for repeat in (r"\1\1", r"\1"):
            stem = _stem(_RUN_OF_THREE.sub(repeat, word))
            if stem not in forms:
                forms.append(stem)
    return tuple(forms)


def _clean(text: str) -> str:
    """HTML entities and tags out, so "don&#39;t" and "<b>scared</b>" read as words."""
    text = html.unescape(text[:_MAX_TEXT])
    text = _TAG.sub(lambda tag: " " * len(tag.group()), text)
    return unicodedata.normalize("NFC", text)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "boundary":
            tokens.append(_Token((), "", match.start(), match.end(), boundary=True))
            continue
        word = _APOSTROPHES.sub("", match.group().casefold())
        if not word:
            continue
        previous = tokens[-1] if tokens else None
        if word == "t" and previous is not None and previous.word in _NEGATOR_STUBS:
            # "don t": the apostrophe became a space; read it as "dont".
            word, start = previous.word + "t", tokens.pop().start
            tokens.append(_Token(_forms(word), word, start, match.end()))
            continue
        tokens.append(_Token(_forms(word), word, match.start(), match.end()))
    return tokens


def _seed_stems(seed: str) -> tuple[str, ...]:
    """A seed as its sequence of stems (no boundaries: "no-go" is "no go")."""
    return tuple(
        _stem(_APOSTROPHES.sub("", match.group().casefold()))
        for match in _TOKEN.finditer(_clean(seed))
        if match.lastgroup != "boundary"
    )


@dataclass(frozen=True)
class _Seed:
    theme: str
    stems: tuple[str, ...]


def _seed_index(themes: Sequence[Theme]) -> dict[str, list[_Seed]]:
    """Seeds by their first stem, longest first, each (theme, stems) once."""
    index: dict[str, list[_Seed]] = {}
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for theme in themes:
        for seed in theme.seeds:
            stems = _seed_stems(str(seed))
            if not stems or (theme.key, stems) in seen:
                continue
            seen.add((theme.key, stems))
            index.setdefault(stems[0], []).append(_Seed(theme.key, stems))
    for seeds in index.values():
        seeds.sort(key=lambda s: -len(s.stems))
    return index


def _negated(tokens: Sequence[_Token], start: int) -> bool:
    for position in range(start - 1, max(start - NEGATION_WINDOW, 0) - 1, -1):
        token = tokens[position]
        if token.boundary or token.word in _CLAUSE_WORDS or token.word in _DETERMINERS:
            return False
        if token.word in _NEGATORS:
            return True
    return False


def _matches(
    tokens: Sequence[_Token], index: dict[str, list[_Seed]]
) -> Iterator[tuple[_Seed, int]]:
    """Every (seed, start) whose stems run on from ``start`` with no boundary between."""
    for start, token in enumerate(tokens):
        if token.boundary:
            continue
        candidates = [seed for form in token.forms for seed in index.get(form, ())]
        for seed in candidates:
            end = start + len(seed.stems)
            if end > len(tokens):
                continue
            if all(
                not tokens[start + k].boundary and seed.stems[k] in tokens[start + k].forms
                for k in range(1, len(seed.stems))
            ):
                yield seed, start


def _suggest_one(
    text: str, index: dict[str, list[_Seed]], order: dict[str, int]
) -> list[Suggestion]:
    clean = _clean(text)
    tokens = _tokens(clean)
    # theme -> accepted (start, end, seed) spans; a seed inside a longer hit of the
    # same theme ("unsafe" inside "feel unsafe") does not count twice.
    spans: dict[str, list[tuple[int, int, _Seed]]] = {}
    hits = sorted(_matches(tokens, index), key=lambda hit: (-len(hit[0].stems), hit[1]))
    for seed, start in hits:
        end = start + len(seed.stems)
        accepted = spans.setdefault(seed.theme, [])
        if any(s <= start and end <= e for s, e, _ in accepted):
            continue
        if _negated(tokens, start):
            continue
        accepted.append((start, end, seed))
    suggestions = []
    for theme, accepted in spans.items():
        if not accepted:
            continue
        distinct = {seed.stems for _, _, seed in accepted}
        miss = 1.0
        for stems in distinct:
            miss *= 1.0 - seed_strength(len(stems))
        reasons: list[str] = []
        for start, end, _ in sorted(accepted, key=lambda span: span[0]):
            words = " ".join(clean[tokens[start].start : tokens[end - 1].end].split())
            if words not in reasons:
                reasons.append(words)
        suggestions.append(Suggestion(theme, round(1.0 - miss, 4), tuple(reasons)))
    suggestions.sort(key=lambda s: (-s.confidence, order[s.theme]))
    return suggestions


def suggest_by_seeds(texts: Sequence[str], themes: Sequence[Theme]) -> list[list[Suggestion]]:
    """Themes whose seed terms occur in each text, one list per text, most confident first.

    Matching is on Snowball stems of case-folded words with apostrophes removed
    ("Scared", "scaring", "scaaared" all match the seed "scared"; "dont" matches
    "don't"), HTML entities and tags removed. A multi-word seed matches the same
    words in order within one clause. A seed with a negation ("not", "never",
    "no", "don't", ...) among the three words before it does not count, unless
    punctuation, a conjunction ("but", "and") or a determiner ("the", "my")
    comes between: "not scared", "don't feel unsafe" and "never any fights" are
    negated; "not scared, but there are fights" and "I don't trust the police"
    still count "fights" and "police".

    ``confidence`` is a noisy-OR over the distinct seeds found:
    ``1 - prod(1 - strength)``, where a one-word seed has strength 0.6 and each
    further word in a phrase halves the remaining doubt (0.8, 0.9, 0.95). So one
    word gives 0.6, two different words 0.84, a two-word phrase 0.8; repeating
    the same seed adds nothing. ``reasons`` are the words as written in the text.
    Never raises on a text: anything that is not a string codes to nothing.
    """
    index = _seed_index(themes)
    order = {theme.key: position for position, theme in enumerate(themes)}
    results: list[list[Suggestion]] = []
    for text in texts:
        if not isinstance(text, str) or not text.strip() or not index:
            results.append([])
            continue
        results.append(_suggest_one(text, index, order))
    return results


# ================================================================ trained model

MODEL_KIND = "tfidf-ovr"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
# Chosen on the pxtextmining benchmark (bench/coding.py, five splits): C from 0.1
# to 1, balanced or unweighted classes, word/character weights from 0.5 to 1 all
# score within 0.01 macro-F1 of each other; these are the best of those tried.
SVC_C = 0.3
# The word block is scaled down against the character block (weight 1): the
# character n-grams carry misspellings and slang the words miss.
WORD_WEIGHT = 0.7
# In samples of this many texts or more, n-grams seen in only one text are
# dropped: the stored model is less than half the size at no cost in accuracy.
# Smaller (hand-coded) samples keep every n-gram.
_MIN_DF_FROM = 500
FOLDS = 5
TOP_REASONS = 3
N_JOBS = 2
# Texts per worker below which transforming in one process is quicker than
# shipping the vocabulary to a second one.
_PARALLEL_TRANSFORM_MIN = 20_000
_FORMAT = "engage-theme-model/1"


@dataclass
class _Fitted:
    """What predicting needs: vectorisers, one linear function per theme, calibration."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    coef: np.ndarray  # (n_features, n_themes) float32
    intercept: np.ndarray  # (n_themes,)
    slope: np.ndarray  # Platt scaling of the decision value, per theme
    offset: np.ndarray

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        if len(texts) >= 2 * _PARALLEL_TRANSFORM_MIN:
            half = len(texts) // 2
            parts = Parallel(n_jobs=N_JOBS)(
                delayed(_transform)(self.word, self.char, chunk)
                for chunk in (texts[:half], texts[half:])
            )
            stacked: sp.csr_matrix = sp.vstack(parts, format="csr")
            return stacked
        return _transform(self.word, self.char, texts)

    def decision(self, features: sp.csr_matrix) -> np.ndarray:
        values: np.ndarray = np.asarray(features @ self.coef, dtype=np.float64) + self.intercept
        return values

    def proba(self, decision: np.ndarray) -> np.ndarray:
        return _sigmoid(decision * self.slope + self.offset)


def _transform(word: TfidfVectorizer, char: TfidfVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    matrix: sp.csr_matrix = sp.hstack(
        [word.transform(texts) * WORD_WEIGHT, char.transform(texts)], format="csr"
    )
    matrix.sort_indices()
    return matrix


def _telling(ngram: str) -> bool:
    """Whether an n-gram says something to an officer: not only stop words ("and", "i")."""
    return any(len(word) > 1 and word not in ENGLISH_STOP_WORDS for word in ngram.split())


def _sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(values, -500, 500)))
    return result


@dataclass
class ThemeModel:
    version: str
    themes: list[str]
    skipped: dict[str, int]
    thresholds: dict[str, float]
    trained_on: int
    scores: pd.DataFrame
    fitted: _Fitted = field(repr=False, compare=False)

    def predict_proba(self, texts: Sequence[str]) -> pd.DataFrame:
        values = self.fitted.proba(self.fitted.decision(self.fitted.features(_as_texts(texts))))
        return pd.DataFrame(values, columns=list(self.themes), index=pd.RangeIndex(len(texts)))

    def predict(self, texts: Sequence[str]) -> pd.DataFrame:
        proba = self.predict_proba(texts)
        cut = np.array([self.thresholds[theme] for theme in self.themes])
        return pd.DataFrame(
            (proba.to_numpy() >= cut).astype(np.int64), columns=proba.columns, index=proba.index
        )

    def suggest(self, texts: Sequence[str]) -> list[list[Suggestion]]:
        """Themes at or above their threshold, most confident first, with the n-grams behind them.

        A reason is a word or two-word n-gram of the text whose features added
        most to the theme's score (coefficient x TF-IDF value; a word's
        character n-grams are added to the word). Only positive contributions,
        and not n-grams made only of stop words, which tell an officer nothing.
        """
        clean = _as_texts(texts)
        features = self.fitted.features(clean)
        proba = self.fitted.proba(self.fitted.decision(features))
        cut = np.array([self.thresholds[theme] for theme in self.themes])
        names = self.fitted.word.get_feature_names_out()
        results: list[list[Suggestion]] = []
        for row, text in enumerate(clean):
            above = np.flatnonzero(proba[row] >= cut)
            ranked = sorted((int(j) for j in above), key=lambda j: (-proba[row, j], j))
            results.append(
                [
                    Suggestion(
                        self.themes[j],
                        round(float(proba[row, j]), 4),
                        self._reasons(text, features.getrow(row), j, names),
                    )
                    for j in ranked
                ]
            )
        return results

    def _reasons(
        self, text: str, row: sp.csr_matrix, theme: int, names: np.ndarray
    ) -> tuple[str, ...]:
        word, char, coef = self.fitted.word, self.fitted.char, self.fitted.coef
        n_word = len(word.vocabulary_)
        weight = dict(
            zip(row.indices.tolist(), (row.data * coef[row.indices, theme]).tolist(), strict=True)
        )
        contribution: dict[str, float] = {}
        for index, value in weight.items():
            if index < n_word:
                name = str(names[index])
                contribution[name] = contribution.get(name, 0.0) + value
        analyse = char.build_analyzer()
        vocabulary = char.vocabulary_
        for token in set(char.build_preprocessor()(text).split()):
            display = token.strip(".,;:!?()[]{}\"'“”‘’*-_")
            if not display:
                continue
            total = sum(
                weight.get(n_word + vocabulary[gram], 0.0)
                for gram in set(analyse(token))
                if gram in vocabulary
            )
            # A word is named once: its own feature and its characters add up.
            contribution[display] = contribution.get(display, 0.0) + total
        ranked = sorted(
            (item for item in contribution.items() if item[1] > 0 and _telling(item[0])),
            key=lambda item: -item[1],
        )
        return tuple(name for name, _ in ranked[:TOP_REASONS])

    def to_bytes(self) -> bytes:
        """The fitted model, for Engage's own database: a header line, then a pickle.

        The header names the format and the scikit-learn version, which
        ``from_bytes`` checks *before* unpickling: scikit-learn does not promise
        that a model pickled by one version works in another, so a model from
        another version must be trained again. Unpickling runs code, so
        ``from_bytes`` must only ever be given bytes that Engage itself stored,
        never an uploaded file.
        """
        header = f"{_FORMAT} scikit-learn={sklearn.__version__}\n".encode("ascii")
        return header + pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> ThemeModel:
        """A model stored by ``to_bytes``; only for bytes from Engage's own database.

        Raises ``ValueError`` for anything else, and for a model stored by another
        scikit-learn version (train it again).
        """
        header, newline, _ = bytes(data[:200]).partition(b"\n")
        words = header.decode("ascii", "replace").split(" ")
        if not newline or words[0] != _FORMAT or len(words) != 2:
            raise ValueError("not a ThemeModel stored by ThemeModel.to_bytes")
        stored = words[1].removeprefix("scikit-learn=")
        if stored != sklearn.__version__:
            raise ValueError(
                f"this theme model was stored with scikit-learn {stored} and Engage now "
                f"runs {sklearn.__version__}: train it again"
            )
        model = pickle.loads(bytes(data[len(header) + 1 :]))  # noqa: S301 - our own DB only
        if not isinstance(model, cls):
            raise ValueError("not a ThemeModel stored by ThemeModel.to_bytes")
        return model


def train_model(
    texts: Sequence[str], labels: pd.DataFrame, *, min_positives: int = 20, seed: int = 0
) -> ThemeModel:
    """Learn one classifier per theme from hand-coded texts.

    ``labels`` has one 0/1 column per theme key, rows in the order of ``texts``.
    Themes with fewer than ``min_positives`` coded examples (at least 2, which
    cross-validation needs), or with fewer than 2 texts *without* the theme,
    are not learned and are listed in ``skipped``: the model never predicts
    them, rather than guessing them for everyone or no one.

    Features: TF-IDF of word 1-2 grams (weighted 0.7) and of character 2-5
    grams within words (sublinear term frequency), so spelling variants and
    slang share evidence.
    The vocabulary and IDF are fitted once on all training texts (they use no
    labels). Each theme gets a linear SVM; its decision values are made
    probabilities by Platt scaling fitted on out-of-fold decision values
    (stratified 5-fold), and its threshold is the one that maximises F1 on those
    same out-of-fold probabilities. ``scores`` are the out-of-fold precision,
    recall and F1 at that threshold: an honest estimate of how the model does
    on answers it has not seen.
    """
    clean = _as_texts(texts)
    frame = _label_frame(labels, len(clean))
    needed = max(int(min_positives), 2)
    positives = {theme: int(frame[theme].sum()) for theme in frame.columns}
    learn = [
        theme
        for theme in frame.columns
        if positives[theme] >= needed and len(frame) - positives[theme] >= 2
    ]
    if not learn:
        raise NotEnoughExamples(positives, needed)
    skipped = {theme: count for theme, count in positives.items() if theme not in learn}

    min_df = 2 if len(clean) >= _MIN_DF_FROM else 1
    word = TfidfVectorizer(
        ngram_range=WORD_NGRAMS, sublinear_tf=True, min_df=min_df, dtype=np.float32
    )
    char = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS,
        sublinear_tf=True,
        min_df=min_df,
        dtype=np.float32,
    )
    try:
        word.fit(clean)
        char.fit(clean)
    except ValueError:  # "empty vocabulary": nothing in the texts is a word
        raise ValueError("the training texts have no words to learn from") from None
    features = _transform(word, char, clean)
    y = frame[learn].to_numpy(dtype=np.int64)

    jobs: list[tuple[int, np.ndarray | None, np.ndarray | None]] = []
    for j in range(len(learn)):
        column = y[:, j]
        splits = min(FOLDS, int(column.sum()), int(len(column) - column.sum()))
        folds = StratifiedKFold(n_splits=splits, shuffle=True, random_state=seed)
        jobs += [(j, train, test) for train, test in folds.split(np.zeros(len(column)), column)]
        jobs.append((j, None, None))  # the final fit on every text
    with warnings.catch_warnings():
        # An SVM that has not fully converged is still scored honestly out-of-fold.
        warnings.simplefilter("ignore", ConvergenceWarning)
        # liblinear releases the GIL: threads share the matrix without copying it.
        # They also share liblinear's C random generator, so two runs agree only
        # up to the solver's tolerance (thresholds to about 1e-6).
        fits = Parallel(n_jobs=N_JOBS, prefer="threads")(
            delayed(_fit_theme)(features, y[:, j], train, test, seed) for j, train, test in jobs
        )

    n_themes = len(learn)
    oof = np.zeros((len(clean), n_themes))
    coef = np.zeros((features.shape[1], n_themes), dtype=np.float32)
    intercept = np.zeros(n_themes)
    for (j, _, test), fit in zip(jobs, fits, strict=True):
        if test is None:
            coef[:, j], intercept[j] = fit
        else:
            oof[test, j] = fit
    slope = np.ones(n_themes)
    offset = np.zeros(n_themes)
    thresholds: dict[str, float] = {}
    rows = []
    for j, theme in enumerate(learn):
        slope[j], offset[j] = _platt(oof[:, j], y[:, j])
        proba = _sigmoid(oof[:, j] * slope[j] + offset[j])
        thresholds[theme] = _best_threshold(proba, y[:, j])
        rows.append(_scores(proba >= thresholds[theme], y[:, j]))
    scores = pd.DataFrame(rows, index=pd.Index(learn, name="theme"))

    return ThemeModel(
        version=f"{MODEL_KIND}-{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}-"
        f"{_fingerprint(clean, frame, needed, seed)}",
        themes=list(learn),
        skipped=skipped,
        thresholds=thresholds,
        trained_on=len(clean),
        scores=scores,
        fitted=_Fitted(word, char, coef, intercept, slope, offset),
    )


def _fit_theme(
    features: sp.csr_matrix,
    y: np.ndarray,
    train: np.ndarray | None,
    test: np.ndarray | None,
    seed: int,
) -> Any:
    """Out-of-fold decision values for ``test``, or (coef, intercept) fitted on everything."""
    model = LinearSVC(C=SVC_C, max_iter=5000, random_state=seed)
    if train is None or test is None:
        model.fit(features, y)
        return model.coef_[0].astype(np.float32), float(model.intercept_[0])
    model.fit(features[train], y[train])
    return model.decision_function(features[test])


def _platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and offset mapping decision values to probabilities (Platt scaling)."""
    if decision.std() == 0:
        return 1.0, 0.0
    platt = LogisticRegression(C=1e4).fit(decision.reshape(-1, 1), y)
    slope = float(platt.coef_[0, 0])
    if slope <= 0:  # a useless classifier: keep the order of its decision values
        return 1.0 / float(decision.std()), float(platt.intercept_[0])
    return slope, float(platt.intercept_[0])


def _best_threshold(proba: np.ndarray, y: np.ndarray) -> float:
    """The probability cut that maximises F1, halfway between two distinct values."""
    order = np.argsort(-proba, kind="stable")
    ranked, hits = proba[order], y[order]
    true_positives = np.cumsum(hits)
    predicted = np.arange(1, len(ranked) + 1)
    f1 = 2 * true_positives / (predicted + hits.sum())
    # Only cut where the value changes, so tied texts fall on the same side.
    last_of_tie = np.append(ranked[1:] < ranked[:-1], True)
    f1 = np.where(last_of_tie, f1, -1.0)
    best = int(np.argmax(f1))
    below = ranked[best + 1] if best + 1 < len(ranked) else 0.0
    cut = (float(ranked[best]) + float(below)) / 2
    return float(np.clip(round(cut, 6), 1e-4, 1 - 1e-4))


def _scores(predicted: np.ndarray, y: np.ndarray) -> dict[str, float]:
    true_positives = int((predicted & (y == 1)).sum())
    precision = true_positives / predicted.sum() if predicted.sum() else 0.0
    recall = true_positives / y.sum() if y.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "support": int(y.sum()),
    }


def _fingerprint(texts: Sequence[str], labels: pd.DataFrame, needed: int, seed: int) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\x00")
    digest.update(",".join(map(str, labels.columns)).encode("utf-8", "surrogatepass"))
    digest.update(labels.to_numpy(dtype=np.int8).tobytes())
    digest.update(f"{needed}|{seed}|{SVC_C}|{WORD_WEIGHT}|{WORD_NGRAMS}|{CHAR_NGRAMS}".encode())
    return digest.hexdigest()[:6]


def _as_texts(texts: Sequence[Any]) -> list[str]:
    """Texts as strings; a missing answer (None, NaN) is an empty string."""
    return [text if isinstance(text, str) else "" for text in texts]


def _label_frame(labels: pd.DataFrame, rows: int) -> pd.DataFrame:
    if len(labels) != rows:
        raise ValueError(f"labels has {len(labels)} rows for {rows} texts")
    frame = labels.copy()
    frame.columns = [str(column) for column in frame.columns]
    if frame.columns.duplicated().any():
        raise ValueError("labels has the same theme column twice")
    bad = [
        column
        for column in frame.columns
        if not frame[column].isin([0, 1]).all()  # NaN and 2 are not codes
    ]
    if bad:
        raise ValueError(f"label columns must hold only 0 and 1: {', '.join(bad)}")
    return frame.astype(np.int64).reset_index(drop=True)
