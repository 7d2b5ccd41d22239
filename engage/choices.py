from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import SelectChoice


def choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """WTForms select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
