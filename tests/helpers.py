"""Helpers for driving the respondent flow in tests."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engage.surveys import logic
from engage.surveys.models import Survey


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def start_form(client: FlaskClient, code: str) -> dict[str, str]:
    response = client.get(f"/s/{code}/start")
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    state = {"nonce": hidden(html, "nonce"), "started": hidden(html, "started")}
    if 'name="csrf_token"' in html:
        state["csrf_token"] = hidden(html, "csrf_token")
    return state


def question(survey: Survey, key: str) -> Any:
    return next(q for q in survey.questions if q.key == key)


def section_of(survey: Survey, key: str) -> Any:
    return question(survey, key).section


def youth_answers(survey: Survey, **overrides: Any) -> dict[str, Any]:
    """A complete, valid set of answers to the young people's starter survey."""
    q = lambda key: question(survey, key).field_name  # noqa: E731
    answers: dict[str, Any] = {
        q("feel_safe_area"): "2",
        q("unsafe_places"): ["parks", "streets_at_night"],
        q("unsafe_reasons"): "Gangs hang round the park after dark and people carry knives.",
        q("age"): "15",
        q("sex"): "female",
        q("ethnic_group"): "asian_pakistani",
        q("religion"): "muslim",
        q("main_language"): "yes",
    }
    answers.update({q(k): v for k, v in overrides.items()})
    return answers


def submit_all(
    client: FlaskClient,
    survey: Survey,
    code: str,
    answers: dict[str, Any],
    state: dict[str, str] | None = None,
) -> TestResponse:
    """Post every answer to the last page in one request: the flow revalidates everything."""
    state = state or start_form(client, code)
    listed = {k: v if isinstance(v, list) else [v] for k, v in answers.items()}
    visible = logic.visible_sections(survey, logic.collect_raw(survey, listed))
    last = visible[-1] if visible else survey.sections[-1]
    data = {**state, "_page": str(last.id), "_action": "next", **answers}
    return client.post(f"/s/{code}", data=data)
