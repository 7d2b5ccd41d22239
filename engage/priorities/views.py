"""The partnership's strategic priorities and their themes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("priorities", __name__)
