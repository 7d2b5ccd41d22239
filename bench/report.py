"""Benchmark of the engagement report and the public page at 100,000 responses.

Run from the repository root::

    .venv/bin/python bench/report.py                        # SQLite in a temporary folder
    .venv/bin/python bench/report.py --responses 20000      # smaller, quicker
    .venv/bin/python bench/report.py --database-url postgresql://postgres@127.0.0.1:5432/bench_h3

``--database-url`` (or ``ENGAGE_BENCH_DATABASE_URL``) points at a PostgreSQL
database that this script EMPTIES first (its ``public`` schema is dropped and
rebuilt by the migrations), so give it a database of its own.

It builds one consultation the fast way (bulk inserts: ``executemany`` on
SQLite, ``COPY`` on PostgreSQL): the young people's starter survey with the
standard questions about the respondent, answers drawn from realistic
distributions (ages 11-25 leaning to 13-17, a West Midlands ethnic mix with
some very small groups, religion, disability for the over-16s, two areas),
one or two written answers per response, code assignments on nine in ten
written answers (seed suggestions, some accepted or rejected by a reviewer,
some added by hand), five channels and three modes; then commitments with an
update timeline, strategic priorities mapped to themes, a Youth Assembly
review with ratings and votes, and shared quotes.

Then it times, each run with a fresh app (new engine and connections, no
template or query caches warm) and the first run of the process reported
apart from the median of the rest:

* the baseline: one bare SQL pass over every answer,
  ``SELECT question_id, option_code, count(*) FROM answer GROUP BY 1, 2``;
* GET the report (HTML), its CSV and its JSON;
* publishing the public page (POST, which builds the snapshot);
* GET the public page ``/r/<code>``.

Goal: the report and the public page each within 2 s at 100,000 responses.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engage import create_app
from engage.assembly.models import (
    Participant,
    Review,
    ReviewTheme,
    Statement,
    ThemeRating,
    Vote,
)
from engage.auth import services as auth_services
from engage.auth.roles import Role
from engage.config import normalise_database_url
from engage.db import make_engine
from engage.feedback.models import Commitment, CommitmentUpdate
from engage.migrate import upgrade
from engage.priorities.models import Priority
from engage.quotes.models import Quote
from engage.surveys import services
from engage.surveys.models import Survey
from engage.themes.codebook import list_themes
from engage.themes.models import Theme

GOAL_SECONDS = 2.0
PASSWORD = "bench horse battery staple 42"  # noqa: S105 - a throwaway benchmark account
EMAIL = "bench.officer@example.gov.uk"
AREAS = ("E08000025", "E08000027")  # Birmingham, Dudley
RUNS = 5

AGE_WEIGHTS = (6, 8, 10, 12, 12, 11, 9, 7, 5, 4, 4, 3, 3, 3, 3)
AGES = dict(zip(range(11, 26), AGE_WEIGHTS, strict=True))
SEXES = {"female": 52, "male": 45, "prefer_not_to_say": 3}
ETHNIC = {
    "white_british": 440,
    "white_irish": 8,
    "white_gypsy_traveller": 2,
    "white_roma": 0.05,
    "white_other": 30,
    "mixed_white_black_caribbean": 35,
    "mixed_white_black_african": 8,
    "mixed_white_asian": 15,
    "mixed_other": 12,
    "asian_indian": 55,
    "asian_pakistani": 150,
    "asian_bangladeshi": 40,
    "asian_chinese": 6,
    "asian_other": 20,
    "black_caribbean": 25,
    "black_african": 45,
    "black_other": 10,
    "other_arab": 0.04,
    "other_any": 12,
    "prefer_not_to_say": 20,
}
RELIGIONS = {
    "no_religion": 38,
    "christian": 25,
    "buddhist": 0.5,
    "hindu": 2,
    "jewish": 0.3,
    "muslim": 28,
    "sikh": 3,
    "other_religion": 0.7,
    "prefer_not_to_say": 3,
}
CHANNELS = {
    "Oak Park School": 35,
    "Northfield Youth Club": 15,
    "Instagram": 25,
    "Mosque youth group": 10,
    "Web link": 15,
}
MODES = {"online": 90, "paper": 7, "face_to_face": 3}
TEXTS = (
    "Gangs hang round the park after dark and people carry knives.",
    "There is nothing to do round here so people get bored and start trouble.",
    "The buses at night feel unsafe, there are fights and no one helps.",
    "More youth clubs and things to do in the evening would help a lot.",
    "Police should talk to young people with respect, not just stop and search us.",
    "Mental health support in school takes months, people need help sooner.",
    "Social media videos of fights make everyone think they need to carry something.",
    "Street lights are broken on the way home from school.",
    "Older boys pressure younger ones to sell drugs for money.",
    "Jobs and training for young people so they have something to lose.",
)
TEXT_ANSWERS = {"unsafe_reasons": 1.0, "biggest_difference": 0.45}


def weighted(rng: np.random.Generator, choices: dict[Any, float], size: int) -> np.ndarray:
    keys = list(choices)
    p = np.array([choices[k] for k in keys], dtype="float64")
    picks = rng.choice(len(keys), size=size, p=p / p.sum())
    values = np.empty(len(keys), dtype=object)
    values[:] = keys
    return values[picks]


def hex_ids(n: int) -> list[str]:
    """Random 128-bit ids as 32 hex digits (what a Uuid column holds on SQLite; PostgreSQL
    reads them too), made in bulk: millions of uuid4() calls would dominate the load."""
    digits = os.urandom(16 * n).hex()
    return [digits[32 * i : 32 * (i + 1)] for i in range(n)]


def id_stream() -> Iterable[str]:
    while True:
        yield from hex_ids(100_000)


# ---------------------------------------------------------------- the database


def prepare_database(url: str | None, folder: Path) -> str:
    if url:
        url = normalise_database_url(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = "sqlite:///" + str(folder / "bench-report.sqlite3")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def app_config(url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "bench-secret-key-" + "x" * 32,
    }


class Loader:
    """Bulk inserts through the driver: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if self.postgres:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-500000")  # 500 MB while loading
                indexes = cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = ? AND sql IS NOT NULL",
                    (table,),
                ).fetchall()
                cursor.execute("BEGIN")
                # Indexes are quicker built once at the end than kept up row by row.
                for name, _ in indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
                marks = ", ".join("?" for _ in columns)
                # Table and column names are this script's own constants.
                statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(statement, rows)
                for _, sql in indexes:
                    cursor.execute(sql)
                cursor.execute("COMMIT")
            raw.commit()
        finally:
            raw.close()


def build_consultation(url: str, responses: int, seed: int = 2026) -> tuple[int, int]:
    """The survey (id) with its responses, codes and follow-up; and the officer's id."""
    app = create_app(app_config(url))
    session: Session = app.extensions["engage.sessionmaker"]()
    officer = auth_services.create_user(
        session, email=EMAIL, name="Bench Officer", password=PASSWORD, role=Role.OFFICER
    )
    survey = services.create_survey(
        session,
        services.SurveySettings(
            title="Your area, your safety (benchmark)",
            introduction="Tell us what it is like where you live.",
            audience="young_people",
            areas=",".join(AREAS),
            age_min=11,
            age_max=25,
            opens_on=None,
            closes_on=None,
        ),
        created_by_id=officer.id,
        starter="young_people",
    )
    for name in CHANNELS:
        if not any(c.name == name for c in survey.channels):
            services.add_channel(session, survey, name)
    services.set_status(session, survey, "open")
    themes = list_themes(session)  # creates the codebook
    session.commit()
    survey = services.get_survey(session, survey.id)
    session.commit()  # ends the read snapshot: the loader writes on its own connection
    loader = Loader(app.extensions["engage.engine"])
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    text_ids = load_responses(loader, survey, responses, rng)
    load_codes(loader, themes, text_ids, officer.id, rng)
    print(f"  loaded {responses:,} responses in {time.perf_counter() - started:.1f} s")
    add_follow_up(session, survey, themes, officer.id, rng)
    session.commit()
    ids = survey.id, officer.id
    session.close()
    app.extensions["engage.engine"].dispose()
    return ids


def settle(url: str) -> None:
    """What the server would do by itself after a bulk load.

    PostgreSQL's autovacuum vacuums and analyses a freshly loaded table within a
    minute, so it is done here. SQLite never gathers statistics unless told to
    (Engage does not), so it is left without, as in production.
    """
    engine = make_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def load_responses(loader: Loader, survey: Survey, n: int, rng: np.random.Generator) -> list[str]:
    q = {question.key: question for question in survey.questions}
    channel_ids = {c.name: c.id for c in survey.channels}
    ids = hex_ids(n)
    channels = weighted(rng, {channel_ids[k]: w for k, w in CHANNELS.items()}, n)
    modes = weighted(rng, MODES, n)
    start = date(2025, 3, 1)
    days = rng.integers(0, 120, n)
    loader.insert(
        "response",
        ("id", "survey_id", "channel_id", "mode", "submitted_on"),
        (
            (
                ids[i],
                survey.id,
                int(channels[i]),
                modes[i],
                (start + timedelta(int(days[i]))).isoformat(),
            )
            for i in range(n)
        ),
    )
    ages = weighted(rng, AGES, n)
    prefer_age = rng.random(n) < 0.02
    columns = {
        "sex": weighted(rng, SEXES, n),
        "ethnic_group": weighted(rng, ETHNIC, n),
        "religion": weighted(rng, RELIGIONS, n),
        "main_language": weighted(rng, {"yes": 85, "no": 13, "prefer_not_to_say": 2}, n),
        "gender_identity": weighted(rng, {"yes": 94, "no": 3, "prefer_not_to_say": 3}, n),
        "area": weighted(
            rng, {AREAS[0]: 60, AREAS[1]: 35, "elsewhere": 3, "prefer_not_to_say": 2}, n
        ),
        "long_term_condition": weighted(rng, {"yes": 18, "no": 78, "prefer_not_to_say": 4}, n),
        "disability_impact": weighted(
            rng, {"yes_a_lot": 25, "yes_a_little": 45, "not_at_all": 28, "prefer_not_to_say": 2}, n
        ),
        "feel_safe_area": weighted(rng, {"1": 10, "2": 20, "3": 35, "4": 25, "5": 10}, n),
        "worry_violence": weighted(
            rng,
            {"not_worried": 25, "a_little_worried": 40, "quite_worried": 22, "very_worried": 13},
            n,
        ),
        "weapon_carrying": weighted(
            rng, {"yes": 8, "no": 70, "not_sure": 17, "prefer_not_to_say": 5}, n
        ),
        "social_media_violence": weighted(
            rng,
            {"every_day": 20, "every_week": 35, "every_month": 20, "less_often": 15, "never": 10},
            n,
        ),
        "trust_police": weighted(rng, {"1": 20, "2": 25, "3": 30, "4": 18, "5": 7}, n),
        "trust_youth_workers": weighted(rng, {"1": 5, "2": 10, "3": 30, "4": 35, "5": 20}, n),
        "know_where_help": weighted(rng, {"yes": 45, "not_sure": 35, "no": 20}, n),
    }
    multi = {}
    for key in ("unsafe_places", "violence_causes", "help_ideas", "who_tell"):
        codes = [o.code for o in q[key].options]
        # One to three different options each: the first k of a random order per row.
        order = np.argsort(rng.random((n, len(codes))), axis=1)[:, :3]
        multi[key] = (codes, order, rng.integers(1, 4, n))
    writes = {key: rng.random(n) < share for key, share in TEXT_ANSWERS.items()}
    text_picks = rng.integers(0, len(TEXTS), (n, len(TEXT_ANSWERS)))
    text_ids: list[str] = []
    qid = {key: question.id for key, question in q.items()}
    rating = {key for key, question in q.items() if question.kind == "rating"}
    single = [(key, values) for key, values in columns.items() if key in q]
    new_id = id_stream().__next__

    def rows() -> Iterable[tuple[Any, ...]]:
        for i in range(n):
            rid = ids[i]
            if prefer_age[i]:
                yield (new_id(), rid, qid["age"], "prefer_not_to_say", None, None)
            else:
                yield (new_id(), rid, qid["age"], None, None, float(ages[i]))
            for key, values in single:
                if key == "disability_impact" and (
                    columns["long_term_condition"][i] != "yes" or ages[i] < 16
                ):
                    continue
                if key == "long_term_condition" and ages[i] < 16:
                    continue
                value = values[i]
                number = float(value) if key in rating else None
                yield (new_id(), rid, qid[key], value, None, number)
            for key, (codes, order, counts) in multi.items():
                for c in order[i, : counts[i]]:
                    yield (new_id(), rid, qid[key], codes[int(c)], None, None)
            for k, key in enumerate(TEXT_ANSWERS):
                if writes[key][i]:
                    answer_id = new_id()
                    text_ids.append(answer_id)
                    yield (answer_id, rid, qid[key], None, TEXTS[text_picks[i, k]], None)

    loader.insert(
        "answer",
        ("id", "response_id", "question_id", "option_code", "text_value", "number_value"),
        rows(),
    )
    return text_ids


def load_codes(
    loader: Loader,
    themes: Sequence[Theme],
    text_ids: Sequence[str],
    reviewer_id: int,
    rng: np.random.Generator,
) -> None:
    """Seed suggestions on nine in ten answers, a third of them reviewed, a few added by hand."""
    popularity = 1 / np.arange(1, len(themes) + 1) ** 0.9
    popularity /= popularity.sum()
    stamp = datetime(2025, 5, 1, 10, 0, tzinfo=UTC).isoformat(sep=" ")
    theme_ids = [t.id for t in themes]

    def rows() -> Iterable[tuple[Any, ...]]:
        next_id = 1
        for answer_id in text_ids:
            if rng.random() >= 0.9:
                continue
            picks = rng.choice(
                len(theme_ids), size=int(rng.integers(1, 4)), replace=False, p=popularity
            )
            for pick in picks:
                roll = rng.random()
                if roll < 0.25:
                    status, reviewer = "accepted", reviewer_id
                elif roll < 0.35:
                    status, reviewer = "rejected", reviewer_id
                else:
                    status, reviewer = "suggested", None
                yield (
                    next_id,
                    answer_id,
                    theme_ids[int(pick)],
                    "seed:1",
                    "seed",
                    0.6,
                    status,
                    "",
                    stamp,
                    reviewer,
                )
                next_id += 1
            if rng.random() < 0.05:
                pick = int(rng.integers(0, len(theme_ids)))
                yield (
                    next_id,
                    answer_id,
                    theme_ids[pick],
                    f"user:{reviewer_id}",
                    "human",
                    None,
                    "accepted",
                    "",
                    stamp,
                    reviewer_id,
                )
                next_id += 1

    loader.insert(
        "code_assignment",
        (
            "id",
            "answer_id",
            "theme_id",
            "coder",
            "source",
            "confidence",
            "status",
            "reasons",
            "at",
            "reviewer_id",
        ),
        rows(),
    )
    if loader.postgres:
        with loader.engine.begin() as conn:
            conn.execute(
                text(
                    "SELECT setval('code_assignment_id_seq', (SELECT max(id) FROM code_assignment))"
                )
            )


def add_follow_up(
    session: Session,
    survey: Survey,
    themes: Sequence[Theme],
    officer_id: int,
    rng: np.random.Generator,
) -> None:
    by_key = {t.key: t for t in themes}
    for n, (code, title, keys) in enumerate(
        (
            ("P1", "Safer streets and public spaces", ("knives_weapons", "unsafe_places")),
            ("P2", "Positive activities for young people", ("youth_provision", "school")),
            ("P3", "Tackling exploitation", ("gangs_exploitation", "drugs_alcohol")),
        )
    ):
        priority = Priority(set_key=None, code=code, title=title, position=n)
        priority.themes = [by_key[k] for k in keys if k in by_key]
        session.add(priority)
    statuses = ("planned", "in_progress", "done", "not_taken_forward")
    for n in range(8):
        status = statuses[n % 4]
        commitment = Commitment(
            survey_id=survey.id,
            title=f"Commitment {n + 1}: more youth workers in parks",
            detail="Detached youth work on Friday and Saturday evenings.",
            partner="City Council Youth Service",
            groups=["Young people aged 11-14"],
            status=status,
            reason="Funding was not agreed." if status == "not_taken_forward" else "",
            progress={"planned": 0, "in_progress": 40, "done": 100, "not_taken_forward": 0}[status],
            starts_on=date(2025, 7, 1),
            due_on=date(2026, 3, 31),
            position=n,
        )
        commitment.themes = themes[n % 5 : n % 5 + 2]
        for k in range(3):
            commitment.updates.append(
                CommitmentUpdate(
                    on=date(2025, 7, 1) + timedelta(days=30 * k),
                    text=f"Update {k + 1}: work under way.",
                    status=status,
                    progress=commitment.progress,
                    author_id=officer_id,
                )
            )
        session.add(commitment)
    review = Review(survey_id=survey.id, title="Assembly review", status="closed")
    session.add(review)
    session.flush()
    for n, theme in enumerate(themes[:6]):
        session.add(ReviewTheme(review_id=review.id, theme_id=theme.id, position=n))
    statements = [
        Statement(
            review_id=review.id,
            kind="finding",
            origin="officer",
            text=f"Statement {n + 1}: young people need safe places to go in the evening.",
            status="approved",
            created_on=date(2025, 7, 1),
        )
        for n in range(12)
    ]
    session.add_all(statements)
    participants = [
        Participant(
            review_id=review.id,
            voter=uuid.uuid4().hex * 2,
            age_band=("11-15", "16-18", "19-25")[n % 3],
            area="Birmingham",
        )
        for n in range(40)
    ]
    session.add_all(participants)
    session.flush()
    for participant in participants:
        for statement in statements:
            if rng.random() < 0.8:
                value = int(rng.choice([1, 1, 1, 0, -1]))
                session.add(
                    Vote(statement_id=statement.id, participant_id=participant.id, value=value)
                )
        for theme in themes[:6]:
            session.add(
                ThemeRating(
                    review_id=review.id,
                    theme_id=theme.id,
                    participant_id=participant.id,
                    score=int(rng.integers(1, 6)),
                )
            )
    for n in range(4):
        session.add(
            Quote(
                survey_id=survey.id,
                answer_id=None,
                question_id=next(q.id for q in survey.questions if q.key == "unsafe_reasons"),
                text=TEXTS[n],
                attribution="A young person aged 11-15",
                chosen_by_id=officer_id,
            )
        )


# ---------------------------------------------------------------- timing


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def baseline(url: str) -> float:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return timed(
                lambda: conn.execute(
                    text("SELECT question_id, option_code, count(*) FROM answer GROUP BY 1, 2")
                ).all()
            )
    finally:
        engine.dispose()


def measure(url: str, survey_id: int) -> dict[str, float]:
    """One run of every step, each with a fresh app and a fresh login."""
    results: dict[str, float] = {"baseline": baseline(url)}

    def request(method: str, path: str, expect: int, **kwargs: Any) -> float:
        app = create_app(app_config(url))
        client = app.test_client()
        login = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
        if login.status_code != 302:
            raise SystemExit(f"login failed: {login.status_code}")
        started = time.perf_counter()
        response = client.open(path, method=method, **kwargs)
        elapsed = time.perf_counter() - started
        if response.status_code != expect:
            raise SystemExit(f"{method} {path} gave {response.status_code}, expected {expect}")
        app.extensions["engage.engine"].dispose()
        return elapsed

    results["report"] = request("GET", f"/surveys/{survey_id}/report", 200)
    results["csv"] = request("GET", f"/surveys/{survey_id}/report.csv", 200)
    results["json"] = request("GET", f"/surveys/{survey_id}/report.json", 200)
    results["publish"] = request(
        "POST",
        f"/surveys/{survey_id}/public",
        302,
        data={"action": "publish", "summary": "We heard you."},
    )
    code = public_code(url, survey_id)
    app = create_app(app_config(url))
    client = app.test_client()  # no login: the public page is public
    started = time.perf_counter()
    page = client.get(f"/r/{code}")
    results["public"] = time.perf_counter() - started
    if page.status_code != 200:
        raise SystemExit(f"/r/{code} gave {page.status_code}")
    app.extensions["engage.engine"].dispose()
    return results


def public_code(url: str, survey_id: int) -> str:
    from engage.feedback.models import FeedbackPage

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            code = session.scalar(
                select(FeedbackPage.code).where(FeedbackPage.survey_id == survey_id)
            )
    finally:
        engine.dispose()
    if not code:
        raise SystemExit("publishing did not give the page a code")
    return code


STEPS = (
    ("baseline", "bare SQL: answers by question and option"),
    ("report", "GET report (HTML)"),
    ("csv", "GET report.csv"),
    ("json", "GET report.json"),
    ("publish", "POST publish (snapshot)"),
    ("public", "GET /r/<code>"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("ENGAGE_BENCH_DATABASE_URL", ""),
        help="a PostgreSQL database to EMPTY and use (default: SQLite in a temporary folder)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = prepare_database(args.database_url or None, Path(folder))
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"report benchmark: {args.responses:,} responses on {backend}")
        survey_id, _ = build_consultation(url, args.responses)
        settle(url)
        first = measure(url, survey_id)
        runs = [measure(url, survey_id) for _ in range(args.runs)]
    median = {key: statistics.median(run[key] for run in runs) for key, _ in STEPS}
    heading = f"{'first s':>8} {'median s':>9} {'min s':>7} {'max s':>7} {'x baseline':>11}"
    print(f"  {'what':<42} {heading}")
    for key, label in STEPS:
        values = [run[key] for run in runs]
        ratio = median[key] / median["baseline"] if median["baseline"] else float("nan")
        print(
            f"  {label:<42} {first[key]:>8.3f} {median[key]:>9.3f} {min(values):>7.3f} "
            f"{max(values):>7.3f} {ratio:>11.2f}"
        )
    for key, label in (("report", "report (HTML)"), ("public", "public page")):
        worst = max(first[key], median[key])
        verdict = "PASS" if worst <= GOAL_SECONDS else "FAIL"
        print(
            f"  goal: {label} <= {GOAL_SECONDS:.1f} s, first run and median: {verdict} "
            f"(worst {worst:.3f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
