"""Daily-log files written the way their sources write them, for tests (no analyzer code used)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

#: The columns of a WHOOP ``journal_entries.csv`` (the real export of the shared samples).
WHOOP_HEADER = "Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes"
#: Questions of the real export besides hydration (answered "false" here, as WHOOP defaults them).
OTHER_QUESTIONS = ("Have any alcoholic drinks?", "Have any caffeine? ", "Take creatine?")


def whoop_journal(answers: Mapping[dt.date, bool | None], zone: str = "UTC+01:00") -> bytes:
    """A WHOOP journal with the answer to "Hydrated sufficiently?" of each day.

    A day whose answer is ``None`` has no row at all (the journal was not
    filled in). Each day's cycle starts at 22:30 that evening, when the
    athlete fell asleep, and ends at 22:30 the next evening; WHOOP files the
    answers about a day under the cycle that starts with that night's sleep.
    """
    lines = [WHOOP_HEADER]
    for day, hydrated in sorted(answers.items()):
        if hydrated is None:
            continue
        start = dt.datetime.combine(day, dt.time(22, 30))
        end = start + dt.timedelta(days=1)
        cycle = f"{start:%Y-%m-%d %H:%M:%S},{end:%Y-%m-%d %H:%M:%S},{zone}"
        lines.append(f"{cycle},Hydrated sufficiently?,{str(hydrated).lower()},")
        lines += [f"{cycle},{question},false," for question in OTHER_QUESTIONS]
    return ("\n".join(lines) + "\n").encode()
