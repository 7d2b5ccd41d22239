"""Who each channel of the demo surveys reaches, and when people respond.

The mix of channels deliberately under-represents ethnic minority groups, Muslims
and under-16s against the West Midlands Census 2021 population, as real convenience
samples do: later features exist to show exactly that gap.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

BIRMINGHAM, COVENTRY, DUDLEY, SANDWELL = "E08000025", "E08000026", "E08000027", "E08000028"
SOLIHULL, WALSALL, WOLVERHAMPTON = "E08000029", "E08000030", "E08000031"
WEST_MIDLANDS = (BIRMINGHAM, COVENTRY, DUDLEY, SANDWELL, SOLIHULL, WALSALL, WOLVERHAMPTON)

OPENED_DAYS_AGO = 21
CLOSES_IN_DAYS = 35


@dataclass(frozen=True)
class Schedule:
    """Relative chance of a response on a day: a weekly rhythm plus bursts after visits or posts."""

    weekdays: tuple[float, float, float, float, float, float, float]  # Monday .. Sunday
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


WEEKDAYS = (1.0, 1.0, 1.0, 1.0, 0.9, 0.5, 0.4)

# Ethnic mixes by channel. Compare: West Midlands all ages is 56% White British, and
# about half of 10 to 17 year olds there are from ethnic minority groups.
DUDLEY_YOUNG = {
    "white_british": 79, "white_irish": 0.6, "white_gypsy_traveller": 0.5, "white_roma": 0.3,
    "white_other": 3, "mixed_white_black_caribbean": 3.2, "mixed_white_black_african": 0.4,
    "mixed_white_asian": 1.2, "mixed_other": 1, "asian_indian": 3, "asian_pakistani": 3.5,
    "asian_bangladeshi": 0.5, "asian_chinese": 0.4, "asian_other": 0.7, "black_caribbean": 1.4,
    "black_african": 1, "black_other": 0.4, "other_arab": 0.2, "other_any": 0.5,
}  # fmt: skip
ONLINE_YOUNG = {  # Instagram and the web link reach further than Dudley
    "white_british": 68, "white_irish": 0.6, "white_gypsy_traveller": 0.1, "white_roma": 0.1,
    "white_other": 3.5, "mixed_white_black_caribbean": 3.5, "mixed_white_black_african": 0.5,
    "mixed_white_asian": 1.5, "mixed_other": 1.2, "asian_indian": 6.5, "asian_pakistani": 4,
    "asian_bangladeshi": 0.8, "asian_chinese": 1, "asian_other": 1.5, "black_caribbean": 2.5,
    "black_african": 3, "black_other": 0.8, "other_arab": 0.5, "other_any": 1,
}  # fmt: skip
MOSQUE_YOUNG = {
    "asian_pakistani": 58, "asian_bangladeshi": 18, "asian_other": 6, "other_arab": 6,
    "black_african": 5, "asian_indian": 4, "mixed_other": 2, "mixed_white_asian": 1,
}  # fmt: skip
OUTREACH_YOUNG = {
    "white_british": 50, "white_other": 4, "white_gypsy_traveller": 1,
    "mixed_white_black_caribbean": 11, "mixed_other": 3, "black_caribbean": 11,
    "black_african": 7, "black_other": 3, "asian_pakistani": 6, "asian_bangladeshi": 1.5,
    "asian_indian": 2, "other_any": 2,
}  # fmt: skip
DUDLEY_ADULT = {
    "white_british": 86, "white_irish": 1, "white_gypsy_traveller": 0.2, "white_other": 2.5,
    "mixed_white_black_caribbean": 1.2, "mixed_white_asian": 0.5, "mixed_other": 0.4,
    "asian_indian": 3, "asian_pakistani": 3, "asian_bangladeshi": 0.4, "asian_chinese": 0.3,
    "asian_other": 0.5, "black_caribbean": 1.2, "black_african": 0.6, "black_other": 0.2,
    "other_arab": 0.1, "other_any": 0.3,
}  # fmt: skip
BLACK_COUNTRY_ADULT = {
    "white_british": 74, "white_irish": 0.8, "white_other": 3.5,
    "mixed_white_black_caribbean": 1.8, "mixed_white_asian": 0.8, "mixed_other": 0.6,
    "asian_indian": 6.5, "asian_pakistani": 4.5, "asian_bangladeshi": 1, "asian_chinese": 0.4,
    "asian_other": 1, "black_caribbean": 2, "black_african": 2, "black_other": 0.4,
    "other_arab": 0.2, "other_any": 0.5,
}  # fmt: skip

ONLINE_YOUNG_AREAS = {
    BIRMINGHAM: 26, COVENTRY: 4, DUDLEY: 36, SANDWELL: 12, SOLIHULL: 4, WALSALL: 6,
    WOLVERHAMPTON: 8, "elsewhere": 4,
}  # fmt: skip
DUDLEY_LOCAL_AREAS = {DUDLEY: 92, SANDWELL: 4, WALSALL: 1, "elsewhere": 3}

YOUTH = Plan(
    starter="young_people",
    areas=WEST_MIDLANDS,
    age_min=11,
    age_max=25,
    share=0.6,
    reach={
        "Web link": Reach(
            share=0.18,
            ages={(13, 15): 0.12, (16, 18): 0.36, (19, 25): 0.52},
            female=0.56,
            ethnic=ONLINE_YOUNG,
            areas=ONLINE_YOUNG_AREAS,
            schedule=Schedule(WEEKDAYS, bursts=(0,), burst_size=3),
            distrust=0.1,
        ),
        "Oak Park School": Reach(
            share=0.12,
            ages={(11, 12): 0.28, (13, 15): 0.62, (16, 16): 0.10},
            female=0.5,
            ethnic=DUDLEY_YOUNG,
            areas=DUDLEY_LOCAL_AREAS,
            # Two assemblies with time to fill it in: almost all responses come then.
            schedule=Schedule(
                (0.15, 0.15, 0.15, 0.15, 0.15, 0.02, 0.02), bursts=(3, 11), burst_size=6
            ),
            themes={
                "bullying": 2.2,
                "social_media": 1.8,
                "school_teaching": 1.6,
                "mental_health": 1.3,
            },
            fear=-0.05,
        ),
        "Youth club (Brierley Hill)": Reach(
            share=0.15,
            ages={(12, 13): 0.10, (14, 15): 0.20, (16, 17): 0.42, (18, 19): 0.28},
            female=0.4,
            ethnic=DUDLEY_YOUNG,
            areas=DUDLEY_LOCAL_AREAS,
            schedule=Schedule((0.1, 1.5, 0.1, 1.5, 0.3, 0.05, 0.05)),  # club nights Tue and Thu
            themes={
                "nothing_to_do": 2.5,
                "peer_pressure": 1.5,
                "gangs": 1.3,
                "policing_absent": 1.3,
            },
            distrust=0.1,
            paper=0.35,
        ),
        "Instagram": Reach(
            share=0.32,
            ages={(15, 15): 0.04, (16, 17): 0.26, (18, 21): 0.42, (22, 25): 0.28},
            female=0.61,
            ethnic=ONLINE_YOUNG,
            areas=ONLINE_YOUNG_AREAS,
            schedule=Schedule((1, 1, 1, 1, 1, 0.8, 0.8), bursts=(1, 9, 16), burst_size=3),
            themes={
                "social_media": 2,
                "mental_health": 1.5,
                "girls_harassment": 1.6,
                "money_jobs": 1.5,
                "media_image": 1.5,
            },
            distrust=0.15,
        ),
        "Mosque youth group": Reach(
            share=0.05,
            ages={(12, 13): 0.12, (14, 15): 0.23, (16, 17): 0.33, (18, 21): 0.32},
            female=0.3,
            ethnic=MOSQUE_YOUNG,
            areas={DUDLEY: 55, SANDWELL: 30, BIRMINGHAM: 10, "elsewhere": 5},
            schedule=Schedule((0.2, 0.2, 0.2, 0.2, 1.5, 1.0, 1.2), bursts=(6,), burst_size=3),
            themes={
                "racism": 3,
                "stop_search": 2.2,
                "police_trust": 1.5,
                "media_image": 2,
                "family": 1.3,
            },
            distrust=0.4,
            fear=0.05,
            muslim=0.96,
        ),
        "Street outreach": Reach(
            share=0.18,
            ages={(13, 15): 0.2, (16, 17): 0.38, (18, 22): 0.42},
            female=0.3,
            ethnic=OUTREACH_YOUNG,
            areas={
                DUDLEY: 50,
                SANDWELL: 22,
                WOLVERHAMPTON: 10,
                WALSALL: 10,
                BIRMINGHAM: 6,
                "elsewhere": 2,
            },
            schedule=Schedule((0.3, 0.8, 0.3, 0.8, 1.2, 1.2, 0.1)),
            themes={
                "county_lines": 3,
                "gangs": 2,
                "knives": 2,
                "stop_search": 2,
                "money_jobs": 2,
                "school_exclusion": 2.5,
                "drugs_alcohol": 1.5,
            },
            distrust=0.55,
            fear=0.08,
        ),
    },
)
PARENTS = Plan(
    starter="parents",
    areas=(DUDLEY, SANDWELL),
    age_min=18,
    age_max=None,
    share=0.2,
    reach={
        "Web link": Reach(
            share=0.3,
            ages={(25, 34): 0.22, (35, 44): 0.45, (45, 54): 0.27, (55, 62): 0.06},
            female=0.72,
            ethnic=BLACK_COUNTRY_ADULT,
            areas={DUDLEY: 65, SANDWELL: 30, "elsewhere": 5},
            schedule=Schedule(WEEKDAYS, bursts=(0,), burst_size=2),
        ),
        "Parents' evening": Reach(
            share=0.35,
            ages={(28, 34): 0.2, (35, 44): 0.55, (45, 54): 0.22, (55, 60): 0.03},
            female=0.62,
            ethnic=DUDLEY_ADULT,
            areas={DUDLEY: 90, SANDWELL: 8, "elsewhere": 2},
            schedule=Schedule(
                (0.05, 0.05, 0.05, 0.05, 0.05, 0.01, 0.01), bursts=(9,), burst_size=10
            ),
            themes={"school_teaching": 2, "social_media": 1.5, "bullying": 1.8, "where_help": 1.5},
        ),
        "Facebook": Reach(
            share=0.35,
            ages={(25, 34): 0.25, (35, 44): 0.42, (45, 54): 0.26, (55, 64): 0.07},
            female=0.8,
            ethnic=BLACK_COUNTRY_ADULT,
            areas={DUDLEY: 58, SANDWELL: 36, "elsewhere": 6},
            schedule=Schedule((1, 1, 1, 1, 1, 0.7, 0.7), bursts=(2, 12), burst_size=3),
            themes={"county_lines": 1.6, "knives": 1.5, "policing_absent": 1.5, "media_image": 1.5},
            distrust=0.2,
        ),
    },
)
COMMUNITY = Plan(
    starter="community",
    areas=(DUDLEY,),
    age_min=16,
    age_max=None,
    share=0.2,
    reach={
        "Web link": Reach(
            share=0.35,
            ages={(25, 39): 0.35, (40, 59): 0.45, (60, 75): 0.2},
            female=0.55,
            ethnic=DUDLEY_ADULT,
            areas={DUDLEY: 95, "elsewhere": 5},
            schedule=Schedule(WEEKDAYS, bursts=(0,), burst_size=2),
            distrust=0.1,
        ),
        "Library": Reach(
            share=0.35,
            ages={(25, 39): 0.15, (40, 59): 0.35, (60, 75): 0.5},
            female=0.6,
            ethnic=DUDLEY_ADULT,
            areas={DUDLEY: 96, "elsewhere": 4},
            schedule=Schedule((1, 1, 1, 1, 1, 1.2, 0.05)),
            themes={"mental_health": 1.3, "nothing_to_do": 1.3, "policing_absent": 1.3},
        ),
        "Community centre": Reach(
            share=0.3,
            ages={(25, 39): 0.2, (40, 59): 0.4, (60, 75): 0.4},
            female=0.58,
            ethnic=BLACK_COUNTRY_ADULT,
            areas={DUDLEY: 94, "elsewhere": 6},
            schedule=Schedule((0.3, 1.8, 1.8, 0.3, 0.3, 0.2, 0.05)),  # groups meet Tue and Wed
            themes={"drugs_alcohol": 1.5, "no_go_areas": 1.4, "money_jobs": 1.4, "racism": 1.5},
            distrust=0.2,
        ),
    },
)
PLANS = (YOUTH, PARENTS, COMMUNITY)


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    """A key of ``weights``, drawn in proportion to its weight."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]
