"""The interface catalogues: in step with the source, placeholders intact, complete.

The source is extracted afresh, so a string added in English only, or a catalogue
not updated since, fails here; so does any shipped catalogue with a missing,
untranslated or fuzzy message.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from engage.gettext import TRANSLATIONS, catalogue_path
from engage.i18n import EASY_READ, LANGUAGES, SOURCE

ROOT = Path(__file__).resolve().parent.parent
# The same options as `make translations-update` (the Makefile's BABEL_EXTRACT).
EXTRACT = ["-F", "babel.cfg", "-k", "N_", "-k", "counted:1,2", "-c", "Translators:"]
SHIPPED = [code for code in LANGUAGES if code != SOURCE]
DRAFTED = ["cy", EASY_READ]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def key(message: Message) -> str | tuple[str, ...]:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def messages(catalog: Catalog) -> dict[str | tuple[str, ...], Message]:
    return {key(m): m for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str | tuple[str, ...], Message]:
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", "-q", "extract", *EXTRACT, "-o", str(out), "."])
    finally:
        os.chdir(here)
    return messages(read(out))


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def forms(message: Message) -> list[str]:
    if isinstance(message.string, str):
        return [message.string]
    return list(message.string)


def test_the_template_is_current(extracted) -> None:
    template = messages(read(TRANSLATIONS / "messages.pot"))
    assert set(extracted) - set(template) == set(), "run make translations-update"
    assert set(template) - set(extracted) == set(), "run make translations-update"
    assert len(extracted) > 100  # every respondent page's words, not a handful


@pytest.mark.parametrize("code", SHIPPED)
def test_every_catalogue_holds_every_message_from_the_source(extracted, code) -> None:
    found = messages(read(catalogue_path(LANGUAGES[code])))
    missing = set(extracted) - set(found)
    stale = set(found) - set(extracted)
    assert not missing, (
        f"{code}: {len(missing)} messages missing, e.g. {sorted(map(str, missing))[:3]}"
    )
    assert not stale, f"{code}: {len(stale)} messages no longer in the source"


@pytest.mark.parametrize("code", SHIPPED)
def test_plural_forms_are_cldr_rules_for_the_locale(code) -> None:
    language = LANGUAGES[code]
    catalog = read(catalogue_path(language))
    expected = Catalog(locale=Locale.parse(language.locale_id)).plural_forms
    assert catalog.plural_forms == expected
    for message in catalog:
        if message.id and message.pluralizable and any(forms(message)):
            assert len(forms(message)) == catalog.num_plurals, (code, message.id)


@pytest.mark.parametrize("code", SHIPPED)
def test_translations_keep_their_placeholders(code) -> None:
    for message in read(catalogue_path(LANGUAGES[code])):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[-1]
        wanted = placeholders(english)
        for text in forms(message):
            if not text:
                continue
            got = placeholders(text)
            # A plural form may leave the count out ("un cymeriad"); nothing else.
            assert got <= wanted and wanted - got <= {"num"}, (code, message.id, text)
            values = dict.fromkeys(wanted, "1")
            assert text % values if values else text  # a valid %-format string


@pytest.mark.parametrize("code", DRAFTED)
def test_drafted_catalogues_are_complete_and_say_they_are_drafts(code) -> None:
    catalog = read(catalogue_path(LANGUAGES[code]))
    assert "DRAFT" in catalog.header_comment
    problems = [m.id for m in catalog if m.id and (m.fuzzy or not all(forms(m)))]
    assert problems == []


@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_catalogue_is_fully_translated(code) -> None:
    catalog = read(catalogue_path(LANGUAGES[code]))
    untranslated = [m.id for m in catalog if m.id and not all(forms(m))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{code}: {len(untranslated)} untranslated"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy"
