"""Closing the loop in headless Chromium: a Youth Assembly member on a phone votes and
suggests a statement with JavaScript off; an officer moderates it (redacted) and
publishes last year's "you said, we did" page, which the public reads with no login and
no JavaScript; the engagement report prints to PDF. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from engage.assembly.models import Statement, Vote
from engage.auth.services import get_user_by_email
from engage.demo.assembly import seed_assembly
from engage.demo.loop import publish_previous_wave, seed_loop
from engage.demo.partnership import seed_demo
from engage.surveys import services
from tests.browser.test_youth_journey import _launch, live_app  # noqa: F401 - fixture
from tests.conftest import require

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE_NUMBER = "07700 900123"


def test_assembly_member_votes_and_officer_closes_the_loop(live_app) -> None:  # noqa: F811
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    app, base = live_app
    db = app.extensions["engage.sessionmaker"]()
    demo = seed_demo(db, responses=60, seed=5)
    officer = get_user_by_email(db, demo.officer_email)
    assert officer is not None
    secret = app.config["SECRET_KEY"]
    loop = seed_loop(
        db, surveys=demo.surveys, officer_id=officer.id, secret_key=secret, responses=45
    )
    db.commit()
    code = publish_previous_wave(db, loop["previous_survey_id"], threshold=10, min_group=5)
    youth = services.get_survey(db, demo.surveys["young_people"])
    assembly = seed_assembly(db, survey=youth, officer_id=officer.id, secret_key=secret)
    db.commit()
    member_email, _, member_password = assembly["members"][0]
    review_id = assembly["review_id"]
    votes_before = db.scalar(select(func.count()).select_from(Vote))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    off_site: list[str] = []

    with sync_playwright() as p:
        browser = _launch(p)
        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, java_script_enabled=False
        )
        page = phone.new_page()
        page.on("request", lambda r: None if r.url.startswith(base) else off_site.append(r.url))
        page.goto(f"{base}/login")
        page.get_by_label("Email address").fill(member_email)
        page.get_by_label("Password").fill(member_password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Youth Assembly", level=1)).to_be_visible()
        page.screenshot(path=ARTIFACTS / "loop-01-assembly-home.png", full_page=True)

        page.goto(f"{base}/assembly/{review_id}/")
        expect(page.get_by_role("heading", name="Who took part")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "loop-02-findings-pack.png", full_page=True)

        page.goto(f"{base}/assembly/{review_id}/vote")
        expect(page.get_by_text("Statement 1 of")).to_be_visible()
        page.get_by_role("button", name="Agree", exact=True).click()
        expect(page.get_by_text("Statement 2 of")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "loop-03-vote.png", full_page=True)

        page.goto(f"{base}/assembly/{review_id}/statements")
        page.get_by_label("Your statement").fill(
            f"Youth clubs should open on Fridays, text me on {PHONE_NUMBER} to help"
        )
        page.get_by_role("button", name="Send for checking").click()
        expect(page.get_by_text("once it has been checked").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "loop-04-suggested.png", full_page=True)
        phone.close()

        db.rollback()
        assert db.scalar(select(func.count()).select_from(Vote)) == votes_before + 1
        stored = db.scalars(
            select(Statement).where(Statement.text.like("%open on Fridays, text me%"))
        ).one()
        assert PHONE_NUMBER not in stored.text and stored.status == "pending"

        desk = browser.new_context(viewport={"width": 1280, "height": 900})
        page = desk.new_page()
        page.on("request", lambda r: None if r.url.startswith(base) else off_site.append(r.url))
        page.goto(f"{base}/login")
        page.get_by_label("Email address").fill(demo.officer_email)
        page.get_by_label("Password").fill(demo.officer_password)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/assembly/moderation")
        item = page.locator("form", has_text="open on Fridays, text me")
        expect(item).to_be_visible()
        assert PHONE_NUMBER not in page.content()
        page.screenshot(path=ARTIFACTS / "loop-05-moderation.png", full_page=True)
        item.get_by_role("button", name="Approve").click()
        db.rollback()
        db.refresh(stored)
        assert stored.status == "approved"
        page.goto(f"{base}/surveys/{youth.id}/report")
        expect(page.get_by_role("heading", name="Who took part")).to_be_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
        (ARTIFACTS / "loop-06-report.pdf").write_bytes(pdf)
        page.emulate_media(media="print")
        page.screenshot(path=ARTIFACTS / "loop-06-report-print.png", full_page=True)
        desk.close()

        # The public page of last year's wave: no login, no JavaScript, on a phone.
        public = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, java_script_enabled=False
        )
        page = public.new_page()
        page.on("request", lambda r: None if r.url.startswith(base) else off_site.append(r.url))
        page.goto(f"{base}/r/{code}")
        expect(page.get_by_text("0800 1111")).to_be_visible()
        expect(page.locator("progress").first).to_be_visible()
        assert page.locator("script").count() == 0
        page.screenshot(path=ARTIFACTS / "loop-07-public-page.png", full_page=True)
        public.close()
        browser.close()
    db.close()
    assert loop["commitments"] >= 5
    assert off_site == []
