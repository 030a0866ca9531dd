"""When a student may take a quiz and for how long: the quiz's settings, adjusted for a course
and then for one student (Moodle's user overrides), with the student's extra time.

Plain values in, plain values out: no database. A quiz's own settings are the base; a course's
assignment of the quiz and a student's override each change only what they set, so giving the
quiz to another class on another day is an assignment with other dates, and one student's
second chance is an override with one more attempt.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

# In an adjustment, 0 minutes or 0 attempts means "none": no time limit, unlimited attempts.
NO_LIMIT = 0


@dataclass(frozen=True)
class Schedule:
    """When a quiz is open, its time limit (None: untimed) and attempts (None: unlimited)."""

    opens_at: datetime | None = None
    closes_at: datetime | None = None
    time_limit_minutes: int | None = None
    attempts_allowed: int | None = None

    def is_open_at(self, moment: datetime) -> bool:
        return (self.opens_at is None or self.opens_at <= moment) and (
            self.closes_at is None or moment < self.closes_at
        )

    def opens_later(self, moment: datetime) -> bool:
        return self.opens_at is not None and moment < self.opens_at

    def has_closed(self, moment: datetime) -> bool:
        return self.closes_at is not None and moment >= self.closes_at

    @property
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    def time_limit_with(self, extra: "ExtraTime") -> timedelta | None:
        """The time limit stretched by the student's extra time (or none at all)."""
        if self.time_limit is None or extra.no_time_limit:
            return None
        return self.time_limit * float(extra.time_factor)

    def deadline_for(self, started_at: datetime, extra: "ExtraTime") -> datetime | None:
        """When an attempt started then must end: its time limit or the closing time, earlier.

        Extra time changes the time limit only: the closing time still closes the quiz for
        everyone (as in Moodle, where a user override of the time limit keeps the close date).
        """
        limit = self.time_limit_with(extra)
        ends = [
            moment
            for moment in (started_at + limit if limit else None, self.closes_at)
            if moment is not None
        ]
        return min(ends) if ends else None

    def attempts_left(self, used: int) -> int | None:
        if self.attempts_allowed is None:
            return None
        return max(0, self.attempts_allowed - used)


@dataclass(frozen=True)
class Adjustment:
    """What a course's assignment or a student's override changes; None leaves it as it was.

    A time limit or an attempt count of 0 (NO_LIMIT) removes the limit.
    """

    opens_at: datetime | None = None
    closes_at: datetime | None = None
    time_limit_minutes: int | None = None
    attempts_allowed: int | None = None

    def is_empty(self) -> bool:
        return self == Adjustment()


def adjusted(schedule: Schedule, *adjustments: Adjustment | None) -> Schedule:
    """The schedule with each adjustment applied in turn (the course's, then the student's)."""
    for change in adjustments:
        if change is None:
            continue
        schedule = Schedule(
            opens_at=schedule.opens_at if change.opens_at is None else change.opens_at,
            closes_at=schedule.closes_at if change.closes_at is None else change.closes_at,
            time_limit_minutes=(
                schedule.time_limit_minutes
                if change.time_limit_minutes is None
                else change.time_limit_minutes or None
            ),
            attempts_allowed=(
                schedule.attempts_allowed
                if change.attempts_allowed is None
                else change.attempts_allowed or None
            ),
        )
    return schedule


@dataclass(frozen=True)
class ExtraTime:
    """A student's extra time in a course: a factor on every time limit, or no limit at all."""

    time_factor: Decimal = Decimal(1)
    no_time_limit: bool = False

    @property
    def is_standard(self) -> bool:
        return self.time_factor == 1 and not self.no_time_limit

    @property
    def text(self) -> str:
        """ "1.5× time", "no time limit", or "" for the standard time."""
        if self.no_time_limit:
            return "no time limit"
        if self.time_factor == 1:
            return ""
        return f"{self.time_factor:f}".rstrip("0").rstrip(".") + "× time"


STANDARD_TIME = ExtraTime()


def duration_text(duration: timedelta) -> str:
    """How long something took, as the pages say it: "45 s", "12 min 05 s", "1 h 02 min"."""
    seconds = max(0, int(duration.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02} min"
    if minutes:
        return f"{minutes} min {seconds:02} s"
    return f"{seconds} s"
