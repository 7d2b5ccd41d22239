"""Youth Assembly pages: officers prepare and moderate, members review and vote."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assembly", __name__)
