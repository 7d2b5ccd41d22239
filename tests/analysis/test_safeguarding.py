import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.analysis.safeguarding import RISK_LABELS, Finding, Risk, Triage, triage

CORPORA = Path(__file__).parent / "corpora"

# Written before the detector was tuned; "heldout" rows (30%, drawn at random per risk)
# were never looked at while tuning the phrase lists. The last 50 rows are a second batch,
# written blind once the detector existed (it scored recall 0.70, false positives 0.03 on
# them), then used for tuning: they are "tuning" rows now.
RECALL_AT_LEAST = 0.9
FALSE_POSITIVES_AT_MOST = 0.05


def load_triage_corpus() -> list[dict]:
    with (CORPORA / "triage.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@dataclass(frozen=True)
class TriageScores:
    disclosures: int
    flagged: int  # disclosures flagged at all
    right_risk: int  # disclosures flagged with (one of) the expected risk(s)
    opinions: int
    false_positives: int
    per_risk: dict[Risk, tuple[int, int]]  # risk -> (disclosures, flagged with that risk)

    @property
    def recall(self) -> float:
        return self.flagged / self.disclosures

    @property
    def risk_recall(self) -> float:
        return self.right_risk / self.disclosures

    @property
    def false_positive_rate(self) -> float:
        return self.false_positives / self.opinions

    def summary(self) -> str:
        return (
            f"{self.disclosures} disclosures: recall {self.recall:.3f} "
            f"(right risk {self.risk_recall:.3f}); {self.opinions} opinions: "
            f"false-positive rate {self.false_positive_rate:.3f} ({self.false_positives})"
        )


def score_triage(rows: list[dict], split: str | None = None) -> TriageScores:
    disclosures = flagged = right = opinions = false_positives = 0
    per_risk = {risk: [0, 0] for risk in Risk}
    for row in rows:
        if split and row["split"] != split:
            continue
        result = triage(row["text"])
        expected = {Risk[name] for name in row["risks"]}
        if expected:
            disclosures += 1
            flagged += result.flagged
            right += bool(expected & result.risks)
            for risk in expected:
                per_risk[risk][0] += 1
                per_risk[risk][1] += risk in result.risks
        else:
            opinions += 1
            false_positives += result.flagged
    return TriageScores(
        disclosures,
        flagged,
        right,
        opinions,
        false_positives,
        {risk: (n, hit) for risk, (n, hit) in per_risk.items()},
    )


def test_corpus_is_big_enough() -> None:
    rows = load_triage_corpus()
    disclosures = [r for r in rows if r["risks"]]
    opinions = [r for r in rows if not r["risks"]]
    assert len(disclosures) >= 80 and len(opinions) >= 200
    assert {risk for r in disclosures for risk in r["risks"]} == {risk.name for risk in Risk}
    assert {r["split"] for r in rows} == {"tuning", "heldout"}


def test_corpus_recall_and_false_positive_rate() -> None:
    rows = load_triage_corpus()
    overall = score_triage(rows)
    tuning = score_triage(rows, "tuning")
    heldout = score_triage(rows, "heldout")
    print(f"\ntriage, all: {overall.summary()}")
    print(f"triage, tuning: {tuning.summary()}")
    print(f"triage, held out: {heldout.summary()}")
    for risk, (n, hit) in overall.per_risk.items():
        print(f"  {risk.name:<22} {hit}/{n}")
    assert overall.recall >= RECALL_AT_LEAST
    assert overall.false_positive_rate <= FALSE_POSITIVES_AT_MOST
    assert heldout.recall >= RECALL_AT_LEAST
    assert heldout.false_positive_rate <= FALSE_POSITIVES_AT_MOST


# --- the brief's examples --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("someone threatened to stab me", Risk.THREATENED_OR_HURT),
        ("I'm being followed home", Risk.THREATENED_OR_HURT),
        ("they said they'd shank me", Risk.THREATENED_OR_HURT),
        ("I carry a knife", Risk.CARRYING_WEAPON),
        ("I have to carry a blade for protection", Risk.CARRYING_WEAPON),
        ("I want to kill myself", Risk.SELF_HARM_OR_SUICIDE),
        ("I've been cutting myself", Risk.SELF_HARM_OR_SUICIDE),
        ("I don't want to be alive", Risk.SELF_HARM_OR_SUICIDE),
        ("my dad hits me", Risk.ABUSE_AT_HOME),
        ("my stepdad beats my mum", Risk.ABUSE_AT_HOME),
        ("they make me hold drugs", Risk.DRUG_EXPLOITATION),
        ("I have to run lines", Risk.DRUG_EXPLOITATION),
        ("i have to go OT", Risk.DRUG_EXPLOITATION),
        ("i have to go country", Risk.DRUG_EXPLOITATION),
        ("an older guy gives me money and weed and wants me to do stuff", Risk.GROOMING),
        ("he sends me pics and says keep it secret", Risk.GROOMING),
        (
            "they took pictures of me and are threatening to share them",
            Risk.SEXUAL_EXPLOITATION,
        ),
    ],
)
def test_disclosures_are_flagged(text: str, risk: Risk) -> None:
    result = triage(text)
    assert risk in result.risks, result.findings
    for finding in result.findings:
        assert finding.trigger == text[finding.start : finding.end]
        assert finding.trigger


@pytest.mark.parametrize(
    "text",
    [
        "I used to carry a knife",
        "I don't carry a knife",
        "I would never carry",
        "people carry knives round here",
        "knife crime is a big problem round here",
        "if someone threatened me I'd tell a teacher",
        "this survey is killing me lol",
        "",
    ],
)
def test_opinions_are_not_flagged(text: str) -> None:
    result = triage(text)
    assert not result.flagged, result.findings
    assert result.risks == frozenset()


def test_result_shape() -> None:
    result = triage("Honestly. They said they'd shank me. And my dad hits me.")
    assert isinstance(result, Triage)
    assert all(isinstance(f, Finding) for f in result.findings)
    assert result.risks == {Risk.THREATENED_OR_HURT, Risk.ABUSE_AT_HOME}
    assert [f.start for f in result.findings] == sorted(f.start for f in result.findings)
    assert set(RISK_LABELS) == set(Risk)
    assert RISK_LABELS[Risk.THREATENED_OR_HURT] == "Being threatened or hurt"


def test_spans_are_in_the_original_text_despite_expansions() -> None:
    text = "ok so   IM BEING FOLLOWED home every nite 😭"
    (finding,) = triage(text).findings
    assert finding.trigger == text[finding.start : finding.end]
    assert finding.trigger.startswith("IM")


@pytest.mark.parametrize(
    "text",
    [
        "😭😭😭🔪🔪",
        "ما في شي للشباب هون",
        "<p>I carry a <b>knife</b></p>",
        "\x00\x01\u200b\ufeff",
        "İİİ someone threatened to stab me",
        ". , ; ! ?",
        "'s 's",
    ],
)
def test_odd_text_never_fails(text: str) -> None:
    result = triage(text)
    for finding in result.findings:
        assert finding.trigger == text[finding.start : finding.end]


def test_long_text() -> None:
    text = ("Knife crime is bad round here and the police never come. " * 200)[:9_000]
    text += ". They said they'd shank me."
    result = triage(text)
    assert result.risks == {Risk.THREATENED_OR_HURT}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = triage(text)
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.trigger == text[finding.start : finding.end]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            "i me my they he said would not never if used to carry knife stab shank kill "
            "myself dad hits run lines ot pics secret older guy . , but".split()
        ),
        max_size=60,
    )
)
def test_never_raises_on_word_salad(words: list[str]) -> None:
    text = " ".join(words)
    for finding in triage(text).findings:
        assert finding.trigger == text[finding.start : finding.end]


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=2000, max_size=10_000))
def test_long_arbitrary_text_never_raises(text: str) -> None:
    triage(text)
