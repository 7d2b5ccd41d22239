"""The engagement report per consultation and the overview across consultations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("report", __name__)
