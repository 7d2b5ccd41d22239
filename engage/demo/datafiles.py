"""The demo's data files: ``data/<name>.json`` beside this module, shipped as package data."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def load(name: str) -> Any:
    """The parsed contents of ``data/<name>.json``."""
    text = (files("engage.demo") / "data" / f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)
