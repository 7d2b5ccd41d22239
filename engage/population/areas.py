"""Local authority areas known to the Census 2021 baseline shipped with Engage.

Source: Office for National Statistics licensed under the Open Government Licence v.3.0.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0"
)

# Named groups officers often pick together.
AREA_GROUPS: dict[str, list[str]] = {
    "West Midlands (7 authorities)": [
        "E08000025",
        "E08000026",
        "E08000027",
        "E08000028",
        "E08000029",
        "E08000030",
        "E08000031",
    ],
}


@lru_cache(maxsize=1)
def area_names() -> dict[str, str]:
    """GSS code -> official name, for the 331 local authorities of England and Wales."""
    names: dict[str, str] = {}
    data = resources.files("engage.population").joinpath("data/la_population.csv")
    # Bytes wrapped by hand: Traversable.open promises no newline argument, and the
    # csv module wants newline="" (a quoted field may hold a line break).
    with data.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names.setdefault(row["area_code"], row["area_name"])
    return dict(sorted(names.items(), key=lambda item: item[1]))


class UnknownArea(ValueError):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes


def parse_area_codes(raw: str) -> list[str]:
    """Codes from free text ("E08000025, E08000027" or one per line), checked and de-duplicated."""
    names = area_names()
    codes: list[str] = []
    for token in raw.replace(",", " ").split():
        code = token.strip().upper()
        if code and code not in codes:
            codes.append(code)
    unknown = [c for c in codes if c not in names]
    if unknown:
        raise UnknownArea(unknown)
    return codes
