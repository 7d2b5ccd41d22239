"""Safeguarding triage: answers that look like a disclosure of current risk.

Most answers to a violence-reduction survey talk *about* violence: knife crime
is bad, people carry, the police never come. A few say that the writer, or
someone they know, is at risk now: "they said they'd shank me", "I have to run
lines", "my dad hits me". ``triage`` finds those few so that a safeguarding lead
reads them first. It is a sorting aid, not a judgement: the survey is
anonymous, and what a lead can do is check the signposting and look for
patterns, not contact the writer.

How it decides, and why:

* Phrase patterns (``data/safeguarding.json``) over stemmed words, most of them
  anchored on the writer ("I", "me", "my mate"), so "people carry knives round
  here" does not match a pattern that wants "I carry".
* A match is dropped when it is negated ("I don't carry"), hypothetical ("if
  someone threatened me I'd..."; "I would carry"), in the past ("I used to",
  "when I was younger", "last year") or said to be over ("but it's sorted now").
  Threats reported in speech keep their modal ("they said they'd stab me").
* When in doubt it flags: a missed disclosure costs more than an extra read.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from typing import Any

from nltk.stem.snowball import SnowballStemmer


class Risk(StrEnum):
    THREATENED_OR_HURT = "threatened_or_hurt"
    CARRYING_WEAPON = "carrying_weapon"
    SELF_HARM_OR_SUICIDE = "self_harm_or_suicide"
    ABUSE_AT_HOME = "abuse_at_home"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    DRUG_EXPLOITATION = "drug_exploitation"
    GROOMING = "grooming"


RISK_LABELS: dict[Risk, str] = {
    Risk.THREATENED_OR_HURT: "Being threatened or hurt",
    Risk.CARRYING_WEAPON: "Carrying a weapon",
    Risk.SELF_HARM_OR_SUICIDE: "Self-harm or thoughts of suicide",
    Risk.ABUSE_AT_HOME: "Abuse or violence at home",
    Risk.SEXUAL_EXPLOITATION: "Sexual exploitation or abuse",
    Risk.DRUG_EXPLOITATION: "Made to carry or sell drugs",
    Risk.GROOMING: "Grooming by an older person",
}


@dataclass(frozen=True)
class Finding:
    """One likely disclosure: ``trigger`` is ``text[start:end]`` of the answer."""

    risk: Risk
    trigger: str
    start: int
    end: int


@dataclass(frozen=True)
class Triage:
    findings: tuple[Finding, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def risks(self) -> frozenset[Risk]:
        return frozenset(f.risk for f in self.findings)


# --- the lexicon ----------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[.!?;\n]+|,")
_BREAK = "."  # a sentence boundary in the token stream
_STEMMER = SnowballStemmer("english")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    if not word.isascii():
        return word
    return str(_STEMMER.stem(word))


@dataclass(frozen=True)
class _Pattern:
    risk: Risk
    source: str
    regex: re.Pattern[str]
    # For each required element, the stems and prefixes of which the answer must hold one.
    requirements: tuple[frozenset[str], ...]
    allow_negation: bool
    allow_modal: bool
    allow_hypothetical: bool


@dataclass(frozen=True)
class _Lexicon:
    expansions: dict[str, tuple[str, ...]]
    patterns: tuple[_Pattern, ...]
    # Each pattern has one required element (its anchor); a pattern is tried only on
    # answers holding one of its anchor's words, which spares most regex searches.
    word_index: dict[str, tuple[int, ...]]
    prefix_index: dict[str, tuple[int, ...]]
    prefix_lengths: tuple[int, ...]
    prefixes: frozenset[str]
    negators: frozenset[str]
    negator_exceptions: frozenset[str]
    modals: frozenset[str]
    hypothetical: frozenset[str]
    reported: frozenset[str]
    past: re.Pattern[str]
    resolved: re.Pattern[str]


# Words too common to pick a pattern out by: an anchor avoids them when it can.
_COMMON = frozenset(
    _stem(w)
    for w in "i me my we us you he she they them it to a the is am are was were be been being "
    "have has had got get do did go going and of on in at for with".split()
)


def _alternative(word: str, classes: dict[str, list[str]]) -> list[str]:
    if word == "$":
        return [r"(?=(?:\.|,|but) |$)"]
    if word.startswith("@"):
        members = classes[word[1:]]
        return sorted({re.escape(_stem(m.lower())) + " " for m in members}, key=len, reverse=True)
    if "_" in word:  # several words in a row as one alternative: sleep_with
        return ["".join(_alternative(part, classes)[0] for part in word.split("_"))]
    if word.endswith("*"):
        return [re.escape(word[:-1].lower()) + "[^ ]* "]
    return [re.escape(_stem(word.lower())) + " "]


def _anchor_words(element: str, classes: dict[str, list[str]]) -> tuple[set[str], set[str]]:
    """The stems and the prefixes of which an answer must hold one for ``element`` to match."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for word in element.split("|"):
        if not word.startswith("@"):
            word = word.split("_")[0]
        if word.startswith("@"):
            words.update(_stem(m.lower()) for m in classes[word[1:]])
        elif word.endswith("*"):
            prefixes.add(word[:-1].lower())
        else:
            words.add(_stem(word.lower()))
    return words, prefixes


def _compile_pattern(
    source: str, classes: dict[str, list[str]], gap_breaks: str
) -> tuple[str, list[tuple[set[str], set[str]]]]:
    parts: list[str] = []
    anchors: list[tuple[set[str], set[str]]] = []
    for element in source.split():
        if element.startswith("["):
            continue
        if element.startswith("~"):
            width = int(element[1:] or 3)
            parts.append(rf"(?:(?!(?:{gap_breaks}) )[^ ]+ ){{0,{width}}}")
            continue
        optional = element.endswith("?") and len(element) > 1
        element = element.removesuffix("?") if optional else element
        alternatives: list[str] = []
        for word in element.split("|"):
            alternatives.extend(_alternative(word, classes))
        body = "(?:" + "|".join(alternatives) + ")"
        parts.append(body + "?" if optional else body)
        if not optional and element != "$" and "$" not in element.split("|"):
            anchors.append(_anchor_words(element, classes))

    return "(?<= )" + "".join(parts), anchors


def _rarity(anchor: tuple[set[str], set[str]]) -> tuple[bool, int]:
    words, prefixes = anchor
    return (bool(words & _COMMON), len(words) + 3 * len(prefixes))


def _phrases(words: Sequence[str], *extra: str) -> re.Pattern[str]:
    alternation = "|".join(
        [re.escape(w) for w in sorted(words, key=len, reverse=True)] + list(extra)
    )
    return re.compile(rf"(?<![^ ])(?:{alternation})(?![^ ])")


def _read_data(name: str) -> str:
    return resources.files("engage.analysis").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data: dict[str, Any] = json.loads(_read_data("safeguarding.json"))
    classes: dict[str, list[str]] = data["classes"]
    gap_breaks = "|".join(
        sorted({re.escape(_stem(w)) for w in data["gap_breaks"]} | {r"\."}, key=len, reverse=True)
    )
    patterns: list[_Pattern] = []
    word_index: dict[str, list[int]] = {}
    prefix_index: dict[str, list[int]] = {}
    for name, sources in data["risks"].items():
        for source in sources:
            regex, anchors = _compile_pattern(source, classes, gap_breaks)
            words, prefixes = min(anchors, key=_rarity)
            for word in words:
                word_index.setdefault(word, []).append(len(patterns))
            for prefix in prefixes:
                prefix_index.setdefault(prefix, []).append(len(patterns))
            patterns.append(
                _Pattern(
                    risk=Risk[name],
                    source=source,
                    regex=re.compile(regex),
                    requirements=tuple(frozenset(w | p) for w, p in anchors),
                    allow_negation="[neg]" in source,
                    allow_modal="[modal]" in source,
                    allow_hypothetical="[hypo]" in source,
                )
            )
    prefixes_all = {p for pattern in patterns for r in pattern.requirements for p in r}
    # A year ("in 2019") dates what follows to the past.
    years = (r"19[5-9]\d|20[0-4]\d",) if data.get("past_years") else ()
    past = _phrases(data["past_markers"], *years)
    return _Lexicon(
        expansions={k: tuple(v.split()) for k, v in data["expansions"].items()},
        patterns=tuple(patterns),
        word_index={k: tuple(v) for k, v in word_index.items()},
        prefix_index={k: tuple(v) for k, v in prefix_index.items()},
        prefix_lengths=tuple(sorted({len(p) for p in prefixes_all})),
        prefixes=frozenset(prefixes_all),
        negators=frozenset(data["negators"]),
        negator_exceptions=frozenset(_stem(w) for w in data["negator_exceptions_next"]),
        modals=frozenset(data["modals"]),
        hypothetical=frozenset(data["hypothetical_markers"]),
        reported=frozenset(_stem(w) for w in data["reported_speech"]),
        past=past,
        resolved=_phrases(data["resolved_markers"]),
    )


# --- tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Normal:
    """One raw token, normalised: its words, their stems and the patterns they may start."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    candidates: frozenset[int]
    features: frozenset[str]  # the stems and every pattern prefix they start with


@lru_cache(maxsize=100_000)
def _normalise(raw: str) -> _Normal:
    """Expand, stem and index one raw token ("im" gives the words "i" and "am")."""
    lex = _lexicon()
    if raw[0] in ".!?;\n":
        words: tuple[str, ...] = (_BREAK,)
    elif raw == ",":
        words = (",",)
    elif raw in lex.expansions:
        words = lex.expansions[raw]
    elif raw.endswith("'s"):
        words = (raw[:-2],)
    else:
        words = (raw.replace("'", ""),)
    words = tuple(w for w in words if w)
    stems = tuple(w if w in (_BREAK, ",") else _stem(w) for w in words)
    candidates: set[int] = set()
    features = set(stems)
    for stem in stems:
        candidates.update(lex.word_index.get(stem, ()))
        for length in lex.prefix_lengths:
            if length > len(stem):
                break
            if stem[:length] in lex.prefixes:
                features.add(stem[:length])
            candidates.update(lex.prefix_index.get(stem[:length], ()))
    return _Normal(words, stems, frozenset(candidates), frozenset(features))


class _Tokens:
    """An answer as normalised words, and the string of stems the patterns run on."""

    def __init__(self, text: str) -> None:
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters change length when lowered
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        self.lowered = lowered.replace("’", "'").replace("‘", "'")
        normals = [_normalise(raw) for raw in _TOKEN.findall(self.lowered)]
        self._normals = normals
        self.stems = [s for n in normals for s in n.stems]
        self.candidates = sorted(frozenset().union(*[n.candidates for n in normals]))
        self.features: frozenset[str] = frozenset().union(*[n.features for n in normals])
        self.joined = " " + " ".join(self.stems) + " "
        self._offsets: list[int] | None = None
        self._words: list[str] | None = None
        self._owner: list[int] | None = None
        self._spans: list[tuple[int, int]] | None = None

    @property
    def offsets(self) -> list[int]:
        """Where each stem starts in ``joined``; only answers with a pattern match need them."""
        if self._offsets is None:
            lengths = accumulate(map(len, self.stems), initial=0)
            self._offsets = [1 + i + before for i, before in enumerate(lengths)][:-1]
        return self._offsets

    @property
    def words(self) -> list[str]:
        """The words before stemming; only answers with a pattern match need them."""
        if self._words is None:
            self._words = [w for n in self._normals for w in n.words]
        return self._words

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Where words ``first`` to ``last`` are in the original text."""
        if self._spans is None or self._owner is None:  # only answers with a finding
            self._spans = [m.span() for m in _TOKEN.finditer(self.lowered)]
            self._owner = [i for i, n in enumerate(self._normals) for _ in n.words]
        owner = self._owner
        return self._spans[owner[first]][0], self._spans[owner[last]][1]


# --- checks on a match ----------------------------------------------------------------------


def _bounds(stems: Sequence[str], first: int, last: int, stops: frozenset[str]) -> tuple[int, int]:
    """The stretch of tokens around [first, last] that no stop token interrupts."""
    start = first
    while start > 0 and stems[start - 1] not in stops:
        start -= 1
    end = last
    while end + 1 < len(stems) and stems[end + 1] not in stops:
        end += 1
    return start, end


_PASSIVE_BEFORE = re.compile(r"(?:^| )(?:being|been|be|am|is|are|get|getting|got) $")
_SENTENCE_STOPS = frozenset({_BREAK})
_CLAUSE_STOPS = frozenset({_BREAK, "but"})
_PHRASE_STOPS = frozenset({_BREAK, "but", ","})


def _negated(tokens: _Tokens, first: int, last: int, phrase_start: int, lex: _Lexicon) -> bool:
    words = tokens.words
    for i in range(max(phrase_start, first - 4), last + 1):
        if words[i] not in lex.negators:
            continue
        following = i + 1
        if following < len(words) and words[i] == "no" and words[following] == "one":
            following += 1
        if following < len(words) and tokens.stems[following] in lex.negator_exceptions:
            continue
        return True
    return False


def _hypothetical(
    tokens: _Tokens, first: int, last: int, phrase_start: int, pattern: _Pattern, lex: _Lexicon
) -> bool:
    words, stems = tokens.words, tokens.stems
    reported = False
    for i in range(phrase_start, last + 1):
        if stems[i] in lex.reported:
            reported = True
        elif not reported:
            if words[i] in lex.hypothetical and i < first and not pattern.allow_hypothetical:
                return True
            if words[i] in lex.modals and i >= first - 2 and not pattern.allow_modal:
                return True
    return False


def _in_past(tokens: _Tokens, first: int, last: int, lex: _Lexicon) -> bool:
    clause_start, clause_end = _bounds(tokens.stems, first, last, _CLAUSE_STOPS)
    clause = " ".join(tokens.words[clause_start : clause_end + 1])
    for m in lex.past.finditer(clause):
        # "being used to move food" is the present passive, not "used to" of habit.
        if m.group().startswith("use") and _PASSIVE_BEFORE.search(clause, 0, m.start()):
            continue
        return True
    sentence_start, sentence_end = _bounds(tokens.stems, first, last, _SENTENCE_STOPS)
    sentence = " ".join(tokens.words[sentence_start : sentence_end + 1])
    return lex.resolved.search(sentence) is not None


def _accept(tokens: _Tokens, first: int, last: int, pattern: _Pattern, lex: _Lexicon) -> bool:
    phrase_start, _ = _bounds(tokens.stems, first, last, _PHRASE_STOPS)
    if not pattern.allow_negation and _negated(tokens, first, last, phrase_start, lex):
        return False
    clause_start, _ = _bounds(tokens.stems, first, last, _CLAUSE_STOPS)
    if _hypothetical(tokens, first, last, clause_start, pattern, lex):
        return False
    return not _in_past(tokens, first, last, lex)


def _matches(tokens: _Tokens, lex: _Lexicon) -> Iterator[Finding]:
    features = tokens.features
    for index in tokens.candidates:
        pattern = lex.patterns[index]
        for required in pattern.requirements:
            if required.isdisjoint(features):
                break  # a word the pattern needs is missing: no need to search
        else:
            yield from _search(tokens, pattern, lex)


def _search(tokens: _Tokens, pattern: _Pattern, lex: _Lexicon) -> Iterator[Finding]:
    joined = tokens.joined
    position = 1
    while position < len(joined):
        m = pattern.regex.search(joined, position)
        if m is None:
            break
        offsets = tokens.offsets
        first = bisect.bisect_left(offsets, m.start())
        last = max(first, bisect.bisect_right(offsets, m.end() - 2) - 1)
        if _accept(tokens, first, last, pattern, lex):
            start, end = tokens.span(first, last)
            yield Finding(pattern.risk, "", start, end)
            position = m.end()
        else:
            position = offsets[first + 1] if first + 1 < len(offsets) else len(joined)


def triage(text: str) -> Triage:
    """Findings of likely current risk in one answer, in order of where they start."""
    if not isinstance(text, str) or not text.strip():
        return Triage(())
    lex = _lexicon()
    tokens = _Tokens(text)
    if not tokens.stems:
        return Triage(())
    findings = sorted(
        {
            Finding(f.risk, text[f.start : f.end], f.start, f.end)
            for f in _matches(tokens, lex)
            if f.end > f.start
        },
        key=lambda f: (f.start, f.end, f.risk.value),
    )
    return Triage(tuple(findings))
