"""A demo partnership: two logins, three open surveys with channels, and sample responses.

The sample is what partnerships look at first, so it is built to look like a real
consultation rather than uniform noise. Each channel reaches different people
(a school reaches 11 to 16 year olds in Dudley, the mosque youth group mostly
Pakistani and Bangladeshi Muslim young people, Instagram 16 to 25 year olds),
and the mix of channels deliberately under-represents ethnic minority groups,
Muslims and under-16s against the West Midlands Census 2021 population, as real
convenience samples do: later features exist to show exactly that gap.

Every response goes through the same validation and storage as a real one
(``logic.prune_hidden``, ``logic.check_survey``, ``record_response``), so the demo
cannot hold answers the respondent flow would refuse. Answers are reproducible
from the seed; passwords and channel codes are not, on purpose.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.auth import services as auth_services
from engage.auth.models import User
from engage.auth.passwords import WeakPassword, check_password_policy
from engage.auth.roles import Role
from engage.safeguarding.services import flag_disclosures
from engage.surveys import logic, services
from engage.surveys.models import PREFER_NOT_TO_SAY, Kind, Mode, Question, Survey
from engage.surveys.responses import record_response

OFFICER_EMAIL = "officer@demo.engage.local"
ANALYST_EMAIL = "analyst@demo.engage.local"
OFFICER_NAME = "Demo engagement officer"
ANALYST_NAME = "Demo analyst"
SAFEGUARDING_EMAIL = "safeguarding@demo.engage.local"
SAFEGUARDING_NAME = "Demo safeguarding lead"

BIRMINGHAM, COVENTRY, DUDLEY, SANDWELL = "E08000025", "E08000026", "E08000027", "E08000028"
SOLIHULL, WALSALL, WOLVERHAMPTON = "E08000029", "E08000030", "E08000031"
WEST_MIDLANDS = (BIRMINGHAM, COVENTRY, DUDLEY, SANDWELL, SOLIHULL, WALSALL, WOLVERHAMPTON)

OPENED_DAYS_AGO = 21
CLOSES_IN_DAYS = 35


# ---------------------------------------------------------------- result


@dataclass
class DemoResult:
    officer_email: str
    officer_password: str
    analyst_email: str
    surveys: dict[str, int]  # starter key -> survey id
    responses_created: int
    analyst_password: str
    titles: dict[str, str] = field(default_factory=dict)  # starter key -> title
    youth_links: list[tuple[str, str]] = field(default_factory=list)  # (channel name, code)
    safeguarding_email: str = SAFEGUARDING_EMAIL
    safeguarding_password: str = ""

    def summary(self) -> str:
        lines = [
            "Demo partnership ready.",
            "",
            "Sign in at /login (these passwords are new for this run):",
            f"  Engagement officer  {self.officer_email}",
            f"                      password: {self.officer_password}",
            f"  Analyst             {self.analyst_email}",
            f"                      password: {self.analyst_password}",
            f"  Safeguarding lead   {self.safeguarding_email}",
            f"                      password: {self.safeguarding_password}",
            "",
            "Surveys (open):",
        ]
        width = max((len(t) for t in self.titles.values()), default=0)
        for key, survey_id in self.surveys.items():
            title = self.titles.get(key, key)
            lines.append(f"  {title.ljust(width)}  /surveys/{survey_id}")
        if self.youth_links:
            lines += ["", "Short links for the young people's survey:"]
            name_width = max(len(name) for name, _ in self.youth_links)
            lines += [f"  {name.ljust(name_width)}  /s/{code}" for name, code in self.youth_links]
        lines.append("")
        if self.responses_created:
            lines.append(f"Created {self.responses_created} sample responses.")
        else:
            lines.append(
                "The demo surveys already existed: no responses were added, "
                "only the passwords were reset."
            )
        return "\n".join(lines)


# ---------------------------------------------------------------- who each channel reaches


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

RELIGION_BY_ETHNIC: dict[str, dict[str, float]] = {
    "white_british": {"no_religion": 58, "christian": 38, "other_religion": 2, "buddhist": 0.5,
                      "muslim": 0.7, "jewish": 0.3},
    "white_irish": {"christian": 70, "no_religion": 28, "other_religion": 2},
    "white_gypsy_traveller": {"christian": 80, "no_religion": 18, "other_religion": 2},
    "white_roma": {"christian": 75, "no_religion": 20, "muslim": 5},
    "white_other": {"christian": 58, "no_religion": 32, "muslim": 6, "jewish": 1,
                    "other_religion": 3},
    "mixed_white_black_caribbean": {"no_religion": 55, "christian": 38, "muslim": 3,
                                    "other_religion": 4},
    "mixed_white_black_african": {"christian": 48, "no_religion": 38, "muslim": 12,
                                  "other_religion": 2},
    "mixed_white_asian": {"no_religion": 42, "christian": 25, "muslim": 20, "sikh": 6, "hindu": 5,
                          "other_religion": 2},
    "mixed_other": {"no_religion": 42, "christian": 30, "muslim": 20, "other_religion": 4,
                    "buddhist": 2, "hindu": 2},
    "asian_indian": {"sikh": 45, "hindu": 33, "muslim": 9, "christian": 5, "no_religion": 7,
                     "other_religion": 1},
    "asian_pakistani": {"muslim": 95, "no_religion": 3, "christian": 1, "other_religion": 1},
    "asian_bangladeshi": {"muslim": 94, "no_religion": 4, "hindu": 1, "other_religion": 1},
    "asian_chinese": {"no_religion": 62, "christian": 20, "buddhist": 15, "other_religion": 3},
    "asian_other": {"muslim": 35, "hindu": 20, "christian": 18, "buddhist": 12, "no_religion": 12,
                    "sikh": 3},
    "black_caribbean": {"christian": 50, "no_religion": 42, "other_religion": 4, "muslim": 4},
    "black_african": {"christian": 68, "muslim": 20, "no_religion": 11, "other_religion": 1},
    "black_other": {"christian": 52, "no_religion": 30, "muslim": 14, "other_religion": 4},
    "other_arab": {"muslim": 86, "christian": 7, "no_religion": 7},
    "other_any": {"muslim": 45, "christian": 20, "no_religion": 25, "other_religion": 6,
                  "buddhist": 4},
}  # fmt: skip
# Chance that English is the main language, for young people; lower for adults (see _person).
ENGLISH_MAIN: dict[str, float] = {
    "white_british": 0.995, "white_irish": 0.98, "white_gypsy_traveller": 0.97, "white_roma": 0.35,
    "white_other": 0.45, "asian_indian": 0.78, "asian_pakistani": 0.8, "asian_bangladeshi": 0.72,
    "asian_chinese": 0.5, "asian_other": 0.55, "black_caribbean": 0.99, "black_african": 0.62,
    "black_other": 0.85, "other_arab": 0.4, "other_any": 0.5,
}  # fmt: skip


# ---------------------------------------------------------------- what people talk about


@dataclass(frozen=True)
class Theme:
    short_bad: tuple[str, ...]
    short_ask: tuple[str, ...]
    youth_bad: tuple[str, ...]
    youth_ask: tuple[str, ...]
    adult_bad: tuple[str, ...]
    adult_ask: tuple[str, ...]


# Slots: {place} a place, {at_place} "at/in/by" a place, {time} when, {son}/{daughter}/{kid}
# a child the adult talks about, {estate} another part of town.
THEMES: dict[str, Theme] = {
    "fear_violence": Theme(
        short_bad=("fights", "getting jumped", "people kicking off for no reason"),
        short_ask=("feel safe walking home", "people who care being about"),
        youth_bad=(
            "There's always fights {at_place} and you never know when it's gonna kick off.",
            "I'm scared to walk home {time}, my mum makes me text her when I leave.",
            "People get jumped for their phone or their trainers {at_place}.",
            "You hear about someone getting stabbed nearly every week now.",
            "Lads in balaclavas hang about {at_place} and it's intimidating.",
            "My friend got beaten up and it was filmed, he still won't go out on his own.",
        ),
        youth_ask=(
            "More people around who actually care, like youth workers out on the streets {time}.",
            "Make it so we can get home safe, more buses {time} would help.",
            "Just make people feel safe walking about again.",
        ),
        adult_bad=(
            "I worry every time {kid} goes out {time}.",
            "There have been a few stabbings near us and it has changed how people live.",
            "You see groups of lads with their faces covered {at_place} and you cross the road.",
            "I don't go out after dark any more, simple as that.",
            "The violence feels closer to home than it used to.",
        ),
        adult_ask=(
            "We need to see something actually being done, not just another consultation.",
            "Visible presence {time}, whether that's police, wardens or youth workers.",
            "Please make {place} somewhere people can walk through without being scared.",
        ),
    ),
    "no_go_areas": Theme(
        short_bad=("the park at night", "bus stops", "town centre at night", "the underpass"),
        short_ask=("better lighting", "CCTV that works"),
        youth_bad=(
            "{place} is dead dodgy {time}.",
            "The park by ours has no lights so no one goes through it {time}.",
            "Bus stops are the worst, you're just stood there and anyone can come up to you.",
            "There's certain areas you just don't go in if you're not from there.",
            "The underpass near {place} stinks and people hang about in it.",
            "Town centre on a Friday night is not somewhere you want to be.",
        ),
        youth_ask=(
            "Better lighting in the parks and CCTV that actually works.",
            "Fix the street lights on the way to {place}.",
            "Put more staff {at_place} and at the bus station.",
        ),
        adult_bad=(
            "{place} after 6pm is a no-go for me.",
            "The alleyways behind the shops are used for dealing and nobody clears them.",
            "I won't let {kid} wait at the bus stop on their own {time}.",
            "The park has been taken over by older lads on bikes.",
        ),
        adult_ask=(
            "Sort out the street lighting and cut back the overgrown paths.",
            "Gate the alleyways and get CCTV on {place}.",
            "Put wardens in the town centre in the evenings.",
        ),
    ),
    "gangs": Theme(
        short_bad=("gangs", "postcode stuff", "olders using younger kids"),
        short_ask=("mentors who've been there", "stop kids getting pulled in"),
        youth_bad=(
            "There's gangs round here, if you live on the wrong side you can't go certain places.",
            "Olders get younger kids to do stuff for them.",
            "Everyone knows who's in what group, if you're seen with the wrong lot you're a target",
            "Lads from {estate} come over and start on people.",
        ),
        youth_ask=(
            "Mentors who have actually been in gangs and got out, kids listen to them.",
            "Give young people something to belong to that isn't a gang.",
            "Stop kids getting pulled in young, by the time they're 15 it's too late.",
        ),
        adult_bad=(
            "There are gangs using the kids round here and everyone knows it.",
            "I've seen older lads hanging round the school gates waiting for the young ones.",
            "{son} has friends who have been pulled into a gang and it frightens me.",
        ),
        adult_ask=(
            "Get into schools early and show kids what gang life really means.",
            "Fund people with lived experience to work with the young ones.",
            "Go after the adults who are running these gangs, not just the kids.",
        ),
    ),
    "county_lines": Theme(
        short_bad=("county lines", "kids running drugs", "getting groomed"),
        short_ask=("help kids get out of county lines", "teach us about grooming"),
        youth_bad=(
            "Kids get offered money to run parcels and once you're in you can't get out.",
            "Someone I know got sent to another town to sell and came back different.",
            "They groom you, buy you food and trainers and then you owe them.",
            "Lads on bikes doing drops all day {at_place}, everyone knows what they're doing.",
        ),
        youth_ask=(
            "Teach us what grooming actually looks like before it happens.",
            "Help the kids who are stuck in it instead of just arresting them.",
        ),
        adult_bad=(
            "Young lads on bikes delivering drugs all day long {at_place}.",
            "I'm worried about county lines, {kid} gets messages from people we don't know.",
            "Kids going missing for days and coming back with cash, it's obvious what's going on.",
        ),
        adult_ask=(
            "Treat exploited children as victims, not criminals.",
            "Tell parents what the signs of county lines are, most of us wouldn't know.",
            "Target the people at the top of these drug lines.",
        ),
    ),
    "knives": Theme(
        short_bad=("knives", "people carrying", "shanks"),
        short_ask=("knife bins", "less people carrying"),
        youth_bad=(
            "Loads of people carry a knife now, most of them say it's for protection.",
            "If you know other people carry then you think you need to as well.",
            "Someone pulled a blade out at the bus stop a few weeks ago.",
            "Kids as young as year 8 are bringing knives into school.",
            "You can buy a knife online and nobody checks how old you are.",
        ),
        youth_ask=(
            "Knife bins and talks from people who have lost someone.",
            "If people felt safe they wouldn't carry, it's as simple as that.",
            "Metal detectors {at_place} at the weekend.",
        ),
        adult_bad=(
            "Knife crime is what worries me most, {kid} says lots of kids carry.",
            "I found a kitchen knife in {son}'s bag and it terrified me.",
            "Every other week there's a stabbing on the news round here.",
        ),
        adult_ask=(
            "Tougher action on shops selling knives to kids.",
            "More knife amnesty bins and education in primary schools, not just secondary.",
            "Support the families of victims and get them into schools to talk.",
        ),
    ),
    "social_media": Theme(
        short_bad=("social media", "beef on snap", "drill videos", "fight videos"),
        short_ask=("take fight videos down", "online safety"),
        youth_bad=(
            "Beefs start on snap and then it turns into fights in real life.",
            "People post drill videos calling each other out, then someone has to prove it.",
            "Fights get filmed and put on TikTok, everyone wants to be in the video.",
            "You get added to group chats where they share videos of people getting beaten up.",
            "People can see where you are on snap map so they know where to find you.",
        ),
        youth_ask=(
            "Get the apps to actually take down the fight videos.",
            "Teach people how to deal with stuff online before it turns into real life.",
        ),
        adult_bad=(
            "It all starts on social media, a row online becomes a fight at the school gates.",
            "{kid} sees fights and worse on TikTok every day and thinks it's normal.",
            "These drill videos glamorise carrying knives.",
        ),
        adult_ask=(
            "Put pressure on the social media companies to remove violent videos quicker.",
            "Help parents understand the apps our kids are on.",
        ),
    ),
    "nothing_to_do": Theme(
        short_bad=("nothing to do", "boredom", "nowhere to go"),
        short_ask=("youth clubs", "more youth clubs", "free stuff to do", "open the youth centre"),
        youth_bad=(
            "There's nothing to do round here so people just hang about on the streets.",
            "Our youth club shut down years ago and nothing replaced it.",
            "Everything costs money, you can't even go to the cinema without it costing £15.",
            "We get moved on from everywhere, where are we supposed to go?",
        ),
        youth_ask=(
            "Open the youth clubs back up and keep them open late on Fridays and Saturdays.",
            "Free stuff to do, football, boxing, music studios, anything.",
            "A place to chill that isn't the street or the chicken shop.",
            "More free gyms and sports that don't cost a fortune.",
        ),
        adult_bad=(
            "They closed the youth club and now the kids have nowhere to go.",
            "There's nothing for teenagers round here except the park and the shops.",
            "Kids are bored and boredom leads to trouble.",
        ),
        adult_ask=(
            "Reopen the youth centres and fund them properly, not for one year at a time.",
            "Cheap or free activities in the evenings and school holidays.",
            "Give the young people somewhere warm and safe to go.",
        ),
    ),
    "policing_absent": Theme(
        short_bad=("no police about", "police never come"),
        short_ask=("more police on foot", "police walking about", "bobbies on the beat"),
        youth_bad=(
            "You never see police walking about, only driving past.",
            "Police take ages to come when something's actually happening.",
        ),
        youth_ask=(
            "More police on foot who actually get to know people.",
            "Police that come to the youth club and talk to us normal.",
        ),
        adult_bad=(
            "We never see a police officer on foot any more, the station's been shut.",
            "I reported dealing on our street three times and nobody came.",
            "When you ring 101 you're on hold for an hour.",
        ),
        adult_ask=(
            "Bring back the bobby on the beat.",
            "Reopen the local police station or at least have a drop in.",
            "Answer the 101 line and come out when people report things.",
        ),
    ),
    "stop_search": Theme(
        short_bad=("stop and search", "getting searched for nothing"),
        short_ask=("stop searching us for nothing", "fair stop and search"),
        youth_bad=(
            "Police stop and search us for nothing just because we're in a group.",
            "I got searched on the way home from college and they found nothing, so embarrassing.",
            "They always stop the Black and Asian boys, never the white kids.",
        ),
        youth_ask=(
            "Stop searching kids for no reason, it just makes people hate the police.",
            "Police should explain why they're stopping you and be respectful.",
        ),
        adult_bad=(
            "{son} has been stopped and searched more times than I can count, never in trouble.",
            "Stop and search is used on our boys unfairly and it destroys trust.",
        ),
        adult_ask=(
            "Use stop and search fairly and explain it, otherwise you lose the community.",
            "Record every stop and publish the figures so we can see it's fair.",
        ),
    ),
    "police_trust": Theme(
        short_bad=("police dont listen", "cant trust the feds"),
        short_ask=("police who listen", "respect from police"),
        youth_bad=(
            "I don't trust the police, they don't listen to young people.",
            "If you tell police anything everyone finds out it was you.",
            "Police treat us like criminals before we've even said anything.",
        ),
        youth_ask=(
            "Police need to earn trust, talk to us properly not at us.",
            "Have police who look like us and come from round here.",
        ),
        adult_bad=(
            "People round here don't trust the police and I don't blame them.",
            "Nothing ever comes of reporting things so people have stopped bothering.",
        ),
        adult_ask=(
            "Keep people informed after they report something, even just to say what happened.",
            "The police need to rebuild trust with the community, start by listening.",
        ),
    ),
    "money_jobs": Theme(
        short_bad=("no jobs", "no money", "fast money"),
        short_ask=("jobs", "apprenticeships", "paid work for young people"),
        youth_bad=(
            "People sell drugs because there's no jobs and they need money.",
            "Can't get a job anywhere, every place wants experience.",
            "When your family's struggling the fast money looks good.",
        ),
        youth_ask=(
            "Proper jobs and apprenticeships for young people that pay decent.",
            "Paid work experience so you don't need to do dodgy stuff for money.",
        ),
        adult_bad=(
            "There's no work round here for young people so of course some turn to crime.",
            "Families are struggling with bills and the kids see easy money on the streets.",
        ),
        adult_ask=(
            "Invest in jobs and apprenticeships for local young people.",
            "Help families with the cost of living, poverty is behind a lot of this.",
        ),
    ),
    "racism": Theme(
        short_bad=("racism", "people being racist", "islamophobia"),
        short_ask=("deal with racism", "listen to our community"),
        youth_bad=(
            "I get called names because of my religion and people don't do anything.",
            "There's a lot of racism round here, people shout stuff from cars.",
            "Girls who wear hijab get stuff said to them on the bus.",
        ),
        youth_ask=(
            "Take racism seriously in schools, not just an assembly once a year.",
            "Have people running things who understand our culture.",
        ),
        adult_bad=(
            "Racism is a big issue here and the kids feel it.",
            "Our community gets blamed for everything in the news.",
        ),
        adult_ask=(
            "Listen to communities who are always left out of these conversations.",
            "Tackle racism and Islamophobia as seriously as any other violence.",
        ),
    ),
    "bullying": Theme(
        short_bad=("bullying", "getting bullied"),
        short_ask=("schools dealing with bullying",),
        youth_bad=(
            "I got bullied in year 7 and it's followed me online ever since.",
            "People get bullied and then end up snapping.",
        ),
        youth_ask=(
            "Schools need to actually deal with bullying instead of just moving people's seats.",
        ),
        adult_bad=(
            "{kid} was bullied for months and the school did very little.",
            "Bullying that starts in school carries on online all night.",
        ),
        adult_ask=("Schools should take bullying seriously and tell parents when it happens.",),
    ),
    "mental_health": Theme(
        short_bad=("mental health", "anxiety", "stress"),
        short_ask=("someone to talk to", "mental health support", "counsellors"),
        youth_bad=(
            "Loads of people are struggling with their mental health and there's no help.",
            "The CAMHS waiting list is like a year, people give up.",
            "Anxiety makes it hard to even leave the house some days.",
        ),
        youth_ask=(
            "Someone to talk to at school who isn't a teacher.",
            "Mental health support that you don't have to wait a year for.",
        ),
        adult_bad=(
            "The mental health support for teenagers is just not there.",
            "{kid} has been on the CAMHS waiting list for over a year.",
        ),
        adult_ask=(
            "Fund mental health support for young people properly, the waiting lists are shameful.",
            "Counsellors in every school.",
        ),
    ),
    "drugs_alcohol": Theme(
        short_bad=("drugs", "weed everywhere", "drunk people", "dealers"),
        short_ask=("get rid of the dealers", "drug services"),
        youth_bad=(
            "People smoking weed everywhere, you can smell it in the park.",
            "Drunk people in town on a Friday start on anyone.",
            "Nitrous canisters all over the floor {at_place}.",
        ),
        youth_ask=(
            "Less drug dealers hanging around the shops.",
            "Better help for people on drugs instead of just locking them up.",
        ),
        adult_bad=(
            "Open drug dealing on our street in broad daylight.",
            "Drunks outside the off licence shouting at people.",
            "The smell of cannabis is everywhere and nobody does anything.",
        ),
        adult_ask=(
            "Close down the shops selling alcohol to kids.",
            "More drug and alcohol services, the nearest one is miles away.",
        ),
    ),
    "peer_pressure": Theme(
        short_bad=("peer pressure", "trying to look hard"),
        short_ask=("role models",),
        youth_bad=(
            "You get pressured into stuff by your mates and if you say no you get called soft.",
            "Everyone wants to look hard so they do stupid stuff.",
        ),
        youth_ask=("Teach people it's ok to say no, and have older people who back you up.",),
        adult_bad=("Peer pressure is huge, good kids get led astray by the wrong crowd.",),
        adult_ask=("Positive role models, kids copy whoever's around them.",),
    ),
    "family": Theme(
        short_bad=("stuff at home", "no one at home"),
        short_ask=("help for families", "support for parents"),
        youth_bad=(
            "Things at home are hard and going out is better than being in the house.",
            "Some people don't have anyone at home who cares where they are.",
            "Parents are working all the time so no one knows what kids are doing.",
        ),
        youth_ask=(
            "Help for families, not just the kids.",
            "Support for parents so they know what's going on.",
        ),
        adult_bad=(
            "Some parents just don't know where their kids are at night.",
            "There's domestic abuse in some homes and the kids carry that out onto the street.",
        ),
        adult_ask=(
            "Support for parents who are struggling, without being judged.",
            "Family support that isn't only for when social services are involved.",
        ),
    ),
    "school_exclusion": Theme(
        short_bad=("getting excluded", "PRU"),
        short_ask=("stop excluding people",),
        youth_bad=(
            "When you get excluded you just end up on the streets all day.",
            "People in the PRU get pulled into stuff because no one's watching.",
        ),
        youth_ask=("Stop excluding people, it just makes it worse.",),
        adult_bad=(
            "{son} got excluded and within weeks he was hanging round with older lads.",
            "Excluded kids are sitting ducks for gangs.",
        ),
        adult_ask=("Stop permanently excluding children, keep them in education.",),
    ),
    "school_teaching": Theme(
        short_bad=("school doesnt teach us anything real",),
        short_ask=("better PSHE", "real talks in school", "lessons about grooming"),
        youth_bad=(
            "School only talks about knives for one assembly and nobody listens.",
            "We don't learn anything useful in PSHE.",
        ),
        youth_ask=(
            "Schools should teach about real life, like grooming, money and consent.",
            "Get people who've lived it to come in and talk, not police reading off a powerpoint.",
            "Lessons on how to stay safe online and what to do if someone threatens you.",
        ),
        adult_bad=("Schools don't teach the kids about exploitation until it's too late.",),
        adult_ask=(
            "Teach children about knife crime and grooming from primary school.",
            "Schools need to work with parents more, we find things out last.",
        ),
    ),
    "where_help": Theme(
        short_bad=("dont know where to go",),
        short_ask=("tell us where to get help", "one number to call"),
        youth_bad=(
            "I wouldn't even know where to go if something happened.",
            "No one tells you where you can get help without getting in trouble.",
        ),
        youth_ask=(
            "Put the numbers and websites everywhere, like on the bus and in the school toilets.",
            "One place you can go where they'll just listen.",
        ),
        adult_bad=(
            "I wouldn't know who to call if I was worried about {kid}.",
            "It's impossible to find out what's available, every service sends you somewhere else.",
        ),
        adult_ask=(
            "One number or website where parents can get advice.",
            "Tell people what help there is, in plain English and in other languages.",
        ),
    ),
    "media_image": Theme(
        short_bad=("the news making us look bad",),
        short_ask=("show the good stuff",),
        youth_bad=(
            "The news makes our area look like a war zone, it's not all like that.",
            "People think everyone from here is a criminal because of what's on the news.",
        ),
        youth_ask=("Show the good stuff young people do, not just the stabbings.",),
        adult_bad=("The papers only ever report the bad things about this area.",),
        adult_ask=("Celebrate what's good about the area, the media makes it worse.",),
    ),
    "girls_harassment": Theme(
        short_bad=("men shouting at girls", "being followed", "creepy men"),
        short_ask=("safe spaces for girls", "take girls seriously"),
        youth_bad=(
            "Men in cars slow down and shout at us when we walk home from school.",
            "Older men try to talk to girls {at_place} and it's creepy.",
            "Girls get touched and followed and no one takes it seriously.",
            "I always have my keys in my hand walking home {time}.",
        ),
        youth_ask=(
            "Take it seriously when girls report stuff.",
            "Safe spaces for girls and more women we can talk to.",
        ),
        adult_bad=(
            "{daughter} gets catcalled walking to school and she's only 13.",
            "Girls are being harassed {at_place} and nobody does anything.",
        ),
        adult_ask=("Protect girls walking home, better lighting and staff at bus stops.",),
    ),
}

YOUTH_THEMES = {
    "fear_violence": 1.2, "no_go_areas": 1.2, "gangs": 1.0, "county_lines": 0.7, "knives": 1.4,
    "social_media": 1.2, "nothing_to_do": 1.4, "policing_absent": 0.7, "stop_search": 0.4,
    "police_trust": 0.8, "money_jobs": 0.8, "racism": 0.5, "bullying": 0.6, "mental_health": 0.8,
    "drugs_alcohol": 0.8, "peer_pressure": 0.6, "family": 0.5, "school_exclusion": 0.4,
    "school_teaching": 0.6, "where_help": 0.5, "media_image": 0.3, "girls_harassment": 0.7,
}  # fmt: skip
PARENT_THEMES = {
    **YOUTH_THEMES, "county_lines": 1.3, "social_media": 1.4, "nothing_to_do": 1.3,
    "policing_absent": 1.0, "where_help": 0.9, "school_teaching": 0.8, "bullying": 0.8,
    "stop_search": 0.3, "police_trust": 0.6, "peer_pressure": 0.7, "girls_harassment": 0.5,
}  # fmt: skip
COMMUNITY_THEMES = {
    **YOUTH_THEMES, "no_go_areas": 1.3, "county_lines": 0.9, "knives": 1.2, "social_media": 0.6,
    "policing_absent": 1.6, "stop_search": 0.3, "money_jobs": 1.0, "bullying": 0.2,
    "drugs_alcohol": 1.3, "peer_pressure": 0.4, "family": 0.7, "media_image": 0.6,
    "girls_harassment": 0.5,
}  # fmt: skip
BASE_THEMES = {
    "young_people": YOUTH_THEMES,
    "parents": PARENT_THEMES,
    "community": COMMUNITY_THEMES,
}

# Which multiple-choice options someone who raises a theme tends to tick, in any survey.
THEME_CODES: dict[str, frozenset[str]] = {
    "fear_violence": frozenset({"robbery_attack", "knives", "streets_at_night", "streets"}),
    "no_go_areas": frozenset(
        {
            "parks",
            "town_centre",
            "streets_at_night",
            "streets",
            "safer_streets",
            "buses_trains",
            "public_transport",
        }
    ),
    "gangs": frozenset({"gangs_exploitation", "gangs", "lived_experience_mentors"}),
    "county_lines": frozenset(
        {"gangs_exploitation", "exploitation", "drugs", "lived_experience_mentors"}
    ),
    "knives": frozenset({"knives_for_protection", "knife_carrying", "knives"}),
    "social_media": frozenset({"social_media", "online", "online_help", "online_safety"}),
    "nothing_to_do": frozenset(
        {"nothing_to_do", "nothing_for_young_people", "youth_clubs", "youth_activities"}
    ),
    "policing_absent": frozenset({"police_on_foot", "police_presence"}),
    "stop_search": frozenset({"police_respect", "racism", "racism_discrimination"}),
    "police_trust": frozenset({"police_respect"}),
    "money_jobs": frozenset(
        {"money_poverty", "poverty", "no_jobs", "jobs_training_money", "jobs_training"}
    ),
    "racism": frozenset({"racism", "racism_discrimination", "community_events"}),
    "bullying": frozenset({"bullying", "school_support"}),
    "mental_health": frozenset({"mental_health", "mental_health_support"}),
    "drugs_alcohol": frozenset({"drugs", "alcohol", "drug_alcohol_support", "pubs_clubs"}),
    "peer_pressure": frozenset({"peer_pressure", "lived_experience_mentors"}),
    "family": frozenset({"family_problems", "family_support", "parent_support"}),
    "school_exclusion": frozenset({"school_exclusion", "school_support"}),
    "school_teaching": frozenset({"school_lessons", "school_support"}),
    "where_help": frozenset({"one_contact", "local_drop_in"}),
    "media_image": frozenset({"community_events"}),
    "girls_harassment": frozenset(
        {"streets_at_night", "buses_trains", "public_transport", "safer_streets"}
    ),
}
# Chance of ticking an option without a theme behind it.
OPTION_BASE: dict[str, float] = {
    "streets_at_night": 0.42, "parks": 0.33, "buses_trains": 0.28, "public_transport": 0.28,
    "town_centre": 0.33, "streets": 0.33, "pubs_clubs": 0.18, "around_school": 0.1,
    "online": 0.12, "at_home": 0.03, "near_home": 0.14, "shops_takeaways": 0.18,
    "youth_clubs": 0.4, "youth_activities": 0.4, "police_presence": 0.3, "police_on_foot": 0.22,
    "safer_streets": 0.3, "knives": 0.4, "drugs": 0.3, "social_media": 0.3, "robbery_attack": 0.25,
    "parent_carer": 0.55, "friend": 0.5, "family": 0.3, "school_staff": 0.25, "youth_worker": 0.15,
    "police": 0.15, "childline": 0.08, "fearless": 0.06, "school": 0.55, "gp_health": 0.22,
    "council": 0.12, "youth_service": 0.1, "charity": 0.1, "faith_group": 0.06,
    "family_friends": 0.45, "helpline": 0.08,
}  # fmt: skip
# Options that make sense only on their own, with the chance of ticking one.
EXCLUSIVE = frozenset({"nowhere", "nothing", "no_one", "dont_know"})
CATCH_ALL = frozenset({"other", "somewhere_else", "someone_else"})
PLACE_QUESTIONS = frozenset({"unsafe_places", "community_unsafe_places"})

PLACES = (
    "Merry Hill", "the bus station", "Dudley bus station", "Brierley Hill high street",
    "the town centre", "the canal", "the park", "the Metro stop", "the chicken shop",
    "the shops on the estate", "Stourbridge interchange", "the underpass", "the 24 hour Tesco",
    "the skate park", "West Brom", "the alleys behind the shops", "the rec", "the chippy",
    "the Waterfront", "Mary Stevens Park",
)  # fmt: skip
AT_PLACES = (
    "at Merry Hill", "round the bus station", "by the canal", "in the park", "near the Metro stop",
    "outside the chicken shop", "on the high street", "in town", "up the rec", "at the skate park",
    "outside the 24 hour Tesco", "by the chippy", "on the estate", "at Stourbridge interchange",
    "down the alleys", "near the station",
)  # fmt: skip
TIMES = (
    "at night", "after dark", "after 6", "when it gets dark", "on a Friday night",
    "at the weekend", "in winter when it's dark by 4",
)  # fmt: skip
ESTATES = ("the next estate", "Tipton", "Netherton", "across the canal", "the other side of town")
CHILDREN = {
    "parents": {
        "son": ("my son", "my lad", "my eldest boy", "my 15 year old", "our youngest", "my boy"),
        "daughter": ("my daughter", "my 13 year old", "our girl", "my eldest girl", "my youngest"),
    },
    "community": {
        "son": ("my grandson", "my nephew", "the lad next door", "my neighbour's boy"),
        "daughter": ("my granddaughter", "my niece", "my neighbour's daughter"),
    },
}
FIRST_NAMES = (
    "Jordan", "Kyle", "Aisha", "Tyler", "Liam", "Jade", "Mohammed", "Chloe", "Reece", "Amira",
    "Demi", "Kai", "Harvey", "Leah", "Zain", "Tia", "Callum", "Imran", "Shanice", "Bradley",
)  # fmt: skip
STREETS = (
    "Church Street", "Victoria Road", "Park Lane", "High Street", "Station Road", "Mill Lane",
    "Queens Road", "Albert Street",
)  # fmt: skip

NOTHING_YOUTH = (
    "dunno", "nothing really", "idk", "not sure tbh", "n/a", "nothing", "its fine round here",
    "no", "cant think of anything", "nah", "idk tbh", "nothing much", "-", "its alright",
)  # fmt: skip
NOTHING_ADULT = (
    "Nothing to add.", "No comment", "Not sure", "N/A", "None", "Nothing really.",
    "I feel quite safe where I live.", "Can't think of anything.",
)  # fmt: skip
WHY_NOT_TELL = (
    "Snitches get stitches.",
    "Nobody does anything anyway so whats the point.",
    "You'd get called a grass and then you're the one in trouble.",
    "It would make it worse.",
    "My mum would kill me if she knew.",
    "Teachers just ring your parents.",
    "I'd rather sort it out myself.",
    "I don't trust anyone enough.",
    "They'd know it was me who told.",
    "The police don't care about people like us.",
    "I don't want to get my friends in trouble.",
    "Everyone talks, nothing stays private round here.",
    "I'd be embarrassed.",
    "Didn't know you could tell someone without giving your name.",
    "Last time I told someone nothing happened.",
    "Because you'll be seen as weak.",
)
PARENT_SUPPORT = (
    "Someone to talk to who won't judge me or my child.",
    "Evening sessions for parents about online safety and the apps.",
    "A group for parents whose kids are getting into trouble.",
    "Advice on what to do if I think my child is carrying a knife.",
    "Information in Urdu and Punjabi as well as English.",
    "A named person at the school I can contact.",
    "Help out of hours, problems don't happen 9 to 5.",
    "Knowing who to ring without it turning into social services.",
    "Respite, I'm a single parent and I'm exhausted.",
    "Parenting support for teenagers, everything is aimed at toddlers.",
)
DISCLOSURES = {
    "young_people": (
        "someone threatened to stab me last week and I havent told anyone",
        "my cousin makes me hold stuff for him and says if I dont he'll hurt my mum",
        "I got jumped last month and now I carry something to feel safe",
        "theres a man who keeps messaging me and my friend offering us money to go places",
        "my stepdad hits me when hes drunk",
        "I dont feel safe at home",
        "some older lads said they know where I live and theyre coming for me",
        "I owe someone money and they keep saying I have to work it off",
    ),
    "parents": (
        "My son keeps going missing and coming back with new trainers and cash. "
        "I think he is being used to sell drugs.",
        "My daughter is being messaged by a man in his 20s and she won't tell me who he is.",
        "My partner is violent when he drinks and the children see it.",
        "Someone threatened my son with a knife outside school last week and he won't go back.",
    ),
    "community": (
        "The man across the road deals from his car and threatened my husband over it.",
        "I was followed home and grabbed last month and I haven't been out at night since.",
        "The kids next door are left alone for days, I think the older one is used by dealers.",
    ),
}  # fmt: skip
OPENERS_YOUTH = ("Honestly", "Tbh", "Mainly", "Basically", "For me", "Idk")
OPENERS_ADULT = ("Personally", "For me", "Honestly", "Sadly", "To be honest")
CLOSERS_YOUTH = (
    "Thats it really.", "Please actually do something.", "Nobody listens to us though.",
    "Thanks for asking us.", "💯", "Its long.", "fr", "Anyway.", "😔",
)  # fmt: skip
CLOSERS_ADULT = (
    "Thank you for asking.", "Please listen this time.", "It's getting worse every year.",
    "Something needs to change.", "We've had enough.",
)  # fmt: skip
TEXT_SWAPS = (
    (r"\bbecause\b", "cos"), (r"\bBecause\b", "Cos"), (r"\bdon't\b", "dont"), (r"\bI'm\b", "im"),
    (r"\byou\b(?!')", "u"), (r"\bpeople\b", "ppl"), (r"\bto be honest\b", "tbh"),
    (r"\bgoing to\b", "gonna"), (r"\breally\b", "rly"), (r"\bsomething\b", "smth"),
    (r"\bthough\b", "tho"), (r"\bthere's\b", "theres"), (r"\bwith\b", "w"),
)  # fmt: skip


# ---------------------------------------------------------------- entry point


def seed_demo(session: Session, *, responses: int = 400, seed: int = 2021) -> DemoResult:
    """Create (or find) the demo accounts and surveys; add sample responses to new surveys only."""
    if responses < 0:
        raise ValueError("responses must not be negative")
    officer, officer_password = _ensure_user(session, OFFICER_EMAIL, OFFICER_NAME, Role.OFFICER)
    _, analyst_password = _ensure_user(session, ANALYST_EMAIL, ANALYST_NAME, Role.ANALYST)
    _, safeguarding_password = _ensure_user(
        session, SAFEGUARDING_EMAIL, SAFEGUARDING_NAME, Role.SAFEGUARDING
    )
    rng = random.Random(seed)
    today = services.today()
    counts = _allocate(responses, [plan.share for plan in PLANS])
    ids: dict[str, int] = {}
    titles: dict[str, str] = {}
    created = 0
    youth_links: list[tuple[str, str]] = []
    for plan, count in zip(PLANS, counts, strict=True):
        title = str(services.load_starter(plan.starter)["title"])
        survey = _find_survey(session, title)
        if survey is None:
            survey = _create_survey(session, plan, title, officer.id, today)
            created += _add_responses(session, rng, survey, plan, count, today)
            _suggest_codes(session, survey)
        ids[plan.starter] = survey.id
        titles[plan.starter] = survey.title
        if plan is YOUTH:
            youth_links = [(c.name, c.code) for c in survey.channels]
    return DemoResult(
        officer_email=OFFICER_EMAIL,
        officer_password=officer_password,
        analyst_email=ANALYST_EMAIL,
        surveys=ids,
        responses_created=created,
        analyst_password=analyst_password,
        titles=titles,
        youth_links=youth_links,
        safeguarding_password=safeguarding_password,
    )


def _suggest_codes(session: Session, survey: Survey) -> None:
    """Seed-term suggestions for the sample's free text, so the themes pages have codes
    to review from the start (the partnership codebook is created on first use)."""
    from engage.themes.answers import text_questions
    from engage.themes.model import refresh_suggestions

    for question in text_questions(survey):
        refresh_suggestions(session, question)


# ---------------------------------------------------------------- accounts


SYLLABLE_ONSETS = (
    "b", "br", "ch", "cr", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n", "p",
    "pl", "qu", "r", "s", "sh", "sl", "st", "t", "th", "tr", "v", "w", "z",
)  # fmt: skip
SYLLABLE_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "oo", "ou")
SYLLABLE_CODAS = ("n", "r", "s", "t", "l", "m", "nd", "st", "ck", "rk", "x", "mp")


def generate_password() -> str:
    """Three pronounceable made-up words, about 58 bits from ``secrets``: easy to type in a demo."""

    def word() -> str:
        syllables = "".join(
            secrets.choice(SYLLABLE_ONSETS) + secrets.choice(SYLLABLE_VOWELS) for _ in range(2)
        )
        return syllables + secrets.choice(SYLLABLE_CODAS)

    return "-".join(word() for _ in range(3))


def _password_for(email: str, name: str) -> str:
    for _ in range(50):
        candidate = generate_password()
        try:
            check_password_policy(candidate, [email, name, "engage"])
        except WeakPassword:
            continue
        return candidate
    raise RuntimeError("Could not generate a password that meets the policy.")


def _ensure_user(session: Session, email: str, name: str, role: Role) -> tuple[User, str]:
    password = _password_for(email, name)
    user = auth_services.get_user_by_email(session, email)
    if user is None:
        user = auth_services.create_user(
            session, email=email, name=name, password=password, role=role
        )
    else:
        auth_services.set_password(session, user, password)
    return user, password


# ---------------------------------------------------------------- surveys


def _find_survey(session: Session, title: str) -> Survey | None:
    return session.scalars(select(Survey).where(Survey.title == title).order_by(Survey.id)).first()


def _create_survey(
    session: Session, plan: Plan, title: str, officer_id: int, today: date
) -> Survey:
    starter = services.load_starter(plan.starter)
    survey = services.create_survey(
        session,
        services.SurveySettings(
            title=title,
            introduction=str(starter.get("introduction", "")),
            audience=str(starter.get("audience", plan.starter)),
            areas=" ".join(plan.areas),
            age_min=plan.age_min,
            age_max=plan.age_max,
            opens_on=today - timedelta(days=OPENED_DAYS_AGO),
            closes_on=today + timedelta(days=CLOSES_IN_DAYS),
        ),
        created_by_id=officer_id,
        starter=plan.starter,
    )
    existing = {c.name for c in survey.channels}
    for name in plan.reach:
        if name not in existing:
            services.add_channel(session, survey, name)
    services.set_status(session, survey, "open")
    session.flush()
    return survey


def _allocate(total: int, shares: Sequence[float]) -> list[int]:
    """Split a total by shares, largest remainders first, so small channels get their share."""
    whole = sum(shares)
    exact = [total * share / whole for share in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _add_responses(
    session: Session, rng: random.Random, survey: Survey, plan: Plan, count: int, today: date
) -> int:
    channels = {c.name: c for c in survey.channels}
    names = [name for name in plan.reach if name in channels]
    per_channel = _allocate(count, [plan.reach[name].share for name in names])
    assignments = [name for name, n in zip(names, per_channel, strict=True) for _ in range(n)]
    rng.shuffle(assignments)
    opened = survey.opens_on or today - timedelta(days=OPENED_DAYS_AGO)
    days = [opened + timedelta(days=n) for n in range((today - opened).days + 1)]
    stored = 0
    for name in assignments:
        reach = plan.reach[name]
        person = _person(rng, plan.starter, reach, name)
        raw = {q.id: values for q in survey.questions if (values := _answer(rng, q, person))}
        kept, _ = logic.prune_hidden(survey, raw)
        checked = logic.check_survey(survey, kept)
        if checked.errors:
            # A demo answer the real form would refuse is a bug here, not data to store.
            raise RuntimeError(f"Demo answers failed validation: {sorted(checked.errors)}")
        weights = [reach.schedule.weight(day, opened) for day in days]
        on = rng.choices(days, weights=weights)[0]
        mode = Mode.PAPER if person.paper else Mode.ONLINE
        saved = record_response(
            session, survey, channels[name], checked.answers, on=on, nonce=None, mode=mode
        )
        if saved is not None:
            flag_disclosures(session, survey.id, saved, checked.answers, on=on)
            stored += 1
    session.flush()
    return stored


# ---------------------------------------------------------------- respondents


@dataclass
class Person:
    audience: str  # young_people, parents or community
    channel: str
    age: int
    sex: str
    ethnic_group: str
    religion: str
    area: str
    english_main: bool
    english: str
    trans: bool
    condition: bool
    impact: str
    shy: bool  # says "prefer not to say" to most questions about themselves
    paper: bool
    fear: float  # 0 (feels safe) .. 1
    distrust: float  # 0 .. 1
    themes: list[str]

    @property
    def minority(self) -> bool:
        return not self.ethnic_group.startswith("white")

    @property
    def voice(self) -> str:
        return "youth" if self.audience == "young_people" else "adult"

    @property
    def skip(self) -> float:
        return 0.15 if self.paper else 0.10


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _person(rng: random.Random, audience: str, reach: Reach, channel: str) -> Person:
    low, high = rng.choices(list(reach.ages), weights=list(reach.ages.values()))[0]
    age = rng.randint(low, high)
    female = rng.random() < reach.female
    ethnic = _pick(rng, reach.ethnic)
    if reach.muslim is not None and rng.random() < reach.muslim:
        religion = "muslim"
    else:
        religions = dict(RELIGION_BY_ETHNIC[ethnic])
        if age >= 40 and "christian" in religions and not ethnic.startswith("asian"):
            religions["christian"] *= (
                1.8  # older White and Black residents are more often Christian
            )
        religion = _pick(rng, religions)
    english_main = ENGLISH_MAIN.get(ethnic, 0.96)
    if age >= 25:
        english_main = 1 - min(0.9, (1 - english_main) * 1.6)
    english = _pick(
        rng,
        {
            "very_well": 0.75 if age < 25 else 0.5,
            "well": 0.25,
            "not_well": 0.12,
            "not_at_all": 0.03,
        },
    )
    condition = rng.random() < (0.12 if age < 25 else 0.15 + 0.004 * (age - 25))
    fear = rng.betavariate(2.3, 2.1) + reach.fear + (0.05 if female else 0.0)
    distrust = min(1.0, max(0.0, reach.distrust + rng.uniform(-0.15, 0.15)))
    sex = "female" if female else "male"
    paper = rng.random() < reach.paper
    person = Person(
        audience=audience,
        channel=channel,
        age=age,
        sex=sex,
        ethnic_group=ethnic,
        religion=religion,
        area=_pick(rng, reach.areas),
        english_main=rng.random() < english_main,
        english=english,
        trans=rng.random() < (0.02 if age < 30 else 0.006),
        condition=condition,
        impact=_pick(rng, {"yes_a_lot": 0.25, "yes_a_little": 0.45, "not_at_all": 0.3}),
        shy=rng.random() < (0.06 if paper else 0.035),
        paper=paper,
        fear=min(1.0, max(0.0, fear)),
        distrust=distrust,
        themes=[],
    )
    person.themes = _themes(rng, person, reach)
    return person


def _themes(rng: random.Random, person: Person, reach: Reach) -> list[str]:
    weights = dict(BASE_THEMES[person.audience])
    for theme, factor in reach.themes.items():
        weights[theme] = weights.get(theme, 0.5) * factor
    weights["girls_harassment"] *= 3.5 if person.sex == "female" else 0.25
    if person.minority:
        weights["racism"] *= 4
        if person.sex == "male" and person.age < 30:
            weights["stop_search"] *= 2.5
    else:
        weights["racism"] *= 0.4
    if person.religion == "muslim":
        weights["racism"] *= 1.5
    how_many = rng.choices((1, 2, 3), weights=(0.4, 0.4, 0.2))[0]
    chosen: list[str] = []
    while len(chosen) < how_many:
        theme = _pick(rng, {k: v for k, v in weights.items() if k not in chosen})
        chosen.append(theme)
    return chosen


# ---------------------------------------------------------------- answers


def _answer(rng: random.Random, question: Question, person: Person) -> list[str]:
    """The raw values a respondent would post for one question (empty if they skip it)."""
    if question.demographic:
        return _demographic(rng, question, person)
    kind = question.kind_enum
    if kind is Kind.TEXT:
        if rng.random() >= (0.45 if person.paper else 0.6):
            return []
        return [_fit(_write(rng, question.key, person), question.max_length)]
    if not question.required and rng.random() < person.skip:
        return []
    codes = [o.code for o in question.options]
    if kind is Kind.RATING:
        return [_rating(rng, question.key, codes, person)]
    if kind is Kind.SINGLE:
        return [_single(rng, question.key, codes, person)]
    if kind is Kind.MULTI:
        return _multi(rng, question.key, codes, person)
    if question.min_value is not None and question.max_value is not None:
        return [str(rng.randint(int(question.min_value), int(question.max_value)))]
    return []


def _demographic(rng: random.Random, question: Question, person: Person) -> list[str]:
    codes = {o.code for o in question.options}
    can_decline = PREFER_NOT_TO_SAY in codes or question.prefer_not_option
    if can_decline and ((person.shy and rng.random() < 0.85) or rng.random() < 0.055):
        return [PREFER_NOT_TO_SAY]
    if rng.random() < person.skip:
        return []
    kind = question.demographic
    if kind == "age":
        return [str(person.age)]
    value = {
        "sex": person.sex,
        "area": person.area,
        "ethnic_group": person.ethnic_group,
        "religion": person.religion,
        "main_language": "yes" if person.english_main else "no",
        "gender_identity": "no" if person.trans else "yes",
        "english_proficiency": person.english,
        "disability": "yes" if person.condition else "no",
        "disability_impact": person.impact,
    }.get(kind or "")
    if value in codes:
        return [str(value)]
    if value is None and codes:
        return [rng.choice(sorted(codes - {PREFER_NOT_TO_SAY}) or sorted(codes))]
    return [PREFER_NOT_TO_SAY] if can_decline else []


def _rating_mean(key: str, person: Person) -> float:
    """Where on a 1-5 scale this person tends to answer: safety middle-low, trust lower still."""
    if "police" in key:
        mean = 2.75 - 0.75 * person.minority - 1.1 * person.distrust
        mean += 0.4 if person.age >= 50 else 0.0
        if {"stop_search", "police_trust"} & set(person.themes):
            mean -= 0.5
        return mean
    if "youth_worker" in key:
        return (
            3.4 + (0.6 if person.channel.startswith("Youth club") else 0.0) - 0.4 * person.distrust
        )
    if "school" in key:
        return 3.2 - (0.6 if "bullying" in person.themes else 0.0)
    if "council" in key:
        return 2.3 - 0.5 * person.distrust
    if "listen" in key:
        return 2.3 - 0.4 * person.minority - 0.5 * person.distrust
    if "night" in key:
        return 3.5 - 2.1 * person.fear - (0.35 if person.sex == "female" else 0.0)
    if "safe" in key:
        return 3.95 - 1.9 * person.fear - (0.1 if person.sex == "female" else 0.0)
    return 3.0


def _rating(rng: random.Random, key: str, codes: list[str], person: Person) -> str:
    points = sorted(codes, key=int)
    value = rng.gauss(_rating_mean(key, person), 0.85)
    index = round((value - 1) / 4 * (len(points) - 1))
    return points[min(len(points) - 1, max(0, index))]


def _ordinal(rng: random.Random, codes: list[str], position: float) -> str:
    """An option from an ordered list, around ``position`` (0 = first, 1 = last)."""
    index = round(position * (len(codes) - 1) + rng.gauss(0, 0.7))
    return codes[min(len(codes) - 1, max(0, index))]


def _single(rng: random.Random, key: str, codes: list[str], person: Person) -> str:
    choices = [c for c in codes if c != PREFER_NOT_TO_SAY]
    themes = set(person.themes)
    if key == "worry_violence":
        return _ordinal(rng, choices, person.fear)
    weights: dict[str, float]
    if key == "weapon_carrying":
        yes = (
            0.22 + (0.25 if person.channel == "Street outreach" else 0.0) + 0.1 * (person.age >= 15)
        )
        yes += 0.2 if "knives" in themes else 0.0
        weights = {"yes": yes, "no": 0.36, "not_sure": 0.26, PREFER_NOT_TO_SAY: 0.08}
    elif key == "social_media_violence":
        every_day = 0.2 * (2 if "social_media" in themes else 1) * (1.3 if person.age < 18 else 1)
        weights = {"every_day": every_day, "every_week": 0.32, "every_month": 0.2,
                   "less_often": 0.18, "never": 0.1}  # fmt: skip
    elif key == "know_where_help":
        yes = 0.45 + (
            0.15 if person.channel in ("Oak Park School", "Youth club (Brierley Hill)") else 0
        )
        yes *= 0.3 if "where_help" in themes else 1
        weights = {"yes": yes, "not_sure": 0.35, "no": 0.2}
    elif key == "violence_change":
        weights = {"more": 0.46, "same": 0.34, "less": 0.06, "not_sure": 0.14}
    elif key == "would_tell":
        weights = {"yes": 0.58 - 0.25 * person.distrust, "not_sure": 0.27,
                   "no": 0.12 + 0.25 * person.distrust}  # fmt: skip
    elif key == "see_results":
        weights = {"yes": 0.78, "no": 0.22}
    elif key == "know_exploitation_signs":
        weights = {"yes": 0.33, "not_sure": 0.45, "no": 0.22}
    else:
        weights = {c: 1.0 for c in choices}
    weights = {c: w for c, w in weights.items() if c in codes and w > 0}
    return _pick(rng, weights) if weights else rng.choice(choices or codes)


def _multi(rng: random.Random, key: str, codes: list[str], person: Person) -> list[str]:
    if key == "children_ages":
        return _children_ages(rng, codes, person.age)
    linked = set().union(*(THEME_CODES.get(t, frozenset()) for t in person.themes))
    exclusive = [c for c in codes if c in EXCLUSIVE]
    if exclusive:
        chance = 0.05
        if key in PLACE_QUESTIONS:
            chance = 0.3 * (1 - person.fear) ** 2
        elif key == "who_tell":
            chance = 0.08 + 0.2 * person.distrust
        elif "where_help" in person.themes:
            chance = 0.45
        if rng.random() < chance:
            return [exclusive[0]]
    scale = 0.5 + person.fear if key in PLACE_QUESTIONS else 1.0
    picked = []
    for code in codes:
        if code in EXCLUSIVE or code == PREFER_NOT_TO_SAY:
            continue
        if code in CATCH_ALL:
            chance = 0.04
        elif code in linked:
            chance = 0.7
        else:
            chance = OPTION_BASE.get(code, 0.14) * scale
            if person.sex == "female" and code in (
                "buses_trains",
                "public_transport",
                "streets_at_night",
            ):
                chance *= 1.4
            if code == "faith_group" and person.religion in ("muslim", "sikh", "hindu"):
                chance *= 4
            if code == "police" and key == "who_tell":
                chance *= 1.5 - person.distrust
        if rng.random() < min(chance, 0.9):
            picked.append(code)
    if not picked:
        options = [c for c in codes if c not in EXCLUSIVE | CATCH_ALL and c != PREFER_NOT_TO_SAY]
        picked = [rng.choice(options or codes)]
    if len(picked) > 5:
        picked = sorted(rng.sample(picked, 5), key=codes.index)
    return picked


def _children_ages(rng: random.Random, codes: list[str], age: int) -> list[str]:
    if age < 35:
        wanted = ["under_11"] + (["age_11_15"] if rng.random() < 0.6 else [])
    elif age < 45:
        wanted = ["age_11_15"] + (["under_11"] if rng.random() < 0.4 else [])
        wanted += ["age_16_17"] if rng.random() < 0.25 else []
    else:
        wanted = rng.sample(["age_11_15", "age_16_17", "age_18_25"], rng.randint(1, 2))
    return [c for c in codes if c in wanted] or [rng.choice(codes)]


# ---------------------------------------------------------------- free text


def _text_kind(key: str) -> str:
    if "why_not" in key:
        return "why_not"
    if "support" in key:
        return "support"
    if "unsafe" in key or "worr" in key:
        return "bad"
    if "difference" in key or "help" in key:
        return "ask"
    return "message"


def _write(rng: random.Random, key: str, person: Person) -> str:
    youth = person.voice == "youth"
    kind = _text_kind(key)
    roll = rng.random()
    if roll < (0.1 if youth else 0.06):
        return rng.choice(NOTHING_YOUTH if youth else NOTHING_ADULT)
    if roll < (0.12 if youth else 0.075) and kind in ("bad", "message", "why_not"):
        disclosure = rng.choice(DISCLOSURES[person.audience])
        return _style(rng, disclosure, youth) if youth else disclosure
    sentences = _sentences(rng, kind, person)
    text = " ".join(sentences)
    if rng.random() < 0.03:
        text = _with_personal_detail(rng, text, person)
    return _style(rng, text, youth)


def _sentences(rng: random.Random, kind: str, person: Person) -> list[str]:
    youth = person.voice == "youth"
    themes = list(person.themes)
    if rng.random() < 0.5:
        themes.append(_pick(rng, BASE_THEMES[person.audience]))

    def pool(theme: str, ask: bool) -> tuple[str, ...]:
        t = THEMES[theme]
        if youth:
            return t.youth_ask if ask else t.youth_bad
        return t.adult_ask if ask else t.adult_bad

    if kind == "why_not":
        count = rng.choices((1, 2, 3), weights=(0.6, 0.3, 0.1))[0]
        lines = rng.sample(WHY_NOT_TELL, count)
        if rng.random() < 0.3:
            lines.append(rng.choice(pool(themes[0], False)))
        return [_fill(rng, line, person) for line in lines]

    length = rng.random()
    ask = kind in ("ask", "support")
    if length < 0.2:
        t = THEMES[themes[0]]
        return [rng.choice(t.short_ask if ask else t.short_bad)]
    count = 1 if length < 0.62 else 2 if length < 0.9 else 3
    lines: list[str] = []
    used: set[str] = set()
    complaint_first = kind == "bad"
    for n in range(count):
        theme = themes[n % len(themes)]
        if kind == "support" and rng.random() < 0.5:
            options: tuple[str, ...] = PARENT_SUPPORT
        elif kind == "message":
            # A message to leaders usually says what is wrong, then what to do about it.
            asking = n > 0 or rng.random() < 0.55
            complaint_first = complaint_first or (n == 0 and not asking)
            options = pool(theme, asking)
        else:
            options = pool(theme, ask)
        fresh = [o for o in options if o not in used]
        if not fresh:
            continue
        template = rng.choice(fresh)
        used.add(template)
        lines.append(_fill(rng, template, person))
    if not lines:
        return [rng.choice(THEMES[themes[0]].short_ask if ask else THEMES[themes[0]].short_bad)]
    if complaint_first and rng.random() < 0.3 and not lines[0].startswith(("I ", "I'", "{")):
        opener = rng.choice(OPENERS_YOUTH if youth else OPENERS_ADULT)
        lines[0] = f"{opener}, {lines[0][0].lower()}{lines[0][1:]}"
    for n in range(1, len(lines)):
        if rng.random() < 0.25 and not lines[n].startswith(("I ", "I'")):
            joiner = rng.choice(("Also", "And", "Plus", "Oh and"))
            lines[n] = f"{joiner} {lines[n][0].lower()}{lines[n][1:]}"
    if rng.random() < 0.2:
        lines.append(rng.choice(CLOSERS_YOUTH if youth else CLOSERS_ADULT))
    return lines


def _fill(rng: random.Random, template: str, person: Person) -> str:
    children = CHILDREN.get(person.audience, CHILDREN["community"])
    son, daughter = rng.choice(children["son"]), rng.choice(children["daughter"])
    text = template.format(
        place=rng.choice(PLACES),
        at_place=rng.choice(AT_PLACES),
        time=rng.choice(TIMES),
        estate=rng.choice(ESTATES),
        son=son,
        daughter=daughter,
        kid=rng.choice((son, daughter)),
    )
    return text[0].upper() + text[1:]


def _with_personal_detail(rng: random.Random, text: str, person: Person) -> str:
    """Details respondents are asked not to give but sometimes do; redaction has to find them."""
    youth = person.voice == "youth"
    name = rng.choice(FIRST_NAMES)
    detail = rng.choice(("phone", "handle", "address", "name"))
    if detail == "phone":
        number = f"07700 900{rng.randint(0, 999):03d}"  # Ofcom's range reserved for drama
        extra = (
            f"text me on {number} if u want to know more"
            if youth
            else f"Happy to talk, my number is {number}."
        )
    elif detail == "handle":
        handle = f"{name.lower()}{rng.choice(('_x', '.b', '2k9', '_07', 'x', '.official'))}"
        extra = (
            f"theres an account @{handle} that posts all the fights"
            if youth
            else f"There's a page @{handle} that shares videos of kids fighting."
        )
    elif detail == "address":
        where = f"{rng.randint(2, 140)} {rng.choice(STREETS)}"
        extra = (
            f"its worst outside {where}, theyre always there"
            if youth
            else f"The house at {where} is dealing day and night."
        )
    else:
        extra = (
            f"{name} from my year got jumped and no one did anything"
            if youth
            else f"My son {name} was robbed on his way home and nobody was caught."
        )
    separator = " " if text.endswith((".", "!", "?")) else ". "
    return f"{text}{separator}{extra}"


def _style(rng: random.Random, text: str, youth: bool) -> str:
    """Make typed answers look typed: young people's more than adults'."""
    if youth:
        if rng.random() < 0.55:
            text = text.replace("'", "")
        if rng.random() < 0.35:
            for pattern, replacement in TEXT_SWAPS:
                if rng.random() < 0.6:
                    text = re.sub(pattern, replacement, text)
        if rng.random() < 0.3:
            text = text.lower()
        if rng.random() < 0.4:
            text = text.rstrip(".")
        if rng.random() < 0.08:
            text = text.rstrip(".") + rng.choice((" innit", " fr", " tbh", "!!", " like"))
    elif rng.random() < 0.05:
        text = text.rstrip(".") + "!!"
    if rng.random() < (0.25 if youth else 0.1):
        text = _typo(rng, text)
    return text


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randint(1, len(word) - 3)
    how = rng.random()
    if how < 0.4:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # swapped letters
    elif how < 0.7:
        word = word[:j] + word[j + 1 :]  # dropped letter
    else:
        word = word[:j] + word[j] + word[j:]  # doubled letter
    words[i] = word
    return " ".join(words)


def _fit(text: str, limit: int | None) -> str:
    limit = limit or logic.DEFAULT_MAX_TEXT
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]
