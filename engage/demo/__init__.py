"""Demo data for ``flask --app engage demo``: a partnership to explore from the first run.

One entry point, :func:`seed`, runs the parts in order:

- ``partnership``: the officer, analyst and safeguarding logins, three open surveys
  and their channels, with sample answers (``plans``, ``responses``, ``themes``);
- ``loop``: "you said, we did": priorities, last year's youth survey as the previous
  wave, its commitments and its public page;
- ``assembly``: the Youth Assembly's member logins and an open review with votes.

The texts the sample is written from are data, in ``data/*.json`` beside this file.
Nothing below the CLI imports this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engage.auth.services import get_user_by_email
from engage.demo.assembly import assembly_summary, seed_assembly
from engage.demo.loop import loop_summary, publish_previous_wave, seed_loop
from engage.demo.partnership import DemoResult, seed_demo
from engage.surveys import services

__all__ = ["SeededDemo", "seed"]


@dataclass(frozen=True)
class SeededDemo:
    partnership: DemoResult
    loop: dict[str, Any]
    public_page_code: str  # last year's public page, /r/<code>
    assembly: dict[str, Any]

    def summary(self) -> str:
        """What the ``demo`` command prints: logins, where to look, what was added."""
        return (
            self.partnership.summary()
            + loop_summary(self.loop)
            + f"\n  Last year's public page: /r/{self.public_page_code}"
            + assembly_summary(self.assembly)
        )


def seed(
    session: Session,
    *,
    secret_key: str,
    threshold: int,
    min_group: int,
    responses: int = 400,
    seed: int = 2021,
) -> SeededDemo:
    """Seed (or top up) the whole demo; running it again adds nothing but new passwords.

    ``threshold`` and ``min_group`` are the suppression settings the public page's
    figures are built with. Commits once, part-way: last year's public page takes
    its snapshot on a second connection, which sees committed responses only. The
    caller commits the rest.
    """
    partnership = seed_demo(session, responses=responses, seed=seed)
    officer = get_user_by_email(session, partnership.officer_email)
    assert officer is not None  # seed_demo has just made sure of it
    officer_id = officer.id
    # Last year's wave: three quarters the size of this year's youth survey.
    loop = seed_loop(
        session,
        surveys=partnership.surveys,
        officer_id=officer_id,
        secret_key=secret_key,
        responses=responses * 3 // 4,
    )
    session.commit()  # the public page's snapshot reads committed responses
    code = publish_previous_wave(
        session, loop["previous_survey_id"], threshold=threshold, min_group=min_group
    )
    youth = services.get_survey(session, partnership.surveys["young_people"])
    assembly = seed_assembly(session, survey=youth, officer_id=officer_id, secret_key=secret_key)
    return SeededDemo(partnership=partnership, loop=loop, public_page_code=code, assembly=assembly)
