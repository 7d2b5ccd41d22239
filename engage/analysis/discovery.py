"""Finding themes nobody has named yet: topics and recurring phrases in free text.

These help an officer build or extend a codebook; they do not code answers.
Topics come from non-negative matrix factorisation (NMF) of TF-IDF weights,
which gives sharper, more readable topics than LDA on short survey answers.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
from nltk.probability import FreqDist
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

MIN_TEXTS = 10
TEXTS_PER_TOPIC = 5
TERMS_PER_TOPIC = 8
REPRESENTATIVE_TEXTS = 3
MIN_COLLOCATION_FREQUENCY = 3
COLLOCATION_WINDOW = 3  # a pair may have one word between (nltk window_size counts both)

# Words that fill survey answers without saying what they are about. They
# would otherwise top every topic ("people", "think", "like").
SURVEY_FILLER = frozenset(
    {
        "basically", "cause", "cos", "coz", "dont", "doesnt", "didnt", "cant", "wont",
        "isnt", "arent", "im", "ive", "id", "ill", "youre", "theyre", "theres", "thats",
        "its", "lot", "lots", "like", "just", "really", "think", "thing", "things", "stuff",
        "people", "know", "want", "wanna", "gonna", "gotta", "got", "get", "gets", "getting",
        "make", "makes", "need", "needs", "maybe", "probably", "literally", "yeah", "yes",
        "ok", "okay", "feel", "feels", "way", "good", "bad", "actually", "also", "kind",
        "sort", "bit", "lol", "u", "ur", "dunno", "idk", "na", "n", "a",
    }
)  # fmt: skip
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | SURVEY_FILLER

_APOSTROPHES = re.compile(r"['’‘`]")
_WORDS = re.compile(r"[a-z][a-z0-9]+")


@dataclass(frozen=True)
class Topic:
    terms: tuple[str, ...]
    representative: tuple[int, ...]
    size: int


def discover_topics(texts: Sequence[str], *, n_topics: int = 6, seed: int = 0) -> list[Topic]:
    """Topics in ``texts``, largest first.

    The number of topics is at most ``n_topics`` and at most one per five
    answers with any content words, so that a topic describes several answers
    rather than one; fewer than 10 such answers give ``[]``. ``representative``
    holds the positions in ``texts`` of the answers weighing most on the topic
    and ``size`` counts the answers whose heaviest topic it is. Non-string
    items count as empty.
    """
    if n_topics < 1:
        raise ValueError("n_topics must be at least 1")
    documents = [normalise(text) for text in texts]
    usable = [position for position, document in enumerate(documents) if _content(document)]
    if len(usable) < MIN_TEXTS:
        return []
    vectoriser, matrix = _tfidf([documents[position] for position in usable])
    if matrix is None:
        return []
    distinct = len({documents[position] for position in usable})
    k = min(n_topics, len(usable) // TEXTS_PER_TOPIC, matrix.shape[1], distinct)
    if k < 1:
        return []
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        # A topic model that stops a little short of convergence still gives
        # usable topics; this is exploration, not an estimate. Near-perfect
        # fits (many identical answers) make the error a tiny negative number
        # under a square root; the error is not used.
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    vocabulary = vectoriser.get_feature_names_out()
    heaviest = weights.argmax(axis=1)
    has_weight = weights.max(axis=1) > 0
    topics = []
    for topic in range(k):
        loadings = model.components_[topic]
        top_terms = [i for i in np.argsort(-loadings, kind="stable") if loadings[i] > 0]
        column = weights[:, topic]
        top_texts = [i for i in np.argsort(-column, kind="stable") if column[i] > 0]
        topics.append(
            Topic(
                terms=tuple(str(vocabulary[i]) for i in top_terms[:TERMS_PER_TOPIC]),
                representative=tuple(usable[i] for i in top_texts[:REPRESENTATIVE_TEXTS]),
                size=int(((heaviest == topic) & has_weight).sum()),
            )
        )
    topics = [topic for topic in topics if topic.terms]
    return sorted(topics, key=lambda topic: -topic.size)


def _tfidf(documents: list[str]) -> tuple[TfidfVectorizer, Any]:
    """TF-IDF (sparse, or None when no terms are left) over words and word pairs.

    A term must appear in two answers, and (with 20 answers or more) not in
    nearly all of them, when it can: a term in one answer only cannot describe
    a topic, nor can one in every answer. With few, very varied or very
    similar answers those rules can leave nothing, so they are then relaxed.
    """
    strict = 0.95 if len(documents) >= 20 else 1.0
    for min_df, max_df in ((2, strict), (1, 1.0)):
        vectoriser = TfidfVectorizer(
            lowercase=False,
            token_pattern=_WORDS.pattern,
            stop_words=sorted(STOP_WORDS),
            ngram_range=(1, 2),
            min_df=min_df,
            max_df=max_df,
            sublinear_tf=True,
        )
        try:
            matrix = vectoriser.fit_transform(documents)
        except ValueError:  # no terms left after stop words and document frequency
            continue
        if matrix.shape[1] >= 2:
            return vectoriser, matrix
    return vectoriser, None


def collocations(
    texts: Sequence[str],
    *,
    top: int = 20,
    measure: Literal["likelihood_ratio", "pmi"] = "likelihood_ratio",
) -> list[tuple[str, float]]:
    """Word pairs that occur together more than chance, e.g. ("stop search", 41.2).

    A pair is two words outside the stop words, next to each other or one word
    apart within one answer (so "stop and search" gives "stop search"; pairs
    never span two answers), seen at least three times. The likelihood ratio
    is the default because PMI overrates rare pairs.
    """
    if top < 1:
        return []
    word_fd: FreqDist = FreqDist()
    pair_fd: FreqDist = FreqDist()
    for text in texts:
        words = _tokens(text)
        word_fd.update(words)
        for position, word in enumerate(words):
            for other in words[position + 1 : position + COLLOCATION_WINDOW]:
                pair_fd[(word, other)] += 1
    finder = BigramCollocationFinder(word_fd, pair_fd, window_size=COLLOCATION_WINDOW)
    finder.apply_freq_filter(MIN_COLLOCATION_FREQUENCY)
    finder.apply_word_filter(lambda word: word in STOP_WORDS or len(word) < 2)
    finder.apply_ngram_filter(lambda first, second: first == second)
    scorer = (
        BigramAssocMeasures.likelihood_ratio
        if measure == "likelihood_ratio"
        else BigramAssocMeasures.pmi
    )
    scored = finder.score_ngrams(scorer)
    return [(f"{first} {second}", float(score)) for (first, second), score in scored[:top]]


def normalise(text: object) -> str:
    """Lower case with apostrophes dropped ("don't" -> "dont"); non-strings become ""."""
    if not isinstance(text, str):
        return ""
    return _APOSTROPHES.sub("", text.lower())


def _tokens(text: object) -> list[str]:
    return _WORDS.findall(normalise(text))


def _content(document: str) -> bool:
    return any(word not in STOP_WORDS for word in _WORDS.findall(document))
