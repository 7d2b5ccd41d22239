"""Fast masked findings: the same figures as the reach and theme pages, from SQL aggregates."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engage.demo.partnership import seed_demo
from engage.findings import queries
from engage.findings.services import build_findings, reach_findings, theme_findings
from engage.reach.context import build_reach
from engage.surveys import services as survey_services
from engage.surveys.logic import Parsed
from engage.surveys.models import Answer, Survey
from engage.surveys.responses import record_response
from engage.themes.answers import text_questions
from engage.themes.codebook import list_themes
from engage.themes.models import CodeAssignment
from engage.themes.summary import build_summary
from tests.helpers import question

SUGGESTED, ACCEPTED, REJECTED = "suggested", "accepted", "rejected"


def _demo(session: Session, seed: int = 5) -> Survey:
    demo = seed_demo(session, responses=200, seed=seed)
    session.commit()
    survey = survey_services.get_survey(session, demo.surveys["young_people"])
    # Review some of the seed suggestions: accept, reject, and add codes by hand, so
    # every rule of "current codes" is exercised.
    rng = random.Random(seed)
    assignments = list(session.scalars(select(CodeAssignment).order_by(CodeAssignment.id)))
    themes = list_themes(session)
    for assignment in assignments:
        roll = rng.random()
        if roll < 0.2:
            assignment.status = REJECTED
        elif roll < 0.45:
            assignment.status = ACCEPTED
        elif roll < 0.5:
            # A person accepts after someone else rejected: accepted wins.
            assignment.status = REJECTED
            session.add(_code(assignment.answer_id, assignment.theme_id, ACCEPTED, "human"))
        elif roll < 0.55:
            session.add(_code(assignment.answer_id, rng.choice(themes).id, SUGGESTED, "model"))
    session.commit()
    return survey


def _code(answer_id: object, theme_id: int, status: str, source: str) -> CodeAssignment:
    return CodeAssignment(
        answer_id=answer_id,
        theme_id=theme_id,
        coder=f"{source}:test",
        source=source,
        status=status,
        reasons="",
    )


def _cells(rows: Sequence[tuple[str, Sequence[object], object]]) -> dict[str, object]:
    return {
        name: (
            [(c.count, c.share, c.interval) for c in cells],
            everyone if isinstance(everyone, str) else everyone.count,
        )
        for name, cells, everyone in rows
    }


@pytest.mark.parametrize("threshold", [10, 5])
def test_theme_figures_equal_the_summary_page(session: Session, threshold: int) -> None:
    survey = _demo(session)
    compared = 0
    for q in text_questions(survey):
        summary = build_summary(session, survey, q, threshold=threshold, confirmed_only=False)
        fast = theme_findings(session, survey, threshold=threshold, question=q)
        assert fast.answered == summary.answered
        expected = {name: (c.count, c.share, c.interval) for name, c in summary.overall}
        assert {t.name: (t.count, t.share, t.interval) for t in fast.overall} == expected
        mine = {t.name: t for t in fast.groupings}
        theirs = {d.name: d for d in summary.dimensions if d.name in {"age_band", "sex"}}
        theirs |= {d.name: d for d in summary.dimensions if d.name in {"ethnic_group", "area"}}
        assert set(theirs) <= set(mine)
        for name, table in theirs.items():
            ours = mine[name]
            assert ours.groups == table.groups
            assert ours.bases == table.bases
            assert _cells([(r.name, r.cells, r.everyone) for r in ours.rows]) == _cells(table.rows)
            compared += 1
    assert compared >= 8


def test_reach_figures_equal_the_reach_page(session: Session) -> None:
    survey = _demo(session, seed=7)
    page = build_reach(session, survey, threshold=10, planned_next=300)
    fast = reach_findings(session, survey, threshold=10, planned_next=300)
    assert [d.name for d in fast.dimensions] == [d.name for d in page.dimensions]
    for ours, theirs in zip(fast.dimensions, page.dimensions, strict=True):
        assert ours.source == theirs.source
        assert [
            (r.category, r.n, r.sample_pct, r.population_pct, r.ratio, r.under, r.masked)
            for r in ours.rows
        ] == [
            (r.category, r.n, r.sample_pct, r.population_pct, r.ratio, r.under, r.masked)
            for r in theirs.rows
        ]
        assert (ours.refused, ours.not_answered) == (theirs.refused, theirs.not_answered)
        assert ours.cv == pytest.approx(theirs.cv)
    assert [(m.dimension, m.category, m.n, m.ratio, m.needed) for m in fast.missing] == [
        (m["dimension"], m["category"], m["n"], m["ratio"], m["needed"]) for m in page.missing
    ]
    assert fast.planned_next == 300


def _respond(
    session: Session, survey: Survey, people: Sequence[dict[str, object]]
) -> list[dict[str, object]]:
    """Store responses through the service; returns each person's text answer ids."""
    ids = {
        k: question(survey, k).id for k in ("unsafe_reasons", "biggest_difference", "age", "sex")
    }
    stored = []
    for person in people:
        answers = {ids["age"]: Parsed(number=float(person.get("age", 15)))}
        answers[ids["sex"]] = Parsed(codes=(str(person.get("sex", "female")),))
        for key in ("unsafe_reasons", "biggest_difference"):
            if key in person:
                answers[ids[key]] = Parsed(text=str(person[key]))
        result = record_response(
            session, survey, survey.channels[0], answers, on=survey_services.today(), nonce=None
        )
        assert result is not None
        stored.append({key: result.text_answer_ids.get(ids[key]) for key in ids})
    session.commit()
    return stored


def test_combined_counts_each_person_once_and_follow_current_codes(
    session: Session, make_survey
) -> None:
    survey = make_survey()
    themes = {t.key: t.id for t in list_themes(session)}
    people = [{"unsafe_reasons": "knives", "biggest_difference": "knives again"}] * 12
    people += [{"unsafe_reasons": "gangs"}] * 12 + [{"biggest_difference": "bored"}] * 6
    stored = _respond(session, survey, people)
    knives, gangs = themes["knives_weapons"], themes["gangs_exploitation"]
    for n, person in enumerate(stored):
        if n < 12:  # knives in both answers: one person, counted once
            session.add(_code(person["unsafe_reasons"], knives, SUGGESTED, "seed"))
            session.add(_code(person["biggest_difference"], knives, ACCEPTED, "human"))
        elif n < 24:
            session.add(_code(person["unsafe_reasons"], gangs, SUGGESTED, "seed"))
            if n < 15:  # rejected beats suggested
                session.add(_code(person["unsafe_reasons"], gangs, REJECTED, "seed"))
            if n == 15:  # a blind code never counts
                session.add(_code(person["unsafe_reasons"], gangs, REJECTED, "blind"))
    session.commit()
    combined = theme_findings(session, survey, threshold=10)
    figures = {t.key: t for t in combined.overall}
    assert combined.answered == "30"
    assert figures["knives_weapons"].count == "12"
    assert figures["knives_weapons"].share == "40%"
    assert figures["gangs_exploitation"].count == "<10"  # 12 - 3 rejected = 9
    assert figures["gangs_exploitation"].share == "–"
    assert figures["gangs_exploitation"].share_value is None
    one = theme_findings(
        session, survey, threshold=10, question=question(survey, "biggest_difference")
    )
    assert one.answered == "18"
    assert {t.key: t.count for t in one.overall} == {"knives_weapons": "12"}


def test_masked_groups_give_no_share_and_small_totals_are_masked(
    session: Session, make_survey
) -> None:
    survey = make_survey()
    people = [{"unsafe_reasons": "x", "sex": "female", "age": 15}] * 20
    people += [{"unsafe_reasons": "x", "sex": "male", "age": 15}] * 3
    _respond(session, survey, people)
    reach = reach_findings(session, survey, threshold=10)
    sex = next(d for d in reach.dimensions if d.name == "sex")
    rows = {r.category: r for r in sex.rows}
    male = next(r for name, r in rows.items() if name.lower().startswith("male"))
    assert male.n == "<10" and male.masked
    assert male.sample_pct == "–" and male.ratio == "–" and male.sample_share is None
    female = next(r for name, r in rows.items() if name.lower().startswith("female"))
    assert female.n == "[c]"  # secondary suppression: 23 - 20 would give the 3 away
    assert female.sample_share is None
    assert reach.responses == "23"
    tiny = reach_findings(session, make_survey(title="Tiny"), threshold=10)
    assert tiny.responses == "0"
    assert not tiny.dimensions


def test_the_grouped_counts_stay_small_as_responses_grow(session: Session, make_survey) -> None:
    """One row per combination of groups, never per response or answer."""
    survey = make_survey()
    _respond(session, survey, [{"unsafe_reasons": "x", "sex": "female", "age": 15}] * 40)
    text_ids = queries.text_question_ids(survey.questions)
    frame = queries.theme_group_counts(
        session, text_ids, [], {"sex": question(survey, "sex").id}, question(survey, "age").id
    )
    assert len(frame) == 1
    assert frame.iloc[0]["n"] == 40 and frame.iloc[0]["theme_id"] == queries.NO_THEME
    assert session.scalar(select(Answer.id).where(Answer.text_value.is_not(None))) is not None
    assert build_findings(session, survey, threshold=10).themes.overall == []


def test_counting_in_parallel_slices_gives_the_same_counts(session: Session) -> None:
    survey = _demo(session, seed=11)
    themes = [t.id for t in list_themes(session)]
    groups = {k: question(survey, k).id for k in ("sex", "ethnic_group", "area")}
    text_ids = queries.text_question_ids(survey.questions)
    keys = ["sex", "ethnic_group", "area", "age_number", "age_code", "theme_id"]

    def counts(parts: int) -> dict[tuple[object, ...], int]:
        frame = queries.theme_group_counts(
            session, text_ids, themes, groups, question(survey, "age").id, parts=parts
        )
        rows = frame.astype("object").where(frame.notna(), None)
        return {tuple(r[k] for k in keys): int(r["n"]) for _, r in rows.iterrows()}

    whole = counts(1)
    assert sum(n for key, n in whole.items() if key[-1] == queries.NO_THEME) > 100
    assert counts(3) == whole
    assert counts(2) == whole


def test_lookups_through_a_question_response_index_give_the_same_counts(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an index on (question, response) SQLite looks answers up per person instead of
    pivoting them; the counts must not change."""
    survey = _demo(session, seed=13)
    themes = [t.id for t in list_themes(session)]
    groups = {k: question(survey, k).id for k in ("sex", "ethnic_group", "area")}
    text_ids = queries.text_question_ids(survey.questions)
    condition, impact = (
        question(survey, "long_term_condition"),
        question(survey, "disability_impact"),
    )

    def as_set(table: Any) -> set[tuple[object, ...]]:
        rows = table.astype("object").where(table.notna(), None)
        return {tuple(row) for row in rows.itertuples(index=False)}

    def counts() -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
        frame = queries.theme_group_counts(
            session, text_ids, themes, groups, question(survey, "age").id
        )
        return as_set(frame), as_set(queries.pair_counts(session, condition.id, impact.id))

    added = not queries.has_person_index(session)
    if added:  # the schema before migration 0008
        session.execute(
            text("CREATE INDEX ix_test_question_response ON answer (question_id, response_id)")
        )
    try:
        assert queries.has_person_index(session)
        looked_up = counts()
        with monkeypatch.context() as patch:
            patch.setattr(queries, "has_person_index", lambda _session: False)
            pivoted = counts()
        assert looked_up == pivoted
        assert len(pivoted[0]) > 50 and len(pivoted[1]) > 2
    finally:
        session.rollback()  # the test index goes with the transaction
