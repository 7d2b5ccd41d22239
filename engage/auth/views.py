from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import Session

from engage.audit.services import AuditAction, record
from engage.auth import services
from engage.auth.access import public, roles
from engage.auth.forms import EditUserForm, LoginForm, NewUserForm
from engage.auth.models import User
from engage.auth.passwords import WeakPassword
from engage.auth.roles import ADMINS, ANY_ROLE, STAFF, Role
from engage.db import get_session
from engage.errors import NotFound

bp = Blueprint("auth", __name__)


def _home_for(user: User) -> str:
    if user.role_enum in STAFF:
        return url_for("surveys.index")
    if user.role_enum is Role.ASSEMBLY:
        return url_for("assembly.home")
    return url_for("auth.home")


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: never redirect to another origin after login.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = services.authenticate(db, form.email.data or "", form.password.data or "")
        _audit_login(db, form.email.data or "", user)
        db.commit()  # failures too: the throttle and the audit log must see them
        if user is not None:
            # Renew the session at login: drop everything the old cookie carried.
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
        form.password.errors = ["The email address or password is not right."]
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


def _audit_login(db: Session, email: str, user: User | None) -> None:
    if user is not None:
        record(db, AuditAction.LOGIN, actor=user)
    else:
        # No actor id: only the account name that was tried, as the throttle stores it.
        record(db, AuditAction.LOGIN_FAILED, actor_email=services.normalise_email(email))


@bp.post("/logout")
@roles(ANY_ROLE)
def logout() -> ResponseReturnValue:
    db = get_session()
    record(db, AuditAction.LOGOUT, actor=current_user)
    db.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


@bp.get("/home")
@roles(ANY_ROLE)
def home() -> ResponseReturnValue:
    return render_template("auth/home.html", role=current_user.role_enum)


@bp.route("/admin/users", methods=["GET", "POST"])
@roles(ADMINS)
def users() -> ResponseReturnValue:
    db = get_session()
    form = NewUserForm()
    status = 200
    if form.validate_on_submit():
        try:
            created = services.create_user(
                db,
                email=form.email.data or "",
                name=form.name.data or "",
                password=form.password.data or "",
                role=Role(form.role.data),
            )
        except WeakPassword as exc:
            form.password.errors = [str(exc)]
            status = 422
        else:
            record(
                db,
                AuditAction.USER_CREATED,
                actor=current_user,
                object_type="user",
                object_id=created.id,
            )
            db.commit()
            flash(f"Account created for {form.email.data}.")
            return redirect(url_for("auth.users"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/users.html", users=services.list_users(db), form=form), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles(ADMINS)
def edit_user(user_id: int) -> ResponseReturnValue:
    db = get_session()
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    form = EditUserForm(obj=None if request.method == "POST" else user)
    if form.validate_on_submit():
        try:
            if form.password.data:
                services.set_password(db, user, form.password.data)
        except WeakPassword as exc:
            form.password.errors = [str(exc)]
            return render_template("auth/edit_user.html", user=user, form=form), 422
        if user.id == current_user.id and form.role.data != Role.ADMIN.value:
            form.role.errors = ["You cannot remove your own administrator role."]
            return render_template("auth/edit_user.html", user=user, form=form), 422
        _record_changes(db, user, form)
        db.commit()
        flash(f"Saved changes to {user.email}.")
        return redirect(url_for("auth.users"))
    return render_template("auth/edit_user.html", user=user, form=form)


def _record_changes(db: Session, user: User, form: EditUserForm) -> None:
    """Apply the role and active flag, and audit each change (the password is set above)."""
    was_role, was_active = user.role, user.active
    services.set_role(db, user, Role(form.role.data))
    user.active = bool(form.active.data) or user.id == current_user.id
    changes = [
        (bool(form.password.data), AuditAction.PASSWORD_CHANGED),
        (user.role != was_role, AuditAction.ROLE_CHANGED),
        (was_active and not user.active, AuditAction.USER_DISABLED),
        (user.active and not was_active, AuditAction.USER_ENABLED),
    ]
    for changed, action in changes:
        if changed:
            record(db, action, actor=current_user, object_type="user", object_id=user.id)
