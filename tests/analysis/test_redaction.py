import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.analysis.redaction import KINDS, Redacted, redact, redact_series, redact_text

CORPORA = Path(__file__).parent / "corpora"


def load_redaction_corpus() -> tuple[list[dict], list[str]]:
    """The marked-up corpus (text, expected spans, split) and the local names it assumes."""
    with (CORPORA / "redaction.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    local_names = json.loads((CORPORA / "redaction_local_names.json").read_text(encoding="utf-8"))
    return rows, local_names


@dataclass
class SpanScores:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def recall(self, kind: str | None = None) -> float:
        tp = self.tp[kind] if kind else sum(self.tp.values())
        fn = self.fn[kind] if kind else sum(self.fn.values())
        return tp / (tp + fn) if tp + fn else math.nan

    def precision(self, kind: str | None = None) -> float:
        tp = self.tp[kind] if kind else sum(self.tp.values())
        fp = self.fp[kind] if kind else sum(self.fp.values())
        return tp / (tp + fp) if tp + fp else math.nan

    def table(self) -> str:
        lines = [f"{'kind':<9} {'expected':>8} {'found':>6} {'recall':>7} {'precision':>9}"]
        for kind in (*KINDS, None):
            expected = (
                (self.tp[kind] + self.fn[kind]) if kind else sum((self.tp + self.fn).values())
            )
            found = (self.tp[kind] + self.fp[kind]) if kind else sum((self.tp + self.fp).values())
            lines.append(
                f"{kind or 'all':<9} {expected:>8} {found:>6} "
                f"{self.recall(kind):>7.3f} {self.precision(kind):>9.3f}"
            )
        return "\n".join(lines)


def _norm(value: str) -> str:
    return value.strip(" .,;:!?'\"").lower()


def score_redaction(
    rows: list[dict], local_names: list[str], split: str | None = None
) -> SpanScores:
    """Per item, a found span counts when its kind and text match an expected span."""
    scores = SpanScores()
    for row in rows:
        if split and row["split"] != split:
            continue
        found = redact(row["text"], local_names=local_names)
        predicted = [(s.kind, _norm(row["text"][s.start : s.end])) for s in found.spans]
        remaining = [(e["kind"], _norm(e["value"])) for e in row["expected"]]
        for item in predicted:
            if item in remaining:
                remaining.remove(item)
                scores.tp[item[0]] += 1
            else:
                scores.fp[item[0]] += 1
        for kind, _ in remaining:
            scores.fn[kind] += 1
    return scores


# --- the corpus ------------------------------------------------------------------------------


def test_corpus_is_big_enough_and_well_formed() -> None:
    rows, _ = load_redaction_corpus()
    assert len(rows) >= 150
    assert sum(1 for r in rows if not r["expected"]) >= 40  # look-alikes that must survive
    for row in rows:
        assert row["split"] in {"tuning", "heldout"}
        for expected in row["expected"]:
            assert expected["kind"] in KINDS
            assert expected["value"] in row["text"]
    assert {e["kind"] for r in rows for e in r["expected"]} == set(KINDS)


def test_corpus_recall_and_precision() -> None:
    rows, local_names = load_redaction_corpus()
    overall = score_redaction(rows, local_names)
    for split in ("tuning", "heldout"):
        part = score_redaction(rows, local_names, split)
        print(f"\nredaction {split}: recall {part.recall():.3f} precision {part.precision():.3f}")
    print(f"\nredaction corpus, {len(rows)} answers:\n{overall.table()}")
    assert overall.recall() >= 0.95
    assert overall.precision() >= 0.9
    heldout = score_redaction(rows, local_names, "heldout")
    assert heldout.recall() >= 0.9
    assert heldout.precision() >= 0.9


# --- rules from the brief --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("call 07700 900123 tonight", "07700 900123"),
        ("my number +44 7700 900123", "+44 7700 900123"),
        ("office 0121 496 0000 ok", "0121 496 0000"),
        ("ring (0121) 4960000 now", "(0121) 4960000"),
        ("text 07700900123", "07700900123"),
    ],
)
def test_phone_numbers_are_redacted(text: str, value: str) -> None:
    result = redact(text)
    assert [s.kind for s in result.spans] == ["phone"]
    assert text[result.spans[0].start : result.spans[0].end] == value
    assert "[phone]" in result.text and value not in result.text


@pytest.mark.parametrize(
    "text",
    [
        "ring 999 in an emergency",
        "call 111 or 101",
        "Childline is 0800 1111",
        "Samaritans 116 123",
        "Crimestoppers 0800 555 111",
        "in 2019 it got worse, in 2023 too",
        "it costs £5, or £12.50 online",
        "open 24/7",
        "home by 10pm, bus at 22:30",
        "I'm 15 and in Year 10",
        "the A1 and the M6",
        "the 74 bus",
        "about 50% of people",
        "Police never come",
        "Parks are dark",
        "Birmingham and Dudley are fine",
        "it's a B15 thing",
        "Will this change anything? Hope so. Grace at school is calm",
        "see childline.org.uk or fearless.org",
        "meet @ 5pm",
    ],
)
def test_look_alikes_survive(text: str) -> None:
    result = redact(text)
    assert result.spans == ()
    assert result.text == text


def test_emails_urls_handles_postcodes() -> None:
    text = (
        "email jay.k@example.com, snap @jaylen.x, see snapchat.com/add/x or "
        "https://example.org/a?b=1 and www.example.net; I live in b152tt near DY1 1AA."
    )
    result = redact(text)
    found = [(s.kind, text[s.start : s.end]) for s in result.spans]
    assert found == [
        ("email", "jay.k@example.com"),
        ("handle", "@jaylen.x"),
        ("url", "snapchat.com/add/x"),
        ("url", "https://example.org/a?b=1"),
        ("url", "www.example.net"),
        ("postcode", "b152tt"),
        ("postcode", "DY1 1AA"),
    ]
    assert result.text == (
        "email [email], snap [handle], see [url] or [url] and [url]; "
        "I live in [postcode] near [postcode]."
    )


@pytest.mark.parametrize(
    "address", ["12 Oak Road", "flat 3, 45 High St", "221b Baker Street", "7 Cherry Tree Avenue"]
)
def test_addresses(address: str) -> None:
    text = f"they hang about at {address} every night"
    result = redact(text)
    assert [(s.kind, text[s.start : s.end]) for s in result.spans] == [("address", address)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Jaylen Smith sells at the gates", ["Jaylen Smith"]),
        ("I told Aisha Khan about it", ["Aisha Khan"]),
        ("my mate jaylen got robbed", ["jaylen"]),
        ("my brother Tyreece got stopped", ["Tyreece"]),
        ("a girl called zainab got jumped", ["zainab"]),
        ("my name is Grace", ["Grace"]),
        ("I saw Will Smith there", ["Will Smith"]),
        ("Kacper and Oliwia walk home together", ["Kacper", "Oliwia"]),
    ],
)
def test_names(text: str, names: list[str]) -> None:
    result = redact(text)
    assert [text[s.start : s.end] for s in result.spans if s.kind == "name"] == names


def test_local_names_match_whole_phrases_ignoring_case() -> None:
    local = ["Oak Park School", "Brierley Hill estate", "the Lye boys"]
    text = "OAK PARK SCHOOL kids and the lye boys fight; Lye boys again; Oak Parks School no"
    result = redact(text, local_names=local)
    assert [text[s.start : s.end] for s in result.spans] == [
        "OAK PARK SCHOOL",
        "the lye boys",
        "Lye boys",
    ]
    assert redact_text("brierley hill estate is rough", local_names=local) == "[name] is rough"


def test_spans_point_into_the_original_and_rebuild_the_text() -> None:
    text = "Aisha Khan (07700 900123) lives at 12 Oak Road, DY1 1AA 😭"
    result = redact(text)
    assert isinstance(result, Redacted)
    rebuilt, position = [], 0
    for span in result.spans:
        rebuilt += [text[position : span.start], f"[{span.kind}]"]
        position = span.end
    rebuilt.append(text[position:])
    assert "".join(rebuilt) == result.text
    assert result.text == "[name] ([phone]) lives at [address], [postcode] 😭"


def test_redact_series_keeps_index_and_missing_values() -> None:
    texts = pd.Series(["call 07700 900123", None, "fine", math.nan], index=[10, 11, 12, 13])
    out = redact_series(texts)
    assert list(out.index) == [10, 11, 12, 13]
    assert out[10] == "call [phone]"
    assert pd.isna(out[11]) and out[12] == "fine" and pd.isna(out[13])
    assert texts[10] == "call 07700 900123"  # input untouched


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😭😭😭🔪🔪",
        "ما في شي للشباب هون 07700 900123",
        "Młodzi ludzie — Michał Nowak — potrzebują więcej miejsc",
        "<script>alert('x')</script><p>call <b>07700 900123</b> &amp; <a href='https://example.com'>x</a></p>",
        "\x00\x01\u200b\ufeff",
        "İstanbul ǅemal ß ﬁ",
    ],
)
def test_odd_text_never_fails(text: str) -> None:
    result = redact(text)
    assert all(0 <= s.start < s.end <= len(text) for s in result.spans)


def test_long_text() -> None:
    unit = "Jaylen Smith on 07700 900123 at 12 Oak Road B15 2TT, the 74 bus in 2019. "
    text = (unit * 200)[:10_000]
    result = redact(text)
    assert "07700 900123" not in result.text
    assert sum(1 for s in result.spans if s.kind == "phone") >= 130


# --- properties ------------------------------------------------------------------------------

_SAFE_TEXT = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Zs", "So"), exclude_characters="@"),
    max_size=60,
)


@st.composite
def personal_details(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(["phone", "email", "postcode", "handle"]))
    if kind == "phone":
        tail = draw(st.integers(0, 999))
        value = draw(
            st.sampled_from(
                [
                    f"07700 900{tail:03d}",
                    f"+44 7700 900{tail:03d}",
                    f"07700900{tail:03d}",
                    f"0121 496 0{tail:03d}",
                ]
            )
        )
    elif kind == "email":
        local = draw(st.from_regex(r"[a-z][a-z0-9._]{0,10}[a-z0-9]", fullmatch=True))
        value = f"{local}@example.{draw(st.sampled_from(['com', 'org', 'co.uk', 'net']))}"
    elif kind == "postcode":
        area = draw(st.sampled_from(["B", "DY", "WV", "WS", "CV", "SW", "M", "E"]))
        inward = draw(st.from_regex(r"[0-9][ABDEFGHJLNPQRSTUWXYZ]{2}", fullmatch=True))
        gap = draw(st.sampled_from([" ", ""]))
        value = f"{area}{draw(st.integers(1, 20))}{gap}{inward}"
        if draw(st.booleans()):
            value = value.lower()
    else:
        value = "@" + draw(st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True))
    return kind, value


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_never_raises_and_spans_are_sound(text: str) -> None:
    result = redact(text, local_names=["Oak Park School", "the Lye boys"])
    previous_end = 0
    for span in result.spans:
        assert span.kind in KINDS
        assert previous_end <= span.start < span.end <= len(text)
        previous_end = span.end


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=2000, max_size=10_000))
def test_long_arbitrary_text_never_raises(text: str) -> None:
    redact(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_SAFE_TEXT, personal_details(), _SAFE_TEXT)
def test_generated_details_never_survive(before: str, detail: tuple[str, str], after: str) -> None:
    _, value = detail
    text = f"{before} {value} {after}"
    result = redact(text)
    assert value not in result.text


# --- other languages and scripts -------------------------------------------------------------

# (text, [(kind, value)]): answers in the languages Engage is offered in, with
# details written in their own digits and letters.
IN_OTHER_SCRIPTS = [
    # Urdu, Extended Arabic-Indic digits
    ("میرا نمبر ۰۷۷۰۰ ۹۰۰۱۲۳ ہے، مجھے کال کریں", [("phone", "۰۷۷۰۰ ۹۰۰۱۲۳")]),
    ("میرا انسٹا @علی_۹۹ ہے", [("handle", "@علی_۹۹")]),
    # Arabic, Arabic-Indic digits, an email and a link with Arabic letters
    ("اتصل بي على ٠٧٧٠٠ ٩٠٠٤٥٦ بعد المدرسة", [("phone", "٠٧٧٠٠ ٩٠٠٤٥٦")]),
    ("راسلني على سارة@مثال.com من فضلك", [("email", "سارة@مثال.com")]),
    ("شاهد https://مثال.com/صفحة اليوم", [("url", "https://مثال.com/صفحة")]),
    # Bengali digits, and a postcode right beside Bengali text
    ("আমার নম্বর ০৭৭০০ ৯০০৭৮৯, ফোন করো", [("phone", "০৭৭০০ ৯০০৭৮৯")]),
    ("আমি B15 2TTতে থাকি", [("postcode", "B15 2TT")]),
    # Punjabi (Gurmukhi digits)
    ("ਮੇਰਾ ਨੰਬਰ ੦੭੭੦੦ ੯੦੦੩੨੧ ਹੈ", [("phone", "੦੭੭੦੦ ੯੦੦੩੨੧")]),
    ("ਮੈਂ DY1 1AA ਦੇ ਕੋਲ ਰਹਿੰਦਾ ਹਾਂ", [("postcode", "DY1 1AA")]),
    # Full-width digits and at sign
    ("番号は０７７００ ９００６５４です", [("phone", "０７７００ ９００６５４")]),
    ("follow ＠jay_k99 for it", [("handle", "＠jay_k99")]),
    # Polish, Romanian and Welsh: letters with diacritics in emails, handles and links
    ("Napisz do mnie: zośka.kowalska@poczta.pl", [("email", "zośka.kowalska@poczta.pl")]),
    ("mój snap to @zośka_22 haha", [("handle", "@zośka_22")]),
    ("Scrie-mi la ștefan.popescu@gmail.com", [("email", "ștefan.popescu@gmail.com")]),
    ("Vezi pe țară-mea.ro/pagina", [("url", "țară-mea.ro/pagina")]),
    ("Ffoniwch fi ar 07700 900987 ar ôl ysgol", [("phone", "07700 900987")]),
    ("Dw i'n byw yn CF10 1AA ger y parc", [("postcode", "CF10 1AA")]),
]

CLEAN_IN_OTHER_LANGUAGES = [
    "میں پندرہ سال کا ہوں اور رات کو پارک میں ڈر لگتا ہے",  # Urdu
    "میری عمر ۱۵ سال ہے اور ۲۰۲۳ میں یہاں آیا",  # Urdu, a year and an age in its digits
    "لا أشعر بالأمان في الحديقة بعد الساعة ٩ مساءً",  # Arabic, a time
    "আমার বয়স ১৫ বছর, রাতে বাসে ভয় লাগে",  # Bengali
    "ਰਾਤ ਨੂੰ ਗਲੀ ਵਿੱਚ ਬਹੁਤ ਹਨੇਰਾ ਹੁੰਦਾ ਹੈ, ੧੦ ਵਜੇ ਤੋਂ ਬਾਅਦ",  # Punjabi
    "Mam 15 lat i boję się chodzić wieczorem po parku.",  # Polish
    "În parc sunt mulți oameni beți seara, după ora 22.",  # Romanian
    "Dw i ddim yn teimlo'n saff yn y dref ar ôl 9pm.",  # Welsh
    "Childline ০৮০০ ১১১১ আছে",  # a helpline in Bengali digits survives
    "Zadzwoń na 0800 1111 jeśli potrzebujesz pomocy",  # Childline, Polish
]


@pytest.mark.parametrize(("text", "expected"), IN_OTHER_SCRIPTS)
def test_details_in_other_scripts_are_redacted(text: str, expected: list[tuple[str, str]]) -> None:
    result = redact(text)
    assert [(s.kind, text[s.start : s.end]) for s in result.spans] == expected
    for _, value in expected:
        assert value not in result.text


@pytest.mark.parametrize("text", CLEAN_IN_OTHER_LANGUAGES)
def test_clean_answers_in_other_languages_are_untouched(text: str) -> None:
    result = redact(text)
    assert result.spans == ()
    assert result.text == text


def test_corpus_covers_every_offered_language_and_finds_every_detail_in_them() -> None:
    rows, local_names = load_redaction_corpus()
    other = [r for r in rows if r.get("language", "en") != "en"]
    languages = {r["language"] for r in other}
    assert languages == {"ur", "ar", "bn", "pa", "pl", "ro", "cy"}
    for language in languages:
        mine = [r for r in other if r["language"] == language]
        assert any(r["expected"] for r in mine) and any(not r["expected"] for r in mine)
    scores = score_redaction(other, local_names)
    assert sum(scores.fn.values()) == 0, dict(scores.fn)
    assert sum(scores.fp.values()) == 0, dict(scores.fp)
