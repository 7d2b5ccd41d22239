"""A survey's own words in other languages: enumeration, the page, files, publishing.

Most tests use Romanian: no starter translation ships for it yet, so a new survey has none.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select
from translate.storage import xliff

from engage.audit.models import AuditEvent
from engage.auth.roles import Role
from engage.errors import Conflict, InvalidInput
from engage.surveys import content, services
from engage.surveys.models import Channel, ContentTranslation, Status, Survey
from engage.translations import exchange
from engage.translations import services as translations
from engage.translations.services import Incoming, State, TranslationsRefused


@pytest.fixture(autouse=True)
def translated_by_hand(monkeypatch) -> None:
    """These surveys are translated by officers from nothing: no starter drafts applied.

    (Every shipped language has starter drafts; ``test_starter_translations.py`` tests
    applying them.)
    """
    monkeypatch.setattr("engage.surveys.starter_translations.shipped_languages", lambda: [])


def _offer(session, survey: Survey, *codes: str) -> None:
    translations.set_languages(session, survey, ["en", *codes])
    session.commit()


def _fresh(session) -> None:
    """See what requests committed: end the read snapshot and forget loaded state."""
    session.rollback()
    session.expire_all()


def _stored(session, survey_id: int, language: str = "ro") -> dict[str, str]:
    _fresh(session)
    rows = session.execute(
        select(ContentTranslation.key, ContentTranslation.text).where(
            ContentTranslation.survey_id == survey_id, ContentTranslation.language == language
        )
    )
    found = {key: text for key, text in rows}
    _fresh(session)
    return found


def _fill_required(session, survey: Survey, language: str, prefix: str = "CY ") -> None:
    items = [
        Incoming(s.key, s.key, prefix + s.text)
        for s in content.source_strings(survey)
        if s.required
    ]
    translations.apply_translations(session, survey, language, items, empty_deletes=False)
    session.commit()


def _audit_actions(session) -> list[str]:
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    _fresh(session)
    return actions


# ---------------------------------------------------------------- enumeration


def test_source_strings_name_every_string_with_a_stable_id(make_survey, session) -> None:
    survey = make_survey("young_people", status=Status.DRAFT)
    survey.thank_you = "Thanks from the partnership."
    survey.channels[0].welcome = "Hello from Oak Park"
    strings = {s.key: s for s in content.source_strings(survey)}
    assert strings["survey.title"].text == "Your area, your safety"
    assert strings["survey.title"].required
    assert not strings["survey.introduction"].required
    assert strings["section.0.title"].text == "Feeling safe"
    assert strings["question.feel_safe_area.text"].required
    assert strings["question.feel_safe_area.hint"].required is False
    assert strings["question.feel_safe_area.option.1"].text == "Very unsafe"
    assert strings["question.feel_safe_area.option.1"].required
    assert "answer option '1'" in strings["question.feel_safe_area.option.1"].context
    assert strings[f"channel.{survey.channels[0].code}.welcome"].text == "Hello from Oak Park"
    assert strings["survey.thank_you"].text == "Thanks from the partnership."
    # Empty texts have nothing to translate.
    assert "section.0.intro" not in strings
    # Every question and option is there, once.
    options = sum(len(q.options) for q in survey.questions)
    assert sum(k.startswith("question.") and ".option." in k for k in strings) == options
    assert len(strings) == len(content.source_strings(survey))


def test_ids_survive_a_copy_but_channel_keys_follow_the_new_codes(make_survey, session) -> None:
    survey = make_survey("young_people", status=Status.DRAFT)
    survey.channels[0].welcome = "Welcome"
    session.commit()
    copy = services.copy_survey(session, survey, created_by_id=None)
    before = [s.key for s in content.source_strings(survey)]
    after = [s.key for s in content.source_strings(copy)]
    old, new = survey.channels[0].code, copy.channels[0].code
    assert old != new
    assert [k.replace(old, new) for k in before] == after


# ---------------------------------------------------------------- languages offered


def test_languages_are_ordered_and_unknown_codes_refused(make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    assert translations.parse_language_codes("en, CY  ur,cy") == ["en", "cy", "ur"]
    with pytest.raises(InvalidInput, match="xx, klingon"):
        translations.parse_language_codes("en, xx, klingon")
    with pytest.raises(InvalidInput, match="at least one"):
        translations.parse_language_codes(" , ")
    version = survey.version
    assert translations.set_languages(session, survey, ["en", "pl", "cy"])
    session.commit()
    _fresh(session)
    assert content.language_codes(session.get(Survey, survey.id)) == ["en", "pl", "cy"]
    assert survey.version == version + 1
    assert not translations.set_languages(session, survey, ["en", "pl", "cy"])


def test_the_translation_page_sets_languages_and_refuses_unknown(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey(status=Status.DRAFT)
    login(make_user(Role.OFFICER))
    response = client.post(
        f"/surveys/{survey.id}/translations/languages", data={"languages": "en, zz"}
    )
    assert response.status_code == 422
    assert "does not know the language code(s) zz" in response.get_data(as_text=True)
    response = client.post(
        f"/surveys/{survey.id}/translations/languages", data={"languages": "en, ur, en-x-easy"}
    )
    assert response.status_code == 302
    _fresh(session)
    assert content.language_codes(session.get(Survey, survey.id)) == ["en", "ur", "en-x-easy"]
    assert "survey_languages_changed" in _audit_actions(session)


# ---------------------------------------------------------------- the page


def test_page_lists_missing_and_saves_bumping_the_version(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "pl")
    version = session.get(Survey, survey.id).version
    login(make_user(Role.OFFICER))
    page = client.get(f"/surveys/{survey.id}/translations/pl")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    total = len(content.source_strings(survey))
    assert f"0 of {total} translated, {total} missing" in html
    assert "Interface catalogue:" in html and "Draft" in html
    response = client.post(
        f"/surveys/{survey.id}/translations/pl",
        data={"t:survey.title": "Twoja okolica", "t:question.feel_safe_area.option.1": ""},
    )
    assert response.status_code == 302
    assert _stored(session, survey.id, "pl") == {"survey.title": "Twoja okolica"}
    _fresh(session)
    assert session.get(Survey, survey.id).version == version + 1
    html = client.get(f"/surveys/{survey.id}/translations/pl").get_data(as_text=True)
    assert f"1 of {total} translated, {total - 1} missing" in html
    assert "translations_edited" in _audit_actions(session)


def test_saving_an_empty_box_deletes_the_translation(make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "ro")
    item = Incoming("x", "survey.title", "Eich ardal")
    translations.apply_translations(session, survey, "ro", [item], empty_deletes=True)
    session.commit()
    empty = Incoming("x", "survey.title", "  ")
    assert translations.apply_translations(session, survey, "ro", [empty], empty_deletes=True)
    session.commit()
    assert _stored(session, survey.id) == {}


def test_a_changed_source_marks_the_translation_out_of_date(make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "ro")
    question = survey.questions[0]
    key = f"question.{question.key}.text"
    item = Incoming("x", key, "Pa mor ddiogel ydych chi'n teimlo?")
    translations.apply_translations(session, survey, "ro", [item], empty_deletes=True)
    session.commit()
    states = {r.string.key: r.state for r in translations.translation_rows(survey, "ro")}
    assert states[key] is State.DONE
    assert states["survey.title"] is State.MISSING
    question.text = "How safe do you feel around here?"
    session.commit()
    rows = {r.string.key: r for r in translations.translation_rows(survey, "ro")}
    assert rows[key].state is State.OUT_OF_DATE
    summary = translations.language_summaries(survey)[1]
    assert (summary.out_of_date, summary.done) == (1, 0)
    # Saving the page unchanged keeps it out of date; confirming it makes it current.
    same = Incoming("x", key, rows[key].text)
    translations.apply_translations(session, survey, "ro", [same], empty_deletes=True)
    assert translations.translation_rows(survey, "ro")[0].state  # rows still build
    rows = {r.string.key: r for r in translations.translation_rows(survey, "ro")}
    assert rows[key].state is State.OUT_OF_DATE
    confirmed = Incoming("x", key, rows[key].text, confirm=True)
    translations.apply_translations(session, survey, "ro", [confirmed], empty_deletes=True)
    rows = {r.string.key: r for r in translations.translation_rows(survey, "ro")}
    assert rows[key].state is State.DONE


def test_html_in_a_translation_is_escaped_on_the_page(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "ro")
    item = Incoming("x", "survey.title", "<script>alert(1)</script><b>Teitl</b>")
    translations.apply_translations(session, survey, "ro", [item], empty_deletes=True)
    session.commit()
    for user in (make_user(Role.OFFICER), make_user(Role.ANALYST)):
        client.post("/logout")
        login(user)
        html = client.get(f"/surveys/{survey.id}/translations/ro").get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "<b>Teitl</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Teitl&lt;/b&gt;" in html


def test_readers_view_designers_edit(client, make_user, login, make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "ro")
    analyst, lead, admin = (make_user(r) for r in (Role.ANALYST, Role.SAFEGUARDING, Role.ADMIN))
    login(analyst)
    page = client.get(f"/surveys/{survey.id}/translations/ro")
    assert page.status_code == 200
    assert "<textarea" not in page.get_data(as_text=True)
    assert client.get(f"/surveys/{survey.id}/translations").status_code == 200
    assert client.get(f"/surveys/{survey.id}/translations/ro/export.xlf").status_code == 200
    post = client.post(f"/surveys/{survey.id}/translations/ro", data={"t:survey.title": "X"})
    assert post.status_code == 403
    languages = client.post(
        f"/surveys/{survey.id}/translations/languages", data={"languages": "en"}
    )
    assert languages.status_code == 403
    assert _stored(session, survey.id) == {}
    client.post("/logout")
    login(lead)
    assert client.get(f"/surveys/{survey.id}/translations/ro").status_code == 403
    client.post("/logout")
    login(admin)
    post = client.post(f"/surveys/{survey.id}/translations/ro", data={"t:survey.title": "Teitl"})
    assert post.status_code == 302
    assert post.headers["Location"] == f"/surveys/{survey.id}/translations/ro"
    assert _stored(session, survey.id) == {"survey.title": "Teitl"}


def test_a_language_not_offered_is_not_found(client, make_user, login, make_survey) -> None:
    survey = make_survey(status=Status.DRAFT)
    login(make_user(Role.OFFICER))
    assert client.get(f"/surveys/{survey.id}/translations/pl").status_code == 404
    assert client.get(f"/surveys/{survey.id}/translations/xx").status_code == 404
    assert client.get(f"/surveys/{survey.id}/translations/en").status_code == 422


# ---------------------------------------------------------------- copies


def test_copy_copies_translations_with_remapped_channel_keys(make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    channel = survey.channels[0]
    channel.welcome, channel.language = "Welcome, Oak Park", "ro"
    survey.thank_you = "Thank you"
    _offer(session, survey, "ro")
    channel.language = "ro"
    items = [
        Incoming("a", "survey.title", "Eich ardal"),
        Incoming("b", f"channel.{channel.code}.welcome", "Croeso, Oak Park"),
        Incoming("c", "survey.thank_you", "Diolch"),
    ]
    translations.apply_translations(session, survey, "ro", items, empty_deletes=True)
    session.commit()
    copy = services.copy_survey(session, survey, created_by_id=None)
    session.commit()
    new_code = copy.channels[0].code
    assert copy.channels[0].welcome == "Welcome, Oak Park"
    assert copy.channels[0].language == "ro"
    assert copy.thank_you == "Thank you"
    assert content.language_codes(copy) == ["en", "ro"]
    assert _stored(session, copy.id) == {
        "survey.title": "Eich ardal",
        f"channel.{new_code}.welcome": "Croeso, Oak Park",
        "survey.thank_you": "Diolch",
    }
    # The copy's title is "Copy of ...": its translation shows as out of date.
    states = {r.string.key: r.state for r in translations.translation_rows(copy, "ro")}
    assert states["survey.title"] is State.OUT_OF_DATE
    assert states[f"channel.{new_code}.welcome"] is State.DONE
    # The original keeps its own.
    assert f"channel.{channel.code}.welcome" in _stored(session, survey.id)


# ---------------------------------------------------------------- files


def _upload(client, survey_id: int, language: str, name: str, data: bytes):
    return client.post(
        f"/surveys/{survey_id}/translations/{language}/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_xliff_round_trip(client, make_user, login, make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    survey.questions[0].text = "Hello {name}, how safe do you feel?"
    _offer(session, survey, "ro")
    translations.apply_translations(
        session, survey, "ro", [Incoming("a", "survey.title", "Eich ardal")], empty_deletes=True
    )
    session.commit()
    login(make_user(Role.OFFICER))
    response = client.get(f"/surveys/{survey.id}/translations/ro/export.xlf")
    assert response.status_code == 200
    assert response.mimetype == "application/x-xliff+xml"
    data = response.get_data()
    assert b"urn:oasis:names:tc:xliff:document:1.2" in data
    store = xliff.xlifffile.parsestring(data)
    assert store.getfilenames() == [f"engage-survey-{survey.id}"]
    assert store.gettargetlanguage() == "ro"
    units = {u.getid().rpartition("\x04")[2]: u for u in store.units}
    assert set(units) == {s.key for s in content.source_strings(survey)}
    assert units["survey.title"].target == "Eich ardal"
    key = f"question.{survey.questions[0].key}.text"
    assert units[key].source == "Hello {name}, how safe do you feel?"
    assert "the question" in units[key].getnotes()
    units[key].target = "Helo {name}, pa mor ddiogel ydych chi'n teimlo?"
    units["section.0.title"].target = "Teimlo'n ddiogel"
    version = session.get(Survey, survey.id).version
    response = _upload(client, survey.id, "ro", "back.xlf", bytes(store))
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = _stored(session, survey.id)
    assert stored[key] == "Helo {name}, pa mor ddiogel ydych chi'n teimlo?"
    assert stored["section.0.title"] == "Teimlo'n ddiogel"
    assert stored["survey.title"] == "Eich ardal"
    assert len(stored) == 3
    _fresh(session)
    assert session.get(Survey, survey.id).version == version + 1
    actions = _audit_actions(session)
    assert "translations_exported" in actions and "translations_imported" in actions


def test_csv_round_trip_escapes_formula_cells(client, make_user, login, make_survey, session):
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "pl")
    formula = '=HYPERLINK("http://evil.example","Kliknij")'
    translations.apply_translations(
        session, survey, "pl", [Incoming("a", "survey.title", formula)], empty_deletes=True
    )
    session.commit()
    login(make_user(Role.OFFICER))
    response = client.get(f"/surveys/{survey.id}/translations/pl/export.csv")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == exchange.CSV_COLUMNS
    title = next(r for r in rows if r[1] == "survey.title")
    assert title == [str(survey.id), "survey.title", "pl", "Your area, your safety", "'" + formula]
    option = next(r for r in rows if r[1] == "question.feel_safe_area.option.1")
    option[4] = "Bardzo niebezpiecznie"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = _upload(client, survey.id, "pl", "back.csv", buffer.getvalue().encode("utf-8"))
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = _stored(session, survey.id, "pl")
    # The escape is undone on the way back in: the text round-trips exactly.
    assert stored == {
        "survey.title": formula,
        "question.feel_safe_area.option.1": "Bardzo niebezpiecznie",
    }


def _csv(survey: Survey, rows: list[list[str]], header=exchange.CSV_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xliff(survey_label: str, language: str, units: dict[str, tuple[str, str]]) -> bytes:
    store = exchange._File(sourcelanguage="en")
    for n, (key, (source, target)) in enumerate(units.items()):
        unit = store.addsourceunit(source, filename=survey_label, createifmissing=n == 0)
        unit.setid(key)
        unit.target = target
    store.removedefaultfile()
    store.settargetlanguage(language)
    return bytes(store)


@pytest.fixture
def refusal(client, make_user, login, make_survey, session):
    survey = make_survey(status=Status.DRAFT)
    survey.questions[0].text = "Hello {name}, how safe do you feel?"
    _offer(session, survey, "ro", "pl")
    translations.apply_translations(
        session, survey, "ro", [Incoming("a", "survey.title", "Hen deitl")], empty_deletes=True
    )
    session.commit()
    login(make_user(Role.OFFICER))
    version = session.get(Survey, survey.id).version

    def attempt(name: str, data: bytes, message: str, language: str = "ro") -> None:
        response = _upload(client, survey.id, language, name, data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Nothing was saved" in html
        assert message in html, html[html.find("Nothing was saved") :][:800]
        assert _stored(session, survey.id) == {"survey.title": "Hen deitl"}
        assert _stored(session, survey.id, "pl") == {}
        _fresh(session)
        assert session.get(Survey, survey.id).version == version
        assert _audit_actions(session)[-1] == "translations_import_refused"

    attempt.survey = survey  # type: ignore[attr-defined]
    attempt.qkey = f"question.{survey.questions[0].key}.text"  # type: ignore[attr-defined]
    return attempt


def test_import_refuses_an_unknown_id(refusal) -> None:
    survey = refusal.survey
    data = _csv(
        survey,
        [
            [str(survey.id), "section.0.title", "ro", "Feeling safe", "Teimlo'n ddiogel"],
            [str(survey.id), "question.nope.text", "ro", "?", "Beth?"],
        ],
    )
    refusal("t.csv", data, "Row 3: &#39;question.nope.text&#39; is not a string of this survey.")


def test_import_refuses_the_wrong_language(refusal) -> None:
    survey = refusal.survey
    data = _csv(survey, [[str(survey.id), "survey.title", "pl", "Your area", "Twoja okolica"]])
    refusal("t.csv", data, "Row 2: is in &#39;pl&#39;, not ro.")
    label = exchange.file_label(survey)
    data = _xliff(label, "pl", {"survey.title": ("Your area", "Twoja okolica")})
    refusal("t.xlf", data, "The file&#39;s target language is &#39;pl&#39;, not ro.")


def test_import_refuses_a_dropped_or_added_placeholder(refusal) -> None:
    survey, key = refusal.survey, refusal.qkey
    label = exchange.file_label(survey)
    dropped = _xliff(label, "ro", {key: ("Hello {name}", "Helo, pa mor ddiogel?")})
    refusal("t.xlf", dropped, f"Unit {key}: the translation drops {{name}}, which the source has.")
    added = _csv(
        survey, [[str(survey.id), "section.0.title", "ro", "Feeling safe", "Teimlo {count}"]]
    )
    refusal("t.csv", added, "Row 2: the translation adds {count}, which the source lacks.")


def test_import_refuses_another_surveys_file(refusal, make_survey) -> None:
    survey = refusal.survey
    other = make_survey(status=Status.DRAFT)
    data = _csv(survey, [[str(other.id), "survey.title", "ro", "Your area", "Eich ardal"]])
    refusal("t.csv", data, f"Row 2: belongs to survey {other.id}, not this survey ({survey.id}).")
    data = _xliff(exchange.file_label(other), "ro", {"survey.title": ("Your area", "Eich ardal")})
    refusal("t.xlf", data, f"The file is for engage-survey-{other.id}, not this survey")


def test_import_refuses_malformed_files(refusal) -> None:
    refusal("t.xlf", b"<html><body>not xliff</body></html>", "The file is not XLIFF")
    refusal("t.xlf", b"\x00\x01 binary", "The file is not XLIFF")
    refusal("t.csv", b"survey_id,key\n1,a\n", "The first row must name the columns")
    refusal("t.csv", "é,ü".encode("latin-1"), "The file is not UTF-8 text")
    refusal("t.csv", b"", "The first row must name the columns")
    refusal("t.pdf", b"%PDF-1.4", "Import an XLIFF (.xlf) or CSV (.csv) file.")


def test_import_is_all_or_nothing(refusal) -> None:
    survey = refusal.survey
    good = [str(survey.id), "section.0.title", "ro", "Feeling safe", "Teimlo'n ddiogel"]
    bad = [str(survey.id), "survey.title", "ro", "Your area", "Eich ardal {x}"]
    refusal("t.csv", _csv(survey, [good, bad]), "Row 3: the translation adds {x}")


def test_an_import_keeps_the_source_the_translator_saw(make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "ro")
    label = exchange.file_label(survey)
    data = _xliff(label, "ro", {"survey.title": ("An older title", "Hen deitl")})
    items = exchange.read_xliff(data, survey, "ro")
    translations.apply_translations(session, survey, "ro", items, empty_deletes=False)
    states = {r.string.key: r.state for r in translations.translation_rows(survey, "ro")}
    assert states["survey.title"] is State.OUT_OF_DATE


def test_apply_refuses_each_bad_item_and_stores_none(make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "ro")
    items = [
        Incoming("Row 2", "survey.title", "Eich ardal"),
        Incoming("Row 3", "survey.title", "Eto"),
        Incoming("Row 4", "question.x.text", "?"),
        Incoming("Row 5", "section.0.title", "x" * 6000),
    ]
    with pytest.raises(TranslationsRefused) as refused:
        translations.apply_translations(session, survey, "ro", items, empty_deletes=False)
    assert refused.value.problems == [
        "Row 3: 'survey.title' appears twice.",
        "Row 4: 'question.x.text' is not a string of this survey.",
        "Row 5: the translation is longer than 5,000 characters.",
    ]
    _fresh(session)
    assert _stored(session, survey.id) == {}


# ---------------------------------------------------------------- publishing


def test_publishing_is_refused_while_required_strings_are_missing(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "pl")
    with pytest.raises(Conflict) as refused:
        services.set_status(session, survey, Status.OPEN.value)
    _fresh(session)
    message = refused.value.message
    required = [s for s in content.source_strings(survey) if s.required]
    assert f"Polish (pl) lacks {len(required)} required translations" in message
    assert "survey.title (Survey title)" in message
    assert "question.feel_safe_area.text" in message
    # Optional strings (the introduction) do not block.
    _fill_required(session, survey, "pl")
    login(make_user(Role.OFFICER))
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Polish (pl) lacks" not in page
    services.set_status(session, survey, Status.OPEN.value)
    session.commit()
    assert survey.status == Status.OPEN.value


def test_the_overview_names_the_missing_strings(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "ur")
    _fill_required(session, survey, "ur", prefix="UR ")
    section_title = next(s for s in survey.sections if s.position == 1)
    key = "section.1.title"
    row = session.scalar(
        select(ContentTranslation).where(
            ContentTranslation.survey_id == survey.id,
            ContentTranslation.key == key,
            ContentTranslation.language == "ur",
        )
    )
    session.delete(row)
    session.commit()
    login(make_user(Role.OFFICER))
    html = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Urdu (ur) lacks 1 required translations: section.1.title (Page 2 title)" in html
    response = client.post(f"/surveys/{survey.id}/status", data={"status": "open"})
    assert response.status_code == 409
    assert section_title.title  # the page still has its English title
    _fresh(session)
    assert session.get(Survey, survey.id).status == Status.DRAFT.value


# ---------------------------------------------------------------- thank-you and welcome


def test_thank_you_is_edited_in_settings(client, make_user, login, make_survey, session) -> None:
    survey = make_survey(status=Status.DRAFT)
    login(make_user(Role.OFFICER))
    html = client.get(f"/surveys/{survey.id}/settings").get_data(as_text=True)
    assert 'name="thank_you"' in html
    response = client.post(
        f"/surveys/{survey.id}/settings",
        data={
            "title": survey.title,
            "introduction": survey.introduction,
            "audience": survey.audience,
            "areas": "E08000027",
            "age_min": "11",
            "age_max": "25",
            "thank_you": "We will share what we heard in March.",
        },
    )
    assert response.status_code == 302
    _fresh(session)
    assert session.get(Survey, survey.id).thank_you == "We will share what we heard in March."


def test_channel_welcome_and_language_are_edited(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "pl")
    channel_id = survey.channels[0].id
    version = session.get(Survey, survey.id).version
    login(make_user(Role.OFFICER))
    url = f"/surveys/{survey.id}/channels/{channel_id}"
    response = client.post(url, data={"welcome": "Witamy!", "language": "pl"})
    assert response.status_code == 302
    _fresh(session)
    channel = session.get(Channel, channel_id)
    assert (channel.welcome, channel.language) == ("Witamy!", "pl")
    assert session.get(Survey, survey.id).version == version + 1
    refused = client.post(url, data={"welcome": "Croeso", "language": "ro"})
    assert refused.status_code == 422
    assert "one of the languages the survey is offered in" in refused.get_data(as_text=True)
    _fresh(session)
    assert session.get(Channel, channel_id).welcome == "Witamy!"
    assert client.post(url, data={"welcome": "", "language": ""}).status_code == 302
    _fresh(session)
    assert (session.get(Channel, channel_id).language, channel.welcome) == (None, "")
    count = session.scalar(select(func.count()).select_from(Channel))
    assert count == 1


def test_an_open_survey_is_not_offered_in_a_language_missing_required_strings(
    make_survey, session
) -> None:
    survey = make_survey()  # open
    assert survey.status == Status.OPEN.value
    with pytest.raises(InvalidInput) as refused:
        translations.set_languages(session, survey, ["en", "pl"])
    assert "Polish lacks" in refused.value.message
    session.rollback()
    _fresh(session)
    assert [language.code for language in session.get(Survey, survey.id).languages] == ["en"]
    # Once its required strings are translated, the open survey can be offered in it.
    survey = session.get(Survey, survey.id)
    _fill_required(session, survey, "pl")
    assert translations.set_languages(session, survey, ["en", "pl"]) is True
    session.commit()
    _fresh(session)
    assert [language.code for language in session.get(Survey, survey.id).languages] == [
        "en",
        "pl",
    ]


def test_an_xliff_file_cannot_read_files_through_entities(
    client, make_user, login, make_survey, session
) -> None:
    survey = make_survey(status=Status.DRAFT)
    _offer(session, survey, "ro")
    login(make_user(Role.OFFICER))
    data = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        f'<file original="engage-survey-{survey.id}" source-language="en" '
        'target-language="ro" datatype="plaintext"><body>'
        '<trans-unit id="survey.title"><source>s</source><target>&e;</target></trans-unit>'
        "</body></file></xliff>"
    ).encode()
    response = _upload(client, survey.id, "ro", "x.xlf", data)
    assert response.status_code in (302, 422)
    stored = _stored(session, survey.id, "ro")
    assert not any("root:" in text for text in stored.values())
    assert "survey.title" not in stored
