"""Respondents in their own language on a 390x844 phone with JavaScript off.

Welsh (switching to easy read half way, with a required-question error) to the
thank-you page; Urdu and Arabic for right-to-left layout. Every page is audited
with axe-core (WCAG 2.2 AA tags) and screenshots go to tests/artifacts/browser/.

axe needs JavaScript, which the respondent's phone has off: each page's HTML, as
the phone received it, is served again at its own address to a second context
(JavaScript on, CSP bypassed for the audit only) and audited there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engage.i18n import EASY_READ
from engage.surveys.models import Response, SurveyLanguage
from tests.browser.test_youth_journey import ARTIFACTS, CHROMIUM, _launch, live_app  # noqa: F401
from tests.conftest import require

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "java_script_enabled": False,
}


class Auditor:
    """Collects axe violations for every page the phone saw."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
        self.found: list[str] = []
        self.passes: dict[str, int] = {}  # rules passed per page: proof axe really ran

    def check(self, page: Any, name: str) -> None:
        html, url = page.content(), page.url
        audit = self.context.new_page()
        audit.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        audit.goto(url)
        audit.add_script_tag(path=str(AXE))
        result = audit.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => ({"
            "violations: r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')),"
            "passes: r.passes.length}))",
            WCAG,
        )
        self.found += [f"{name}: {v}" for v in result["violations"]]
        self.passes[name] = int(result["passes"])
        audit.close()


def shoot(page: Any, name: str, auditor: Auditor) -> None:
    page.screenshot(path=ARTIFACTS / f"lang-{name}.png", full_page=True)
    auditor.check(page, name)


def style(page: Any, selector: str, prop: str) -> str:
    return str(
        page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")
    )


def test_answering_in_welsh_easy_read_and_right_to_left(live_app, make_survey) -> None:  # noqa: F811
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed")
    require(AXE.exists(), "axe-core is not installed (make browser-deps)")
    from playwright.sync_api import expect, sync_playwright

    app, base = live_app
    db = app.extensions["engage.sessionmaker"]()
    survey = make_survey()
    for position, code in enumerate(("cy", "ur", "ar", EASY_READ), start=1):
        survey.languages.append(SurveyLanguage(code=code, position=position))
    survey.version += 1
    from tests.conftest import today  # noqa: F401 - the survey is open today

    db.merge(survey)
    db.commit()
    link = survey.channels[0].code
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = _launch(p)
        auditor = Auditor(browser)
        page = browser.new_context(**PHONE).new_page()

        # Welsh, chosen from the start page's language links.
        page.goto(f"{base}/s/{link}")
        page.get_by_role("link", name="Cymraeg").click()
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        expect(page.get_by_role("heading", name="Cyn i chi ddechrau")).to_be_visible()
        shoot(page, "cy-01-start", auditor)
        page.get_by_role("link", name="Dechrau'r arolwg").click()
        expect(page.get_by_text("Tudalen 1 o")).to_be_visible()

        # A required question left out: the error summary, in Welsh.
        page.get_by_role("button", name="Parhau").click()
        expect(page.get_by_role("alert")).to_contain_text("Mae problem")
        shoot(page, "cy-02-required-error", auditor)
        page.get_by_role("group", name="How safe do you feel").get_by_label(
            "Quite unsafe", exact=True
        ).check()
        page.get_by_role("button", name="Parhau").click()
        expect(page.get_by_text("Tudalen 2 o")).to_be_visible()

        # Switch to easy read mid-survey: the same page, the earlier answer kept.
        page.get_by_role("button", name="Easy read").click()
        expect(page.locator("html")).to_have_attribute("lang", EASY_READ)
        expect(page.get_by_text("Page 2 of")).to_be_visible()
        shoot(page, "easy-03-switched", auditor)
        page.get_by_role("button", name="Back").click()
        expect(
            page.get_by_role("group", name="How safe do you feel").get_by_label(
                "Quite unsafe", exact=True
            )
        ).to_be_checked()
        for _ in range(12):
            if page.get_by_role("button", name="Send my answers").count():
                break
            page.get_by_role("button", name="Next").click()
        shoot(page, "easy-04-last-page", auditor)
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Thank you. We have your answers.")).to_be_visible()
        shoot(page, "easy-05-thank-you", auditor)

        # Urdu: right to left. The catalogue waits for its translator; the layout does not.
        for language in ("ur", "ar"):
            page.goto(f"{base}/s/{link}?lang={language}")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            # The panel's inline-start border is on the right.
            assert style(page, ".panel", "border-right-width") == "5px"
            assert style(page, ".panel", "border-left-width") == "0px"
            # The quick exit sits at the inline end: the left of the screen.
            box = page.locator(".quick-exit__link").bounding_box()
            assert box is not None and box["x"] < 390 / 2
            shoot(page, f"{language}-01-start", auditor)
            page.goto(f"{base}/s/{link}/start?lang={language}")
            page.locator("button[name=_action][value=next]").click()
            expect(page.locator(".error-summary")).to_be_visible()
            assert style(page, ".field--error", "border-right-width") == "5px"
            assert style(page, ".field--error", "padding-right") != "0px"
            # A radio sits to the right of its label.
            radio = page.locator(".choice input").first.bounding_box()
            label = page.locator(".choice label").first.bounding_box()
            assert radio is not None and label is not None and radio["x"] > label["x"]
            # Phone numbers stay in order inside right-to-left text.
            expect(page.locator("bdi[dir=ltr]", has_text="0800 1111")).to_be_visible()
            shoot(page, f"{language}-02-required-error", auditor)
        browser.close()

    languages = db.scalars(select(Response.language)).all()
    db.close()
    assert languages == [EASY_READ]
    assert auditor.found == []
    assert len(auditor.passes) == 9 and min(auditor.passes.values()) >= 10, auditor.passes
