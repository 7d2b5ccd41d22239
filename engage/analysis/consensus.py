"""Opinion groups and consensus for a Youth Assembly voting on statements, as Pol.is does.

Participants vote agree (1), disagree (-1) or pass (0) on short statements and
see only some of them. The analysis answers three questions an officer brings
to the assembly's report: which camps of opinion there are
(``opinion_groups``), which statements every camp (or every age band, or
area) can support (``group_consensus``), and what sets each camp apart
(``representative_statements``). ``statement_support`` gives the plain counts
behind them.

Consensus is measured group by group rather than over everyone, so that a
large group cannot make a statement look agreed on its own: Pol.is multiplies
each group's chance of agreeing, smoothed with Laplace's rule ((agree + 1) /
(seen + 2)) so that a statement few people saw is pulled towards a coin toss
instead of scoring 0 or 1.

The counts are raw: small numbers must go through
``engage.analysis.suppression`` before they leave the officer role.
"""

from __future__ import annotations

import string
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from engage.analysis.exceptions import DuplicateVotes, InvalidVotes, NoGroupedVoters

ALL = "All"  # the group label of the rows that count every participant
AGREE, DISAGREE, PASS = 1, -1, 0
VOTE_COLUMNS = ("participant", "statement", "vote")
COORDINATE_COLUMNS = ("pc1", "pc2")

AGREED_BY_EVERY_GROUP = "agreed by every group"
REJECTED_BY_EVERY_GROUP = "rejected by every group"
DIVIDED = "divided"
MIXED = "mixed"

SUPPORT_COLUMNS = (
    "statement",
    "group",
    "seen",
    "agree",
    "disagree",
    "pass_",
    "agree_share",
    "disagree_share",
)
CONSENSUS_COLUMNS = (
    "statement",
    "consensus_agree",
    "consensus_disagree",
    "divisiveness",
    "kind",
)
REPNESS_COLUMNS = ("group", "statement", "direction", "repness", "group_share")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class OpinionGroups:
    """The camps of opinion found among the participants who voted enough.

    ``labels`` maps each participant with at least ``min_votes`` votes to
    "Group A", "Group B", ... (largest group first); participants with fewer
    votes are absent. ``coordinates`` holds each of those participants'
    position on the first two principal components (``pc1``, ``pc2``), for a
    scatter plot. ``k`` is the number of groups (0 when nobody voted enough),
    ``silhouette`` the silhouette score of the chosen grouping (None for a
    single group) and ``explained_variance`` the share of the variance in the
    votes carried by each of the two components.
    """

    labels: pd.Series
    coordinates: pd.DataFrame
    k: int
    silhouette: float | None
    explained_variance: tuple[float, ...]


def vote_matrix(votes: pd.DataFrame) -> pd.DataFrame:
    """Participants by statements: 1 agree, -1 disagree, 0 pass, NaN for not seen.

    ``votes`` is long: one row per vote with columns ``participant``,
    ``statement`` (whole numbers) and ``vote`` (1, -1 or 0). Pass and not seen
    are kept apart because they mean different things: a pass is a participant
    declining to take a side, an unseen statement says nothing about them.
    Participants are in order of first appearance, statements in ascending
    order. Raises ``InvalidVotes``, or ``DuplicateVotes`` when a participant
    voted twice on a statement.
    """
    return _matrix(_validated(votes))


def opinion_groups(
    votes: pd.DataFrame,
    *,
    max_groups: int = 4,
    min_votes: int = 3,
    min_group_size: int = 3,
    random_state: int = 0,
) -> OpinionGroups:
    """Group participants who vote alike, as Pol.is does: PCA, then k-means.

    Only participants with at least ``min_votes`` votes (passes count) are
    placed: a participant who voted once cannot be told apart from anyone.
    An unseen statement is filled with the mean vote on it among the placed
    participants who saw it (0 if none did), which puts the participant at the
    average on that statement instead of reading the gap as a pass. The filled
    matrix is projected onto its first two principal components, and k-means
    (``n_init`` fixed at 10, seeded by ``random_state``) is run there for each
    k from 2 to ``max_groups``; the k with the best silhouette score wins
    (the smallest k on a tie), counting only groupings in which every group
    has at least ``min_group_size`` members, so that no group is small enough
    to single a young person out. With fewer than ``2 * min_group_size``
    placed participants, or no qualifying k, everyone placed is one group.

    Groups are labelled "Group A", "Group B", ... from the largest; groups of
    equal size are ordered by their mean position on the first component.
    """
    if max_groups < 1:
        raise ValueError("max_groups must be at least 1")
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    if min_votes < 0:
        raise ValueError("min_votes must be 0 or more")
    matrix = _matrix(_validated(votes))
    placed = matrix.loc[matrix.notna().sum(axis=1) >= min_votes]
    coordinates, explained = _principal_components(_imputed(placed.to_numpy(dtype="float64")))
    n = coordinates.shape[0]

    clusters: IntArray = np.zeros(n, dtype="int64")
    k, silhouette = (1 if n else 0), None
    if n >= 2 * min_group_size and max_groups >= 2:
        best = _best_kmeans(coordinates, max_groups, min_group_size, random_state)
        if best is not None:
            clusters, k, silhouette = best

    index = pd.Index(placed.index, name="participant")
    return OpinionGroups(
        labels=pd.Series(_ordered_labels(clusters, coordinates), index=index, name="group"),
        coordinates=pd.DataFrame(coordinates, index=index, columns=list(COORDINATE_COLUMNS)),
        k=k,
        silhouette=silhouette,
        explained_variance=explained,
    )


def statement_support(votes: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Counts and shares of agree, disagree and pass on each statement, overall and by group.

    Long: one row per statement and group, with columns ``statement``,
    ``group``, ``seen``, ``agree``, ``disagree``, ``pass_``, ``agree_share`` and
    ``disagree_share``. Each statement has an ``ALL`` ("All") row counting every
    participant first, then, when ``groups`` (participant -> label, such as
    ``OpinionGroups.labels`` or an age band) is given, one row per group.
    Participants without a label are counted in "All" only. Shares are of the
    participants who saw the statement, passes included, so agree_share +
    disagree_share + the pass share is 1; NaN when nobody in the group saw it.
    Statements ascend; groups follow the categories of a categorical
    ``groups``, otherwise their sorted labels.
    """
    clean = _validated(votes)
    statements = _statements(clean)
    everyone = _tally(clean, np.zeros(len(clean), dtype="int64"), 1, statements)
    keys: list[Hashable] = [ALL]
    tallies = everyone
    if groups is not None:
        order, codes = _group_codes(clean, groups)
        keys += order
        tallies = np.concatenate([everyone, _tally(clean, codes, len(order), statements)])

    by_statement = tallies.transpose(1, 0, 2).reshape(-1, 3)
    agree, disagree, passed = by_statement[:, 0], by_statement[:, 1], by_statement[:, 2]
    seen = by_statement.sum(axis=1)
    group_column = np.empty(len(keys), dtype=object)
    group_column[:] = keys
    return pd.DataFrame(
        {
            "statement": np.repeat(statements, len(keys)),
            "group": np.tile(group_column, len(statements)),
            "seen": seen,
            "agree": agree,
            "disagree": disagree,
            "pass_": passed,
            "agree_share": _share(agree, seen),
            "disagree_share": _share(disagree, seen),
        },
        columns=list(SUPPORT_COLUMNS),
    )


def group_consensus(votes: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """How far every group agrees (or disagrees) with each statement: Pol.is's consensus.

    One row per statement, most agreed first, with columns ``statement``,
    ``consensus_agree`` (the product over groups of (agree + 1) / (seen + 2)),
    ``consensus_disagree`` (the same with disagrees), ``divisiveness`` (the
    highest minus the lowest of the groups' smoothed agree chances, 0 to 1)
    and ``kind``:

    - "agreed by every group": every group's smoothed agree chance is over 0.5;
    - "rejected by every group": every group's smoothed disagree chance is over 0.5;
    - "divided": one group's smoothed agree and another's smoothed disagree
      chance are over 0.5;
    - "mixed": anything else (no majority somewhere, many passes, or unseen).

    A smoothed chance is over 0.5 exactly when more than half of the group's
    participants who saw the statement voted that way, so a group that did not
    see a statement keeps it out of the first two kinds. Groups none of whose
    members voted are left out; with one group the consensus is that group's
    smoothed agree chance. Participants without a label do not count. Raises
    ``NoGroupedVoters`` when no voter has a group.
    """
    clean = _validated(votes)
    statements = _statements(clean)
    order, codes = _group_codes(clean, groups)
    _, tallies = _voting_groups(_tally(clean, codes, len(order), statements), order)
    agree, disagree = tallies[:, :, 0], tallies[:, :, 1]
    seen = tallies.sum(axis=2)
    p_agree = (agree + 1) / (seen + 2)
    p_disagree = (disagree + 1) / (seen + 2)
    # Integer forms of "smoothed chance > 0.5", free of rounding.
    agree_majority = 2 * agree > seen
    disagree_majority = 2 * disagree > seen
    kind = np.select(
        [
            agree_majority.all(axis=0),
            disagree_majority.all(axis=0),
            agree_majority.any(axis=0) & disagree_majority.any(axis=0),
        ],
        [AGREED_BY_EVERY_GROUP, REJECTED_BY_EVERY_GROUP, DIVIDED],
        default=MIXED,
    ).astype(object)
    result = pd.DataFrame(
        {
            "statement": statements,
            "consensus_agree": p_agree.prod(axis=0),
            "consensus_disagree": p_disagree.prod(axis=0),
            "divisiveness": p_agree.max(axis=0) - p_agree.min(axis=0),
            "kind": kind,
        },
        columns=list(CONSENSUS_COLUMNS),
    )
    return result.sort_values(
        ["consensus_agree", "statement"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def representative_statements(
    votes: pd.DataFrame, groups: pd.Series, *, top: int = 3
) -> pd.DataFrame:
    """The statements that set each group apart from the other groups: Pol.is's "repness".

    For a group g and the rest r (the participants in the other groups), the
    agree repness is ((a_g + 1) / (s_g + 2)) / ((a_r + 1) / (s_r + 2)), with a
    agrees and s participants who saw the statement; the disagree repness is
    the same with disagrees. Each statement keeps its stronger direction
    (agree on a tie), and counts for the group only when more than half of the
    group's participants who saw it voted that way (``group_share`` > 0.5,
    passes in the base) and the group does so more readily than the rest
    (repness > 1): a statement the group backs less than everyone else does is
    not what distinguishes it.

    Columns ``group``, ``statement``, ``direction`` ("agree" or "disagree"),
    ``repness`` and ``group_share``; at most ``top`` rows per group, by repness
    (then statement), groups in the order ``statement_support`` uses. Empty
    when fewer than two groups have voters, as there is nothing to compare
    with. Participants without a label do not count.
    """
    if top < 0:
        raise ValueError("top must be 0 or more")
    clean = _validated(votes)
    statements = _statements(clean)
    order, codes = _group_codes(clean, groups)
    voting, tallies = _voting_groups(_tally(clean, codes, len(order), statements), order)
    if len(voting) < 2:
        return _empty_repness()

    rest = tallies.sum(axis=0, keepdims=True) - tallies
    seen, rest_seen = tallies.sum(axis=2), rest.sum(axis=2)

    def ratio(column: int) -> FloatArray:
        mine = (tallies[:, :, column] + 1) / (seen + 2)
        theirs = (rest[:, :, column] + 1) / (rest_seen + 2)
        return np.asarray(mine / theirs, dtype="float64")

    agree_repness, disagree_repness = ratio(0), ratio(1)
    agrees = agree_repness >= disagree_repness
    repness = np.where(agrees, agree_repness, disagree_repness)
    count = np.where(agrees, tallies[:, :, 0], tallies[:, :, 1])
    keep = (2 * count > seen) & (repness > 1)

    group_pos, statement_pos = np.nonzero(keep)
    candidates = pd.DataFrame(
        {
            "position": group_pos,
            "statement": statements[statement_pos],
            "direction": np.where(agrees[keep], "agree", "disagree").astype(object),
            "repness": repness[keep],
            "group_share": count[keep] / seen[keep],
        }
    )
    chosen = (
        candidates.sort_values(
            ["position", "repness", "statement"], ascending=[True, False, True], kind="stable"
        )
        .groupby("position", sort=False)
        .head(top)
    )
    labels = np.empty(len(voting), dtype=object)
    labels[:] = voting
    chosen.insert(0, "group", labels[chosen["position"].to_numpy()])
    return chosen.drop(columns="position").reset_index(drop=True)


def _validated(votes: pd.DataFrame) -> pd.DataFrame:
    """The votes as participant, statement (int64), vote (int64), index 0..n-1."""
    missing = [column for column in VOTE_COLUMNS if column not in votes.columns]
    if missing:
        raise InvalidVotes(missing_columns=missing)
    if votes["participant"].isna().any():
        raise InvalidVotes(reason="a vote has no participant")
    vote = pd.to_numeric(votes["vote"], errors="coerce")
    bad_vote = ~vote.isin([AGREE, DISAGREE, PASS])
    if bad_vote.any():
        raise InvalidVotes(bad_values=votes.loc[bad_vote, "vote"].drop_duplicates().tolist())
    statement = pd.to_numeric(votes["statement"], errors="coerce")
    bad_statement = statement.isna() | (statement % 1 != 0)
    if bad_statement.any():
        raise InvalidVotes(
            bad_values=votes.loc[bad_statement, "statement"].drop_duplicates().tolist()
        )
    clean = pd.DataFrame(
        {
            "participant": votes["participant"].to_numpy(),
            "statement": statement.to_numpy(dtype="int64"),
            "vote": vote.to_numpy(dtype="int64"),
        }
    )
    repeated = clean.duplicated(["participant", "statement"], keep=False)
    if repeated.any():
        pairs = clean.loc[repeated, ["participant", "statement"]].drop_duplicates()
        raise DuplicateVotes(list(pairs.itertuples(index=False, name=None)))
    return clean


def _statements(clean: pd.DataFrame) -> IntArray:
    return np.sort(clean["statement"].unique()).astype("int64")


def _matrix(clean: pd.DataFrame) -> pd.DataFrame:
    rows, participants = pd.factorize(clean["participant"])
    statements = _statements(clean)
    columns = np.searchsorted(statements, clean["statement"].to_numpy())
    values = np.full((len(participants), len(statements)), np.nan)
    values[rows, columns] = clean["vote"].to_numpy(dtype="float64")
    return pd.DataFrame(
        values,
        index=pd.Index(participants, name="participant"),
        columns=pd.Index(statements, name="statement"),
    )


def _imputed(values: FloatArray) -> FloatArray:
    """Each unseen cell filled with its statement's mean among those who saw it (0 if none)."""
    seen = ~np.isnan(values)
    totals = np.where(seen, values, 0.0).sum(axis=0)
    counts = seen.sum(axis=0)
    means = np.divide(totals, counts, out=np.zeros_like(totals), where=counts > 0)
    return np.where(seen, values, means)


def _principal_components(values: FloatArray) -> tuple[FloatArray, tuple[float, float]]:
    """Positions on the first two principal components, and each one's share of variance.

    Components that cannot exist (fewer participants or statements than two,
    or votes with no variance at all) are zero, with a share of 0.
    """
    n, statements = values.shape
    coordinates = np.zeros((n, len(COORDINATE_COLUMNS)))
    explained = [0.0] * len(COORDINATE_COLUMNS)
    components = min(len(COORDINATE_COLUMNS), n, statements)
    if components == 0 or not np.ptp(values, axis=0).any():
        return coordinates, (explained[0], explained[1])
    pca = PCA(n_components=components, svd_solver="full")
    coordinates[:, :components] = pca.fit_transform(values)
    explained[:components] = [float(share) for share in pca.explained_variance_ratio_]
    return coordinates, (explained[0], explained[1])


def _best_kmeans(
    coordinates: FloatArray, max_groups: int, min_group_size: int, random_state: int
) -> tuple[IntArray, int, float] | None:
    """The k-means grouping with the best silhouette among those with no small group."""
    n = coordinates.shape[0]
    # k-means cannot find more groups than there are distinct points (it would
    # warn and return duplicates), and the silhouette needs k < n. Identical voters
    # can land a rounding error apart after PCA, so points are compared rounded.
    distinct = len(np.unique(np.round(coordinates, 9), axis=0))
    best: tuple[IntArray, int, float] | None = None
    for k in range(2, min(max_groups, distinct, n - 1) + 1):
        model = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit(coordinates)
        clusters = np.asarray(model.labels_, dtype="int64")
        if np.bincount(clusters, minlength=k).min() < min_group_size:
            continue
        score = float(silhouette_score(coordinates, clusters))
        if best is None or score > best[2]:
            best = (clusters, k, score)
    return best


def _ordered_labels(clusters: IntArray, coordinates: FloatArray) -> list[str]:
    """ "Group A" for the largest cluster and so on; equal sizes by mean first component."""
    if clusters.size == 0:
        return []
    ids = np.unique(clusters)
    sizes = np.array([(clusters == i).sum() for i in ids])
    centres = np.array([coordinates[clusters == i, 0].mean() for i in ids])
    ranked = ids[np.lexsort((ids, centres, -sizes))]
    names = {int(cluster): _group_name(rank) for rank, cluster in enumerate(ranked)}
    return [names[int(cluster)] for cluster in clusters]


def _group_name(rank: int) -> str:
    """ "Group A" ... "Group Z", then "Group AA", as spreadsheet columns are named."""
    letters = ""
    rank += 1
    while rank:
        rank, remainder = divmod(rank - 1, 26)
        letters = string.ascii_uppercase[remainder] + letters
    return f"Group {letters}"


def _group_codes(clean: pd.DataFrame, groups: pd.Series) -> tuple[list[Hashable], IntArray]:
    """The group labels in reporting order, and each vote's position in it (-1: no group)."""
    if not groups.index.is_unique:
        raise ValueError("groups must give one label per participant")
    labelled = groups.dropna()
    if isinstance(groups.dtype, pd.CategoricalDtype):
        order: list[Hashable] = list(groups.cat.categories)
    else:
        order = _sorted_if_possible(list(pd.unique(labelled)))
    if ALL in order:
        raise ValueError(f"{ALL!r} is reserved for the overall rows; rename that group")
    positions = pd.Index(order, dtype=object).get_indexer(
        pd.Index(labelled.to_numpy(dtype=object), dtype=object)
    )
    by_participant = pd.Series(positions, index=labelled.index)
    codes = clean["participant"].map(by_participant).fillna(-1)
    return order, codes.to_numpy(dtype="int64")


def _sorted_if_possible(labels: Sequence[Hashable]) -> list[Hashable]:
    ordered: list[Any] = list(labels)  # Any: whether labels compare is only known by trying
    try:
        ordered.sort()
    except TypeError:  # labels of mixed types: keep their order of appearance
        return list(labels)
    return ordered


def _tally(clean: pd.DataFrame, codes: IntArray, n_groups: int, statements: IntArray) -> IntArray:
    """Counts by group, statement and vote: shape (groups, statements, [agree, disagree, pass])."""
    counts = np.zeros((n_groups, len(statements), 3), dtype="int64")
    grouped = codes >= 0
    columns = np.searchsorted(statements, clean["statement"].to_numpy())
    vote = clean["vote"].to_numpy()
    kinds = np.select([vote == AGREE, vote == DISAGREE], [0, 1], default=2)
    np.add.at(counts, (codes[grouped], columns[grouped], kinds[grouped]), 1)
    return counts


def _voting_groups(tallies: IntArray, order: Sequence[Hashable]) -> tuple[list[Hashable], IntArray]:
    """The groups that cast at least one vote, and their tallies; raises when there are none."""
    voting = tallies.sum(axis=(1, 2)) > 0
    if not voting.any():
        raise NoGroupedVoters(list(order))
    return [label for label, votes in zip(order, voting, strict=True) if votes], tallies[voting]


def _share(part: IntArray, whole: IntArray) -> FloatArray:
    shares: FloatArray = np.full(part.shape, np.nan)
    np.divide(part, whole, out=shares, where=whole > 0)
    return shares


def _empty_repness() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": pd.Series(dtype=object),
            "statement": pd.Series(dtype="int64"),
            "direction": pd.Series(dtype=object),
            "repness": pd.Series(dtype="float64"),
            "group_share": pd.Series(dtype="float64"),
        }
    )
