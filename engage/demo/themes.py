"""What the demo's respondents write: theme sentences, short answers, styling and typos.

The free text is built from each respondent's themes (what they talk about), in a
young person's or an adult's voice, with the slips, slang and personal details real
answers have, so redaction, safeguarding and theme coding have something to find.
Also the seed-term code suggestions the themes pages start from.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engage.demo.plans import pick
from engage.surveys.models import Survey


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


def suggest_codes(session: Session, survey: Survey) -> None:
    """Seed-term suggestions for the sample's free text, so the themes pages have codes
    to review from the start (the partnership codebook is created on first use)."""
    from engage.themes.services import refresh_suggestions, text_questions

    for question in text_questions(survey):
        refresh_suggestions(session, question)


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


def write_answer(rng: random.Random, key: str, audience: str, themes: Sequence[str]) -> str:
    """A free-text answer to the question ``key`` from someone who raises ``themes``."""
    youth = audience == "young_people"
    kind = _text_kind(key)
    roll = rng.random()
    if roll < (0.1 if youth else 0.06):
        return rng.choice(NOTHING_YOUTH if youth else NOTHING_ADULT)
    if roll < (0.12 if youth else 0.075) and kind in ("bad", "message", "why_not"):
        disclosure = rng.choice(DISCLOSURES[audience])
        return _style(rng, disclosure, youth) if youth else disclosure
    sentences = _sentences(rng, kind, audience, themes)
    text = " ".join(sentences)
    if rng.random() < 0.03:
        text = _with_personal_detail(rng, text, youth)
    return _style(rng, text, youth)


def _sentences(rng: random.Random, kind: str, audience: str, themes: Sequence[str]) -> list[str]:
    youth = audience == "young_people"
    raised = list(themes)
    if rng.random() < 0.5:
        raised.append(pick(rng, BASE_THEMES[audience]))

    def pool(theme: str, ask: bool) -> tuple[str, ...]:
        t = THEMES[theme]
        if youth:
            return t.youth_ask if ask else t.youth_bad
        return t.adult_ask if ask else t.adult_bad

    if kind == "why_not":
        count = rng.choices((1, 2, 3), weights=(0.6, 0.3, 0.1))[0]
        reasons = rng.sample(WHY_NOT_TELL, count)
        if rng.random() < 0.3:
            reasons.append(rng.choice(pool(raised[0], False)))
        return [_fill(rng, line, audience) for line in reasons]

    length = rng.random()
    ask = kind in ("ask", "support")
    if length < 0.2:
        t = THEMES[raised[0]]
        return [rng.choice(t.short_ask if ask else t.short_bad)]
    count = 1 if length < 0.62 else 2 if length < 0.9 else 3
    lines: list[str] = []
    used: set[str] = set()
    complaint_first = kind == "bad"
    for n in range(count):
        theme = raised[n % len(raised)]
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
        lines.append(_fill(rng, template, audience))
    if not lines:
        return [rng.choice(THEMES[raised[0]].short_ask if ask else THEMES[raised[0]].short_bad)]
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


def _fill(rng: random.Random, template: str, audience: str) -> str:
    children = CHILDREN.get(audience, CHILDREN["community"])
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


def _with_personal_detail(rng: random.Random, text: str, youth: bool) -> str:
    """Details respondents are asked not to give but sometimes do; redaction has to find them."""
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
