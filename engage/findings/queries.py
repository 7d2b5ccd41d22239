"""The SQL behind the findings: GROUP BY in the database, small frames out.

A consultation can have 100,000 responses and a few million answer rows, so
nothing here loads a row per response or per answer into Python: each query
returns one row per distinct combination of a few codes (tens to a few
thousand rows), and the findings are built from those counts. Every count is
raw: ``engage.findings`` masks them before anything leaves the officer role.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import (
    CTE,
    ColumnElement,
    Engine,
    FromClause,
    and_,
    case,
    func,
    inspect,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from engage.surveys.models import PREFER_NOT_TO_SAY, Answer, Channel, Question, Response
from engage.themes.models import CodeAssignment, CodeStatus, Source, Theme

NO_THEME = -1  # the theme id of the rows that count people, not mentions


@dataclass(frozen=True)
class ThemeRow:
    id: int
    key: str
    name: str


def response_total(session: Session, survey_id: int) -> int:
    return int(session.scalar(select(func.count()).where(Response.survey_id == survey_id)) or 0)


def channel_mode_counts(session: Session, survey_id: int) -> pd.DataFrame:
    """Responses per channel and mode: ``channel`` (name), ``mode``, ``n``."""
    rows = session.execute(
        select(Response.channel_id, Response.mode, func.count())
        .where(Response.survey_id == survey_id)
        .group_by(Response.channel_id, Response.mode)
    ).all()
    # Rows unpack as typed tuples (Result.tuples() is deprecated in SQLAlchemy 2.1).
    names: dict[int | None, str] = {
        channel_id: name
        for channel_id, name in session.execute(
            select(Channel.id, Channel.name).where(Channel.survey_id == survey_id)
        )
    }
    return pd.DataFrame(
        [(names.get(channel, "(deleted channel)"), mode, int(n)) for channel, mode, n in rows],
        columns=["channel", "mode", "n"],
    )


def response_dates(session: Session, survey_id: int) -> tuple[date | None, date | None]:
    """The first and last date responses were collected on (dates only are stored)."""
    row = session.execute(
        select(func.min(Response.submitted_on), func.max(Response.submitted_on)).where(
            Response.survey_id == survey_id
        )
    ).one()
    return row[0], row[1]


def answer_counts(session: Session, question_ids: Sequence[int]) -> pd.DataFrame:
    """Answers per question and value: ``question_id``, ``option_code``, ``number_value``, ``n``.

    Questions belong to one survey, so their answers are that survey's: no join
    to the responses is needed.
    """
    if not question_ids:
        return pd.DataFrame(columns=["question_id", "option_code", "number_value", "n"])
    rows = session.execute(
        select(Answer.question_id, Answer.option_code, Answer.number_value, func.count())
        .where(Answer.question_id.in_(list(question_ids)))
        .group_by(Answer.question_id, Answer.option_code, Answer.number_value)
    ).all()
    return pd.DataFrame(rows, columns=["question_id", "option_code", "number_value", "n"])


def pair_counts(session: Session, first_id: int, second_id: int) -> pd.DataFrame:
    """Joint answers to two single-choice questions, per response that answered the first:
    ``first``, ``second`` (None when not answered), ``n``; for disability, which needs
    the condition and its impact together.

    With an index on (question, response) the second answer is looked up per
    response. Without one, SQLite would look it up by question alone and read
    the whole question every time, so then the two questions' answers are
    grouped by response in one pass instead.
    """
    answer = Answer.__table__
    if has_person_index(session):
        second = answer.alias("second")
        joined = (
            select(answer.c.option_code.label("a"), second.c.option_code.label("b"))
            .select_from(
                answer.outerjoin(
                    second,
                    and_(
                        second.c.question_id == second_id,
                        second.c.response_id == answer.c.response_id,
                    ),
                )
            )
            .where(answer.c.question_id == first_id)
        )
    else:
        joined = (
            select(
                func.max(case((answer.c.question_id == first_id, answer.c.option_code))).label("a"),
                func.max(case((answer.c.question_id == second_id, answer.c.option_code))).label(
                    "b"
                ),
            )
            .where(answer.c.question_id.in_([first_id, second_id]))
            .group_by(answer.c.response_id)
            .having(func.count(case((answer.c.question_id == first_id, 1))) > 0)
        )
    pairs = joined.subquery()
    rows = session.execute(
        select(pairs.c.a, pairs.c.b, func.count()).group_by(pairs.c.a, pairs.c.b)
    ).all()
    return pd.DataFrame(rows, columns=["first", "second", "n"])


def active_themes(session: Session) -> list[ThemeRow]:
    """The codebook's active themes in codebook order (as ``list_themes``, without
    creating the codebook: a report never writes)."""
    rows = session.execute(
        select(Theme.id, Theme.key, Theme.name)
        .where(Theme.active.is_(True))
        .order_by(Theme.position, Theme.id)
    ).all()
    return [ThemeRow(id=int(r[0]), key=str(r[1]), name=str(r[2])) for r in rows]


def theme_group_counts(
    session: Session,
    text_question_ids: Sequence[int],
    theme_ids: Sequence[int],
    group_questions: dict[str, int],
    age_question_id: int | None,
    *,
    parts: int = 1,
) -> pd.DataFrame:
    """People who wrote, and people who mentioned each theme, per combination of groups.

    Every count is a sum over people, so the people can be split into ``parts``
    by their random response ids and counted side by side, each part on a
    connection of its own (the database drivers release the GIL while a query
    runs); the parts' counts add up to the whole. The first part runs on
    ``session``. See ``_theme_group_counts`` for what is counted.
    """
    bind = session.get_bind()
    if parts <= 1 or not isinstance(bind, Engine):
        return _theme_group_counts(
            session, text_question_ids, theme_ids, group_questions, age_question_id, None
        )
    bounds = _id_ranges(parts)
    with ThreadPoolExecutor(max_workers=parts - 1, thread_name_prefix="counts") as pool:
        others = [
            pool.submit(
                _counts_apart,
                bind,
                text_question_ids,
                theme_ids,
                group_questions,
                age_question_id,
                bounds[n],
            )
            for n in range(1, parts)
        ]
        frames = [
            _theme_group_counts(
                session, text_question_ids, theme_ids, group_questions, age_question_id, bounds[0]
            )
        ]
        frames += [future.result() for future in others]
    combined = pd.concat(frames, ignore_index=True)
    keys = [c for c in combined.columns if c != "n"]
    return combined.groupby(keys, dropna=False, sort=False)["n"].sum().reset_index()


def _id_ranges(parts: int) -> list[tuple[uuid.UUID | None, uuid.UUID | None]]:
    """``parts`` equal ranges of the 128-bit id space: random ids fall evenly into them."""
    edges = [uuid.UUID(int=n * (1 << 128) // parts) for n in range(1, parts)]
    lows: list[uuid.UUID | None] = [None, *edges]
    highs: list[uuid.UUID | None] = [*edges, None]
    return list(zip(lows, highs, strict=True))


def _in_part(
    column: ColumnElement[uuid.UUID], between: tuple[uuid.UUID | None, uuid.UUID | None] | None
) -> list[ColumnElement[bool]]:
    if between is None:
        return []
    low, high = between
    # Compared through COALESCE(x, x), the same value, so that no planner uses the
    # response index for the slice: the slice only narrows what the question indexes find.
    value = func.coalesce(column, column)
    return ([value >= low] if low is not None else []) + (
        [value < high] if high is not None else []
    )


def _counts_apart(
    bind: Engine,
    text_question_ids: Sequence[int],
    theme_ids: Sequence[int],
    group_questions: dict[str, int],
    age_question_id: int | None,
    between: tuple[uuid.UUID | None, uuid.UUID | None],
) -> pd.DataFrame:
    with Session(bind=bind) as own:
        frame = _theme_group_counts(
            own, text_question_ids, theme_ids, group_questions, age_question_id, between
        )
        own.rollback()  # read only
        return frame


def _theme_group_counts(
    session: Session,
    text_question_ids: Sequence[int],
    theme_ids: Sequence[int],
    group_questions: dict[str, int],
    age_question_id: int | None,
    between: tuple[uuid.UUID | None, uuid.UUID | None] | None,
) -> pd.DataFrame:
    """People who wrote, and people who mentioned each theme, per combination of groups.

    A person is a response with an answer to any of ``text_question_ids``
    (stored text is never blank: the respondent flow strips it, and retention
    sets it to NULL). They mention a theme when any of those answers has it
    among its current codes: the best assignment per answer and theme is
    accepted, else rejected, else suggested (``themes.answers.best_codes``), and it
    counts when accepted or suggested. So a theme is on exactly when an
    assignment was accepted, or one is suggested and none rejected; the
    tie-break by newest id never changes that.

    Columns: one per key of ``group_questions`` (the option code the person
    gave, or None), ``age_number`` and ``age_code`` when an age question is
    given, ``theme_id`` (``NO_THEME`` on the rows counting people) and ``n``.
    """
    group_columns = list(group_questions)
    columns = group_columns + (["age_number", "age_code"] if age_question_id else [])
    if not text_question_ids:
        return pd.DataFrame(columns=[*columns, "theme_id", "n"])
    answer = Answer.__table__
    codes = CodeAssignment.__table__
    asked = list(text_question_ids)
    # Two separate reads of the text answers rather than one shared CTE: a CTE used
    # twice is materialised, and then neither read can walk an index in order.
    texts = answer.alias("texts")
    people = (
        select(answer.c.response_id)
        .where(answer.c.question_id.in_(asked), answer.c.text_value.is_not(None))
        .where(*_in_part(answer.c.response_id, between))
        .distinct()
        .cte("people")
    )
    rejected = codes.alias("rejected")
    # Themes are not filtered here: an IN list on theme_id would make SQLite probe the
    # (answer, theme) index once per theme. Inactive themes are dropped from the counts.
    mentions = (
        select(texts.c.response_id, codes.c.theme_id)
        .distinct()
        .select_from(texts.join(codes, codes.c.answer_id == texts.c.id))
        .where(
            texts.c.question_id.in_(asked),
            texts.c.text_value.is_not(None),
            *_in_part(texts.c.response_id, between),
            codes.c.source != Source.BLIND.value,
            or_(
                codes.c.status == CodeStatus.ACCEPTED.value,
                and_(
                    codes.c.status == CodeStatus.SUGGESTED.value,
                    # SELECT 1, not SELECT *: SQLite then answers from the index alone.
                    ~select(literal(1))
                    .where(
                        rejected.c.answer_id == codes.c.answer_id,
                        rejected.c.theme_id == codes.c.theme_id,
                        rejected.c.status == CodeStatus.REJECTED.value,
                        rejected.c.source != Source.BLIND.value,
                    )
                    .exists(),
                ),
            ),
        )
        .cte("mentions")
    )
    wanted = [(name, qid, "option_code") for name, qid in group_questions.items()]
    if age_question_id:
        wanted += [
            ("age_number", age_question_id, "number_value"),
            ("age_code", age_question_id, "option_code"),
        ]
    if not wanted:
        base = select(literal(NO_THEME).label("theme_id"), func.count().label("n")).select_from(
            people
        )
        themed = select(mentions.c.theme_id, func.count().label("n")).group_by(mentions.c.theme_id)
    else:
        groups = _person_groups(session, people, wanted, between)
        grouped = [groups.c[name] for name in columns]
        base = select(
            *grouped, literal(NO_THEME).label("theme_id"), func.count().label("n")
        ).group_by(*grouped)
        themed = (
            select(*grouped, mentions.c.theme_id, func.count().label("n"))
            .select_from(mentions.join(groups, groups.c.response_id == mentions.c.response_id))
            .group_by(*grouped, mentions.c.theme_id)
        )
    if session.get_bind().dialect.name == "postgresql":
        # The de-duplication and grouping of ~250,000 rows at 100,000 responses spill
        # to disk at the default 4 MB and take three times as long; this transaction only.
        session.execute(text("SET LOCAL work_mem = '32MB'"))
    rows = session.execute(union_all(base, themed)).all()
    frame = pd.DataFrame(rows, columns=[*columns, "theme_id", "n"])
    frame["theme_id"] = frame["theme_id"].astype("int64")
    frame["n"] = frame["n"].astype("int64")
    keep = frame["theme_id"].isin([NO_THEME, *theme_ids])
    return frame[keep].reset_index(drop=True)


def has_person_index(session: Session) -> bool:
    """Whether ``answer`` has a full index starting (question_id, response_id)."""
    for index in inspect(session.connection()).get_indexes("answer"):
        partial = any("where" in str(key) for key in index.get("dialect_options", {}))
        if index["column_names"][:2] == ["question_id", "response_id"] and not partial:
            return True
    return False


def _person_groups(
    session: Session,
    people: CTE,
    wanted: list[tuple[str, int, str]],
    between: tuple[uuid.UUID | None, uuid.UUID | None] | None,
) -> CTE:
    """Each person's answers to the grouping questions: one row per person, None where
    they gave no answer.

    SQLite has no hash aggregation, so a GROUP BY over every grouping answer
    would sort them all: where an index on (question, response) lets it, each
    value is looked up per person instead. Without that index SQLite would look
    up by question alone and read the whole question for every person, so then
    (and on PostgreSQL, which pivots in one hashed pass) the answers are pivoted.
    """
    answer = Answer.__table__
    if session.get_bind().dialect.name == "sqlite" and has_person_index(session):
        joined: FromClause = people
        values = []
        aliases: dict[int, FromClause] = {}
        for name, qid, column in wanted:
            if qid not in aliases:
                aliases[qid] = answer.alias(f"group_{len(aliases)}")
                joined = joined.outerjoin(
                    aliases[qid],
                    and_(
                        aliases[qid].c.question_id == qid,
                        aliases[qid].c.response_id == people.c.response_id,
                    ),
                )
            values.append(aliases[qid].c[column].label(name))
        return select(people.c.response_id, *values).select_from(joined).cte("groups")
    pivot = (
        select(
            answer.c.response_id,
            *[
                func.max(case((answer.c.question_id == qid, answer.c[column]))).label(name)
                for name, qid, column in wanted
            ],
        )
        .where(
            answer.c.question_id.in_(sorted({qid for _, qid, _ in wanted})),
            *_in_part(answer.c.response_id, between),
        )
        .group_by(answer.c.response_id)
        .subquery("pivot")
    )
    return (
        select(people.c.response_id, *[pivot.c[name] for name, _, _ in wanted])
        .select_from(people.outerjoin(pivot, pivot.c.response_id == people.c.response_id))
        .cte("groups")
    )


def text_question_ids(questions: Sequence[Question]) -> list[int]:
    return [q.id for q in questions if q.kind == "text"]


def age_value(number: object, code: object) -> object:
    """An age as ``respondent_frame`` holds it: the number, or "prefer_not_to_say"."""
    if code == PREFER_NOT_TO_SAY:
        return PREFER_NOT_TO_SAY
    return number
