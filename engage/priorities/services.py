"""Strategic priorities: starter sets, the partnership's own list, and the themes mapped to each.

Starter sets are researched summaries, not published wording (each says so in its
note), so they are loaded as ordinary priorities that officers then check and edit.
Loading a set twice adds nothing: a priority from a set is matched on its set and code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engage.analysis.codebook import SPECIAL_KEYS
from engage.errors import InvalidInput, NotFound
from engage.priorities.models import Priority
from engage.themes.codebook import codebook_exists, list_themes
from engage.themes.models import Theme

STARTERS_PATH = Path(__file__).with_name("starters.json")
CODE_MAX = 12
TITLE_MAX = 200
DESCRIPTION_MAX = 2000


# ---------------------------------------------------------------- starter sets


@dataclass(frozen=True)
class StarterPriority:
    code: str
    title: str
    description: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class StarterSet:
    key: str
    name: str
    short: str
    verified: bool
    note: str
    sources: tuple[str, ...]
    priorities: tuple[StarterPriority, ...]


@lru_cache(maxsize=1)
def _load_starters() -> tuple[StarterSet, ...]:
    data = json.loads(STARTERS_PATH.read_text("utf-8"))
    return tuple(
        StarterSet(
            key=str(s["key"]),
            name=str(s["name"]),
            short=str(s.get("short", s["name"])),
            verified=bool(s.get("verified", False)),
            note=str(s.get("note", "")),
            sources=tuple(str(u) for u in s.get("sources", ())),
            priorities=tuple(
                StarterPriority(
                    code=str(p["code"]),
                    title=str(p["title"]),
                    description=str(p.get("description", "")),
                    themes=tuple(str(k) for k in p.get("themes", ())),
                )
                for p in s["priorities"]
            ),
        )
        for s in data["sets"]
    )


def starter_sets() -> list[StarterSet]:
    return list(_load_starters())


def get_starter_set(key: str) -> StarterSet:
    for starter in _load_starters():
        if starter.key == key:
            return starter
    raise InvalidInput("Choose one of the starter sets listed.")


@dataclass
class LoadResult:
    starter: StarterSet
    added: list[Priority] = field(default_factory=list)
    already: int = 0
    skipped_themes: list[str] = field(default_factory=list)  # "WM1: school"
    codebook_missing: bool = False


def load_starter_set(session: Session, key: str) -> LoadResult:
    """Add the set's priorities that are not there yet, mapped to the themes that exist.

    Existing priorities from the set are left as the officers edited them. Theme keys
    the codebook does not have are skipped and reported; with no codebook at all the
    priorities are stored without themes.
    """
    starter = get_starter_set(key)
    result = LoadResult(starter=starter)
    existing = set(session.scalars(select(Priority.code).where(Priority.set_key == starter.key)))
    result.codebook_missing = not codebook_exists(session)
    themes = {} if result.codebook_missing else _active_themes_by_key(session)
    position = _next_position(session)
    for item in starter.priorities:
        if item.code in existing:
            result.already += 1
            continue
        priority = Priority(
            set_key=starter.key,
            code=item.code,
            title=item.title,
            description=item.description,
            position=position,
            active=True,
        )
        position += 1
        if not result.codebook_missing:
            for theme_key in item.themes:
                theme = themes.get(theme_key)
                if theme is None:
                    result.skipped_themes.append(f"{item.code}: {theme_key}")
                else:
                    priority.themes.append(theme)
        session.add(priority)
        result.added.append(priority)
    session.flush()
    return result


def _active_themes_by_key(session: Session) -> dict[str, Theme]:
    return {t.key: t for t in session.scalars(select(Theme).where(Theme.active.is_(True)))}


def _next_position(session: Session) -> int:
    return int(session.scalar(select(func.max(Priority.position))) or 0) + 1


# ---------------------------------------------------------------- the partnership's priorities


def list_priorities(session: Session) -> list[Priority]:
    """Every priority, active ones first, each group in the partnership's order."""
    return list(
        session.scalars(
            select(Priority)
            .options(selectinload(Priority.themes))
            .order_by(Priority.active.desc(), Priority.position, Priority.id)
        )
    )


def priorities_with_themes(session: Session) -> list[Priority]:
    """The active priorities in order, with their themes loaded (for the report and reviews)."""
    return list(
        session.scalars(
            select(Priority)
            .where(Priority.active.is_(True))
            .options(selectinload(Priority.themes))
            .order_by(Priority.position, Priority.id)
        )
    )


def get_priority(session: Session, priority_id: int) -> Priority:
    # Integer primary keys: a larger id from a URL matches nothing (and PostgreSQL would refuse it).
    priority = session.get(Priority, priority_id) if 0 < priority_id <= 2**31 - 1 else None
    if priority is None:
        raise NotFound("There is no such priority.")
    return priority


def mappable_themes(session: Session) -> list[Theme]:
    """Active codebook themes, or none while the codebook does not exist yet.

    The codebook is created the first time someone opens a survey's themes pages;
    this page does not create it as a side effect of looking.
    """
    if not codebook_exists(session):
        return []
    return [t for t in list_themes(session) if t.key not in SPECIAL_KEYS]


@dataclass
class PriorityFields:
    code: str
    title: str
    description: str = ""
    active: bool = True
    theme_ids: Sequence[int] = ()


class PriorityProblems(InvalidInput):
    """What is wrong with a priority, by field name (for the form)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def _check(session: Session, fields: PriorityFields, priority: Priority | None) -> list[Theme]:
    problems: dict[str, str] = {}
    code = fields.code.strip()
    if not code:
        problems["code"] = "Give the priority a short code, e.g. SV01."
    elif len(code) > CODE_MAX:
        problems["code"] = f"Keep the code to {CODE_MAX} characters."
    else:
        clash = session.scalar(
            select(Priority.id).where(
                func.lower(Priority.code) == code.lower(),
                Priority.id != (priority.id if priority is not None else -1),
            )
        )
        if clash is not None:
            problems["code"] = f"Another priority already has the code {code}."
    if not fields.title.strip():
        problems["title"] = "Give the priority a title."
    elif len(fields.title.strip()) > TITLE_MAX:
        problems["title"] = f"Keep the title to {TITLE_MAX} characters."
    if len(fields.description.strip()) > DESCRIPTION_MAX:
        problems["description"] = f"Keep the description to {DESCRIPTION_MAX:,} characters."
    wanted = set(fields.theme_ids)
    themes = (
        list(
            session.scalars(
                select(Theme)
                .where(Theme.id.in_(wanted), Theme.active.is_(True))
                .order_by(Theme.position, Theme.id)
            )
        )
        if wanted
        else []
    )
    if len(themes) != len(wanted):
        problems["themes"] = "Choose themes from the list."
    if problems:
        raise PriorityProblems(problems)
    return themes


def _apply(priority: Priority, fields: PriorityFields, themes: list[Theme]) -> None:
    priority.code = fields.code.strip()
    priority.title = fields.title.strip()
    priority.description = fields.description.strip()
    priority.active = fields.active
    # Retired (merged) themes are not offered, so a mapping to one is kept, not dropped unseen.
    retired = [t for t in priority.themes if not t.active]
    priority.themes = [*themes, *retired]


def create_priority(session: Session, fields: PriorityFields) -> Priority:
    themes = _check(session, fields, None)
    priority = Priority(set_key=None, position=_next_position(session))
    _apply(priority, fields, themes)
    session.add(priority)
    session.flush()
    return priority


def update_priority(session: Session, priority: Priority, fields: PriorityFields) -> None:
    themes = _check(session, fields, priority)
    _apply(priority, fields, themes)
    session.flush()
