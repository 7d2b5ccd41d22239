"""What a respondent sees and what counts as a valid answer.

Pure functions over the survey models and the posted values: no database, no
request. The same rules serve the respondent's page-by-page flow, the final
submission and an officer keying in a paper response.

Conditions always point at a question on an *earlier* page, so a page's
visibility is known before it is shown and the flow works without JavaScript.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engage.i18n import N_, Message
from engage.surveys.models import PREFER_NOT_TO_SAY, Kind, Operator, Question, Section, Survey

DEFAULT_MAX_TEXT = 2000
FIELD_RE = re.compile(r"^q(\d{1,9})$")
# Control characters other than tab and newline cannot be stored (PostgreSQL refuses NUL)
# and never come from a keyboard.
_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)} | {0x7F: None}

RawAnswers = dict[int, list[str]]


class UnknownQuestion(ValueError):
    """The post named a question that is not in this survey."""


class AnswerProblem(ValueError):
    """An answer that is not valid, with the message the respondent reads."""

    def __init__(self, text: str, **variables: object) -> None:
        self.message = Message.of(text, **variables)
        super().__init__(str(self.message))


@dataclass(frozen=True)
class Parsed:
    """A valid answer to one question."""

    codes: tuple[str, ...] = ()
    text: str | None = None
    number: float | None = None


@dataclass
class Checked:
    answers: dict[int, Parsed] = field(default_factory=dict)
    # field name -> message (English; respondent pages translate it)
    errors: dict[str, Message] = field(default_factory=dict)


def clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value.translate(_CONTROL))
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def collect_raw(survey: Survey, form: Mapping[str, Iterable[str]]) -> RawAnswers:
    """Posted values per question id; unknown question fields are an error.

    ``form`` maps field names to their list of values (a MultiDict's ``lists()``).
    Fields that do not look like answers (csrf_token, _page...) are ignored.
    """
    known = {q.id for q in survey.questions}
    raw: RawAnswers = {}
    for name, values in form.items():
        match = FIELD_RE.match(name)
        if not match:
            if name.startswith("q") and name[1:].isdigit():
                raise UnknownQuestion(name)
            continue
        qid = int(match.group(1))
        if qid not in known:
            raise UnknownQuestion(name)
        kept = [v for v in values if v.strip() != ""]
        if kept:
            raw[qid] = kept
    return raw


def condition_met(
    question_id: int | None, operator: str | None, value: str | None, raw: RawAnswers
) -> bool:
    if question_id is None:
        return True
    given = raw.get(question_id, [])
    if operator == Operator.AT_LEAST.value:
        try:
            threshold = float(value or "")
        except ValueError:
            return False
        for item in given:
            number = _to_number(item)
            if number is not None and number >= threshold:
                return True
        return False
    return (value or "") in given


def visible_questions(section: Section, raw: RawAnswers) -> list[Question]:
    if not condition_met(
        section.condition_question_id, section.condition_operator, section.condition_value, raw
    ):
        return []
    return [
        q
        for q in section.questions
        if condition_met(q.condition_question_id, q.condition_operator, q.condition_value, raw)
    ]


def prune_hidden(survey: Survey, raw: RawAnswers) -> tuple[RawAnswers, list[int]]:
    """Drop answers to questions that the other answers hide, page by page in order.

    Returns the kept answers and the ids of questions whose answers were dropped.
    """
    kept: RawAnswers = {}
    for section in survey.sections:
        shown = {q.id for q in visible_questions(section, kept)}
        for q in section.questions:
            if q.id in shown and q.id in raw:
                kept[q.id] = raw[q.id]
    dropped = [qid for qid in raw if qid not in kept]
    return kept, dropped


def visible_sections(survey: Survey, raw: RawAnswers) -> list[Section]:
    return [s for s in survey.sections if visible_questions(s, raw)]


def check_questions(questions: Iterable[Question], raw: RawAnswers) -> Checked:
    result = Checked()
    for question in questions:
        values = raw.get(question.id, [])
        try:
            parsed = parse_answer(question, values)
        except AnswerProblem as exc:
            result.errors[question.field_name] = exc.message
            continue
        if parsed is None:
            if question.required:
                result.errors[question.field_name] = _missing_message(question)
            continue
        result.answers[question.id] = parsed
    return result


def check_survey(survey: Survey, raw: RawAnswers) -> Checked:
    """Validate every visible question of the whole survey."""
    questions = [q for s in survey.sections for q in visible_questions(s, raw)]
    return check_questions(questions, raw)


def parse_answer(question: Question, values: list[str]) -> Parsed | None:
    """The valid answer, None if unanswered, or AnswerProblem with a message for the respondent."""
    if not values:
        return None
    kind = question.kind_enum
    if kind in (Kind.SINGLE, Kind.RATING):
        if len(values) > 1:
            raise AnswerProblem(N_("Choose one answer only."))
        code = values[0]
        _check_codes(question, [code])
        number = float(code) if kind is Kind.RATING and code.isdigit() else None
        return Parsed(codes=(code,), number=number)
    if kind is Kind.MULTI:
        codes = list(dict.fromkeys(values))
        _check_codes(question, codes)
        if PREFER_NOT_TO_SAY in codes and len(codes) > 1:
            raise AnswerProblem(
                N_("You chose 'Prefer not to say' and other answers. Choose one or the other.")
            )
        return Parsed(codes=tuple(codes))
    if kind is Kind.TEXT:
        if len(values) > 1:
            raise AnswerProblem(N_("Send one answer to this question."))
        text = clean_text(values[0])
        if not text:
            return None
        limit = question.max_length or DEFAULT_MAX_TEXT
        if len(text) > limit:
            raise AnswerProblem(
                N_("Your answer is %(length)s characters long. Keep it to %(limit)s or fewer."),
                length=len(text),
                limit=limit,
            )
        return Parsed(text=text)
    return _parse_number(question, values)


def _parse_number(question: Question, values: list[str]) -> Parsed | None:
    prefer_not = question.prefer_not_option and PREFER_NOT_TO_SAY in values
    numbers = [v for v in values if v != PREFER_NOT_TO_SAY]
    if prefer_not and numbers:
        raise AnswerProblem(
            N_("You gave a number and chose 'Prefer not to say'. Choose one or the other.")
        )
    if prefer_not:
        return Parsed(codes=(PREFER_NOT_TO_SAY,))
    if len(numbers) > 1:
        raise AnswerProblem(N_("Enter one number."))
    number = _to_number(numbers[0])
    if number is None:
        raise AnswerProblem(N_("Enter a number, like 15."))
    if question.demographic == "age" and not number.is_integer():
        raise AnswerProblem(N_("Enter your age in whole years, like 15."))
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is None:
            raise AnswerProblem(N_("Enter a number no bigger than %(high)s."), high=_num(high))
        if high is None:
            raise AnswerProblem(N_("Enter a number no smaller than %(low)s."), low=_num(low))
        raise AnswerProblem(
            N_("Enter a number between %(low)s and %(high)s."), low=_num(low), high=_num(high)
        )
    return Parsed(number=number)


def _to_number(value: str) -> float | None:
    text = value.strip().replace(",", "")
    if not re.fullmatch(r"[+-]?\d{1,12}(\.\d{1,6})?", text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _num(value: float | None) -> int | float:
    # Whole numbers show without ".0"; the page formats them with the locale's rules.
    number = float(value or 0)
    return int(number) if number.is_integer() else number


def _check_codes(question: Question, codes: list[str]) -> None:
    allowed = {o.code for o in question.options}
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise AnswerProblem(N_("That answer is not one of the choices. Choose from the list."))


def _missing_message(question: Question) -> Message:
    kind = question.kind_enum
    if kind is Kind.TEXT:
        return Message.of(N_("Write an answer to this question."))
    if kind is Kind.NUMBER:
        return Message.of(N_("Enter a number for this question."))
    if kind is Kind.MULTI:
        return Message.of(N_("Choose at least one answer."))
    return Message.of(N_("Choose an answer to this question."))
