"""Redaction of personal details in respondents' free text.

Young people write names, phone numbers, handles and addresses into open
answers. Before any free text leaves the officer role (exports, quotes in
reports) it goes through ``redact``, which replaces each detail with a typed
placeholder such as ``[phone]`` and says where the details were.

Rules, and why:

* Phone numbers are found with ``phonenumbers`` (region GB) at its most lenient
  level, because Ofcom's drama numbers (07700 900xxx) and numbers typed with odd
  spacing are not "valid" to it; short look-alikes (years, prices, 999) are
  weeded out by length. Helplines and emergency numbers (999, 111, 101,
  Childline's 0800 1111, any 0800/0808 freephone or 116 number) **survive**:
  they are public, cannot be a person's own line, and an officer needs to see
  that a respondent named one.
* Links to helplines' sites (childline.org.uk, fearless.org, ...) survive for
  the same reason; any other address, handle, email or link is redacted.
* Outward postcodes alone ("B15", "the M6") survive: they name an area, not a
  household. Full postcodes are redacted.
* Names: the officer's list of local names (schools, estates, groups), common
  given names written with a capital, and any given name after "my mate",
  "named", "my name is" and the like. Given names that are also ordinary words
  or places ("Will", "Grace", "Dudley") need that context, or a surname after
  them in mid-sentence. Place names on their own are not personal data and
  survive.

* Any script: answers come in Urdu, Arabic, Bengali, Punjabi, Polish, Romanian and
  Welsh. Digits in other scripts (Arabic-Indic, Urdu, Bengali, Gurmukhi, any
  Unicode decimal digit in the Basic Multilingual Plane) and full-width forms are
  read as their ASCII equivalents, one character for one, so a number or postcode
  is found however it is written and the spans still point into the original.
  Emails, links and handles may hold letters of any script.

The word lists are data (``data/redaction.json``, ``data/first_names.txt``).
Nothing here raises on any string: odd input is text like any other.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
import phonenumbers

KINDS = ("phone", "email", "url", "postcode", "handle", "address", "name")

# When two findings overlap, the more specific kind wins (an email holds a
# domain and a name; an address holds words that look like names).
_PRIORITY = {
    "email": 7,
    "url": 6,
    "phone": 5,
    "handle": 4,
    "postcode": 3,
    "address": 3,
    "name": 1,
}
_LOCAL_NAME_PRIORITY = 2


@dataclass(frozen=True)
class Span:
    """A redacted detail: ``text[start:end]`` of the original text, and its kind."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redacted:
    """Redacted text; ``spans`` point into the original text, in order."""

    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class _Lexicon:
    first_names: frozenset[str]
    ambiguous: frozenset[str]
    not_surnames: frozenset[str]
    postcode_areas: frozenset[str]
    safe_numbers: frozenset[str]
    safe_prefixes: tuple[str, ...]
    safe_domains: tuple[str, ...]
    tlds: frozenset[str]
    tlds_needing_path: frozenset[str]
    lowercase_stop: frozenset[str]
    address: re.Pattern[str]
    address_lower: re.Pattern[str]
    # "my mate X" (group "relation") or "named X" (group "trigger"), to run on lower-cased
    # text (much faster than IGNORECASE), and the same ignoring case for the rare text
    # whose length lower-casing changes.
    name_cue: re.Pattern[str]
    name_cue_any_case: re.Pattern[str]
    # Lower-case words of which an answer must hold one for the address finder to run.
    street_cues: frozenset[str]
    # "Mr Patel", "Miss Okonkwo": a title before a capitalised word marks a surname.
    titled: re.Pattern[str]


@lru_cache(maxsize=50_000)
def _fold(word: str) -> str:
    """Lower case without accents, so "Michał" and "michal" look the same."""
    word = word.replace("ł", "l").replace("Ł", "L").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _read_data(name: str) -> str:
    return resources.files("engage.analysis").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data: dict[str, Any] = json.loads(_read_data("redaction.json"))
    names = frozenset(
        _fold(line.strip())
        for line in _read_data("first_names.txt").splitlines()
        if line.strip() and not line.startswith("#")
    )
    street = "|".join(sorted(map(re.escape, data["street_types"]), key=len, reverse=True))
    street_lower = "|".join(map(re.escape, data["street_types_lowercase"]))
    address = re.compile(
        r"(?<![\w£$€.,/:-])"
        r"(?:(?:[Ff]lat|FLAT|[Aa]pt|[Aa]partment|[Uu]nit)\.?[ ]?\d{1,4}[A-Za-z]?,?[ ]+)?"
        r"(?:[Nn]o\.?[ ]?|[Nn]umber[ ]+)?"
        r"\d{1,3}[A-Za-z]?(?![\w.:/])(?:,)?[ ]+"
        r"(?:(?:St\.?|[A-Z][A-Za-z'’-]*)[ ]+){1,3}?"
        rf"(?:{street})\b\.?"
    )
    address_lower = re.compile(
        r"\b(?:at|on|outside|opposite|near|to|from|is|address|live|lives)[ ]+"
        r"(?P<address>\d{1,3}[a-z]?[ ]+(?P<words>(?:[a-z][a-z'’-]*[ ]+){1,2}?)"
        rf"(?:{street_lower})\b)"
    )
    relation_words = "|".join(map(re.escape, data["relation_words"]))
    trigger_words = "|".join(
        re.escape(t).replace(r"\ ", "[ ]+").replace("'", "['’]?") for t in data["name_triggers"]
    )
    name_cue = (
        r"\b(?:(?P<relation>(?:my|his|her|our|their|ur|your)[ ]+(?:best[ ]+|little[ ]+|big[ ]+"
        rf"|older[ ]+|younger[ ]+|step[ ]?|ex[ ]?)?(?:{relation_words})[ ]+"
        rf"(?:is[ ]+|was[ ]+|called[ ]+)?)|(?P<trigger>{trigger_words})[ ]+)(?=\S)"
    )
    ambiguous = frozenset(_fold(n) for n in data["ambiguous_first_names"])
    return _Lexicon(
        first_names=names | ambiguous,
        ambiguous=ambiguous,
        not_surnames=frozenset(_fold(n) for n in data["not_surnames"])
        | frozenset(_fold(n) for n in data["street_types"]),
        postcode_areas=frozenset(data["postcode_areas"]),
        safe_numbers=frozenset(re.sub(r"\D", "", n) for n in data["safe_phone_numbers"]),
        safe_prefixes=tuple(data["safe_phone_prefixes"]),
        safe_domains=tuple(d.lower() for d in data["safe_domains"]),
        tlds=frozenset(data["tlds"]),
        tlds_needing_path=frozenset(data["tlds_needing_a_path"]),
        lowercase_stop=frozenset(data["address_lowercase_words_not_street_names"]),
        address=address,
        address_lower=address_lower,
        name_cue=re.compile(name_cue),
        name_cue_any_case=re.compile(name_cue, re.IGNORECASE),
        street_cues=frozenset(t.lower() for t in data["street_types"]),
        titled=re.compile(
            r"\b(?:" + "|".join(map(re.escape, data["titles"])) + r")\.?[ ]+"
            rf"(?=[{_UPPER}])"
        ),
    )


# --- patterns that need no data -------------------------------------------------------------

# Vowel signs and viramas (Arabic, Bengali, Gurmukhi, combining accents) are not \w to
# Python, yet they sit inside words: a handle or an address runs on through them.
_MARKS = (
    "\u0300-\u036f"  # combining accents
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"  # Arabic and Urdu
    "\u0981-\u0983\u09bc-\u09d7"  # Bengali
    "\u0a01-\u0a03\u0a3c-\u0a51\u0a70\u0a71\u0a75"  # Gurmukhi
)
# Letters and digits of any script ([^\W_]): internationalised addresses and domains.
_EMAIL = re.compile(
    r"(?<![\w.+%-])[^\W_][\w.%+-" + _MARKS + r"]{0,63}@"
    r"[^\W_](?:[\w\-" + _MARKS + r"]{0,61}[^\W_])?(?:\.[\w-]{1,63})*\.[^\W\d_]{2,24}\b"
)
_URL_SCHEME = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`{}|\\^\[\]]+", re.IGNORECASE)
_URL_BARE = re.compile(
    r"(?<![\w@.\-/])((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,4}([a-z]{2,12}))\b"
    r"(/[^\s<>\"'`{}|\\^\[\]]*)?",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}'\"’”"
_HANDLE = re.compile(rf"(?<![\w@./])@([\w.{_MARKS}]{{1,30}})(?![\w@{_MARKS}])")
_LETTER = re.compile(r"[^\W\d]")
_TIME_LIKE = re.compile(r"\d{1,2}(?:[:.]\d{2})?(?:am|pm)?", re.IGNORECASE)
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2})(\d[A-Za-z\d]?)[ ]?(\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})"
    r"(?![A-Za-z0-9])"
)
# A cheap test before the (slow) phone matcher: nine or more digits close together.
_PHONE_FALLBACK = re.compile(r"(?<!\d)(?:\+44[ ]?(?:\(0\))?|0044[ ]?|0)\d(?:[ \-]?\d){8,9}(?!\d)")
_DIGIT = re.compile(r"\d")
_LETTER_DIGIT = re.compile(r"[A-Za-z]\d")
_LOWER_WORDS = re.compile(r"[a-z0-9]+")
# A bare domain needs a dot between two letters or digits: most answers have none.
_DOTTED = re.compile(r"[^\W_]\.[A-Za-z]")
_MANY_DIGITS = re.compile(r"\d(?:[ \-().]{0,2}\d){8}")
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞĪİŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŸŹŻŽȘȚ"
_CAPITALISED = re.compile(rf"(?<![\w'’@#/.\-])[{_UPPER}][^\W\d_]*(?:['’\-][^\W\d_]+)*")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_POSSESSIVES = frozenset({"'s", "’s", "'S", "’S"})
# After these, any capitalised word is taken for a name, listed or not.
_STRONG_TRIGGERS = frozenset({"named", "nameis", "nicknamed"})
_SENTENCE_END = '.!?\n\r:;"“”(<>•-–—*'


# --- finders: each yields (start, end, kind, priority) --------------------------------------

_Found = tuple[int, int, str, int]


def _find_emails(text: str) -> Iterator[_Found]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "email", _PRIORITY["email"]


def _is_safe_domain(host: str, lex: _Lexicon) -> bool:
    host = host.lower().removeprefix("www.")
    return any(host == d or host.endswith("." + d) for d in lex.safe_domains)


def _find_urls(text: str, lex: _Lexicon) -> Iterator[_Found]:
    if "." not in text:
        return
    for m in _URL_SCHEME.finditer(text) if "/" in text or "ww" in text.lower() else ():
        end = m.end()
        while end > m.start() and text[end - 1] in _URL_TRAILING:
            end -= 1
        host = re.sub(r"^(?:https?://)", "", text[m.start() : end], flags=re.IGNORECASE)
        if _is_safe_domain(re.split(r"[/?#:]", host, maxsplit=1)[0], lex):
            continue
        yield m.start(), end, "url", _PRIORITY["url"]
    if not _DOTTED.search(text):
        return
    for m in _URL_BARE.finditer(text):
        tld = m.group(2).lower()
        if tld not in lex.tlds or (tld in lex.tlds_needing_path and not m.group(3)):
            continue
        if m.group(1)[0].isdigit() and tld not in {"com", "org", "net", "uk"}:
            continue  # "2.5in" and the like
        if _is_safe_domain(m.group(1), lex):
            continue
        end = m.end()
        while end > m.start() and text[end - 1] in _URL_TRAILING:
            end -= 1
        yield m.start(), end, "url", _PRIORITY["url"]


def _find_handles(text: str) -> Iterator[_Found]:
    if "@" not in text:
        return
    for m in _HANDLE.finditer(text):
        handle = m.group(1).rstrip(".")
        if not handle or _TIME_LIKE.fullmatch(handle) or not _LETTER.search(handle):
            continue
        yield m.start(), m.start() + 1 + len(handle), "handle", _PRIORITY["handle"]


def _find_postcodes(text: str, lex: _Lexicon) -> Iterator[_Found]:
    if not _LETTER_DIGIT.search(text):
        return
    for m in _POSTCODE.finditer(text):
        if m.group(1).upper() in lex.postcode_areas:
            yield m.start(), m.end(), "postcode", _PRIORITY["postcode"]


def _is_personal_number(raw: str, number: phonenumbers.PhoneNumber, lex: _Lexicon) -> bool:
    digits = re.sub(r"\D", "", raw)
    national = str(number.national_number)
    if digits in lex.safe_numbers or ("0" + national) in lex.safe_numbers:
        return False
    if number.country_code == 44 and any(
        ("0" + national).startswith(p) or national.startswith(p) for p in lex.safe_prefixes
    ):
        return False
    international = raw.lstrip().startswith(("+", "00"))
    if number.country_code != 44:
        return international and len(national) >= 8
    if len(national) < 9:
        return False
    # Without a leading 0 or country code, only a 10-digit mobile is likely ("7700 900123").
    return (
        digits.startswith(("0", "44"))
        or international
        or (len(digits) == 10 and digits.startswith("7"))
    )


def _find_phones(text: str, lex: _Lexicon) -> Iterator[_Found]:
    if not _MANY_DIGITS.search(text):
        return
    try:
        matches = list(
            phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
        )
    except Exception:
        # A bug in the library must not let a number through an export: fall back to a
        # plain pattern for UK numbers.
        for plain in _PHONE_FALLBACK.finditer(text):
            if re.sub(r"\D", "", plain.group()) not in lex.safe_numbers:
                yield plain.start(), plain.end(), "phone", _PRIORITY["phone"]
        return
    for m in matches:
        if _is_personal_number(m.raw_string, m.number, lex):
            start = m.start
            if m.raw_string.startswith("(") and ")" not in m.raw_string:
                start += 1  # "(07700 900123)": the bracket is the writer's, not the number's
            yield start, m.end, "phone", _PRIORITY["phone"]


def _find_addresses(text: str, lex: _Lexicon, words: frozenset[str]) -> Iterator[_Found]:
    if words.isdisjoint(lex.street_cues) or not _DIGIT.search(text):
        return
    for m in lex.address.finditer(text):
        yield m.start(), m.end(), "address", _PRIORITY["address"]
    for m in lex.address_lower.finditer(text):
        if any(w in lex.lowercase_stop for w in m.group("words").split()):
            continue
        yield m.start("address"), m.end("address"), "address", _PRIORITY["address"]


@lru_cache(maxsize=64)
def _local_names_pattern(local_names: tuple[str, ...]) -> re.Pattern[str] | None:
    phrases = []
    for raw in local_names:
        words = raw.split()
        if not words:
            continue
        optional_the = words[0].lower() == "the" and len(words) > 1
        if optional_the:
            words = words[1:]
        body = r"\s+".join(re.escape(w).replace("'", "['’]?").replace("’", "['’]?") for w in words)
        phrases.append((len(raw), rf"(?:the\s+)?{body}" if optional_the else body))
    if not phrases:
        return None
    alternation = "|".join(p for _, p in sorted(phrases, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def _find_local_names(text: str, local_names: tuple[str, ...]) -> Iterator[_Found]:
    pattern = _local_names_pattern(local_names)
    if pattern is None:
        return
    for m in pattern.finditer(text):
        yield m.start(), m.end(), "name", _LOCAL_NAME_PRIORITY


def _starts_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _strip_possessive(word: str) -> str:
    return word[:-2] if word[-2:] in _POSSESSIVES else word


def _word_at(text: str, start: int) -> tuple[int, int] | None:
    m = _WORD.match(text, start)
    if m is None:
        return None
    return m.start(), m.start() + len(_strip_possessive(m.group()))


def _surname_end(text: str, end: int, lex: _Lexicon) -> int | None:
    """End of a capitalised surname straight after a given name, if there is one."""
    if end >= len(text) or text[end] != " ":
        return None
    m = _CAPITALISED.match(text, end + 1)
    if m is None:
        return None
    word = _strip_possessive(m.group())
    if _fold(word) in lex.not_surnames or len(word) < 2:
        return None
    return m.start() + len(word)


def _find_names(text: str, lex: _Lexicon, lowered: str) -> Iterator[_Found]:
    priority = _PRIORITY["name"]
    # A given name after "my mate", "named", "my name is"...
    if len(lowered) == len(text):
        cues = lex.name_cue.finditer(lowered)
    else:
        cues = lex.name_cue_any_case.finditer(text)
    for m in cues:
        found = _word_at(text, m.end())
        if found is None:
            continue
        start, end = found
        word = text[start:end]
        key = _fold(word)
        trigger = m.group("trigger")
        strong = trigger is None or _fold(trigger).replace(" ", "") in _STRONG_TRIGGERS
        known = key in lex.first_names
        capital_stranger = (
            strong and word[0].isupper() and key not in lex.not_surnames and len(word) > 1
        )
        if not (known or capital_stranger):
            continue
        surname = _surname_end(text, end, lex)
        yield start, surname or end, "name", priority
    for m in lex.titled.finditer(text):
        surname = _surname_end(text, m.end() - 1, lex)
        if surname is not None:
            yield m.end(), surname, "name", priority
    # Capitalised given names anywhere, with the surname after them.
    for m in _CAPITALISED.finditer(text):
        word = _strip_possessive(m.group())
        key = _fold(word)
        if key not in lex.first_names:
            continue
        end = m.start() + len(word)
        surname = _surname_end(text, end, lex)
        if key in lex.ambiguous and (surname is None or _starts_sentence(text, m.start())):
            continue
        yield m.start(), surname or end, "name", priority


def _choose(found: Iterable[_Found]) -> list[Span]:
    """Keep the highest-priority, then longest, findings that do not overlap."""
    chosen: list[tuple[int, int, str]] = []
    ranked = sorted(found, key=lambda f: (-f[3], -(f[1] - f[0]), f[0]))
    for start, end, kind, _ in ranked:
        if end <= start:
            continue
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))
    return [Span(s, e, k) for s, e, k in sorted(chosen)]


@lru_cache(maxsize=1)
def _ascii_forms() -> dict[int, int]:
    """Each decimal digit of another script, and each full-width form, to its ASCII
    character: one character for one, so positions in the text do not move."""
    table: dict[int, int] = {}
    for code in range(0x80, 0x10000):
        digit = unicodedata.decimal(chr(code), None)
        if digit is not None:
            table[code] = ord("0") + digit
    for code in range(0xFF01, 0xFF5F):  # full-width ! to ~
        table[code] = code - 0xFEE0
    table[0x3000] = ord(" ")  # ideographic space
    return table


def find_spans(text: str, *, local_names: Iterable[str] = ()) -> tuple[Span, ...]:
    """Every personal detail in ``text``, in order and not overlapping."""
    if not text:
        return ()
    if not text.isascii():
        text = text.translate(_ascii_forms())
    lex = _lexicon()
    local = tuple(n for n in local_names if n and n.strip())
    lowered = text.lower()
    words = frozenset(_LOWER_WORDS.findall(lowered))
    found: list[_Found] = []
    found.extend(_find_emails(text))
    found.extend(_find_urls(text, lex))
    found.extend(_find_handles(text))
    found.extend(_find_phones(text, lex))
    found.extend(_find_postcodes(text, lex))
    found.extend(_find_addresses(text, lex, words))
    found.extend(_find_local_names(text, local))
    found.extend(_find_names(text, lex, lowered))
    return tuple(_choose(found))


def redact(text: str, *, local_names: Iterable[str] = ()) -> Redacted:
    """Replace each personal detail with a typed placeholder such as ``[phone]``."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    spans = find_spans(text, local_names=local_names)
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(f"[{span.kind}]")
        position = span.end
    parts.append(text[position:])
    return Redacted("".join(parts), spans)


def redact_text(text: str, *, local_names: Iterable[str] = ()) -> str:
    """The redacted text alone."""
    return redact(text, local_names=local_names).text


def redact_series(texts: pd.Series, *, local_names: Iterable[str] = ()) -> pd.Series:
    """Redact every text in a Series; missing values stay missing, the index is kept."""
    local = tuple(local_names)

    def one(value: object) -> object:
        if isinstance(value, str):
            return redact(value, local_names=local).text
        return value

    return texts.map(one)
