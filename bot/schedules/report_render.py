"""The HP report as Markdown (for the annual report's author) and CSV (for a spreadsheet), in Swedish."""

from __future__ import annotations

import csv
import io

from bot.schedules.report import ORDER, ChannelReport, Report, principle_title
from bot.schedules.report_chart import to_png  # matplotlib itself loads when a chart is drawn

INTRO = (
    "Underlag till årsredovisningen: hur arbetet med de horisontella principerna "
    "(jämställdhet, tillgänglighet och icke-diskriminering) har gått i projektens kanaler. "
    '*Genomförd* betyder att någon i kanalen tryckte på "Genomförd ✅" under inlägget; '
    "anteckningarna är det mötena själva skrev i inläggens trådar."
)
PRIVACY = "Rapporten innehåller inga namn och inga frågetexter; anteckningarna är maskade."
CSV_COLUMNS = ("avsnitt", "kanal", "datum", "nyckel", "postade", "genomförda", "text")


def to_markdown(report: Report) -> str:
    """Return the report as Markdown.

    >>> print(to_markdown(Report(2026, None, (), ())).splitlines()[0])
    # HP-rapport 2026
    """
    lines = [f"# HP-rapport {report.year}" + (f" – kanal {report.channel}" if report.channel else ""), "", INTRO, ""]
    if not report.channels:
        lines += ["Inga schemalagda inlägg under året.", ""]
    for channel in report.channels:
        lines += _channel_md(channel)
    lines += ["## Frågor till HP-assistenten", ""]
    if report.topics:
        lines += [
            f"{report.questions} frågor under året, per ämne (det dokument svaret byggde på):",
            "",
            "| Ämne | Frågor |",
            "|---|---:|",
        ]
        lines += [f"| {_cell(topic)} | {count} |" for topic, count in report.topics]
    else:
        lines.append("Inga frågor under året.")
    return "\n".join([*lines, "", f"_{PRIVACY}_", ""])


def _channel_md(channel: ChannelReport) -> list[str]:
    label = f" ({', '.join(channel.schedules)})" if channel.schedules else ""
    lines = [f"## Kanal {channel.channel}{label}", "", "### HP-punkter", ""]
    if not channel.posted:
        return [*lines, "Inga inlägg under året.", ""]
    lines += ["| Princip | Postade | Genomförda |", "|---|---:|---:|"]
    for principle in (p for p in ORDER if channel.posted[p]):
        lines.append(f"| {principle_title(principle)} | {channel.posted[principle]} | {channel.held[principle]} |")
    lines += [f"| **Totalt** | **{channel.posted.total()}** | **{channel.held.total()}** |", ""]
    if channel.apts:
        held = channel.steps_held
        lines += [
            "### Respekttrappan på APT",
            "",
            f"{len(channel.apts)} dagordningar, {len([a for a in channel.apts if a.held])} APT genomförda. "
            + (
                f"Genomförda steg i tur och ordning: {', '.join(map(str, held))}."
                if held
                else "Inget steg markerat som genomfört."
            ),
            "",
            "| APT | Steg | Genomförd |",
            "|---|---:|---|",
        ]
        lines += [f"| {a.nominal.isoformat()} | {a.step or '–'} | {'ja' if a.held else 'nej'} |" for a in channel.apts]
        lines.append("")
    lines += ["### Anteckningar från mötena", ""]
    lines += [f"- {n.nominal.isoformat()}: {_cell(n.text)}" for n in channel.notes] or ["Inga anteckningar."]
    return [*lines, ""]


def to_csv(report: Report) -> str:
    """Return the report as CSV: one row per count, step and note (columns CSV_COLUMNS).

    >>> to_csv(Report(2026, None, (), (("APT", 3),))).splitlines()[1]
    'frågor,,,APT,3,,'
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in report.channels:
        for principle in (p for p in ORDER if c.posted[p]):
            writer.writerow(("hp-punkter", c.channel, "", principle, c.posted[principle], c.held[principle], ""))
        for apt in c.apts:
            day = apt.nominal.isoformat()
            writer.writerow(("respekttrappan", c.channel, day, apt.step or "", 1, int(apt.held), ""))
        for note in c.notes:
            writer.writerow(("anteckning", c.channel, note.nominal.isoformat(), note.schedule, "", "", note.text))
    for topic, count in report.topics:
        writer.writerow(("frågor", "", "", topic, count, "", ""))
    return out.getvalue()


def _cell(text: str) -> str:
    """Return `text` safe inside a Markdown table cell or list item (no pipes, one line).

    >>> _cell("a | b\\nc")
    'a / b c'
    """
    return " ".join(text.replace("|", "/").split())


def report_files(report: Report) -> list[tuple[str, bytes]]:
    """Return the report as the files an admin gets: the Markdown and the PNG chart."""
    name = f"hp-rapport-{report.year}" + (f"-{report.channel}" if report.channel else "")
    return [(f"{name}.md", to_markdown(report).encode("utf-8")), (f"{name}.png", to_png(report))]
