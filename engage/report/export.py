"""The engagement report's figures as JSON and as a tidy CSV (one row per figure).

Both come from the same ``Report`` the page is rendered from, so they hold the
same figures and only masked display values ("<10", "[c]", "1,234").
"""

from __future__ import annotations

from typing import Any

from engage import exports
from engage.report.context import Report

CSV_COLUMNS = ("section", "dimension", "group", "item", "measure", "value")


def report_data(report: Report) -> dict[str, Any]:
    reach = report.reach
    themes = report.themes
    return {
        "consultation": {
            "id": report.survey_id,
            "title": report.title,
            "audience": report.audience,
            "areas": report.areas,
            "ages": report.ages,
            "open": report.open_dates,
            "responses_collected": report.collected,
            "report_date": report.generated,
        },
        "method": {
            "responses": report.responses,
            "people_who_wrote_an_answer": report.wrote,
            "channels": [{"channel": name, "responses": n} for name, n in report.channels],
            "modes": [{"mode": name, "responses": n} for name, n in report.modes],
            "small_counts": f"Counts from 1 to {report.threshold - 1} are shown as "
            f'"<{report.threshold}"; "[c]" hides a count that could otherwise be worked out.',
        },
        "who_took_part": [
            {
                "dimension": d.label,
                "compared_with": d.source,
                "groups": [
                    {
                        "group": r.category,
                        "responses": r.n,
                        "share_of_respondents": r.sample_pct,
                        "share_of_population": r.population_pct,
                        "representation_ratio": r.ratio,
                        "under_reached": r.under,
                    }
                    for r in d.rows
                ],
                "prefer_not_to_say": d.refused,
                "not_answered": d.not_answered,
            }
            for d in reach.dimensions
        ],
        "who_we_missed": {
            "next_wave_size": reach.planned_next,
            "groups": [
                {
                    "dimension": m.dimension,
                    "group": m.category,
                    "responses": m.n,
                    "representation_ratio": m.ratio,
                    "needed_next_wave": m.needed,
                }
                for m in reach.missing
            ],
        },
        "themes": {
            "basis": report.scope_note,
            "people_who_wrote_an_answer": themes.answered,
            "overall": [
                {"theme": t.name, "people": t.count, "share": t.share, "ci_95": t.interval}
                for t in report.top_themes
            ],
            "by_group": [
                {
                    "dimension": table.label,
                    "groups": [
                        {"group": g, "people_who_wrote": base}
                        for g, base in zip(table.groups, table.bases, strict=True)
                    ],
                    "themes": [
                        {
                            "theme": row.name,
                            "everyone": row.everyone,
                            "cells": [
                                {
                                    "group": g,
                                    "people": c.count,
                                    "share": c.share,
                                    "ci_95": c.interval,
                                }
                                for g, c in zip(table.groups, row.cells, strict=True)
                            ],
                        }
                        for row in table.rows
                    ],
                }
                for table in report.group_tables
            ],
        },
        "assembly_priorities": [
            {"theme": r.name, "mean_rating": r.mean, "members_who_rated": r.raters}
            for r in report.assembly
        ],
        "assembly_broadest_support": [
            {"statement": text, "consensus": score} for text, score in report.consensus
        ],
        "strategic_priorities": [
            {
                "code": p.code,
                "priority": p.title,
                "themes": [
                    {"theme": t.name, "people": t.count, "share": t.share} for t in p.mentioned
                ],
                "themes_not_mentioned": p.not_mentioned,
            }
            for p in report.priorities
        ],
        "commitments": [
            {
                "title": c.title,
                "partner": c.partner,
                "status": c.status_label,
                "progress_percent": c.progress,
                "starts": c.starts,
                "due": c.due,
                "done": c.done,
                "reason_not_taken_forward": c.reason,
                "themes": c.themes,
                "groups": c.groups,
                "updates": [
                    {"on": u.on, "text": u.text, "status": u.status, "progress_percent": u.progress}
                    for u in c.updates
                ],
            }
            for c in report.commitments
        ],
        "commitments_by_status": {label: n for label, n in report.status_counts},
        "attribution": report.attribution,
    }


def report_rows(data: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """One row per figure: section, dimension, group, item, measure, value."""
    rows: list[tuple[str, str, str, str, str, str]] = []

    def add(section: str, dimension: str, group: str, item: str, measure: str, value: Any) -> None:
        rows.append((section, dimension, group, item, measure, _text(value)))

    method = data["method"]
    add("method", "", "", "", "responses", method["responses"])
    add("method", "", "", "", "people_who_wrote_an_answer", method["people_who_wrote_an_answer"])
    for row in method["channels"]:
        add("method", "channel", row["channel"], "", "responses", row["responses"])
    for row in method["modes"]:
        add("method", "mode", row["mode"], "", "responses", row["responses"])
    for dim in data["who_took_part"]:
        for g in dim["groups"]:
            for measure in (
                "responses",
                "share_of_respondents",
                "share_of_population",
                "representation_ratio",
                "under_reached",
            ):
                add("who_took_part", dim["dimension"], g["group"], "", measure, g[measure])
        add(
            "who_took_part",
            dim["dimension"],
            "Prefer not to say",
            "",
            "responses",
            dim["prefer_not_to_say"],
        )
        add("who_took_part", dim["dimension"], "Not answered", "", "responses", dim["not_answered"])
    missed = data["who_we_missed"]
    for g in missed["groups"]:
        for measure in ("responses", "representation_ratio", "needed_next_wave"):
            add("who_we_missed", g["dimension"], g["group"], "", measure, g[measure])
    themes = data["themes"]
    add("themes", "", "All", "", "people_who_wrote_an_answer", themes["people_who_wrote_an_answer"])
    for t in themes["overall"]:
        for measure in ("people", "share", "ci_95"):
            add("themes", "", "All", t["theme"], measure, t[measure])
    for table in themes["by_group"]:
        for g in table["groups"]:
            add(
                "themes_by_group",
                table["dimension"],
                g["group"],
                "",
                "people_who_wrote",
                g["people_who_wrote"],
            )
        for t in table["themes"]:
            for cell in t["cells"]:
                for measure in ("people", "share", "ci_95"):
                    add(
                        "themes_by_group",
                        table["dimension"],
                        cell["group"],
                        t["theme"],
                        measure,
                        cell[measure],
                    )
            add(
                "themes_by_group",
                table["dimension"],
                "Everyone",
                t["theme"],
                "people",
                t["everyone"],
            )
    for r in data["assembly_priorities"]:
        add("assembly_priorities", "", "", r["theme"], "mean_rating", r["mean_rating"])
        add("assembly_priorities", "", "", r["theme"], "members_who_rated", r["members_who_rated"])
    for s in data["assembly_broadest_support"]:
        add("assembly_broadest_support", "", "", s["statement"], "consensus", s["consensus"])
    for p in data["strategic_priorities"]:
        name = f"{p['code']} {p['priority']}".strip()
        for t in p["themes"]:
            add("strategic_priorities", name, "", t["theme"], "people", t["people"])
            add("strategic_priorities", name, "", t["theme"], "share", t["share"])
    for c in data["commitments"]:
        for measure in ("status", "progress_percent", "starts", "due", "done"):
            add("commitments", c["partner"], "", c["title"], measure, c[measure])
    for label, n in data["commitments_by_status"].items():
        add("commitments_by_status", "", label, "", "commitments", n)
    return rows


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def to_csv(data: dict[str, Any]) -> bytes:
    return exports.csv_bytes(CSV_COLUMNS, report_rows(data))
