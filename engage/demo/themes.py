"""What the demo's respondents write: theme sentences, short answers, styling and typos.

The free text is built from each respondent's themes (what they talk about), in a
young person's or an adult's voice, with the slips, slang and personal details real
answers have, so redaction, safeguarding and theme coding have something to find.
The texts are data, in ``data/themes.json`` and ``data/texts.json``. Also the
seed-term code suggestions the themes pages start from.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engage.demo.datafiles import load
from engage.demo.plans import pick
from engage.surveys.models import Survey


@dataclass(frozen=True)
class Theme:
    short_bad: tuple[str, ...]
    short_ask: tuple[str, ...]
    youth_bad: tuple[str, ...]
    youth_ask: tuple[str, ...]
    adult_bad: tuple[str, ...]
    adult_ask: tuple[str, ...]


def _strings(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(values)


def _by_voice(values: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    return {voice: _strings(values[voice]) for voice in ("youth", "adult")}


_THEMES = load("themes")
# Sentence slots ({place}, {at_place}, {time}, {son}/{daughter}/{kid}, {estate}) are
# filled from texts.json by _fill.
THEMES: dict[str, Theme] = {
    key: Theme(**{part: _strings(lines) for part, lines in parts.items()})
    for key, parts in _THEMES["themes"].items()
}
# How often each audience raises each theme: parents and the community as young people
# do, with their own changes.
_WEIGHTS = _THEMES["weights"]
BASE_THEMES: dict[str, dict[str, float]] = {
    "young_people": _WEIGHTS["young_people"],
    "parents": {**_WEIGHTS["young_people"], **_WEIGHTS["parents"]},
    "community": {**_WEIGHTS["young_people"], **_WEIGHTS["community"]},
}
# Which multiple-choice options someone who raises a theme tends to tick, in any survey.
THEME_CODES: dict[str, frozenset[str]] = {
    key: frozenset(codes) for key, codes in _THEMES["ticks"].items()
}

_TEXTS = load("texts")
PLACES = _strings(_TEXTS["places"])
AT_PLACES = _strings(_TEXTS["at_places"])
TIMES = _strings(_TEXTS["times"])
ESTATES = _strings(_TEXTS["estates"])
CHILDREN: dict[str, dict[str, tuple[str, ...]]] = {
    audience: {who: _strings(names) for who, names in children.items()}
    for audience, children in _TEXTS["children"].items()
}
NOTHING = _by_voice(_TEXTS["nothing"])
WHY_NOT_TELL = _strings(_TEXTS["why_not_tell"])
PARENT_SUPPORT = _strings(_TEXTS["parent_support"])
DISCLOSURES: dict[str, tuple[str, ...]] = {
    audience: _strings(texts) for audience, texts in _TEXTS["disclosures"].items()
}
OPENERS = _by_voice(_TEXTS["openers"])
JOINERS = _strings(_TEXTS["joiners"])
CLOSERS = _by_voice(_TEXTS["closers"])
YOUTH_ENDINGS = _strings(_TEXTS["youth_endings"])
TEXT_SWAPS: tuple[tuple[str, str], ...] = tuple(
    (str(pattern), str(replacement)) for pattern, replacement in _TEXTS["text_swaps"]
)
FIRST_NAMES = _strings(_TEXTS["first_names"])
STREETS = _strings(_TEXTS["streets"])
HANDLE_ENDINGS = _strings(_TEXTS["handle_endings"])
# Detail kind -> voice -> a sentence with the detail's slot ({number}, {handle}, ...).
PERSONAL_DETAILS: dict[str, dict[str, str]] = _TEXTS["personal_details"]


def suggest_codes(session: Session, survey: Survey) -> None:
    """Seed-term suggestions for the sample's free text, so the themes pages have codes
    to review from the start (the partnership codebook is created on first use)."""
    from engage.themes.answers import text_questions
    from engage.themes.model import refresh_suggestions

    for question in text_questions(survey):
        refresh_suggestions(session, question)


# ---------------------------------------------------------------- free text


def _text_kind(key: str) -> str:
    if "why_not" in key:
        return "why_not"
    if "support" in key:
        return "support"
    if "unsafe" in key or "worr" in key:
        return "bad"
    if "difference" in key or "help" in key:
        return "ask"
    return "message"


def write_answer(rng: random.Random, key: str, audience: str, themes: Sequence[str]) -> str:
    """A free-text answer to the question ``key`` from someone who raises ``themes``."""
    youth = audience == "young_people"
    kind = _text_kind(key)
    roll = rng.random()
    if roll < (0.1 if youth else 0.06):
        return rng.choice(NOTHING["youth" if youth else "adult"])
    if roll < (0.12 if youth else 0.075) and kind in ("bad", "message", "why_not"):
        disclosure = rng.choice(DISCLOSURES[audience])
        return _style(rng, disclosure, youth) if youth else disclosure
    sentences = _sentences(rng, kind, audience, themes)
    text = " ".join(sentences)
    if rng.random() < 0.03:
        text = _with_personal_detail(rng, text, youth)
    return _style(rng, text, youth)


def _sentences(rng: random.Random, kind: str, audience: str, themes: Sequence[str]) -> list[str]:
    youth = audience == "young_people"
    raised = list(themes)
    if rng.random() < 0.5:
        raised.append(pick(rng, BASE_THEMES[audience]))

    def pool(theme: str, ask: bool) -> tuple[str, ...]:
        t = THEMES[theme]
        if youth:
            return t.youth_ask if ask else t.youth_bad
        return t.adult_ask if ask else t.adult_bad

    if kind == "why_not":
        count = rng.choices((1, 2, 3), weights=(0.6, 0.3, 0.1))[0]
        reasons = rng.sample(WHY_NOT_TELL, count)
        if rng.random() < 0.3:
            reasons.append(rng.choice(pool(raised[0], False)))
        return [_fill(rng, line, audience) for line in reasons]

    length = rng.random()
    ask = kind in ("ask", "support")
    if length < 0.2:
        t = THEMES[raised[0]]
        return [rng.choice(t.short_ask if ask else t.short_bad)]
    count = 1 if length < 0.62 else 2 if length < 0.9 else 3
    lines: list[str] = []
    used: set[str] = set()
    complaint_first = kind == "bad"
    for n in range(count):
        theme = raised[n % len(raised)]
        if kind == "support" and rng.random() < 0.5:
            options: tuple[str, ...] = PARENT_SUPPORT
        elif kind == "message":
            # A message to leaders usually says what is wrong, then what to do about it.
            asking = n > 0 or rng.random() < 0.55
            complaint_first = complaint_first or (n == 0 and not asking)
            options = pool(theme, asking)
        else:
            options = pool(theme, ask)
        fresh = [o for o in options if o not in used]
        if not fresh:
            continue
        template = rng.choice(fresh)
        used.add(template)
        lines.append(_fill(rng, template, audience))
    if not lines:
        return [rng.choice(THEMES[raised[0]].short_ask if ask else THEMES[raised[0]].short_bad)]
    if complaint_first and rng.random() < 0.3 and not lines[0].startswith(("I ", "I'", "{")):
        opener = rng.choice(OPENERS["youth" if youth else "adult"])
        lines[0] = f"{opener}, {lines[0][0].lower()}{lines[0][1:]}"
    for n in range(1, len(lines)):
        if rng.random() < 0.25 and not lines[n].startswith(("I ", "I'")):
            joiner = rng.choice(JOINERS)
            lines[n] = f"{joiner} {lines[n][0].lower()}{lines[n][1:]}"
    if rng.random() < 0.2:
        lines.append(rng.choice(CLOSERS["youth" if youth else "adult"]))
    return lines


def _fill(rng: random.Random, template: str, audience: str) -> str:
    children = CHILDREN.get(audience, CHILDREN["community"])
    son, daughter = rng.choice(children["son"]), rng.choice(children["daughter"])
    text = template.format(
        place=rng.choice(PLACES),
        at_place=rng.choice(AT_PLACES),
        time=rng.choice(TIMES),
        estate=rng.choice(ESTATES),
        son=son,
        daughter=daughter,
        kid=rng.choice((son, daughter)),
    )
    return text[0].upper() + text[1:]


def _with_personal_detail(rng: random.Random, text: str, youth: bool) -> str:
    """Details respondents are asked not to give but sometimes do; redaction has to find them."""
    name = rng.choice(FIRST_NAMES)
    detail = rng.choice(("phone", "handle", "address", "name"))
    if detail == "phone":
        slots = {"number": f"07700 900{rng.randint(0, 999):03d}"}  # Ofcom's range for drama
    elif detail == "handle":
        slots = {"handle": f"{name.lower()}{rng.choice(HANDLE_ENDINGS)}"}
    elif detail == "address":
        slots = {"where": f"{rng.randint(2, 140)} {rng.choice(STREETS)}"}
    else:
        slots = {"name": name}
    extra = PERSONAL_DETAILS[detail]["youth" if youth else "adult"].format(**slots)
    separator = " " if text.endswith((".", "!", "?")) else ". "
    return f"{text}{separator}{extra}"


def _style(rng: random.Random, text: str, youth: bool) -> str:
    """Make typed answers look typed: young people's more than adults'."""
    if youth:
        if rng.random() < 0.55:
            text = text.replace("'", "")
        if rng.random() < 0.35:
            for pattern, replacement in TEXT_SWAPS:
                if rng.random() < 0.6:
                    text = re.sub(pattern, replacement, text)
        if rng.random() < 0.3:
            text = text.lower()
        if rng.random() < 0.4:
            text = text.rstrip(".")
        if rng.random() < 0.08:
            text = text.rstrip(".") + rng.choice(YOUTH_ENDINGS)
    elif rng.random() < 0.05:
        text = text.rstrip(".") + "!!"
    if rng.random() < (0.25 if youth else 0.1):
        text = _typo(rng, text)
    return text


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randint(1, len(word) - 3)
    how = rng.random()
    if how < 0.4:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # swapped letters
    elif how < 0.7:
        word = word[:j] + word[j + 1 :]  # dropped letter
    else:
        word = word[:j] + word[j] + word[j:]  # doubled letter
    words[i] = word
    return " ".join(words)
