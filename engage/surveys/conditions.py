"""Conditions: pages and questions shown only after certain earlier answers.

A condition points at a question on an earlier page, so a page can be shown or skipped
before the respondent reaches it without JavaScript; these rules keep it so as officers
add, edit, delete and move questions and pages.
"""

from __future__ import annotations

from typing import Any

from engage.errors import Conflict, InvalidInput
from engage.surveys.models import Operator, Question, Section, Survey

Condition = tuple[int | None, str | None, str | None]


def resolve_condition(
    survey: Survey, section: Section, condition: dict[str, Any] | None
) -> Condition:
    """Check a condition and return (question id, operator, value).

    Conditions must point at a question on an earlier page, so pages work without JavaScript.
    """
    if not condition or not condition.get("question"):
        return None, None, None
    ref = condition["question"]
    source = next((q for q in survey.questions if q.key == ref or str(q.id) == str(ref)), None)
    if source is None:
        raise InvalidInput(
            f"The condition refers to a question '{ref}' that is not in this survey."
        )
    if source.section.position >= section.position:
        raise InvalidInput(
            "A condition must depend on a question on an earlier page, so the page can be "
            "shown or skipped before the respondent reaches it."
        )
    operator = condition.get("operator") or Operator.EQUALS.value
    try:
        Operator(operator)
    except ValueError as exc:
        raise InvalidInput("Choose how the condition compares the answer.") from exc
    value = str(condition.get("value", "")).strip()
    if operator == Operator.AT_LEAST.value:
        try:
            float(value)
        except ValueError as exc:
            raise InvalidInput("'At least' conditions need a number, like 16.") from exc
    elif source.kind_enum.has_options and value not in {o.code for o in source.options}:
        raise InvalidInput(
            f"'{value}' is not one of the options of '{source.text}'. "
            f"Use one of: {', '.join(o.code for o in source.options)}."
        )
    return source.id, operator, value[:60]


def set_condition(target: Section | Question, condition: Condition) -> None:
    target.condition_question_id, target.condition_operator, target.condition_value = condition


def refuse_if_referenced(survey: Survey, ids: set[int]) -> None:
    for section in survey.sections:
        dependants: list[Section | Question] = [section, *section.questions]
        for item in dependants:
            if item.condition_question_id in ids and not (
                isinstance(item, Question) and item.id in ids
            ):
                raise Conflict(
                    "Another question or page depends on this one through a condition. "
                    "Remove that condition first."
                )


def check_order(survey: Survey, position_by_section: dict[int, int]) -> None:
    section_of = {q.id: q.section_id for q in survey.questions}
    for section in survey.sections:
        items: list[Section | Question] = [section, *section.questions]
        for item in items:
            ref = item.condition_question_id
            if (
                ref is not None
                and position_by_section[section_of[ref]] >= position_by_section[section.id]
            ):
                raise Conflict("That move would put a page before the question its condition uses.")
