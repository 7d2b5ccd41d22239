"""Benchmark of the respondent's submit path against a bare Flask + SQLite insert.

Run from the repository root::

    .venv/bin/python bench/submit.py            # full run, about a minute and a half
    .venv/bin/python bench/submit.py --quick    # smoke run: 50 requests/s for 3 s
    .venv/bin/python bench/submit.py --json bench-results.json
    .venv/bin/python bench/submit.py --language ur   # also saturate in Urdu, same run

What it does, all on loopback, in one run:

1. Makes a temporary folder with a migrated SQLite database holding one open
   survey built from the "young_people" starter (area E08000027).
2. Serves Engage with ``gunicorn -c gunicorn.conf.py wsgi:app`` (sync workers,
   ``--workers`` of them, access log to /dev/null) and checks that one real
   submission returns "Thank you" and stores one row.
3. Measures the respondent page weight: every page of the flow (HTML plus every
   same-origin stylesheet and script it references), in every shipped language
   (the survey offers them all), and reports the heaviest page per language.
4. Fetches one form per request to be sent (GET /s/<code>/start, each with its
   own session cookie, which carries the CSRF secret), waits past the bot check's
   minimum completion time, then posts each form's final page once, completing
   the survey in a single request that goes through CSRF, the whole-survey
   validation, the bot and rate-limit checks and the insert.
5. Open loop: requests sent at a fixed rate for a bounded time and count;
   latency is counted from each request's *scheduled* send time, so a server
   that falls behind is charged for the queueing it causes.
6. Closed loop (saturation): a fixed number of connections sending back to back
   for a bounded time; this gives the maximum throughput.
7. Does 5 and 6 again against ``bench/_bare_app.py`` (one raw sqlite3 INSERT per
   request, same gunicorn settings, same SQLite pragmas, bodies of the same size).
8. Counts the rows stored in each run against the 2xx responses.

Settings changed from production for the benchmark (printed with the results):
ENGAGE_SUBMIT_RATE_LIMIT is raised to "1000000 per minute" because all the load
comes from one address, and ENGAGE_MIN_COMPLETION_SECONDS is 1 (forms are
fetched first, then the benchmark waits more than a second). CSRF stays on.

It is a measurement, not a test: it exits 0 whatever the figures, and non-zero
only when it could not set up or drive the app.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlparse

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # this checkout's engage, whatever is installed
from engage.i18n import LANGUAGES, SOURCE  # noqa: E402

RATE_LIMIT = "1000000 per minute"
MIN_COMPLETION_SECONDS = 1
PAGE_WEIGHT_GOAL = 30 * 1024
P99_GOAL_MS = 200.0
P99_GOAL_RATE = 200.0
RATIO_GOAL = 0.5
# The thank-you page's confirmation panel, in any language (its words are translated).
THANK_YOU = '<div class="confirmation">'
CONNECTION_LIMIT = 64
REQUEST_TIMEOUT_S = 30.0
MAX_BACKLOG_S = 2.0  # open loop stops sending once this many seconds of requests are in flight
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

LEADERS_TEXT = (
    "More places to go in the evenings that are free and stay open late, youth workers "
    "who stick around and listen, better lighting on the path by the canal and the park, "
    "and police who talk to us like people instead of moving us on. Most of us just want "
    "somewhere warm and safe to be with our mates after school, that is all really."
)[:300]

# Answers by question key: the required rating, some choices, ~300 characters of
# free text and an age under 16 (so the 16+ questions stay hidden and unanswered).
ANSWERS: dict[str, list[str]] = {
    "feel_safe_area": ["4"],
    "unsafe_places": ["parks", "buses_trains"],
    "worry_violence": ["a_little_worried"],
    "trust_police": ["3"],
    "who_tell": ["friend", "parent_carer"],
    "message_to_leaders": [LEADERS_TEXT],
    "age": ["15"],
    "sex": ["prefer_not_to_say"],
    "ethnic_group": ["white_british"],
}
HIDDEN_RE = re.compile(
    r'<input type="hidden" name="(csrf_token|nonce|started|_page)" value="([^"]*)"'
)


class SetupError(RuntimeError):
    """The benchmark could not set up or drive the app; the figures would mean nothing."""


# ---------------------------------------------------------------- survey set-up


@dataclass
class PagePlan:
    section_id: int
    title: str


@dataclass
class SurveyPlan:
    survey_id: int
    code: str
    pages: list[PagePlan]  # the sections a respondent with ANSWERS sees, in order
    answers_by_section: dict[int, list[tuple[str, str]]]
    hidden_ids: list[int] = field(default_factory=list)

    @property
    def last_section_id(self) -> int:
        return self.pages[-1].section_id

    def answers_through(self, section_id: int) -> list[tuple[str, str]]:
        """Answer fields for every visible page up to and including ``section_id``."""
        fields: list[tuple[str, str]] = []
        for page in self.pages:
            fields.extend(self.answers_by_section.get(page.section_id, []))
            if page.section_id == section_id:
                break
        return fields


def set_up_database(db_path: Path, secret: str) -> SurveyPlan:
    """Migrate a new SQLite database and create one open survey from the young_people starter."""
    from engage import create_app
    from engage.db import make_engine, new_session
    from engage.migrate import upgrade
    from engage.surveys import logic, services
    from engage.surveys.models import Status, SurveyLanguage

    url = f"sqlite:///{db_path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret})
    try:
        with app.app_context():
            session = new_session()
            try:
                created = services.create_survey(
                    session,
                    services.SurveySettings(
                        title="Benchmark: your area, your safety",
                        introduction="Load test survey.",
                        audience="young_people",
                        areas="E08000027",
                        age_min=11,
                        age_max=25,
                        opens_on=None,
                        closes_on=None,
                    ),
                    created_by_id=None,
                    starter="young_people",
                )
                services.set_status(session, created, Status.OPEN.value)
                # Offered in every shipped language, so each can be weighed and driven.
                created.languages.extend(
                    SurveyLanguage(code=code, position=n)
                    for n, code in enumerate(LANGUAGES)
                    if code != SOURCE
                )
                session.commit()
                survey = services.get_survey(session, created.id)
                code = survey.channels[0].code

                by_key = {q.key: q for q in survey.questions}
                missing = sorted(set(ANSWERS) - set(by_key))
                if missing:
                    raise SetupError(f"the starter no longer has the questions {missing}")
                raw = {by_key[key].id: values for key, values in ANSWERS.items()}
                pruned, dropped = logic.prune_hidden(survey, raw)
                if dropped:
                    raise SetupError(f"the chosen answers include hidden questions {dropped}")
                checked = logic.check_survey(survey, pruned)
                if checked.errors:
                    raise SetupError(f"the chosen answers do not validate: {checked.errors}")
                visible = logic.visible_sections(survey, pruned)
                answers_by_section: dict[int, list[tuple[str, str]]] = {}
                for section in survey.sections:
                    for q in section.questions:
                        for value in pruned.get(q.id, []):
                            answers_by_section.setdefault(section.id, []).append(
                                (q.field_name, value)
                            )
                return SurveyPlan(
                    survey_id=survey.id,
                    code=code,
                    pages=[PagePlan(s.id, s.title) for s in visible],
                    answers_by_section=answers_by_section,
                    hidden_ids=[s.id for s in survey.sections if s not in visible],
                )
            finally:
                session.close()
    finally:
        app.extensions["engage.engine"].dispose()


def count_rows(db_path: Path, sql: str, params: Sequence[Any] = ()) -> int:
    connection = sqlite3.connect(db_path, timeout=30.0)
    try:
        return int(connection.execute(sql, tuple(params)).fetchone()[0])
    finally:
        connection.close()


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_executable() -> str:
    beside = Path(sys.executable).parent / "gunicorn"
    if beside.exists():
        return str(beside)
    venv = ROOT / ".venv" / "bin" / "gunicorn"
    if venv.exists():
        return str(venv)
    found = shutil.which("gunicorn")
    if not found:
        raise SetupError("gunicorn is not installed (looked beside this Python and in .venv)")
    return found


@contextmanager
def gunicorn(
    app_args: list[str], env_extra: dict[str, str], workers: int, log_path: Path, ready_path: str
) -> Iterator[str]:
    """Serve an app with the shipped gunicorn.conf.py on a free loopback port; yield its URL."""
    port = free_port()
    env = dict(os.environ)
    env.pop("SECRET_KEY", None)  # config prefers SECRET_KEY over ENGAGE_SECRET_KEY
    env.update(env_extra)
    env.update(
        {
            "ENGAGE_BIND": f"127.0.0.1:{port}",
            "ENGAGE_WORKERS": str(workers),
            "ENGAGE_ACCESS_LOG": "/dev/null",
            "PYTHONUNBUFFERED": "1",
        }
    )
    command = [gunicorn_executable(), "-c", str(ROOT / "gunicorn.conf.py"), *app_args]
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(process, base + ready_path, log_path)
            yield base
        finally:
            stop(process)


def wait_until_ready(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"gunicorn exited with {process.returncode}:\n{tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL we built
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise SetupError(f"gunicorn did not answer {url} within 60 s:\n{tail(log_path)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- HTTP helpers


@dataclass(frozen=True)
class Form:
    """One respondent's blank form, as served by GET /s/<code>/start."""

    cookie: str
    csrf_token: str
    nonce: str
    started: str
    page: str


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Result:
    latency_s: float
    status: int  # 0 for a transport error or timeout
    ok: bool  # 2xx with the expected body


def client(limit: int = CONNECTION_LIMIT) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit),
        cookie_jar=aiohttp.DummyCookieJar(),  # each form carries its own cookie
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
    )


def hidden_fields(page: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in HIDDEN_RE.findall(page)}


async def fetch_form(session: aiohttp.ClientSession, base: str, code: str) -> Form:
    async with session.get(f"{base}/s/{code}/start") as response:
        text = await response.text()
        if response.status != 200:
            raise SetupError(f"GET /s/{code}/start returned {response.status}: {summary(text)}")
        morsel = response.cookies.get("engage")
    fields = hidden_fields(text)
    if morsel is None or not morsel.value:
        raise SetupError("GET /s/<code>/start set no 'engage' session cookie (CSRF needs it)")
    if set(fields) != {"csrf_token", "nonce", "started", "_page"}:
        raise SetupError(f"the first page lacks hidden fields; found {sorted(fields)}")
    return Form(
        cookie=morsel.value,
        csrf_token=fields["csrf_token"],
        nonce=fields["nonce"],
        started=fields["started"],
        page=fields["_page"],
    )


def form_fields(
    form: Form, page_id: int, answers: list[tuple[str, str]], language: str = SOURCE
) -> list[tuple[str, str]]:
    return [
        ("csrf_token", form.csrf_token),
        ("lang", language),
        ("nonce", form.nonce),
        ("started", form.started),
        ("_page", str(page_id)),
        ("website", ""),  # the honeypot, left empty as a person leaves it
        *answers,
        ("_action", "next"),
    ]


def engage_request(form: Form, plan: SurveyPlan, language: str = SOURCE) -> Request:
    """The final page's POST, carrying every page's answers: one request completes the survey."""
    answers = plan.answers_through(plan.last_section_id)
    body = urlencode(form_fields(form, plan.last_section_id, answers, language)).encode()
    return Request(
        path=f"/s/{plan.code}",
        body=body,
        headers={"Cookie": f"engage={form.cookie}", "Content-Type": FORM_CONTENT_TYPE},
    )


def bare_request(body_size: int) -> Request:
    head = urlencode([("nonce", secrets.token_hex(16)), ("payload", "")])
    body = (head + "x" * max(0, body_size - len(head))).encode()
    return Request(path="/insert", body=body, headers={"Content-Type": FORM_CONTENT_TYPE})


def summary(text: str, limit: int = 400) -> str:
    errors = re.findall(r"<li><a href=\"#q\d+\">(.*?)</a></li>", text)
    if errors:
        return "validation errors: " + "; ".join(unescape(e) for e in errors)
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
    return unescape(plain)[:limit]


async def prepare_forms(base: str, code: str, count: int, concurrency: int) -> list[Form]:
    forms: list[Form] = []
    queue = iter(range(count))

    async def worker(session: aiohttp.ClientSession) -> None:
        for _ in queue:
            forms.append(await fetch_form(session, base, code))

    async with client() as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return forms


async def send(
    session: aiohttp.ClientSession,
    base: str,
    request: Request,
    check: Callable[[str], bool],
) -> tuple[int, bool]:
    try:
        async with session.post(
            base + request.path, data=request.body, headers=request.headers
        ) as r:
            text = await r.text()
            return r.status, 200 <= r.status < 300 and check(text)
    except (aiohttp.ClientError, TimeoutError):
        return 0, False


# ---------------------------------------------------------------- load


@dataclass
class RunStats:
    app: str
    mode: str  # "open" or "closed"
    target_rate: float | None
    concurrency: int | None
    seconds_limit: float
    sent: int = 0
    ok: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    achieved_rate: float = 0.0  # ok responses per second
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    max_send_lag_ms: float = 0.0  # open loop: how late the generator sent, at worst
    rows_stored: int = 0
    twoxx: int = 0
    ran_out_of_forms: bool = False
    stopped_after_s: float | None = None  # open loop: sending stopped, server too far behind
    stopped_in_flight: int = 0
    # Saturation in --language, run right after this one (English) in the same server.
    extra: RunStats | None = None

    @property
    def errors(self) -> int:
        return self.sent - self.ok

    @property
    def rows_match(self) -> bool:
        return self.rows_stored == self.twoxx


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * fraction // 1))
    return sorted_values[int(rank) - 1]


def summarise(stats: RunStats, results: list[Result], duration: float) -> RunStats:
    latencies = sorted(r.latency_s * 1000 for r in results)
    stats.sent = len(results)
    stats.ok = sum(r.ok for r in results)
    stats.twoxx = sum(200 <= r.status < 300 for r in results)
    stats.status_counts = {
        ("error" if s == 0 else str(s)): n
        for s, n in sorted(Counter(r.status for r in results).items())
    }
    stats.duration_s = duration
    stats.achieved_rate = stats.ok / duration if duration > 0 else 0.0
    stats.p50_ms = percentile(latencies, 0.50)
    stats.p99_ms = percentile(latencies, 0.99)
    stats.max_ms = latencies[-1] if latencies else 0.0
    return stats


async def open_loop(
    stats: RunStats, base: str, requests: list[Request], check: Callable[[str], bool]
) -> RunStats:
    """Send at a fixed rate whatever the server does; latency from each scheduled send time.

    If the server falls so far behind that more than MAX_BACKLOG_S seconds of requests
    are in flight, sending stops (the target rate is plainly not sustained) so the run
    stays bounded in time; the point where it stopped is reported.
    """
    assert stats.target_rate
    rate = stats.target_rate
    count = min(len(requests), int(rate * stats.seconds_limit))
    stats.ran_out_of_forms = count < int(rate * stats.seconds_limit)
    loop = asyncio.get_running_loop()
    results: list[Result] = []
    lag = 0.0
    in_flight = 0
    backlog_limit = max(1, int(rate * MAX_BACKLOG_S))

    async def one(session: aiohttp.ClientSession, request: Request, due: float) -> None:
        nonlocal in_flight
        in_flight += 1
        try:
            status, ok = await send(session, base, request, check)
        finally:
            in_flight -= 1
        results.append(Result(loop.time() - due, status, ok))

    async with client() as session:
        start = loop.time() + 0.05
        tasks = []
        for i in range(count):
            due = start + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, loop.time() - due)
            if in_flight >= backlog_limit:
                stats.stopped_after_s = loop.time() - start
                stats.stopped_in_flight = in_flight
                break
            tasks.append(asyncio.create_task(one(session, requests[i], due)))
        await asyncio.gather(*tasks)
        duration = loop.time() - start
    stats.max_send_lag_ms = lag * 1000
    return summarise(stats, results, duration)


async def closed_loop(
    stats: RunStats, base: str, requests: list[Request], check: Callable[[str], bool]
) -> RunStats:
    """``concurrency`` connections sending back to back until the time or the forms run out."""
    assert stats.concurrency
    loop = asyncio.get_running_loop()
    results: list[Result] = []
    pending = iter(requests)
    exhausted = False

    async def worker(session: aiohttp.ClientSession, deadline: float) -> None:
        nonlocal exhausted
        while loop.time() < deadline:
            request = next(pending, None)
            if request is None:
                exhausted = True
                return
            began = loop.time()
            status, ok = await send(session, base, request, check)
            results.append(Result(loop.time() - began, status, ok))

    async with client(limit=stats.concurrency) as session:
        start = loop.time()
        deadline = start + stats.seconds_limit
        await asyncio.gather(*(worker(session, deadline) for _ in range(stats.concurrency)))
        duration = loop.time() - start
    stats.ran_out_of_forms = exhausted
    return summarise(stats, results, duration)


# ---------------------------------------------------------------- page weight


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag in {"img", "source", "iframe"} and a.get("src"):
            self.other.append(a["src"])
        elif tag == "link" and a.get("href") and "icon" in a.get("rel", ""):
            self.other.append(a["href"])


@dataclass
class PageWeight:
    language: str
    name: str
    html_bytes: int
    asset_bytes: int  # same-origin stylesheets and scripts
    assets: list[str]
    other_bytes: int  # same-origin icons and images: reported, not in the goal's total
    not_counted: list[str]

    @property
    def total(self) -> int:
        return self.html_bytes + self.asset_bytes


async def weigh(
    session: aiohttp.ClientSession,
    base: str,
    url: str,
    html: bytes,
    name: str,
    cache: dict[str, int],
    language: str = SOURCE,
) -> PageWeight:
    parser = _Assets()
    parser.feed(html.decode("utf-8", "replace"))

    async def size(ref: str) -> tuple[str, int | None]:
        absolute = urljoin(url, ref)
        if urlparse(absolute).netloc != urlparse(base).netloc:
            return absolute, None  # another origin: not fetched
        if absolute not in cache:
            async with session.get(absolute) as response:
                if response.status != 200:
                    raise SetupError(f"{absolute} returned {response.status}")
                cache[absolute] = len(await response.read())
        return urlparse(absolute).path, cache[absolute]

    weight = PageWeight(language, name, len(html), 0, [], 0, [])
    for ref in parser.urls:
        where, n = await size(ref)
        if n is None:
            weight.not_counted.append(f"{where} (other origin)")
        else:
            weight.asset_bytes += n
            weight.assets.append(f"{where} {n:,} B")
    for ref in parser.other:
        where, n = await size(ref)
        weight.other_bytes += n or 0
        weight.not_counted.append(where if n is None else f"{where} {n:,} B")
    return weight


async def page_weights(base: str, plan: SurveyPlan, language: str = SOURCE) -> list[PageWeight]:
    """Walk the respondent's flow page by page (without submitting) and weigh each page."""
    cache: dict[str, int] = {}
    weights: list[PageWeight] = []
    query = f"?lang={language}"
    async with client() as session:

        async def weighed(url: str, html: bytes, name: str) -> PageWeight:
            return await weigh(session, base, url, html, name, cache, language)

        landing = f"{base}/s/{plan.code}"
        async with session.get(landing + query) as response:
            weights.append(await weighed(landing, await response.read(), "landing"))
        first = f"{base}/s/{plan.code}/start"
        async with session.get(first + query) as response:
            html = await response.read()
            morsel = response.cookies.get("engage")
        fields = hidden_fields(html.decode())
        weights.append(await weighed(first, html, f"page 1: {plan.pages[0].title}"))
        if morsel is None:
            raise SetupError("GET /s/<code>/start set no session cookie")
        form = Form(morsel.value, fields["csrf_token"], fields["nonce"], fields["started"], "")
        for number, (previous, page) in enumerate(zip(plan.pages, plan.pages[1:], strict=False), 2):
            answers = plan.answers_through(previous.section_id)
            body = urlencode(form_fields(form, previous.section_id, answers, language))
            async with session.post(
                landing,
                data=body.encode(),
                headers={"Cookie": f"engage={form.cookie}", "Content-Type": FORM_CONTENT_TYPE},
            ) as response:
                html = await response.read()
                if response.status != 200:
                    raise SetupError(
                        f"moving to page {number} returned {response.status}: "
                        f"{summary(html.decode('utf-8', 'replace'))}"
                    )
            if hidden_fields(html.decode()).get("_page") != str(page.section_id):
                raise SetupError(f"expected page {number} ({page.title}) but got another page")
            if f'<html lang="{language}"' not in html.decode():
                raise SetupError(f"page {number} was not served in {language}")
            weights.append(await weighed(landing, html, f"page {number}: {page.title}"))
    return weights


def heaviest_by_language(weights: list[PageWeight]) -> dict[str, PageWeight]:
    found: dict[str, PageWeight] = {}
    for w in weights:
        if w.language not in found or w.total > found[w.language].total:
            found[w.language] = w
    return found


# ---------------------------------------------------------------- the run


@dataclass
class Options:
    requests: int
    rate: float
    seconds: float
    sat_seconds: float
    sat_requests: int
    concurrency: int
    workers: int
    json_path: str | None
    keep: bool
    language: str


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=3000, help="forms for the open-loop run (3000)"
    )
    parser.add_argument(
        "--rate", type=float, default=200.0, help="open-loop target, requests/s (200)"
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="open-loop duration limit (15)")
    parser.add_argument(
        "--sat-seconds", type=float, default=10.0, help="saturation duration limit (10)"
    )
    parser.add_argument(
        "--sat-requests", type=int, default=6000, help="most forms for the saturation run (6000)"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="saturation connections (16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for both apps (4)")
    parser.add_argument("--json", dest="json_path", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and logs")
    parser.add_argument("--quick", action="store_true", help="smoke run: 50 requests/s for 3 s")
    parser.add_argument(
        "--language",
        default=SOURCE,
        choices=sorted(LANGUAGES),
        help="also saturate with submissions in this language, against English in the same run",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rate, args.seconds, args.sat_seconds = 50.0, 3.0, 3.0
        args.requests, args.sat_requests = min(args.requests, 150), min(args.sat_requests, 600)
    return Options(
        requests=args.requests,
        rate=args.rate,
        seconds=args.seconds,
        sat_seconds=args.sat_seconds,
        sat_requests=args.sat_requests,
        concurrency=args.concurrency,
        workers=args.workers,
        json_path=args.json_path,
        keep=args.keep,
        language=args.language,
    )


async def verify_one(base: str, plan: SurveyPlan, db_path: Path) -> int:
    """Submit one real response and check it returns "Thank you" and stores one row."""
    rows_sql = "SELECT count(*) FROM response WHERE survey_id = ?"
    before = count_rows(db_path, rows_sql, [plan.survey_id])
    async with client() as session:
        form = await fetch_form(session, base, plan.code)
        if form.page != str(plan.pages[0].section_id):
            raise SetupError(f"the first page is section {form.page}, expected {plan.pages[0]}")
        await asyncio.sleep(MIN_COMPLETION_SECONDS + 0.2)
        request = engage_request(form, plan)
        async with session.post(
            base + request.path, data=request.body, headers=request.headers
        ) as r:
            text = await r.text()
            status = r.status
    after = count_rows(db_path, rows_sql, [plan.survey_id])
    if status != 200 or THANK_YOU not in text:
        raise SetupError(
            f"the trial submission returned {status}, not the thank-you page: {summary(text)}"
        )
    if after != before + 1:
        raise SetupError(
            f"the trial submission returned 'Thank you' but stored {after - before} rows, not 1 "
            "(discarded by the bot check? check ENGAGE_MIN_COMPLETION_SECONDS and the clock)"
        )
    return len(request.body)


def engage_check(text: str) -> bool:
    return THANK_YOU in text


def bare_check(text: str) -> bool:
    return text == "stored"


async def run_engage(
    options: Options, plan: SurveyPlan, db_path: Path, base: str
) -> tuple[int, list[PageWeight], dict[str, float], RunStats, RunStats]:
    body_size = await verify_one(base, plan, db_path)
    weights = [w for code in LANGUAGES for w in await page_weights(base, plan, code)]

    print(
        f"  fetching {options.requests:,} forms for the open loop "
        "(GET /s/<code>/start, one session cookie each)...",
        flush=True,
    )
    began = time.monotonic()
    forms = await prepare_forms(base, plan.code, options.requests, options.concurrency)
    took = time.monotonic() - began
    prep = {"forms": float(len(forms)), "seconds": took, "per_second": len(forms) / took}
    requests = [engage_request(form, plan) for form in forms]
    await asyncio.sleep(MIN_COMPLETION_SECONDS + 0.3)  # past the bot check's minimum time

    rows_sql = "SELECT count(*) FROM response WHERE survey_id = ?"
    opened = RunStats("engage", "open", options.rate, None, options.seconds)
    before = count_rows(db_path, rows_sql, [plan.survey_id])
    print(f"  open loop: {options.rate:g}/s for {options.seconds:g} s...", flush=True)
    await open_loop(opened, base, requests, engage_check)
    opened.rows_stored = count_rows(db_path, rows_sql, [plan.survey_id]) - before

    # Forms the open loop did not send are still unused; top them up for saturation. A
    # final-page POST does at least the work of the GET (load the survey, render a page),
    # so the GET rate bounds the POST rate: have 1.5x what saturation could use, capped.
    leftover = requests[opened.sent :]
    wanted = min(options.sat_requests, int(prep["per_second"] * options.sat_seconds * 1.5) + 100)
    if len(leftover) < wanted:
        print(f"  fetching {wanted - len(leftover):,} more forms for saturation...", flush=True)
        began = time.monotonic()
        more = await prepare_forms(base, plan.code, wanted - len(leftover), options.concurrency)
        took = time.monotonic() - began
        prep["forms"] += len(more)
        prep["seconds"] += took
        prep["per_second"] = prep["forms"] / prep["seconds"]
        leftover += [engage_request(form, plan) for form in more]
        await asyncio.sleep(MIN_COMPLETION_SECONDS + 0.3)
    else:
        await asyncio.sleep(1.0)

    closed = RunStats("engage", "closed", None, options.concurrency, options.sat_seconds)
    before = count_rows(db_path, rows_sql, [plan.survey_id])
    print(
        f"  saturation: {options.concurrency} connections for {options.sat_seconds:g} s...",
        flush=True,
    )
    await closed_loop(closed, base, leftover, engage_check)
    closed.rows_stored = count_rows(db_path, rows_sql, [plan.survey_id]) - before
    if options.language != SOURCE:
        # The same saturation, every submission in another language (its interface
        # catalogue, its survey words, response.language), right after English.
        language = options.language
        print(f"  fetching {wanted:,} forms for saturation in {language}...", flush=True)
        forms = await prepare_forms(base, plan.code, wanted, options.concurrency)
        await asyncio.sleep(MIN_COMPLETION_SECONDS + 0.3)
        in_language = RunStats(
            f"engage-{language}", "closed", None, options.concurrency, options.sat_seconds
        )
        before = count_rows(db_path, rows_sql, [plan.survey_id])
        print(f"  saturation in {language}...", flush=True)
        requests = [engage_request(form, plan, language) for form in forms]
        await closed_loop(in_language, base, requests, engage_check)
        in_language.rows_stored = count_rows(db_path, rows_sql, [plan.survey_id]) - before
        stored_sql = "SELECT count(*) FROM response WHERE survey_id = ? AND language = ?"
        in_language_rows = count_rows(db_path, stored_sql, [plan.survey_id, language])
        if in_language_rows != in_language.rows_stored:
            raise SetupError(
                f"{in_language.rows_stored} rows stored but {in_language_rows} in {language}"
            )
        closed.extra = in_language
        # English again, with forms fetched the same way just before: the first English
        # pass ran on forms fetched before the open loop and on a smaller database, so
        # the fair comparison is against this one too.
        forms = await prepare_forms(base, plan.code, wanted, options.concurrency)
        await asyncio.sleep(MIN_COMPLETION_SECONDS + 0.3)
        again = RunStats("engage-en", "closed", None, options.concurrency, options.sat_seconds)
        before = count_rows(db_path, rows_sql, [plan.survey_id])
        print("  saturation in English again...", flush=True)
        await closed_loop(again, base, [engage_request(f, plan) for f in forms], engage_check)
        again.rows_stored = count_rows(db_path, rows_sql, [plan.survey_id]) - before
        in_language.extra = again
    return body_size, weights, prep, opened, closed


async def run_bare(
    options: Options, db_path: Path, base: str, body_size: int
) -> tuple[RunStats, RunStats]:
    rows_sql = "SELECT count(*) FROM submission"
    opened = RunStats("bare", "open", options.rate, None, options.seconds)
    requests = [bare_request(body_size) for _ in range(options.requests)]
    before = count_rows(db_path, rows_sql)
    print(f"  open loop: {options.rate:g}/s for {options.seconds:g} s...", flush=True)
    await open_loop(opened, base, requests, bare_check)
    opened.rows_stored = count_rows(db_path, rows_sql) - before

    await asyncio.sleep(1.0)
    closed = RunStats("bare", "closed", None, options.concurrency, options.sat_seconds)
    # Closed loop needs no prepared forms: make plenty.
    requests = [bare_request(body_size) for _ in range(max(options.sat_requests, 20_000))]
    before = count_rows(db_path, rows_sql)
    print(
        f"  saturation: {options.concurrency} connections for {options.sat_seconds:g} s...",
        flush=True,
    )
    await closed_loop(closed, base, requests, bare_check)
    closed.rows_stored = count_rows(db_path, rows_sql) - before
    return opened, closed


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(
    options: Options,
    synchronous: str,
    body_size: int,
    weights: list[PageWeight],
    prep: dict[str, float],
    runs: list[RunStats],
    load_before: tuple[float, float, float],
) -> dict[str, Any]:
    engage_open, engage_closed, _, bare_closed = runs
    ratio = (
        engage_closed.achieved_rate / bare_closed.achieved_rate
        if bare_closed.achieved_rate
        else 0.0
    )
    rows_ok = all(r.rows_match for r in runs) and (
        engage_closed.extra is None or engage_closed.extra.rows_match
    )
    heaviest = max(weights, key=lambda w: w.total)
    kept_up = engage_open.achieved_rate >= 0.95 * options.rate and engage_open.errors == 0
    p99_ok = engage_open.p99_ms < P99_GOAL_MS and kept_up

    print()
    print("=" * 100)
    print(
        "Engage submit benchmark: loopback, gunicorn sync workers, load generator on this machine"
    )
    print("=" * 100)
    print(
        f"machine: {os.cpu_count()} CPUs   gunicorn workers: {options.workers} (threads 1)   "
        f"SQLite synchronous={synchronous}, WAL, BEGIN IMMEDIATE"
    )
    load_after = os.getloadavg()
    print(
        f"load average (1 min) before the run {load_before[0]:.2f}, after {load_after[0]:.2f} "
        "(other processes on the machine make the figures noisy)"
    )
    print(
        f"benchmark settings: ENGAGE_SUBMIT_RATE_LIMIT={RATE_LIMIT!r} (all load comes from one "
        f"address), ENGAGE_MIN_COMPLETION_SECONDS={MIN_COMPLETION_SECONDS}, CSRF on"
    )
    print(
        f"Engage request: final-page POST completing the young_people survey in one request "
        f"({len(ANSWERS)} questions answered, body {body_size:,} B); bare: POST /insert, body "
        f"{body_size:,} B, one INSERT OR IGNORE"
    )
    print(
        f"forms fetched beforehand: {int(prep['forms']):,} in {prep['seconds']:.1f} s "
        f"({prep['per_second']:.0f} GET /s/<code>/start per second)"
    )
    print("latency: open loop from each request's scheduled send time; closed loop from its send")
    print()
    header = (
        f"{'app':<7} {'run':<22} {'target':>8} {'achieved':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'sent':>6} {'2xx':>6} {'errors':>6} {'rows':>6} {'rows==2xx':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in runs:
        label = (
            f"open {r.target_rate:g}/s x {r.seconds_limit:g}s"
            if r.mode == "open"
            else f"saturate {r.concurrency}c x {r.seconds_limit:g}s"
        )
        target = f"{r.target_rate:g}/s" if r.target_rate else "max"
        print(
            f"{r.app:<7} {label:<22} {target:>8} {r.achieved_rate:>7.1f}/s {r.p50_ms:>8.1f} "
            f"{r.p99_ms:>8.1f} {r.max_ms:>8.1f} {r.sent:>6} {r.twoxx:>6} {r.errors:>6} "
            f"{r.rows_stored:>6} {'yes' if r.rows_match else 'NO':>9}"
        )
    for r in runs:
        notes = []
        if set(r.status_counts) - {"200"}:
            notes.append(f"statuses {r.status_counts}")
        if r.twoxx != r.ok:
            notes.append(f"{r.twoxx - r.ok} 2xx without the expected body")
        if r.mode == "open" and r.max_send_lag_ms > 50:
            notes.append(f"generator sent up to {r.max_send_lag_ms:.0f} ms late")
        if r.status_counts.get("error"):
            notes.append(
                f"{r.status_counts['error']} client timeouts or connection errors (outcome "
                "unknown: the server may still have stored them)"
            )
        if r.stopped_after_s is not None:
            notes.append(
                f"server fell behind: sending stopped after {r.stopped_after_s:.1f} s with "
                f"{r.stopped_in_flight} requests in flight (> {MAX_BACKLOG_S:g} s of backlog)"
            )
        if r.ran_out_of_forms:
            notes.append("ran out of prepared forms before the time limit")
        if notes:
            print(f"  note {r.app} {r.mode}: " + "; ".join(notes))
    print()
    print("Respondent page weight (HTML + same-origin CSS + JS, uncompressed), in English:")
    for w in weights:
        if w.language != SOURCE:
            continue
        print(
            f"  {w.name:<48} HTML {w.html_bytes:>7,} B + CSS/JS {w.asset_bytes:>6,} B "
            f"= {w.total:>7,} B"
        )
    print("Heaviest respondent page per language:")
    for code, w in heaviest_by_language(weights).items():
        print(f"  {code:<10} {w.name:<40} {w.total:>7,} B")
    extra = engage_closed.extra
    if extra is not None:
        ratio_language = (
            extra.achieved_rate / engage_closed.achieved_rate
            if engage_closed.achieved_rate
            else 0.0
        )
        print(
            f"Saturation in {extra.app.removeprefix('engage-')}: {extra.achieved_rate:,.0f}/s "
            f"(p99 {extra.p99_ms:,.0f} ms) against English {engage_closed.achieved_rate:,.0f}/s: "
            f"ratio {ratio_language:.2f}"
        )
        again = extra.extra
        if again is not None and again.achieved_rate:
            print(
                f"  and against English again, right after it on forms fetched the same way: "
                f"{again.achieved_rate:,.0f}/s (p99 {again.p99_ms:,.0f} ms): "
                f"ratio {extra.achieved_rate / again.achieved_rate:.2f}"
            )
    assets = sorted({a for w in weights for a in w.assets})
    others = sorted({a for w in weights for a in w.not_counted})
    print(f"  CSS/JS: {'; '.join(assets) or 'none'}")
    if others:
        print(f"  also fetched, not in the HTML+CSS+JS goal: {'; '.join(others)}")
    print()
    print("Goals:")
    print(
        f"  throughput ratio (Engage / bare, saturated) = {engage_closed.achieved_rate:.1f} / "
        f"{bare_closed.achieved_rate:.1f} = {ratio:.2f}   goal >= {RATIO_GOAL}: "
        f"{verdict(ratio >= RATIO_GOAL)}"
    )
    if options.rate >= P99_GOAL_RATE:
        p99_verdict = verdict(p99_ok)
    else:
        p99_verdict = (
            f"not assessed (this run at {options.rate:g}/s; {verdict(p99_ok)} at that rate)"
        )
    print(
        f"  Engage p99 at {options.rate:g}/s = {engage_open.p99_ms:.1f} ms, achieved "
        f"{engage_open.achieved_rate:.1f}/s, {engage_open.errors} errors   goal p99 < "
        f"{P99_GOAL_MS:g} ms at {P99_GOAL_RATE:g}/s, keeping up: {p99_verdict}"
    )
    print(
        f"  rows stored == 2xx responses, every run: {'yes' if rows_ok else 'no'}   "
        f"goal: {verdict(rows_ok)}"
    )
    print(
        f"  heaviest respondent page = {heaviest.total:,} B ({heaviest.name})   goal <= "
        f"{PAGE_WEIGHT_GOAL:,} B: {verdict(heaviest.total <= PAGE_WEIGHT_GOAL)}"
    )
    return {
        "settings": {
            **asdict(options),
            "cpus": os.cpu_count(),
            "sqlite_synchronous": synchronous,
            "submit_rate_limit": RATE_LIMIT,
            "min_completion_seconds": MIN_COMPLETION_SECONDS,
            "csrf": True,
            "body_bytes": body_size,
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "form_preparation": prep,
        "runs": [{**asdict(r), "errors": r.errors, "rows_match": r.rows_match} for r in runs],
        "page_weight": [{**asdict(w), "total": w.total} for w in weights],
        "heaviest_page_by_language": {
            code: {"page": w.name, "total": w.total}
            for code, w in heaviest_by_language(weights).items()
        },
        "goals": {
            "ratio": {"value": ratio, "goal": RATIO_GOAL, "pass": ratio >= RATIO_GOAL},
            "p99_ms": {
                "value": engage_open.p99_ms,
                "at_rate": options.rate,
                "achieved_rate": engage_open.achieved_rate,
                "goal": P99_GOAL_MS,
                "pass": p99_ok if options.rate >= P99_GOAL_RATE else None,
            },
            "rows_equal_2xx": {"pass": rows_ok},
            "page_weight_bytes": {
                "value": heaviest.total,
                "page": heaviest.name,
                "goal": PAGE_WEIGHT_GOAL,
                "pass": heaviest.total <= PAGE_WEIGHT_GOAL,
            },
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    began = time.monotonic()
    load_before = os.getloadavg()
    synchronous = os.environ.get("ENGAGE_SQLITE_SYNCHRONOUS", "FULL").upper()
    secret = secrets.token_hex(32)
    folder = Path(tempfile.mkdtemp(prefix="engage-bench-"))
    try:
        engage_db = folder / "engage.sqlite3"
        bare_db = folder / "bare.sqlite3"
        print(f"Setting up in {folder} ...", flush=True)
        plan = set_up_database(engage_db, secret)

        sys.path.insert(0, str(BENCH))
        from _bare_app import init_db

        os.environ["ENGAGE_SQLITE_SYNCHRONOUS"] = synchronous
        init_db(str(bare_db))

        engage_env = {
            "ENGAGE_DATABASE_URL": f"sqlite:///{engage_db}",
            "ENGAGE_SECRET_KEY": secret,
            "ENGAGE_MIN_COMPLETION_SECONDS": str(MIN_COMPLETION_SECONDS),
            "ENGAGE_SUBMIT_RATE_LIMIT": RATE_LIMIT,
        }
        print(f"Engage under gunicorn ({options.workers} workers):", flush=True)
        with gunicorn(
            ["wsgi:app"],
            engage_env,
            options.workers,
            folder / "engage-gunicorn.log",
            f"/s/{plan.code}",
        ) as base:
            body_size, weights, prep, engage_open, engage_closed = asyncio.run(
                run_engage(options, plan, engage_db, base)
            )

        print(f"Bare Flask + sqlite3 under gunicorn ({options.workers} workers):", flush=True)
        with gunicorn(
            ["--pythonpath", str(BENCH), "_bare_app:app"],
            {"BARE_DB_PATH": str(bare_db)},
            options.workers,
            folder / "bare-gunicorn.log",
            "/ping",
        ) as base:
            bare_open, bare_closed = asyncio.run(run_bare(options, bare_db, base, body_size))

        results = report(
            options,
            synchronous,
            body_size,
            weights,
            prep,
            [engage_open, engage_closed, bare_open, bare_closed],
            load_before,
        )
        results["total_seconds"] = time.monotonic() - began
        print(f"\nTotal time {results['total_seconds']:.0f} s.")
        if options.json_path:
            Path(options.json_path).write_text(json.dumps(results, indent=2) + "\n", "utf-8")
            print(f"Results written to {options.json_path}")
        return 0
    except SetupError as exc:
        print(f"\nbench/submit.py could not run: {exc}", file=sys.stderr)
        for log in sorted(folder.glob("*.log")):
            print(f"--- last lines of {log.name}:\n{tail(log)}", file=sys.stderr)
        return 2
    finally:
        if options.keep:
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
