"""Officer roles. Respondents never have accounts."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    ANALYST = "analyst"
    SAFEGUARDING = "safeguarding"
    ASSEMBLY = "assembly"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator",
    Role.OFFICER: "Engagement officer",
    Role.ANALYST: "Analyst",
    Role.SAFEGUARDING: "Safeguarding lead",
    Role.ASSEMBLY: "Youth Assembly member",
}

# Who may do what. Views name one of these groups, so the rules live in one place.
DESIGNERS = frozenset({Role.ADMIN, Role.OFFICER})
READERS = frozenset({Role.OFFICER, Role.ANALYST})  # individual responses and exports
STAFF = frozenset({Role.ADMIN, Role.OFFICER, Role.ANALYST})
ADMINS = frozenset({Role.ADMIN})
SAFEGUARDING = frozenset({Role.SAFEGUARDING})
ASSEMBLY = frozenset({Role.ASSEMBLY})
ANY_ROLE = frozenset(Role)
