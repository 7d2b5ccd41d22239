import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import cohen_kappa_score

from engage.analysis.agreement import (
    MismatchedCodings,
    disagreements,
    kappa_per_theme,
    krippendorff_alpha,
)

ITEMS = ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"]
FIRST = pd.DataFrame(
    {
        "fear": [1, 1, 0, 0, 1, 0, 1, 0],
        "police": [0, 1, 1, 0, 0, 0, 1, 1],
        "bullying": [0, 0, 0, 0, 0, 0, 0, 0],
    },
    index=ITEMS,
)
SECOND = pd.DataFrame(
    {
        "police": [0, 1, 0, 0, 0, 1, 1, 1],
        "fear": [1, 1, 0, 1, 1, 0, 1, 0],
        "bullying": [0, 0, 0, 0, 0, 0, 0, 0],
    },
    index=ITEMS,
).loc[list(reversed(ITEMS))]  # another row and column order: aligned by label


def test_kappa_matches_sklearn() -> None:
    result = kappa_per_theme(FIRST, SECOND)
    assert list(result.index) == ["fear", "police", "bullying"]
    assert result.index.name == "theme"
    assert list(result.columns) == ["kappa", "agreement", "n_first", "n_second"]
    for theme in ("fear", "police"):
        assert result.loc[theme, "kappa"] == pytest.approx(
            cohen_kappa_score(FIRST[theme], SECOND.loc[ITEMS, theme])
        )
    assert result.loc["fear", "agreement"] == pytest.approx(7 / 8)
    assert result.loc["police", "agreement"] == pytest.approx(6 / 8)
    assert result.loc["fear", "n_first"] == 4
    assert result.loc["fear", "n_second"] == 5


def test_kappa_known_value() -> None:
    # Fear: po = 7/8, p1 = 4/8, p2 = 5/8, pe = 0.5*0.625 + 0.5*0.375 = 0.5, kappa = 0.75.
    assert kappa_per_theme(FIRST, SECOND).loc["fear", "kappa"] == pytest.approx(0.75)


def test_theme_never_used_has_undefined_kappa_but_full_agreement() -> None:
    row = kappa_per_theme(FIRST, SECOND).loc["bullying"]
    assert math.isnan(row["kappa"])
    assert row["agreement"] == 1.0
    assert row["n_first"] == row["n_second"] == 0


def test_theme_always_used_by_both_is_undefined_too() -> None:
    both = pd.DataFrame({"fear": [1, 1, 1]})
    assert math.isnan(kappa_per_theme(both, both).loc["fear", "kappa"])


def test_opposite_constant_coders_have_kappa_zero() -> None:
    always = pd.DataFrame({"fear": [1, 1, 1]})
    never = pd.DataFrame({"fear": [0, 0, 0]})
    row = kappa_per_theme(always, never).loc["fear"]
    assert row["kappa"] == 0.0
    assert row["agreement"] == 0.0


def test_identical_codings_have_kappa_one() -> None:
    assert (kappa_per_theme(FIRST, FIRST).loc[["fear", "police"], "kappa"] == 1.0).all()


def test_booleans_are_accepted() -> None:
    result = kappa_per_theme(FIRST.astype(bool), SECOND)
    assert result.loc["fear", "kappa"] == pytest.approx(0.75)


def test_no_items() -> None:
    result = kappa_per_theme(FIRST.iloc[:0], SECOND.iloc[:0])
    assert result["kappa"].isna().all()
    assert (result["n_first"] == 0).all()


def test_mismatched_codings_are_refused() -> None:
    with pytest.raises(MismatchedCodings) as caught:
        kappa_per_theme(FIRST, SECOND.drop(index="r3", columns="bullying"))
    assert set(caught.value.only_first) == {"r3", "bullying"}
    assert caught.value.only_second == ()
    with pytest.raises(MismatchedCodings) as caught:
        kappa_per_theme(FIRST, SECOND.replace({1: 2}))
    assert set(caught.value.bad_themes) == {"fear", "police"}
    with pytest.raises(MismatchedCodings):
        kappa_per_theme(FIRST, SECOND.astype(float).mask(SECOND == 1))
    with pytest.raises(ValueError):
        disagreements(pd.concat([FIRST, FIRST]), pd.concat([SECOND, SECOND]))


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.int64, st.tuples(st.integers(2, 30), st.integers(1, 4)), elements=st.integers(0, 1)),
    st.data(),
)
def test_kappa_agrees_with_sklearn_on_any_coding(first: np.ndarray, data: st.DataObject) -> None:
    second = data.draw(arrays(np.int64, first.shape, elements=st.integers(0, 1)))
    result = kappa_per_theme(pd.DataFrame(first), pd.DataFrame(second))
    for column in range(first.shape[1]):
        a, b = first[:, column], second[:, column]
        kappa = result["kappa"].iloc[column]
        if len(set(a) | set(b)) == 1:
            assert math.isnan(kappa)  # sklearn warns and gives NaN here too
        else:
            assert kappa == pytest.approx(cohen_kappa_score(a, b))
        assert result["agreement"].iloc[column] == pytest.approx((a == b).mean())


# --- disagreements ---------------------------------------------------------------------------


def test_disagreements_list_each_differing_cell() -> None:
    result = disagreements(FIRST, SECOND)
    assert list(result.columns) == ["item", "theme", "first", "second"]
    assert result.to_dict("records") == [
        {"item": "r3", "theme": "police", "first": 1, "second": 0},
        {"item": "r4", "theme": "fear", "first": 0, "second": 1},
        {"item": "r6", "theme": "police", "first": 0, "second": 1},
    ]


def test_no_disagreements() -> None:
    result = disagreements(FIRST, FIRST)
    assert result.empty
    assert list(result.columns) == ["item", "theme", "first", "second"]


# --- Krippendorff's alpha --------------------------------------------------------------------


def _sets(rows: dict[str, str]) -> dict[str, frozenset[str]]:
    return {item: frozenset(themes.split()) for item, themes in rows.items()}


def test_alpha_is_one_for_identical_codings() -> None:
    coding = _sets({"r1": "fear police", "r2": "fear", "r3": "", "r4": "school"})
    assert krippendorff_alpha({"amy": coding, "ben": coding, "cal": coding}) == 1.0


def test_alpha_known_nominal_example() -> None:
    # Single themes make MASI an ordinary match/mismatch. Values a, a, b, b / a, b, b, b:
    # Do = 2/8, De = 2*3*5/(8*7), alpha = 1 - Do/De = 8/15 (Krippendorff 2011, nominal).
    codings = {
        "amy": _sets({"1": "a", "2": "a", "3": "b", "4": "b"}),
        "ben": _sets({"1": "a", "2": "b", "3": "b", "4": "b"}),
    }
    assert krippendorff_alpha(codings) == pytest.approx(8 / 15)


def test_alpha_gives_partial_credit_for_overlapping_sets() -> None:
    amy = _sets({"1": "fear police", "2": "school", "3": "fear", "4": "police"})
    overlap = _sets({"1": "fear", "2": "school", "3": "fear", "4": "police"})
    disjoint = _sets({"1": "school", "2": "school", "3": "fear", "4": "police"})
    partial = krippendorff_alpha({"amy": amy, "ben": overlap})
    none = krippendorff_alpha({"amy": amy, "ben": disjoint})
    assert none < partial < 1.0


def test_alpha_known_masi_example() -> None:
    # Item 1: {a} vs {a, b}: MASI distance 1 - 1/2 * 2/3 = 2/3. Item 2: {c} vs {c}: 0.
    # Values {a}, {a,b}, {c}, {c}: Do = 2 * (2/3) / 4 = 1/3;
    # De = (2 * d({a},{a,b}) + 2*2*d({a},{c}) + 2*2*d({a,b},{c})) / (4*3) = (4/3 + 4 + 4) / 12.
    codings = {"amy": _sets({"1": "a", "2": "c"}), "ben": _sets({"1": "a b", "2": "c"})}
    do = 1 / 3
    de = (4 / 3 + 4 + 4) / 12
    assert krippendorff_alpha(codings) == pytest.approx(1 - do / de)


def test_alpha_treats_two_empty_sets_as_agreement() -> None:
    codings = {
        "amy": _sets({"1": "", "2": "fear", "3": ""}),
        "ben": _sets({"1": "", "2": "fear", "3": "police"}),
    }
    value = krippendorff_alpha(codings)
    assert 0 < value < 1


def test_alpha_ignores_items_with_one_coder_and_is_nan_without_pairs() -> None:
    shared = _sets({"1": "a", "2": "b"})
    assert krippendorff_alpha({"amy": {**shared, "3": frozenset({"a"})}, "ben": shared}) == 1.0
    assert math.isnan(krippendorff_alpha({"amy": shared}))
    assert math.isnan(krippendorff_alpha({}))
    assert math.isnan(krippendorff_alpha({"amy": _sets({"1": "a"}), "ben": _sets({"2": "a"})}))


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.integers(0, 15),
        st.tuples(
            st.frozensets(st.sampled_from("abcd"), max_size=3),
            st.frozensets(st.sampled_from("abcd"), max_size=3),
        ),
        max_size=15,
    )
)
def test_alpha_is_at_most_one_and_one_when_coders_agree(
    items: dict[int, tuple[frozenset[str], frozenset[str]]],
) -> None:
    amy = {item: pair[0] for item, pair in items.items()}
    ben = {item: pair[1] for item, pair in items.items()}
    value = krippendorff_alpha({"amy": amy, "ben": ben})
    if items:
        assert value <= 1.0 + 1e-12
        assert krippendorff_alpha({"amy": amy, "ben": dict(amy)}) == 1.0
    else:
        assert math.isnan(value)
