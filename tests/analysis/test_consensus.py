import math

import numpy as np
import pandas as pd
import pytest

from engage.analysis.consensus import (
    ALL,
    OpinionGroups,
    group_consensus,
    opinion_groups,
    representative_statements,
    statement_support,
    vote_matrix,
)
from engage.analysis.exceptions import (
    AnalysisError,
    DuplicateVotes,
    InvalidVotes,
    NoGroupedVoters,
)


def votes_from(ballots: dict[str, dict[int, int]]) -> pd.DataFrame:
    """Long votes from participant -> {statement: vote}."""
    return pd.DataFrame(
        [
            (participant, statement, vote)
            for participant, cast in ballots.items()
            for statement, vote in cast.items()
        ],
        columns=["participant", "statement", "vote"],
    )


# Two groups of four and one participant with no group.
#   statement 0: g1 agree 3/4, g2 agree 1/4, disagree 2/4, pass 1  -> mixed
#   statement 1: g1 agree 4/4, g2 agree 3/4                         -> agreed by every group
#   statement 2: g1 agree 3/4 (one pass), g2 disagree 3/4           -> divided
#   statement 3: g1 disagree 3/3 (a4 unseen), g2 disagree 3/4       -> rejected by every group
SMALL = votes_from(
    {
        "a1": {0: 1, 1: 1, 2: 1, 3: -1},
        "a2": {0: 1, 1: 1, 2: 1, 3: -1},
        "a3": {0: 1, 1: 1, 2: 1, 3: -1},
        "a4": {0: -1, 1: 1, 2: 0},
        "b1": {0: 1, 1: 1, 2: -1, 3: -1},
        "b2": {0: -1, 1: 1, 2: -1, 3: -1},
        "b3": {0: -1, 1: 1, 2: -1, 3: 0},
        "b4": {0: 0, 1: -1, 2: 1, 3: -1},
        "u1": {0: -1, 1: -1, 2: -1, 3: 1},
    }
)
SMALL_GROUPS = pd.Series(
    {"a1": "g1", "a2": "g1", "a3": "g1", "a4": "g1", "b1": "g2", "b2": "g2", "b3": "g2", "b4": "g2"}
)


def two_camps(x: int = 7, y: int = 5) -> pd.DataFrame:
    """Camp X agrees with 0-4 and disagrees with 5-9; camp Y the opposite.

    Some votes become passes and some statements go unseen, on a fixed pattern.
    """
    rows = []
    for p in range(x + y):
        in_x = p < x
        for s in range(10):
            if (3 * p + s) % 11 == 0:
                continue  # not seen
            vote = 1 if (s < 5) == in_x else -1
            if (p + s) % 7 == 0:
                vote = 0
            rows.append((f"p{p}", s, vote))
    return pd.DataFrame(rows, columns=["participant", "statement", "vote"])


def partition(labels: pd.Series) -> set[frozenset[str]]:
    return {frozenset(members.index) for _, members in labels.groupby(labels)}


# vote_matrix and validation


def test_matrix_keeps_pass_and_unseen_apart() -> None:
    votes = pd.DataFrame(
        {
            "participant": ["ann", "ann", "bob", "cat", "cat"],
            "statement": [2, 0, 0, 2, 1],
            "vote": [1, 0, -1, -1, 1],
        }
    )
    matrix = vote_matrix(votes)
    assert list(matrix.index) == ["ann", "bob", "cat"]  # first appearance
    assert list(matrix.columns) == [0, 1, 2]  # ascending
    assert matrix.index.name == "participant"
    assert matrix.columns.name == "statement"
    assert matrix.loc["ann", 0] == 0  # a pass is a vote
    assert math.isnan(matrix.loc["ann", 1])  # not seen
    assert matrix.loc["ann", 2] == 1
    assert matrix.loc["bob", 0] == -1
    assert matrix.loc["bob"].isna().sum() == 2
    assert matrix.loc["cat", 1] == 1 and matrix.loc["cat", 2] == -1
    assert int(matrix.notna().to_numpy().sum()) == len(votes)


def test_duplicate_votes_raise_with_the_pairs() -> None:
    votes = pd.DataFrame(
        {"participant": ["ann", "ann", "bob"], "statement": [1, 1, 1], "vote": [1, -1, 1]}
    )
    with pytest.raises(DuplicateVotes) as raised:
        vote_matrix(votes)
    assert raised.value.pairs == (("ann", 1),)
    assert isinstance(raised.value, AnalysisError)
    for function in (opinion_groups, statement_support):
        with pytest.raises(DuplicateVotes):
            function(votes)


def test_invalid_votes_raise() -> None:
    with pytest.raises(InvalidVotes) as raised:
        vote_matrix(pd.DataFrame({"participant": ["a"], "statement": [1], "vote": [2]}))
    assert raised.value.bad_values == (2,)
    with pytest.raises(InvalidVotes) as raised:
        vote_matrix(pd.DataFrame({"participant": ["a"], "vote": [1]}))
    assert raised.value.missing_columns == ("statement",)
    with pytest.raises(InvalidVotes):
        vote_matrix(pd.DataFrame({"participant": ["a"], "statement": [1.5], "vote": [1]}))


def test_input_is_not_mutated() -> None:
    before = SMALL.copy()
    statement_support(SMALL, SMALL_GROUPS)
    group_consensus(SMALL, SMALL_GROUPS)
    representative_statements(SMALL, SMALL_GROUPS)
    opinion_groups(SMALL)
    pd.testing.assert_frame_equal(SMALL, before)


# statement_support


def test_support_overall_counts_and_shares_include_passes() -> None:
    support = statement_support(SMALL)
    assert list(support.columns) == [
        "statement",
        "group",
        "seen",
        "agree",
        "disagree",
        "pass_",
        "agree_share",
        "disagree_share",
    ]
    assert set(support["group"]) == {ALL}
    first = support.set_index("statement").loc[0]
    assert (first["seen"], first["agree"], first["disagree"], first["pass_"]) == (9, 4, 4, 1)
    assert first["agree_share"] == pytest.approx(4 / 9)
    assert first["disagree_share"] == pytest.approx(4 / 9)
    assert list(support["statement"]) == [0, 1, 2, 3]
    assert (support["seen"] == support["agree"] + support["disagree"] + support["pass_"]).all()


def test_support_by_group_counts_ungrouped_in_all_only() -> None:
    support = statement_support(SMALL, SMALL_GROUPS).set_index(["statement", "group"])
    assert list(support.loc[0].index) == [ALL, "g1", "g2"]
    g2 = support.loc[(0, "g2")]
    assert (g2["seen"], g2["agree"], g2["disagree"], g2["pass_"]) == (4, 1, 2, 1)
    assert g2["agree_share"] == pytest.approx(0.25)
    assert g2["disagree_share"] == pytest.approx(0.5)
    # u1 (no group) is in "All" but neither group.
    for statement in range(4):
        assert (
            support.loc[(statement, ALL), "seen"]
            == support.loc[(statement, "g1"), "seen"] + support.loc[(statement, "g2"), "seen"] + 1
        )
    assert support.loc[(3, "g1"), "seen"] == 3  # a4 did not see statement 3


def test_support_group_that_saw_nothing_has_no_share() -> None:
    groups = SMALL_GROUPS.astype(pd.CategoricalDtype(["g2", "g1", "g3"]))
    support = statement_support(SMALL, groups)
    assert list(support.loc[support["statement"] == 0, "group"]) == [ALL, "g2", "g1", "g3"]
    g3 = support[support["group"] == "g3"]
    assert (g3["seen"] == 0).all()
    assert g3["agree_share"].isna().all() and g3["disagree_share"].isna().all()


def test_group_called_all_is_refused() -> None:
    with pytest.raises(ValueError, match="reserved"):
        statement_support(SMALL, pd.Series({"a1": ALL}))


# group_consensus


def test_consensus_hand_computed() -> None:
    consensus = group_consensus(SMALL, SMALL_GROUPS)
    assert list(consensus.columns) == [
        "statement",
        "consensus_agree",
        "consensus_disagree",
        "divisiveness",
        "kind",
    ]
    row = consensus.set_index("statement")
    # Statement 0: g1 agrees 3 of 4 -> 4/6, g2 agrees 1 of 4 -> 2/6.
    assert row.loc[0, "consensus_agree"] == pytest.approx(8 / 36)
    assert row.loc[0, "consensus_agree"] == pytest.approx(0.2222, abs=1e-4)
    # Disagrees: g1 1 of 4 -> 2/6, g2 2 of 4 -> 3/6.
    assert row.loc[0, "consensus_disagree"] == pytest.approx(6 / 36)
    assert row.loc[0, "divisiveness"] == pytest.approx(4 / 6 - 2 / 6)
    # Statement 1: 4 of 4 -> 5/6, 3 of 4 -> 4/6.
    assert row.loc[1, "consensus_agree"] == pytest.approx(20 / 36)
    # Statement 3: g1 saw it 3 times: 0 agrees -> 1/5, 3 disagrees -> 4/5.
    assert row.loc[3, "consensus_agree"] == pytest.approx(1 / 5 * 1 / 6)
    assert row.loc[3, "consensus_disagree"] == pytest.approx(4 / 5 * 4 / 6)


def test_consensus_kinds() -> None:
    kinds = group_consensus(SMALL, SMALL_GROUPS).set_index("statement")["kind"]
    assert kinds.to_dict() == {
        0: "mixed",
        1: "agreed by every group",
        2: "divided",
        3: "rejected by every group",
    }


def test_consensus_sorted_most_agreed_first_ties_by_statement() -> None:
    consensus = group_consensus(SMALL, SMALL_GROUPS)
    # 1 (20/36), then 0 and 2 tied on 8/36, then 3.
    assert list(consensus["statement"]) == [1, 0, 2, 3]
    assert consensus["consensus_agree"].is_monotonic_decreasing


def test_consensus_with_one_group_is_its_smoothed_agree() -> None:
    consensus = group_consensus(SMALL, SMALL_GROUPS[SMALL_GROUPS == "g1"])
    row = consensus.set_index("statement")
    assert row.loc[0, "consensus_agree"] == pytest.approx(4 / 6)
    assert row.loc[0, "consensus_disagree"] == pytest.approx(2 / 6)
    assert row.loc[3, "consensus_agree"] == pytest.approx(1 / 5)
    assert (consensus["divisiveness"] == 0).all()
    assert "divided" not in set(consensus["kind"])


def test_consensus_ignores_groups_without_voters() -> None:
    with_empty = SMALL_GROUPS.astype(pd.CategoricalDtype(["g1", "g2", "g3"]))
    with_stranger = pd.concat([SMALL_GROUPS, pd.Series({"nobody": "g4"})])
    expected = group_consensus(SMALL, SMALL_GROUPS)
    pd.testing.assert_frame_equal(group_consensus(SMALL, with_empty), expected)
    pd.testing.assert_frame_equal(group_consensus(SMALL, with_stranger), expected)


def test_consensus_without_grouped_voters_raises() -> None:
    with pytest.raises(NoGroupedVoters) as raised:
        group_consensus(SMALL, pd.Series({"someone else": "g1"}))
    assert raised.value.groups == ("g1",)


# opinion_groups


def test_two_camps_found() -> None:
    votes = two_camps()
    result = opinion_groups(votes)
    assert isinstance(result, OpinionGroups)
    assert result.k == 2
    camp_x = frozenset(f"p{p}" for p in range(7))
    camp_y = frozenset(f"p{p}" for p in range(7, 12))
    assert partition(result.labels) == {camp_x, camp_y}
    # Largest group first.
    assert set(result.labels[result.labels == "Group A"].index) == camp_x
    assert set(result.labels[result.labels == "Group B"].index) == camp_y
    assert result.silhouette is not None and result.silhouette > 0.5
    assert list(result.coordinates.columns) == ["pc1", "pc2"]
    assert list(result.coordinates.index) == list(result.labels.index)
    assert len(result.explained_variance) == 2
    assert result.explained_variance[0] > 0.5  # one axis carries the split
    assert result.explained_variance[0] >= result.explained_variance[1] >= 0
    # The camps sit on opposite sides of the first component.
    pc1 = result.coordinates["pc1"]
    assert np.sign(pc1[sorted(camp_x)]).nunique() == 1
    assert np.sign(pc1[sorted(camp_x)]).iloc[0] == -np.sign(pc1[sorted(camp_y)]).iloc[0]


def test_opinion_groups_deterministic() -> None:
    votes = two_camps()
    first = opinion_groups(votes, random_state=3)
    second = opinion_groups(votes, random_state=3)
    pd.testing.assert_series_equal(first.labels, second.labels)
    pd.testing.assert_frame_equal(first.coordinates, second.coordinates)
    assert first.silhouette == second.silhouette
    shuffled = opinion_groups(votes.sample(frac=1, random_state=1), random_state=3)
    pd.testing.assert_series_equal(shuffled.labels.sort_index(), first.labels.sort_index())


def test_too_few_participants_make_one_group() -> None:
    votes = two_camps(x=3, y=2)
    result = opinion_groups(votes, min_group_size=3)
    assert result.k == 1
    assert result.silhouette is None
    assert set(result.labels) == {"Group A"}
    assert len(result.labels) == 5


def test_no_grouping_with_a_small_group_qualifies() -> None:
    # Two camps of 5 and 2: every split leaves a group under 3.
    result = opinion_groups(two_camps(x=5, y=2), min_group_size=3)
    assert result.k == 1
    assert set(result.labels) == {"Group A"}
    # Allowed groups of 2, the camps are found.
    split = opinion_groups(two_camps(x=5, y=2), min_group_size=2)
    assert split.k == 2
    assert len(partition(split.labels)) == 2


def test_min_votes_leaves_out_light_voters() -> None:
    extra = pd.DataFrame({"participant": ["late", "late"], "statement": [0, 5], "vote": [1, -1]})
    votes = pd.concat([two_camps(), extra], ignore_index=True)
    result = opinion_groups(votes, min_votes=3)
    assert "late" not in result.labels.index
    assert "late" not in result.coordinates.index
    assert len(result.labels) == 12
    assert result.k == 2
    assert "late" in opinion_groups(votes, min_votes=2).labels.index


def test_nobody_votes_enough() -> None:
    votes = pd.DataFrame({"participant": ["a", "b"], "statement": [0, 0], "vote": [1, -1]})
    result = opinion_groups(votes, min_votes=3)
    assert result.k == 0
    assert result.labels.empty
    assert result.coordinates.shape == (0, 2)


def test_identical_voters_make_one_group() -> None:
    votes = votes_from({f"p{p}": {0: 1, 1: 1, 2: -1} for p in range(8)})
    result = opinion_groups(votes)
    assert result.k == 1
    assert result.explained_variance == (0.0, 0.0)
    assert (result.coordinates.to_numpy() == 0).all()


def test_opinion_groups_feed_the_group_functions() -> None:
    votes = two_camps()
    labels = opinion_groups(votes).labels
    consensus = group_consensus(votes, labels)
    assert set(consensus["kind"]) == {"divided"}
    support = statement_support(votes, labels)
    assert set(support["group"]) == {ALL, "Group A", "Group B"}


# representative_statements


def test_repness_hand_computed() -> None:
    rep = representative_statements(SMALL, SMALL_GROUPS, top=10)
    assert list(rep.columns) == ["group", "statement", "direction", "repness", "group_share"]
    row = rep.set_index(["group", "statement"])
    # g1 on statement 0: (4/6) / (2/6) = 2 for agree; disagree (2/6) / (3/6) is weaker.
    assert row.loc[("g1", 0), "direction"] == "agree"
    assert row.loc[("g1", 0), "repness"] == pytest.approx(2.0)
    assert row.loc[("g1", 0), "group_share"] == pytest.approx(0.75)
    # g2 on statement 2: disagrees 3 of 4 against g1's 0 of 4: (4/6) / (1/6) = 4.
    assert row.loc[("g2", 2), "direction"] == "disagree"
    assert row.loc[("g2", 2), "repness"] == pytest.approx(4.0)
    # Statement 0 for g2: stronger direction is disagree, (3/6) / (2/6), but only 2 of 4.
    assert ("g2", 0) not in row.index
    assert (rep["group_share"] > 0.5).all()
    assert (rep["repness"] > 1).all()


def test_repness_picks_the_camp_statements() -> None:
    votes = two_camps()
    labels = opinion_groups(votes).labels
    rep = representative_statements(votes, labels, top=3)
    assert rep.groupby("group").size().to_dict() == {"Group A": 3, "Group B": 3}
    assert list(rep["group"]) == ["Group A"] * 3 + ["Group B"] * 3
    for group, statement, direction in rep[["group", "statement", "direction"]].itertuples(
        index=False
    ):
        camp_x = group == "Group A"
        agrees_with_0_to_4 = (direction == "agree") == (statement < 5)
        assert agrees_with_0_to_4 == camp_x
    for _, chunk in rep.groupby("group"):
        assert chunk["repness"].is_monotonic_decreasing
    all_of_them = representative_statements(votes, labels, top=10)
    assert all_of_them.groupby("group").size().to_dict() == {"Group A": 10, "Group B": 10}


def test_repness_with_one_group_is_empty() -> None:
    rep = representative_statements(SMALL, SMALL_GROUPS[SMALL_GROUPS == "g1"])
    assert rep.empty
    assert list(rep.columns) == ["group", "statement", "direction", "repness", "group_share"]


def test_repness_top_limits_rows() -> None:
    assert representative_statements(SMALL, SMALL_GROUPS, top=0).empty
    rep = representative_statements(SMALL, SMALL_GROUPS, top=1)
    assert rep.groupby("group").size().max() == 1
    with pytest.raises(ValueError):
        representative_statements(SMALL, SMALL_GROUPS, top=-1)


def test_identical_voters_in_camps_do_not_make_kmeans_warn() -> None:
    # Four members voting identically in each of two camps: PCA puts each camp's
    # members a rounding error apart, which must not count as distinct points.
    rows = []
    for member in range(8):
        camp = member < 4
        for statement in range(6):
            agree = (statement < 3) == camp
            rows.append((f"p{member}", statement, 1 if agree else -1))
    votes = pd.DataFrame(rows, columns=["participant", "statement", "vote"])
    found = opinion_groups(votes, max_groups=4, min_group_size=2)
    assert found.k == 2
    assert found.labels.value_counts().tolist() == [4, 4]
