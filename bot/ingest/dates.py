"""Swedish month and weekday names: for dates in posts, and for spotting dates in text."""

import datetime as dt

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")  # date.weekday()


def swedish_date(day: dt.date) -> str:
    """Format a date the Swedish way.

    >>> swedish_date(dt.date(2026, 12, 25))
    'fredag 25 december 2026'
    """
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
