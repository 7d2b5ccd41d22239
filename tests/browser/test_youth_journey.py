"""A young person answers the demo youth survey on a phone in headless Chromium, with
JavaScript off; then an officer sees the response. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from engage import create_app
from engage.demo.partnership import seed_demo
from engage.surveys.models import Answer
from tests.conftest import app_config, require

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ANSWER = "The underpass by the leisure centre is where people get robbed after dark."


@pytest.fixture
def live_app(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    app = create_app(app_config(database_url, tmp_path, MIN_COMPLETION_SECONDS=1))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        from tests.conftest import empty_database

        empty_database(app.extensions["engage.engine"])
        app.extensions["engage.engine"].dispose()


def _launch(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def test_young_person_answers_on_a_phone_and_officer_sees_it(live_app) -> None:
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    app, base = live_app
    db = app.extensions["engage.sessionmaker"]()
    demo = seed_demo(db, responses=40, seed=11)
    db.commit()
    code = dict(demo.youth_links)["Oak Park School"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    off_site: list[str] = []

    with sync_playwright() as p:
        browser = _launch(p)
        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, java_script_enabled=False
        )
        page = phone.new_page()
        page.on("request", lambda r: None if r.url.startswith(base) else off_site.append(r.url))

        page.goto(f"{base}/s/{code}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_text("This survey is anonymous. We cannot identify you")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "01-start.png", full_page=True)
        page.get_by_role("link", name="Start the survey").click()

        # Skip the one required question: the page comes back with an error summary.
        expect(page.get_by_text("Page 1 of")).to_be_visible()
        page.get_by_label("What makes you feel unsafe").fill(ANSWER)
        page.get_by_role("button", name="Continue").click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("There is a problem")
        expect(page.get_by_label("What makes you feel unsafe")).to_have_value(ANSWER)
        page.screenshot(path=ARTIFACTS / "02-validation-error.png", full_page=True)

        page.get_by_role("group", name="How safe do you feel").get_by_label(
            "Quite unsafe", exact=True
        ).check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("Page 2 of")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "03-page-two.png", full_page=True)

        # Back keeps what was written.
        page.get_by_role("button", name="Back").click()
        expect(page.get_by_text("Page 1 of")).to_be_visible()
        expect(page.get_by_label("What makes you feel unsafe")).to_have_value(ANSWER)
        expect(
            page.get_by_role("group", name="How safe do you feel").get_by_label(
                "Quite unsafe", exact=True
            )
        ).to_be_checked()
        page.screenshot(path=ARTIFACTS / "04-back-kept-answers.png", full_page=True)

        for _ in range(12):
            page.get_by_role("button", name="Continue").click()
            if page.get_by_label("How old are you?").count():
                page.get_by_label("How old are you?").fill("15")
                page.get_by_role("group", name="What is your ethnic group?").get_by_label(
                    "Black, Black British, Caribbean or African: Caribbean"
                ).check()
                page.screenshot(path=ARTIFACTS / "05-about-you.png", full_page=True)
            if page.get_by_role("button", name="Submit my answers").count():
                break
        page.get_by_role("button", name="Submit my answers").click()
        expect(
            page.get_by_role("heading", name="Thank you. Your answers have been sent.")
        ).to_be_visible()
        expect(page.get_by_text("0800 1111")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "06-thank-you.png", full_page=True)
        phone.close()

        stored = db.scalars(select(Answer).where(Answer.text_value == ANSWER)).all()
        assert len(stored) == 1
        response_id = stored[0].response_id

        officer = browser.new_context(viewport={"width": 1280, "height": 900})
        page = officer.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("Email address").fill(demo.officer_email)
        page.get_by_label("Password").fill(demo.officer_password)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/surveys/{demo.surveys['young_people']}")
        expect(page.get_by_text("Oak Park School").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "07-officer-overview.png", full_page=True)
        page.goto(f"{base}/surveys/{demo.surveys['young_people']}/responses/{response_id}")
        expect(page.get_by_text(ANSWER)).to_be_visible()
        expect(page.get_by_text("Oak Park School")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "08-officer-sees-response.png", full_page=True)
        browser.close()
    db.close()
    assert off_site == []
