"""Every view declares who may use it.

``@public`` marks pages anyone may open (the respondent flow, login); ``@roles``
names the roles allowed. A test walks the URL map and fails on any view that
declares neither, so a new route cannot be left open by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from engage.auth.roles import Role

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTR = "_engage_access"


def public(view: F) -> F:
    setattr(view, ACCESS_ATTR, "public")
    return view


def roles(allowed: Iterable[Role]) -> Callable[[F], F]:
    allowed_set = frozenset(allowed)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role_enum not in allowed_set:
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(wrapped)
        setattr(guarded, ACCESS_ATTR, allowed_set)
        return guarded  # login_required is untyped: mypy sees Any, which fits F

    return decorate


def access_of(view: Callable[..., Any]) -> frozenset[Role] | str | None:
    value: frozenset[Role] | str | None = getattr(view, ACCESS_ATTR, None)
    return value
