"""Respondents in their own language on a 390x844 phone with JavaScript off.

Urdu (right to left), switching to Polish half way and finishing in Polish; easy
read start to finish; Arabic with a required-question error, to the thank-you page. Every page is audited
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
from engage.surveys.starter_translations import load_language
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


def starter_text(language: str, key: str) -> str:
    """The youth starter's shipped wording of ``key`` in ``language``."""
    return str(load_language(language)["young_people"][key])


def answer_to_the_end(page: Any, first_option: str, submit: str) -> None:
    """Answer page 1's required question by its translated label, then go on to the end."""
    page.get_by_label(first_option, exact=True).check()
    for _ in range(12):
        if page.get_by_role("button", name=submit).count():
            break
        page.locator("button[name=_action][value=next]").click()
    page.get_by_role("button", name=submit).click()


def test_answering_in_urdu_polish_easy_read_and_arabic(live_app, make_survey) -> None:  # noqa: F811
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed")
    require(AXE.exists(), "axe-core is not installed (make browser-deps)")
    from playwright.sync_api import expect, sync_playwright

    app, base = live_app
    db = app.extensions["engage.sessionmaker"]()
    survey = make_survey()
    for position, code in enumerate(("cy", "ur", "pl", "ar", EASY_READ), start=1):
        survey.languages.append(SurveyLanguage(code=code, position=position))
    survey.version += 1
    db.merge(survey)
    db.commit()
    link = survey.channels[0].code
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    unsafe = "question.feel_safe_area.option.2"  # "Quite unsafe"

    with sync_playwright() as p:
        browser = _launch(p)
        auditor = Auditor(browser)
        page = browser.new_context(**PHONE).new_page()

        # Urdu, chosen from the start page's language links: right to left throughout.
        page.goto(f"{base}/s/{link}")
        page.get_by_role("link", name="اردو").click()
        expect(page.locator("html")).to_have_attribute("lang", "ur")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        # The panel's inline-start border is on the right; quick exit at the inline end.
        assert style(page, ".panel", "border-right-width") == "5px"
        assert style(page, ".panel", "border-left-width") == "0px"
        box = page.locator(".quick-exit__link").bounding_box()
        assert box is not None and box["x"] < 390 / 2
        expect(page.locator("bdi[dir=ltr]", has_text="0800 1111")).to_be_visible()
        shoot(page, "ur-01-start", auditor)
        page.goto(f"{base}/s/{link}/start?lang=ur")
        expect(page.get_by_text(starter_text("ur", "question.feel_safe_area.text"))).to_be_visible()
        # A radio sits to the right of its label.
        radio = page.locator(".choice input").first.bounding_box()
        label = page.locator(".choice label").first.bounding_box()
        assert radio is not None and label is not None and radio["x"] > label["x"]
        page.get_by_label(starter_text("ur", unsafe), exact=True).check()
        page.locator("button[name=_action][value=next]").click()
        shoot(page, "ur-02-page-2", auditor)

        # Switch to Polish mid-survey: the same page, the earlier answer kept.
        page.get_by_role("button", name="Polski").click()
        expect(page.locator("html")).to_have_attribute("lang", "pl")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        shoot(page, "pl-03-switched", auditor)
        page.locator("button[name=_action][value=back]").click()
        expect(page.get_by_label(starter_text("pl", unsafe), exact=True)).to_be_checked()
        shoot(page, "pl-04-answer-kept", auditor)
        answer_to_the_end(page, starter_text("pl", unsafe), "Wyślij moje odpowiedzi")
        expect(page.locator(".confirmation h1")).to_be_visible()
        shoot(page, "pl-05-thank-you", auditor)

        # Easy read, start to finish.
        page.goto(f"{base}/s/{link}/start?lang={EASY_READ}")
        expect(page.locator("html")).to_have_attribute("lang", EASY_READ)
        shoot(page, "easy-01-page-1", auditor)
        answer_to_the_end(page, starter_text(EASY_READ, unsafe), "Send my answers")
        expect(page.get_by_role("heading", name="Thank you. We have your answers.")).to_be_visible()
        shoot(page, "easy-02-thank-you", auditor)

        # Arabic: a required question left out gives the error summary, right to left.
        page.goto(f"{base}/s/{link}/start?lang=ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.locator("button[name=_action][value=next]").click()
        expect(page.locator(".error-summary")).to_be_visible()
        assert style(page, ".field--error", "border-right-width") == "5px"
        assert style(page, ".field--error", "padding-right") != "0px"
        shoot(page, "ar-01-required-error", auditor)
        page.get_by_label(starter_text("ar", unsafe), exact=True).check()
        answer_to_the_end(page, starter_text("ar", unsafe), submit_label(page))
        expect(page.locator(".confirmation h1")).to_be_visible()
        shoot(page, "ar-02-thank-you", auditor)
        browser.close()

    languages = sorted(db.scalars(select(Response.language)).all())
    db.close()
    assert languages == sorted(["pl", EASY_READ, "ar"])
    assert auditor.found == []
    assert len(auditor.passes) == 9 and min(auditor.passes.values()) >= 10, auditor.passes


def submit_label(page: Any) -> str:
    """The translated "Submit my answers" of the page's language (from its catalogue)."""
    from engage.gettext import TRANSLATIONS

    lang = str(page.locator("html").get_attribute("lang"))
    from babel.messages.pofile import read_po

    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    message = catalogue.get("Submit my answers")
    assert message is not None and message.string
    return str(message.string)
