"""The codebook: the partnership's themes, edited, merged, imported and exported.

There is one codebook for the partnership, created from the default codebook on
first use. Every change bumps its version, so suggestions made by an older
codebook are redone (``seed:<version>`` is the coder of seed suggestions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage import exports
from engage.analysis import codebook as cb
from engage.errors import InvalidInput, NotFound
from engage.themes.models import CodeAssignment, Codebook, CodeStatus, Theme

CODEBOOK_NAME = "Partnership codebook"
MAX_FIELD = 4000
_KEY = re.compile(r"[^a-z0-9]+")


def get_codebook(session: Session) -> Codebook:
    """The partnership codebook, created from the default codebook on first use."""
    book = session.scalar(select(Codebook).order_by(Codebook.id).limit(1))
    if book is not None:
        return book
    book = Codebook(name=CODEBOOK_NAME, version=1)
    session.add(book)
    _store_themes(session, cb.default_codebook())
    session.flush()
    return book


def codebook_exists(session: Session) -> bool:
    return session.scalar(select(Codebook.id).limit(1)) is not None


def seed_coder(book: Codebook) -> str:
    return f"seed:{book.version}"


def _bump(session: Session) -> None:
    get_codebook(session).version += 1


def list_themes(session: Session, *, active_only: bool = True) -> list[Theme]:
    get_codebook(session)
    query = select(Theme).order_by(Theme.position, Theme.id)
    if active_only:
        query = query.where(Theme.active.is_(True))
    return list(session.scalars(query).unique())


def get_theme(session: Session, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("There is no such theme.")
    return theme


def as_codebook(themes: Sequence[Theme]) -> list[cb.Theme]:
    """Database rows as the analysis modules' themes (parents outside the list dropped)."""
    keys = {t.key for t in themes}
    return [
        cb.Theme(
            key=t.key,
            name=t.name,
            definition=t.definition,
            include=t.include,
            exclude=t.exclude,
            examples=tuple(t.examples or ()),
            seeds=tuple(t.seeds or ()),
            parent=t.parent.key if t.parent is not None and t.parent.key in keys else None,
            version=t.version,
        )
        for t in themes
    ]


def _store_themes(session: Session, themes: Sequence[cb.Theme]) -> list[Theme]:
    """Insert or update themes by key; returns the rows in the given order."""
    existing = {t.key: t for t in session.scalars(select(Theme))}
    top = max((t.position for t in existing.values()), default=0)
    rows: list[Theme] = []
    for n, theme in enumerate(themes, start=1):
        row = existing.get(theme.key)
        if row is None:
            row = Theme(key=theme.key, version=theme.version, position=top + n)
            session.add(row)
            existing[theme.key] = row
        elif _differs(row, theme):
            row.version = max(row.version + 1, theme.version)
        row.name = theme.name
        row.definition = theme.definition
        row.include = theme.include
        row.exclude = theme.exclude
        row.examples = list(theme.examples)
        row.seeds = list(theme.seeds)
        row.active = True
        row.merged_into_id = None
        rows.append(row)
    session.flush()
    for row, theme in zip(rows, themes, strict=True):
        row.parent_id = existing[theme.parent].id if theme.parent else None
    return rows


def _differs(row: Theme, theme: cb.Theme) -> bool:
    return (
        row.name != theme.name
        or row.definition != theme.definition
        or row.include != theme.include
        or row.exclude != theme.exclude
        or list(row.examples or ()) != list(theme.examples)
        or list(row.seeds or ()) != list(theme.seeds)
        or (row.parent.key if row.parent else None) != theme.parent
        or not row.active
    )


@dataclass(frozen=True)
class ThemeFields:
    """What an officer types into the theme form. Lists are one item per line."""

    name: str
    definition: str
    include: str = ""
    exclude: str = ""
    examples: str = ""
    seeds: str = ""
    parent_id: str = ""


def _lines(text: str) -> list[str]:
    items = [line.strip() for line in text.replace("|", "\n").splitlines()]
    return [item for item in items if item]


def _check_fields(session: Session, fields: ThemeFields, theme: Theme | None) -> Theme | None:
    problems = []
    if not fields.name.strip():
        problems.append("Enter a name for the theme.")
    if not fields.definition.strip():
        problems.append("Enter a definition: what the theme covers.")
    for label, value in (
        ("name", fields.name),
        ("definition", fields.definition),
        ("what to include", fields.include),
        ("what to exclude", fields.exclude),
        ("examples", fields.examples),
        ("seed terms", fields.seeds),
    ):
        if len(value) > MAX_FIELD:
            problems.append(f"Keep the {label} to {MAX_FIELD:,} characters or fewer.")
    if len(fields.name.strip()) > 200:
        problems.append("Keep the name to 200 characters or fewer.")
    parent: Theme | None = None
    if fields.parent_id.strip():
        if not fields.parent_id.strip().isdigit():
            problems.append("Choose a parent theme from the list.")
        else:
            parent = session.get(Theme, int(fields.parent_id))
            if parent is None or not parent.active:
                problems.append("Choose a parent theme from the list.")
            elif theme is not None and _is_descendant(parent, theme):
                problems.append("A theme cannot sit under itself or one of its own sub-themes.")
    if problems:
        raise ThemeProblems(problems)
    return parent


def _is_descendant(candidate: Theme, ancestor: Theme) -> bool:
    seen: set[int] = set()
    node: Theme | None = candidate
    while node is not None and node.id not in seen:
        if node.id == ancestor.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


class ThemeProblems(InvalidInput):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def key_for(name: str, taken: Iterable[str]) -> str:
    """A snake_case key from a name, unique among ``taken``."""
    base = _KEY.sub("_", name.lower()).strip("_")[:50] or "theme"
    if not base[0].isalpha():
        base = f"theme_{base}"[:50]
    used = set(taken)
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key


def add_theme(session: Session, fields: ThemeFields) -> Theme:
    get_codebook(session)
    parent = _check_fields(session, fields, None)
    taken = session.scalars(select(Theme.key)).all()
    top = session.scalar(select(func.max(Theme.position))) or 0
    theme = Theme(
        key=key_for(fields.name, taken),
        name=fields.name.strip(),
        definition=fields.definition.strip(),
        include=fields.include.strip(),
        exclude=fields.exclude.strip(),
        examples=_lines(fields.examples),
        seeds=_lines(fields.seeds),
        parent_id=parent.id if parent else None,
        version=1,
        active=True,
        position=top + 1,
    )
    session.add(theme)
    _bump(session)
    session.flush()
    return theme


def update_theme(session: Session, theme: Theme, fields: ThemeFields) -> bool:
    """Edit (or rename) a theme; bumps its version when anything changed."""
    if not theme.active:
        raise InvalidInput("This theme was merged into another and can no longer be edited.")
    parent = _check_fields(session, fields, theme)
    new = {
        "name": fields.name.strip(),
        "definition": fields.definition.strip(),
        "include": fields.include.strip(),
        "exclude": fields.exclude.strip(),
        "examples": _lines(fields.examples),
        "seeds": _lines(fields.seeds),
        "parent_id": parent.id if parent else None,
    }
    if all(getattr(theme, name) == value for name, value in new.items()):
        return False
    for name, value in new.items():
        setattr(theme, name, value)
    theme.version += 1
    _bump(session)
    return True


_PRECEDENCE = {CodeStatus.ACCEPTED.value: 0, CodeStatus.REJECTED.value: 1}


def merge_themes(session: Session, source: Theme, target: Theme) -> int:
    """Merge ``source`` into ``target``: its codes, seeds, examples and sub-themes move.

    Where an answer then holds two codes from the same coder, one is kept:
    accepted over rejected over suggested (what was said about the narrower
    theme holds for the merged one). Returns the number of codes moved.
    """
    if source.id == target.id:
        raise InvalidInput("Choose two different themes to merge.")
    if not source.active or not target.active:
        raise InvalidInput("Only current themes can be merged.")
    moved = list(
        session.scalars(select(CodeAssignment).where(CodeAssignment.theme_id == source.id))
    )
    kept = {
        (a.answer_id, a.coder, a.sample_id): a
        for a in session.scalars(select(CodeAssignment).where(CodeAssignment.theme_id == target.id))
    }
    for assignment in moved:
        key = (assignment.answer_id, assignment.coder, assignment.sample_id)
        other = kept.get(key)
        if other is None:
            assignment.theme_id = target.id
            kept[key] = assignment
            continue
        if _PRECEDENCE.get(assignment.status, 2) < _PRECEDENCE.get(other.status, 2):
            session.delete(other)
            assignment.theme_id = target.id
            kept[key] = assignment
        else:
            session.delete(assignment)
    for child in session.scalars(select(Theme).where(Theme.parent_id == source.id)):
        child.parent_id = None if child.id == target.id else target.id
    target.seeds = _union(target.seeds, source.seeds)
    target.examples = _union(target.examples, source.examples)
    target.version += 1
    source.active = False
    source.merged_into_id = target.id
    _bump(session)
    session.flush()
    return len(moved)


def _union(first: Sequence[str] | None, second: Sequence[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for item in [*(first or ()), *(second or ())]:
        seen.setdefault(item, None)
    return list(seen)


def import_codebook(session: Session, text: str) -> tuple[int, int]:
    """Add or update themes from a CSV; all or nothing. Returns (added, updated).

    Raises ``cb.CodebookError`` listing every problem (nothing is stored then).
    Themes missing from the file are left as they are.
    """
    themes = cb.codebook_from_csv(text)
    get_codebook(session)
    before = {t.key: t.version for t in session.scalars(select(Theme))}
    rows = _store_themes(session, themes)
    added = sum(1 for r in rows if r.key not in before)
    updated = sum(1 for r in rows if r.key in before and r.version != before[r.key])
    if added or updated:
        _bump(session)
    return added, updated


def export_csv(session: Session) -> bytes:
    """The codebook download, every cell escaped: officers type theme names and definitions.

    Lines end in LF, as the codebook's always have.
    """
    rows = cb.codebook_rows(as_codebook(list_themes(session)))
    return exports.csv_bytes(cb.CSV_COLUMNS, rows, lineterminator="\n")


def export_qdc(session: Session) -> bytes:
    book = get_codebook(session)
    return cb.codebook_to_qdc(as_codebook(list_themes(session)), name=book.name)


# ---------------------------------------------------------------- what the pages show


def theme_options(themes: Sequence[Theme]) -> list[tuple[int, str]]:
    """(id, label) in codebook order, sub-themes indented under their parent."""
    children: dict[int | None, list[Theme]] = {}
    ids = {t.id for t in themes}
    for theme in themes:
        parent = theme.parent_id if theme.parent_id in ids else None
        children.setdefault(parent, []).append(theme)
    result: list[tuple[int, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for theme in children.get(parent, []):
            result.append((theme.id, "\u2003" * depth + theme.name))
            if depth < 10:
                walk(theme.id, depth + 1)

    walk(None, 0)
    return result


def quick_themes(themes: Sequence[Theme]) -> list[tuple[int, str, str]]:
    """(id, name, key) of the themes every answer can fall back on, for one-click buttons."""
    by_key = {t.key: t for t in themes}
    return [(by_key[k].id, by_key[k].name, k) for k in cb.SPECIAL_KEYS if k in by_key]


@dataclass
class ThemeRow:
    theme: Theme
    depth: int
    parent_name: str


def codebook_rows(themes: Sequence[Theme]) -> list[ThemeRow]:
    by_id = {t.id: t for t in themes}
    depth_of: dict[int, int] = {}

    def depth(theme: Theme, seen: int = 0) -> int:
        if theme.id in depth_of:
            return depth_of[theme.id]
        parent = by_id.get(theme.parent_id) if theme.parent_id else None
        value = 0 if parent is None or seen > 10 else depth(parent, seen + 1) + 1
        depth_of[theme.id] = value
        return value

    ordered = {tid: n for n, (tid, _) in enumerate(theme_options(themes))}
    return [
        ThemeRow(
            theme=t,
            depth=depth(t),
            parent_name=by_id[t.parent_id].name if t.parent_id in by_id else "",
        )
        for t in sorted(themes, key=lambda t: ordered.get(t.id, 0))
    ]
