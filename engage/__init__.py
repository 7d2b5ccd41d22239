"""Engage: anonymous community engagement surveys for violence-reduction partnerships."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask.wrappers import Response as FlaskResponse
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from engage import db, gettext
from engage.config import load_settings
from engage.errors import PUBLIC_BLUEPRINTS, register_error_handlers
from engage.extensions import csrf, login_manager, make_limiter

ROOT = Path(__file__).resolve().parent.parent

# Respondent pages: nothing from another origin, no inline script, no framing.
RESPONDENT_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
OFFICER_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_settings(app.instance_path))
    if overrides:
        app.config.update(overrides)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])  # type: ignore[method-assign]
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "engage")

    db.init_app(app)
    gettext.init_app(app)
    from engage.request_guard import refuse_control_characters
    from engage.surveys.public import check_body_encoding, choose_request_language

    app.before_request(check_body_encoding)  # before CSRF reads the form
    app.before_request(refuse_control_characters)  # NUL and controls, on every route
    app.before_request(choose_request_language)  # so a CSRF error page is translated too
    csrf.init_app(app)
    limiter = make_limiter(app.config["RATELIMIT_STORAGE_URI"], app.config["RATELIMIT_KEY_PREFIX"])
    limiter.init_app(app)
    app.extensions["engage.limiter"] = limiter
    _init_login(app)
    _register_blueprints(app)
    from engage.hooks import register_hooks

    register_hooks(app)  # the submission pipeline's steps and the surveys pages' panels
    register_error_handlers(app)
    _register_headers(app)
    _register_template_helpers(app)

    from engage.cli import register_cli

    register_cli(app)
    logging.getLogger("engage").setLevel(logging.INFO)
    return app


def _init_login(app: Flask) -> None:
    from engage.auth.services import load_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(user_id: str) -> Any:
        return load_user(db.get_session(), user_id)


class DatabaseInteger(IntegerConverter):
    """An id in a URL: a number beyond PostgreSQL's integer range is simply not found
    (a 404), rather than an "integer out of range" error from the database."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseInteger
    from engage.assembly.views import bp as assembly_bp
    from engage.auth.audit_log import bp as audit_bp
    from engage.auth.views import bp as auth_bp
    from engage.feedback.views import bp as feedback_bp
    from engage.priorities.views import bp as priorities_bp
    from engage.quotes.views import bp as quotes_bp
    from engage.reach.views import bp as reach_bp
    from engage.report.public import bp as results_bp
    from engage.report.views import bp as report_bp
    from engage.safeguarding.views import bp as safeguarding_bp
    from engage.surveys.public import bp as public_bp
    from engage.surveys.views import bp as surveys_bp
    from engage.themes.views import bp as themes_bp
    from engage.translations.views import bp as translations_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(translations_bp)
    app.register_blueprint(reach_bp)
    app.register_blueprint(safeguarding_bp)
    app.register_blueprint(quotes_bp)
    app.register_blueprint(themes_bp)
    app.register_blueprint(priorities_bp)
    app.register_blueprint(assembly_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(report_bp)
    app.register_blueprint(results_bp)


def _register_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: FlaskResponse) -> FlaskResponse:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers["Referrer-Policy"] = "no-referrer"
        if request.endpoint == "static":
            return response
        headers.setdefault(
            "Content-Security-Policy",
            RESPONDENT_CSP if request.blueprint in PUBLIC_BLUEPRINTS else OFFICER_CSP,
        )
        headers["Cache-Control"] = "no-store"
        if app.config["ENGAGE_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def _register_template_helpers(app: Flask) -> None:
    from flask_login import current_user

    from engage.auth.roles import ADMINS, ASSEMBLY, DESIGNERS, READERS, STAFF

    @app.context_processor
    def inject() -> dict[str, Any]:
        if request.blueprint in PUBLIC_BLUEPRINTS:
            return {}  # public pages never depend on who is signed in
        role = getattr(current_user, "role_enum", None)
        return {
            "can_design": role in DESIGNERS,
            "can_read": role in READERS,
            "is_staff": role in STAFF,
            "is_admin": role in ADMINS,
            "is_assembly": role in ASSEMBLY,
        }
