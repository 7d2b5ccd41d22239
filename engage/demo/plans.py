"""Who each channel of the demo surveys reaches, and when people respond.

The plans are data, in ``data/plans.json``. The mix of channels deliberately
under-represents ethnic minority groups, Muslims and under-16s against the West
Midlands Census 2021 population, as real convenience samples do: later features
exist to show exactly that gap.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from engage.demo.datafiles import load

OPENED_DAYS_AGO = 21
CLOSES_IN_DAYS = 35


@dataclass(frozen=True)
class Schedule:
    """Relative chance of a response on a day: a weekly rhythm plus bursts after visits or posts."""

    weekdays: tuple[float, ...]  # Monday .. Sunday
    bursts: tuple[int, ...] = ()  # days after opening (moved to the next weekday)
    burst_size: float = 0.0

    def weight(self, day: date, opened: date) -> float:
        weight = self.weekdays[day.weekday()]
        for offset in self.bursts:
            burst = opened + timedelta(days=offset)
            while burst.weekday() >= 5:
                burst += timedelta(days=1)
            gap = (day - burst).days
            # Most people respond on the day of a visit, some over the next two days.
            weight += self.burst_size * {0: 1.0, 1: 0.4, 2: 0.15}.get(gap, 0.0)
        return weight


@dataclass(frozen=True)
class Reach:
    share: float  # of the survey's responses
    ages: Mapping[tuple[int, int], float]
    female: float
    ethnic: Mapping[str, float]
    areas: Mapping[str, float]
    schedule: Schedule
    themes: Mapping[str, float] = field(default_factory=dict)  # multipliers on what people raise
    distrust: float = 0.0  # lowers trust in police and services
    fear: float = 0.0  # shifts how unsafe people feel
    paper: float = 0.0  # share keyed in from paper forms
    muslim: float | None = None  # share who are Muslim, whatever their ethnic group


@dataclass(frozen=True)
class Plan:
    starter: str
    areas: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    share: float  # of all demo responses
    reach: Mapping[str, Reach]  # channel name -> who it reaches; "Web link" comes with the survey


def _plans(data: Mapping[str, Any]) -> tuple[Plan, ...]:
    codes: Mapping[str, str] = data["area_codes"]

    def mix(value: str | Mapping[str, float], named: Mapping[str, Mapping[str, float]]) -> Any:
        return named[value] if isinstance(value, str) else value

    def reach(channel: Mapping[str, Any]) -> Reach:
        schedule = channel["schedule"]
        weekdays = schedule["weekdays"]
        if isinstance(weekdays, str):
            weekdays = data["weekdays"][weekdays]
        ages = {}
        for band, weight in channel["ages"].items():
            low, high = band.split("-")
            ages[(int(low), int(high))] = weight
        return Reach(
            share=channel["share"],
            ages=ages,
            female=channel["female"],
            ethnic=mix(channel["ethnic"], data["ethnic_mixes"]),
            areas={
                codes[area]: weight
                for area, weight in mix(channel["areas"], data["area_mixes"]).items()
            },
            schedule=Schedule(
                tuple(weekdays),
                bursts=tuple(schedule.get("bursts", ())),
                burst_size=schedule.get("burst_size", 0.0),
            ),
            themes=channel.get("themes", {}),
            distrust=channel.get("distrust", 0.0),
            fear=channel.get("fear", 0.0),
            paper=channel.get("paper", 0.0),
            muslim=channel.get("muslim"),
        )

    return tuple(
        Plan(
            starter=survey["starter"],
            areas=tuple(codes[area] for area in survey["areas"]),
            age_min=survey["age_min"],
            age_max=survey["age_max"],
            share=survey["share"],
            reach={name: reach(channel) for name, channel in survey["channels"].items()},
        )
        for survey in data["surveys"]
    )


PLANS = _plans(load("plans"))
YOUTH = next(plan for plan in PLANS if plan.starter == "young_people")


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    """A key of ``weights``, drawn in proportion to its weight."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]
