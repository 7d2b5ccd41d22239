"""Translations of the starter templates, shipped as data and applied to new surveys.

``starters/translations/source.json`` lists every starter string by content key, per
block (``young_people``, ``parents``, ``community``, ``demographics``), in English;
translators return a ``<language>.json`` of the same shape with a ``_meta`` entry
saying whether it is a draft. Page keys count from the block's first page
(``section.0.title``): the demographic block is appended after a starter's own pages,
or after whatever pages a survey already has, so its pages are renumbered on the way in.

A translation is applied only where the new survey's text is still the starter's
text (an officer may have typed a different title), and is stored for every shipped
language. The survey is still offered in its source language alone: every shipped
translation is a draft, so offering one to the public is the officer's decision, on
the Translations page, where the draft status is shown.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from engage.surveys.content import source_hash, source_strings
from engage.surveys.models import ContentTranslation, Survey

BLOCKS = ("young_people", "parents", "community", "demographics")
FOLDER = "starters/translations"
SOURCE_FILE = "source.json"
META = "_meta"


def _starter_spec(block: str) -> dict[str, Any]:
    text = resources.files("engage.surveys").joinpath(f"starters/{block}.json").read_text("utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


def block_strings(block: str) -> dict[str, str]:
    """Every translatable string of one starter block, by key, in the starter's order."""
    spec = _starter_spec(block)
    found: dict[str, str] = {}

    def add(key: str, text: str | None) -> None:
        if text and text.strip():
            found[key] = text

    if block != "demographics":
        add("survey.title", spec.get("title"))
        add("survey.introduction", spec.get("introduction"))
    for position, section in enumerate(spec["sections"]):
        add(f"section.{position}.title", section["title"])
        add(f"section.{position}.intro", section.get("intro"))
        for question in section.get("questions", []):
            key = question["key"]
            add(f"question.{key}.text", question["text"])
            add(f"question.{key}.hint", question.get("hint"))
            for option in question.get("options", []):
                add(f"question.{key}.option.{option['code']}", option["label"])
    return found


def source_catalogue() -> dict[str, Any]:
    """What ``source.json`` holds: the English of every starter string, by block and key."""
    return {
        META: {
            "note": "Every string of Engage's starter templates, by content key. Translate "
            "the values into <language>.json with the same blocks and keys; keep every "
            "{placeholder} as it is; set _meta.draft to false once a fluent speaker has "
            "checked the file.",
        },
        **{block: block_strings(block) for block in BLOCKS},
    }


def write_source_catalogue() -> Path:
    """Write ``source.json`` beside the starters (in the source tree, for translators)."""
    path = Path(__file__).resolve().parent / FOLDER / SOURCE_FILE
    text = json.dumps(source_catalogue(), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def shipped_languages() -> list[str]:
    folder = resources.files("engage.surveys").joinpath(FOLDER)
    return sorted(
        entry.name.removesuffix(".json")
        for entry in folder.iterdir()
        if entry.name.endswith(".json") and entry.name != SOURCE_FILE
    )


@lru_cache(maxsize=16)
def _read(language: str) -> str:
    path = resources.files("engage.surveys").joinpath(f"{FOLDER}/{language}.json")
    return path.read_text("utf-8")


def load_language(language: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_read(language))
    return data


def _renumber(key: str, offset: int) -> str:
    parts = key.split(".")
    if parts[0] == "section" and offset:
        parts[1] = str(int(parts[1]) + offset)
    return ".".join(parts)


def apply_starter_translations(survey: Survey, block: str, *, offset: int) -> int:
    """Store the shipped translations of a starter block for a survey just built from it.

    ``offset`` is the position of the block's first page in the survey. Returns how
    many translations were added.
    """
    english = block_strings(block)
    current = {s.key: s.text for s in source_strings(survey)}
    have = {(t.language, t.key) for t in survey.translations}
    area_options = _area_options(survey, english)
    added = 0
    for language in shipped_languages():
        texts: dict[str, str] = dict(load_language(language).get(block) or {})
        if not texts:
            continue
        wanted = {
            _renumber(key, offset): text
            for key, text in texts.items()
            if key in english
            and text.strip()
            # The officer's text, not the starter's: the translation would not match it.
            and current.get(_renumber(key, offset)) == english[key]
        }
        # Places keep their names: the area question's options, built from the survey's
        # areas, are stored as they are in every language the block is translated into.
        wanted.update({key: current[key] for key in area_options})
        for key, text in wanted.items():
            if (language, key) in have:
                continue
            survey.translations.append(
                ContentTranslation(
                    key=key, language=language, text=text, source_hash=source_hash(current[key])
                )
            )
            added += 1
    return added


def _area_options(survey: Survey, english: dict[str, str]) -> list[str]:
    keys = []
    for question in survey.questions:
        if question.demographic == "area" and f"question.{question.key}.text" in english:
            keys += [
                f"question.{question.key}.option.{o.code}"
                for o in question.options
                if o.code in survey.area_codes
            ]
    return keys
