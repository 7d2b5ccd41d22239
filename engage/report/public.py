"""The public "you said, we did" page of a consultation: no login, no JavaScript."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("results", __name__)
