"""Read and validate `schedules.yaml`; every mistake names the entry and the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.errors import ConfigError, KnowledgeFileError
from bot.ingest import yamlfile
from bot.ingest.dates import WEEKDAYS

DEFAULT_AGENDA_DAYS = 7  # the Respekttrappan steps ask for material a week before the APT
REMINDER_LEAD_MINUTES = 60  # `reminder: true`: an hour before the meeting
_ENGLISH_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Full names and their first three letters ("fre", "fri"), Swedish or English.
_WEEKDAYS = {
    name: day
    for day, names in enumerate(zip(WEEKDAYS, _ENGLISH_DAYS, strict=True))
    for full in names
    for name in (full, full[:3])
}


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so pydantic reports a bad date by its field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Pause(BaseModel):
    """A period (both days included) when a schedule posts nothing, e.g. the summer break."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    reason: str = Field("uppehåll", min_length=1, max_length=80)

    @model_validator(mode="after")
    def _ordered(self) -> Pause:
        """Reject a pause that ends before it starts."""
        if self.end < self.start:
            raise ValueError("'to' ska vara samma dag som eller efter 'from'")
        return self

    def covers(self, day: dt.date) -> bool:
        """Return True when `day` is in the pause."""
        return self.start <= day <= self.end


class Schedule(BaseModel):
    """One entry of schedules.yaml: what to post, where and when.

    For kind apt, `time` is the meeting's time: the agenda goes out `agenda_days_before`
    days before it at the same time of day, and the optional reminder on the meeting day.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    kind: Literal["hp", "apt"]
    channel: str = Field(min_length=1)
    weekday: int  # 0 = Monday … 6 = Sunday, as datetime.date.weekday()
    time: dt.time
    every_weeks: int = Field(1, ge=1, le=52)
    week_of_month: int | None = None  # 1–4, or -1 for the last one ("last" in YAML)
    timezone: str = "Europe/Stockholm"
    start_date: dt.date
    holiday_policy: Literal["skip", "next_workday", "previous_workday"] = "skip"
    start_step: int | None = Field(None, ge=1, le=7)
    agenda_days_before: int | None = Field(None, ge=0, le=28)  # apt only; None: 7
    reminder: dt.time | None = None  # apt only: the reminder's time on the meeting day
    pauses: tuple[Pause, ...] = ()

    @field_validator("weekday", mode="before")
    @classmethod
    def _weekday(cls, value: Any) -> int:
        """Accept Swedish or English day names (or 1–7 with Monday = 1)."""
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 7:
            return value - 1
        if isinstance(value, str) and value.strip().lower() in _WEEKDAYS:
            return _WEEKDAYS[value.strip().lower()]
        raise ValueError(f"okänd veckodag {value!r}; skriv t.ex. 'fredag' eller 'friday'")

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        """Accept "HH:MM"; YAML 1.1 reads an unquoted 10:30 as the integer 630 (base 60)."""
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return dt.time(*divmod(value, 60))
        if isinstance(value, str):
            try:
                return dt.time.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f'ogiltig tid {value!r}; skriv t.ex. "09:00"')

    @field_validator("reminder", mode="before")
    @classmethod
    def _reminder(cls, value: Any, info: ValidationInfo) -> Any:
        """Accept true (an hour before the meeting), false, or a time "HH:MM"."""
        if value is None or value is False:
            return None
        if value is True:
            meeting = info.data.get("time")
            if not isinstance(meeting, dt.time):
                return None  # the time itself is wrong: that error is reported
            minutes = max(meeting.hour * 60 + meeting.minute - REMINDER_LEAD_MINUTES, 0)
            return dt.time(*divmod(minutes, 60))
        return cls._time(value)

    @field_validator("week_of_month", mode="before")
    @classmethod
    def _week_of_month(cls, value: Any) -> Any:
        """Accept 1–4, or "last"/"sista" for the last such weekday of the month."""
        if isinstance(value, str) and value.strip().lower() in {"last", "sista"}:
            return -1
        if value is None or (isinstance(value, int) and value in {1, 2, 3, 4, -1}):
            return value
        raise ValueError(f"ska vara 1, 2, 3, 4 eller 'last' (sista), inte {value!r}")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        """Require an IANA zone name that zoneinfo knows."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"okänd tidszon {value!r}; skriv t.ex. 'Europe/Stockholm'") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Schedule:
        """Reject combinations that cannot mean anything."""
        if self.week_of_month is not None and self.every_weeks != 1:
            raise ValueError("välj antingen 'every_weeks' eller 'week_of_month', inte båda")
        for field in ("start_step", "agenda_days_before", "reminder"):
            if self.kind == "hp" and getattr(self, field) is not None:
                raise ValueError(f"{field!r} gäller bara kind: apt")
        if self.reminder is not None and self.reminder > self.time:
            raise ValueError("'reminder' ska vara före mötets tid ('time')")
        return self

    @property
    def tz(self) -> ZoneInfo:
        """Return the schedule's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def agenda_days(self) -> int:
        """Return how many days before the meeting its post goes out (0 for an HP-punkt)."""
        if self.kind != "apt":
            return 0
        return DEFAULT_AGENDA_DAYS if self.agenda_days_before is None else self.agenda_days_before

    def pause_on(self, day: dt.date) -> Pause | None:
        """Return the pause that covers `day`, or None."""
        return next((pause for pause in self.pauses if pause.covers(day)), None)

    @property
    def first_step(self) -> int:
        """Return the Respekttrappan step an APT channel starts from."""
        return self.start_step or 1


def load_schedules(path: Path, missing_ok: bool = False) -> list[Schedule]:
    """Read and validate the schedules file; raise ConfigError naming entry, field and line."""
    if not path.exists():
        if missing_ok:
            return []
        raise ConfigError(f"{path}: filen finns inte (se schedules.example.yaml)")
    return parse_schedules(path.read_text(encoding="utf-8"), path.name)


def parse_schedules(text: str, filename: str = "schedules.yaml") -> list[Schedule]:
    """Validate the YAML `text`; raise ConfigError naming entry, field and line."""
    try:
        data, root = yamlfile.load(text, filename, loader=_Loader)
    except KnowledgeFileError as exc:  # the same "file:line: ogiltig YAML: ..." as a config error
        raise ConfigError(str(exc)) from None
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("schedules", []), list):
        raise ConfigError(f"{filename}: ska ha nyckeln 'schedules:' med en lista av scheman")
    extra = sorted(set(data) - {"schedules", "pauses"})
    if extra:
        raise ConfigError(f"{filename}: okänd nyckel {extra[0]!r} (bara 'schedules:' och 'pauses:')")
    shared = _shared_pauses(data.get("pauses"), filename, root)
    entries = data.get("schedules") or []
    schedules = [_with_pauses(_validate(entry, i, filename, root), shared) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for schedule in schedules:
        if schedule.name in seen:
            raise ConfigError(f"{filename}: schema {schedule.name!r}: namnet används två gånger")
        seen.add(schedule.name)
    return schedules


def _shared_pauses(value: Any, filename: str, root: yaml.Node | None) -> tuple[Pause, ...]:
    """Validate the top-level `pauses:` that apply to every schedule."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{filename}: 'pauses:' ska vara en lista (from:, to:, reason:)")
    pauses = []
    for index, entry in enumerate(value):
        try:
            pauses.append(Pause.model_validate(entry))
        except ValidationError as exc:
            loc, message = yamlfile.first_error(exc)
            line = yamlfile.line_of(root, ("pauses", index, *loc))
            at = f" (rad {line})" if line else ""
            raise ConfigError(f"{filename}: uppehåll nr {index + 1}{at}: {message}") from None
    return tuple(pauses)


def _with_pauses(schedule: Schedule, shared: tuple[Pause, ...]) -> Schedule:
    """Return `schedule` with the shared pauses added to its own."""
    if not shared:
        return schedule
    return schedule.model_copy(update={"pauses": shared + schedule.pauses})


def _validate(entry: Any, index: int, filename: str, root: yaml.Node | None) -> Schedule:
    """Validate one entry; translate pydantic's error into one Swedish line."""
    label = f"schema nr {index + 1}"
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        label = f"schema {entry['name']!r}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{filename}: {label}: ska vara en mappning (name:, kind:, ...)")
    try:
        return Schedule.model_validate(entry)
    except ValidationError as exc:
        loc, message = yamlfile.first_error(exc)
        field = ".".join(str(part) for part in loc)
        line = yamlfile.line_of(root, ("schedules", index, *loc))
        at = f" (rad {line})" if line else ""
        what = f", fält {field!r}" if field else ""
        raise ConfigError(f"{filename}: {label}{what}{at}: {message}") from None
