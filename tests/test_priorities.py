"""Strategic priorities: starter sets loaded once, the partnership's own, and themes mapped."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.auth.roles import Role
from engage.priorities import services
from engage.priorities.models import Priority
from engage.themes.codebook import get_codebook, list_themes
from engage.themes.models import Codebook, Theme


def reload(session) -> None:
    session.rollback()
    session.expire_all()


def make_codebook(session) -> dict[str, Theme]:
    get_codebook(session)
    session.commit()
    return {t.key: t for t in list_themes(session)}


def count(session, model) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_starter_file_has_four_unverified_sets_with_notes_and_sources() -> None:
    data = json.loads(services.STARTERS_PATH.read_text("utf-8"))
    keys = [s["key"] for s in data["sets"]]
    assert keys == ["wmvrp", "staffs_vra", "dorset_csp", "dudley"]
    for starter in services.starter_sets():
        assert starter.note and starter.sources and starter.priorities
    assert [p.code for p in services.get_starter_set("dorset_csp").priorities] == [
        "SV01",
        "SV02",
        "SV03",
        "SV04",
        "SV05",
        "SV06",
    ]


def test_index_shows_each_set_with_its_note_and_sources(client, make_user, login) -> None:
    login(make_user(Role.OFFICER))
    response = client.get("/priorities/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No priorities yet." in html
    for starter in services.starter_sets():
        assert starter.name.replace("'", "&#39;") in html
        assert starter.note[:60].replace("'", "&#39;") in html
        for url in starter.sources:
            assert f'href="{url}"' in html
    assert html.count("Not verified") == 4
    assert html.count('name="set"') == 4


def test_loading_a_starter_set_twice_adds_it_once(client, make_user, login, session) -> None:
    themes = make_codebook(session)
    login(make_user(Role.OFFICER))
    first = client.post("/priorities/starters", data={"set": "wmvrp"}, follow_redirects=True)
    assert first.status_code == 200
    assert "Loaded 5 priorities from West Midlands Violence Reduction Partnership" in (
        first.get_data(as_text=True)
    )
    reload(session)
    loaded = session.scalars(select(Priority).order_by(Priority.position)).all()
    assert [p.code for p in loaded] == ["WM1", "WM2", "WM3", "WM4", "WM5"]
    assert all(p.set_key == "wmvrp" and p.active for p in loaded)
    assert {t.key for t in loaded[0].themes} == {"school", "school_exclusion", "school_teaching"}

    again = client.post("/priorities/starters", data={"set": "wmvrp"}, follow_redirects=True)
    assert "were already loaded: nothing was added" in again.get_data(as_text=True)
    reload(session)
    assert count(session, Priority) == 5

    # A second set sits beside the first, after it.
    client.post("/priorities/starters", data={"set": "dorset_csp"})
    reload(session)
    codes = [p.code for p in services.priorities_with_themes(session)]
    assert codes[:5] == ["WM1", "WM2", "WM3", "WM4", "WM5"] and codes[5:] == [
        f"SV0{n}" for n in range(1, 7)
    ]
    sv05 = session.scalars(select(Priority).where(Priority.code == "SV05")).one()
    assert sv05.themes == []
    assert (
        themes["vawg"]
        in session.scalars(select(Priority).where(Priority.code == "SV02")).one().themes
    )
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("priorities_changed") == 3

    page = client.get("/priorities/").get_data(as_text=True)
    assert "Check the wording: West Midlands Violence Reduction Partnership" in page
    assert "Check the wording: Dorset Community Safety Partnership" in page
    assert "From the WMVRP starter set." in page


def test_officer_edits_to_a_loaded_priority_survive_loading_again(
    client, make_user, login, session
) -> None:
    make_codebook(session)
    login(make_user(Role.OFFICER))
    client.post("/priorities/starters", data={"set": "dudley"})
    reload(session)
    dud1 = session.scalars(select(Priority).where(Priority.code == "DUD1")).one()
    dud1.title = "Our own published wording"
    session.commit()
    client.post("/priorities/starters", data={"set": "dudley"})
    reload(session)
    assert session.get(Priority, dud1.id).title == "Our own published wording"
    assert count(session, Priority) == 5


def test_missing_theme_keys_are_skipped_and_reported(client, make_user, login, session) -> None:
    themes = make_codebook(session)
    themes["school"].active = False  # retired (e.g. merged) since the starter was written
    session.commit()
    login(make_user(Role.OFFICER))
    page = client.post(
        "/priorities/starters", data={"set": "wmvrp"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "not in your codebook and were skipped: WM1: school." in page
    reload(session)
    wm1 = session.scalars(select(Priority).where(Priority.code == "WM1")).one()
    assert {t.key for t in wm1.themes} == {"school_exclusion", "school_teaching"}


def test_without_a_codebook_priorities_load_and_themes_wait(
    client, make_user, login, session
) -> None:
    login(make_user(Role.OFFICER))
    page = client.post(
        "/priorities/starters", data={"set": "staffs_vra"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Loaded 5 priorities" in page
    assert "Themes can be mapped once the codebook exists" in page
    reload(session)
    assert count(session, Priority) == 5
    assert all(p.themes == [] for p in session.scalars(select(Priority)))
    assert count(session, Codebook) == 0  # loading does not create the codebook
    edit = client.get(f"/priorities/{session.scalars(select(Priority.id)).first()}")
    assert "Themes can be mapped once the codebook exists" in edit.get_data(as_text=True)
    reload(session)
    assert count(session, Codebook) == 0


def test_unknown_starter_set_is_refused(client, make_user, login, session) -> None:
    login(make_user(Role.OFFICER))
    response = client.post("/priorities/starters", data={"set": "nowhere"})
    assert response.status_code == 422
    assert "Choose one of the starter sets listed." in response.get_data(as_text=True)
    reload(session)
    assert count(session, Priority) == 0


def test_officer_adds_maps_edits_and_retires_a_priority(client, make_user, login, session) -> None:
    themes = make_codebook(session)
    login(make_user(Role.ADMIN))
    form = client.get("/priorities/new").get_data(as_text=True)
    assert f'value="{themes["knives_weapons"].id}"' in form
    assert '<legend class="question">Themes that bear on this priority</legend>' in form
    assert "No codable content" not in form and f'value="{themes["other"].id}"' not in form
    created = client.post(
        "/priorities/new",
        data={
            "code": "P1",
            "title": "Fewer young people carrying knives",
            "description": "From our 2025 strategy.",
            "themes": [str(themes["knives_weapons"].id), str(themes["peer_pressure"].id)],
            "active": "y",
        },
    )
    assert created.status_code == 302
    reload(session)
    priority = session.scalars(select(Priority)).one()
    assert priority.set_key is None and priority.active
    assert {t.key for t in priority.themes} == {"knives_weapons", "peer_pressure"}

    edit = client.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert f'value="{themes["knives_weapons"].id}" checked' in edit
    saved = client.post(
        f"/priorities/{priority.id}",
        data={
            "code": "P1",
            "title": "Fewer young people carrying weapons",
            "themes": [str(themes["knives_weapons"].id)],
        },
    )
    assert saved.status_code == 302
    reload(session)
    priority = session.get(Priority, priority.id)
    assert priority.title == "Fewer young people carrying weapons"
    assert not priority.active  # the box was unticked
    assert [t.key for t in priority.themes] == ["knives_weapons"]
    assert services.priorities_with_themes(session) == []
    page = client.get("/priorities/").get_data(as_text=True)
    assert "Retired" in page and "Fewer young people carrying weapons" in page
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("priorities_changed") == 2


def test_bad_priorities_get_clear_messages(client, make_user, login, session) -> None:
    make_codebook(session)
    login(make_user(Role.OFFICER))
    client.post("/priorities/new", data={"code": "SV01", "title": "Taken", "active": "y"})
    cases = [
        ({"code": "", "title": "x"}, "Give the priority a short code."),
        ({"code": "P2", "title": ""}, "Give the priority a title."),
        ({"code": "X" * 13, "title": "x"}, "Field cannot be longer than 12 characters."),
        ({"code": "sv01", "title": "x"}, "Another priority already has the code sv01."),
        ({"code": "P3", "title": "x", "themes": ["999999"]}, "Choose themes from the list."),
    ]
    for data, message in cases:
        response = client.post("/priorities/new", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    reload(session)
    assert count(session, Priority) == 1
    assert client.get("/priorities/999999").status_code == 404
    assert client.get("/priorities/99999999999999999999").status_code == 404


def test_roles(client, make_user, login, session) -> None:
    make_codebook(session)
    services.load_starter_set(session, "wmvrp")
    session.commit()
    priority_id = session.scalars(select(Priority.id)).first()
    login(make_user(Role.ANALYST))
    page = client.get("/priorities/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "WM1" in html and "Add a priority" not in html and 'name="set"' not in html
    assert client.post("/priorities/starters", data={"set": "wmvrp"}).status_code == 403
    assert client.get("/priorities/new").status_code == 403
    assert client.get(f"/priorities/{priority_id}").status_code == 403
    client.post("/logout")
    login(make_user(Role.ASSEMBLY))
    assert client.get("/priorities/").status_code == 403
