"""You said, we did: officers record commitments and their progress; the Assembly follows them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("feedback", __name__)
