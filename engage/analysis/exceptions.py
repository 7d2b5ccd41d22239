"""Domain exceptions raised by the analysis functions.

They carry the data a caller needs to explain the problem; the wording shown to
an officer belongs to the view layer.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence


class AnalysisError(Exception):
    """Base class for problems in the data handed to an analysis function."""


class UnknownCategories(AnalysisError):
    """The sample holds categories that the population baseline does not have.

    Usually a codebook and a baseline that do not match (a 19-group ethnicity
    answer compared with a 5-group baseline, or a misspelt label).
    """

    def __init__(self, categories: Sequence[Hashable], dimension: str | None = None) -> None:
        self.categories: tuple[Hashable, ...] = tuple(categories)
        self.dimension = dimension
        where = f" in {dimension!r}" if dimension is not None else ""
        super().__init__(f"categories not in the population{where}: {list(self.categories)!r}")


class RakingDidNotConverge(AnalysisError):
    """Raking could not make the weighted sample match every margin.

    ``empty_categories`` maps each dimension to the margin categories that have
    a population share above zero but no (known) respondent, which no weight can
    fix; when it is empty the iterations ran out: ``max_error`` says how far the
    weighted shares still were from the population shares and, when the caps
    could not be met, ``trim_violation`` how far (in multiples of the mean
    weight) the weights were outside them the last time the margins held.
    """

    def __init__(
        self,
        iterations: int,
        max_error: float,
        empty_categories: Mapping[str, Sequence[Hashable]] | None = None,
        trim_violation: float | None = None,
    ) -> None:
        self.iterations = iterations
        self.max_error = max_error
        self.trim_violation = trim_violation
        self.empty_categories: dict[str, tuple[Hashable, ...]] = {
            dimension: tuple(categories)
            for dimension, categories in (empty_categories or {}).items()
        }
        super().__init__(
            f"raking did not converge after {iterations} iterations "
            f"(max margin error {max_error:.3g}, empty categories {self.empty_categories!r})"
        )


class InvalidVotes(AnalysisError):
    """A votes frame that cannot be read as agree/disagree/pass votes.

    ``missing_columns`` lists the required columns it lacks; ``bad_values``
    the values of ``vote`` other than 1, -1 and 0 (or of ``statement`` that are
    not whole numbers); ``reason`` anything else, such as a missing id.
    """

    def __init__(
        self,
        *,
        missing_columns: Sequence[str] = (),
        bad_values: Sequence[Hashable] = (),
        reason: str = "",
    ) -> None:
        self.missing_columns: tuple[str, ...] = tuple(missing_columns)
        self.bad_values: tuple[Hashable, ...] = tuple(bad_values)
        self.reason = reason
        detail = reason or (
            f"missing columns {list(self.missing_columns)!r}, bad values {list(self.bad_values)!r}"
        )
        super().__init__(f"invalid votes: {detail}")


class DuplicateVotes(InvalidVotes):
    """A participant voted more than once on the same statement.

    Each participant has one current vote per statement; a changed vote must
    replace the earlier one before analysis. ``pairs`` holds every
    (participant, statement) that occurs more than once.
    """

    def __init__(self, pairs: Sequence[tuple[Hashable, Hashable]]) -> None:
        self.pairs: tuple[tuple[Hashable, Hashable], ...] = tuple(pairs)
        super().__init__(reason=f"more than one vote for {list(self.pairs)!r}")


class NoGroupedVoters(AnalysisError):
    """None of the participants who voted has a group, so groups cannot be compared.

    Typically a grouping question (age band, area) that no voter answered, or
    group labels keyed by ids from another assembly. ``groups`` holds the
    labels that were given.
    """

    def __init__(self, groups: Sequence[Hashable]) -> None:
        self.groups: tuple[Hashable, ...] = tuple(groups)
        super().__init__(f"no voter belongs to any of the groups {list(self.groups)!r}")
