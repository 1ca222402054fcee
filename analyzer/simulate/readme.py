"""The ``sample_data/README.md`` text, generated from the simulated squad so it never goes stale."""

from __future__ import annotations

import datetime as dt

from analyzer.simulate import model
from analyzer.simulate.history import AthleteHistory
from analyzer.simulate.writers import RECORD_EVERY_S

_INTRO = (
    "# Demo squad (synthetic data with known, planted patterns)\n"
    "\n"
    "Everything in this folder except `templates/` is "
    "**synthetic**: drawn by the seeded simulator in\n"
    "`analyzer/simulate/` and written by it. No real "
    "person's data is here. Rebuild it, byte for byte, with\n"
    "\n"
    "```sh\n"
    "python -m analyzer.simulate.squad --out sample_data\n"
    "```\n"
    "\n"
    "(master seed {seed}, {days} days from {start}; each "
    "athlete's seed is derived from the master seed and\n"
    "the athlete's position in the squad and is stored in its "
    "`truth/<athlete_id>.json`). Do not edit the files by hand:\n"
    "change the model in `analyzer/simulate/` and "
    "rebuild. The same code writes large libraries for\n"
    "benchmarks without committing them, e.g.\n"
    "`python -m analyzer.simulate.squad --out /tmp/bench-lib --athletes 50 --days 1095`.\n"
    "\n"
    "The files say `manufacturer = development` and "
    '`product_name = "cramp-analyzer simulator"`: they never\n'
    "pretend to come from a real device.\n"
)

_LAYOUT = (
    "## Layout and formats\n"
    "\n"
    "| path | what |\n"
    "|---|---|\n"
    "| `athletes.csv` | the canonical `athletes` table: `athlete_id, display_name, "
    "sex, hr_rest_bpm, hr_max_bpm, lthr_bpm, ftp_w, timezone, sleep_need_h` |\n"
    "| `<athlete_id>/activities/<local start YYYY-MM-DD_HHMM>_<sport>.fit` | one FIT "
    "activity file per session: `file_id` (type activity), `device_info`, timer "
    '`event`s, `record` every {every} s ("smart recording": `timestamp, heart_rate, '
    "cadence, enhanced_speed, distance, temperature`, plus `enhanced_altitude` "
    "outdoors and `power` on the bike), a `lap` every 15 min, `session`, `activity` "
    "with `local_timestamp` (its difference to `timestamp` is the UTC offset) |\n"
    "| `<athlete_id>/sleep/<wake date>_SLEEP_DATA.fit` | one night per file, laid out "
    "like Garmin's sleep files: `file_id` type 49, a `timestamp_correlation` at "
    "wake-up (`local_timestamp` minus `timestamp` = UTC offset, so the local wake date "
    "is known), `event` 74 start/stop at sleep onset and wake-up, a `sleep_level` "
    "(awake, light, deep, rem) at every stage change — each holds until the next, and "
    "a final `awake` at wake-up closes the night — and a `sleep_assessment` (scores "
    "from our own simple formulas, not Garmin's, and `awakenings_count`) |\n"
    "| `<athlete_id>/wellness/<date>_WELLNESS.fit` | `file_id` type `monitoring_b`, "
    "`monitoring_info` (local midnight with `local_timestamp`), `monitoring_hr_data` at "
    "wake-up: `resting_heart_rate` = `current_day_resting_heart_rate` of that morning |\n"
    "| `<athlete_id>/wellness/<date>_HRV_STATUS.fit` | `file_id` type 68, `timestamp_correlation` "
    "at wake-up, `hrv_value` every 5 min of the night (RMSSD, ms), `hrv_status_summary` at "
    "wake-up; `last_night_average` is the mean of the night's 5-minute values |\n"
    "| `<athlete_id>/cramps.csv` | the cramp log: "
    "`start_local,muscle,side,severity_0_10,duration_s,context,relief,notes`; `start_local` "
    "is ISO 8601 local time with its UTC offset, e.g. `2026-03-14T02:30:00+01:00` |\n"
    "| `<athlete_id>/medications.csv` | the medication log: `name,kind,start_date,end_date,notes` "
    "(dates `YYYY-MM-DD`; empty `end_date` = still taking it) |\n"
    "| `<athlete_id>/daily_log.csv` | the daily log in the template's columns: "
    "`date,hydrated,fluid_l,electrolytes,alcohol_drinks,caffeine_mg,stretching_min,massage,"
    "ill,notes`; only the days the athlete logged (about {answered:.0%}), some with the fluid "
    "left empty |\n"
    "| `truth/<athlete_id>.json` | what was planted (kept out of the athlete "
    "folders, which the demo import reads whole): the athlete's full spec, the "
    "exposure definitions, the planted effects, counts, and every session, night "
    "and cramp with its exposures and the probability it was drawn with |\n"
    "| `templates/` | blank cramp, medication and daily log templates (not generated here) |\n"
    "\n"
    "Dates of nights are the local **wake-up** date; a cramp "
    "at 02:30 belongs to the night that ends that morning,\n"
    "and its exposures are the previous day's training and "
    "the nights before it (that night's own sleep may be cut\n"
    "short by the cramp, so it is shown around the cramps "
    "but never tested as something that came first).\n"
)

_MODEL = (
    "## The risk model (`analyzer/simulate/model.py`, class `CrampModel`)\n"
    "\n"
    "Exercise-associated cramps, per session (Schwellnus "
    "et al. 2011: relative intensity, not dehydration):\n"
    "\n"
    "    logit P(cramp in session) = logit(p_session) + ln(OR_intensity) * above_habit_intensity\n"
    "                                + ln(OR_duration) * above_habit_duration + ln(OR_heat) * hot\n"
    "                                + ln(OR_not_hydrated) * not_hydrated(day of the session)\n"
    "\n"
    "Nocturnal calf cramps, per night ending on date d "
    "(Grandner & Winkelman 2017; Garrison et al. 2012):\n"
    "\n"
    "    logit P(cramp in night d) = logit(p_night) + ln(OR_hard_day) * hard_day(d - 1)\n"
    "                                + ln(OR_short_night_before) * short_night(d - 1)\n"
    "                                + sum ln(OR_medication) over courses taken on d - 1\n"
    "\n"
    "Null control: every odds ratio is 1, so exercise-associated "
    "cramps fall in a constant share of sessions and\n"
    "nocturnal cramps in a constant share of nights, unrelated "
    "to anything the findings engine compares. (Optional\n"
    "random cramps, a Poisson process in time with `random_per_day` "
    "events per day, are mostly at rest, where the\n"
    "engine compares nothing; the demo squad does not use them.)\n"
    "\n"
    "Exposure definitions (all from *planned* session values, which the 1 Hz streams realise):\n"
    "\n"
    "- `above_habit_intensity`: the session's mean heart-rate-reserve "
    "fraction is at least {margin} above the mean of\n"
    "  the sessions of the previous {window} days (habit unknown, "
    "so not exposed, with fewer than {min_sessions} of them);\n"
    "- `above_habit_duration`: the session lasts at least "
    "{dur_ratio} x the mean duration of those sessions;\n"
    "- `hot`: the air temperature during a run or ride is "
    "at or above the athlete's heat threshold (the record\n"
    "  `temperature` stream carries it; pool swims never count);\n"
    "- `hard_day`: the day's Banister TRIMP is at least {hard_ratio} "
    "x the mean daily TRIMP (rest days count as 0) of the\n"
    "  previous {hard_window} days, the indicators' and the "
    "findings engine's rule (which apply it to the imported\n"
    "  daily load: TSS with power, else hrTSS or TRIMP, so a few borderline days differ);\n"
    "- `short_night`: asleep less than the athlete's sleep "
    "need minus {short} h; `short_night_before`: the night\n"
    "  ending the morning before (a cramp shortens the night "
    "it wakes you from, so only earlier nights can be tested\n"
    "  as something that came first);\n"
    "- `not_hydrated`: the day's true state in the daily-log "
    "model (`JournalModel`): not hydrated on a share\n"
    "  `p_not_hydrated` of days, independent of everything "
    "else, and acting on that day's sessions whether or not\n"
    "  the athlete logged the day (a share `p_unanswered` of "
    'days is left blank); the daily log writes "no" to\n'
    "  `hydrated` on those days and usually less fluid.\n"
    "\n"
    "Heart rate follows the target intensity with a 40 s "
    "first-order lag plus cardiac drift of 0.011 bpm per minute\n"
    "per degree above 12 deg C; resting HR rises and overnight "
    "RMSSD falls with acute training stress (ATL above CTL)\n"
    "and with sleep deficit (`analyzer/simulate/sleep.py`).\n"
)


def squad_readme(histories: list[AthleteHistory], seed: int) -> str:
    """The README of a squad simulated with master ``seed``: athletes, patterns, formats, model."""
    first = histories[0]
    parts = [_INTRO.format(seed=seed, days=first.days, start=first.start.isoformat())]
    parts.append(_athlete_table(histories))
    parts.append("## Planted patterns\n")
    parts += [_athlete_section(h) for h in histories]
    answered = 1.0 - first.spec.journal.p_unanswered
    parts.append(_LAYOUT.format(every=RECORD_EVERY_S, answered=answered))
    parts.append(
        _MODEL.format(
            margin=model.INTENSITY_MARGIN_HRR,
            window=model.HABIT_WINDOW_DAYS,
            min_sessions=model.HABIT_MIN_SESSIONS,
            dur_ratio=model.DURATION_RATIO,
            hard_ratio=model.HARD_DAY_RATIO,
            hard_window=model.HARD_DAY_WINDOW_DAYS,
            short=model.SHORT_NIGHT_DEFICIT_H,
        )
    )
    return "\n".join(parts)


def _athlete_table(histories: list[AthleteHistory]) -> str:
    lines = [
        "## Athletes\n",
        "| athlete_id | who | time zone | sex | HR rest / max / LTHR (bpm) | FTP (W) "
        "| sleep need (h) | sports | sessions | training h | cramps |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for h in histories:
        s, p = h.spec, h.spec.physiology
        hours = h.sessions["duration_s"].sum() / 3600.0
        sports = ", ".join(sorted(set(s.habits.sports)))
        lines.append(
            f"| `{s.athlete_id}` | {s.display_name} | {s.timezone} | {p.sex} | "
            f"{p.hr_rest_bpm:.0f} / {p.hr_max_bpm:.0f} / {p.lthr_bpm:.0f} | {p.ftp_w:.0f} | "
            f"{p.sleep_need_h:g} | {sports} | {len(h.sessions)} | {hours:.0f} | {len(h.cramps)} |"
        )
    return "\n".join(lines) + "\n"


def _athlete_section(h: AthleteHistory) -> str:
    spec, s, n, c = h.spec, h.sessions, h.nights, h.cramps
    lines = [f"### `{spec.athlete_id}` — {spec.display_name}\n", spec.description + "\n"]
    for effect in model.planted_effects(spec):
        if "odds_ratio" in effect:
            lines.append(
                f"- planted: `{effect['exposure']}` per {effect['unit']}, odds ratio "
                f"{effect['odds_ratio']:g} "
                f"(baseline probability {effect['baseline_probability']:g})"
            )
        elif "rate_per_day" in effect:
            lines.append(
                f"- planted: nothing; cramps at random, {effect['rate_per_day']:g} per day"
            )
        else:
            lines.append(
                f"- planted: nothing; a cramp in {effect['probability_per_session']:.0%} of "
                f"sessions and {effect['probability_per_night']:.0%} of nights, whatever the "
                "exposures"
            )
    for course in spec.medications:
        start = h.start + dt.timedelta(days=course.start_day)
        end = (
            "still taking it"
            if course.end_day is None
            else f"to {h.start + dt.timedelta(days=course.end_day)}"
        )
        effect = (
            "no effect planted"
            if course.nocturnal_odds_ratio == 1.0
            else f"nocturnal odds ratio {course.nocturnal_odds_ratio:g}"
        )
        lines.append(
            f"- medication log: {course.name} ({course.kind}) from {start} {end}; {effect}"
        )
    by_context = ", ".join(f"{k} {v}" for k, v in c["context"].value_counts().sort_index().items())
    lines.append(
        f"- drawn: {len(c)} cramps ({by_context}); sessions above habitual intensity "
        f"{int(s['above_habit_intensity'].sum())}/{len(s)}, hot {int(s['hot'].sum())}; "
        f"nights after a hard day {int(n['hard_day_before'].sum())}/{len(n)}, "
        f"short {int(n['short_night'].sum())}, "
        f"after a short night {int(n['short_night_before'].sum())}"
    )
    lines.append(_exposed_line(h))
    lines.append(_journal_line(h))
    return "\n".join(lines) + "\n"


def _journal_line(h: AthleteHistory) -> str:
    """What the daily log holds, and how many exercise cramps fell on days not hydrated."""
    j, s, c = h.journal, h.sessions, h.cramps
    in_session = s.set_index("session_id").reindex(c["session_id"].dropna())
    return (
        f"- daily log: {int(j['answered'].sum())} of {len(j)} days logged; not hydrated on "
        f"{int(j['not_hydrated'].sum())} days ({int((j['not_hydrated'] & j['answered']).sum())} "
        f"of them logged), {int(s['not_hydrated_day'].sum())} sessions on those days, "
        f"{int(in_session['not_hydrated_day'].sum())} cramps in them"
    )


def _exposed_line(h: AthleteHistory) -> str:
    """How many cramps fell in exposed sessions or nights (the raw material of the findings)."""
    c, s, n = h.cramps, h.sessions, h.nights
    in_session = s.set_index("session_id").reindex(c["session_id"].dropna())
    in_night = n.set_index("night").reindex(c["night"].dropna())
    return (
        "- cramps in sessions above habitual intensity "
        f"{int(in_session['above_habit_intensity'].sum())}, "
        f"in hot sessions {int(in_session['hot'].sum())}; in nights after a hard day "
        f"{int(in_night['hard_day_before'].sum())}, in short nights "
        f"{int(in_night['short_night'].sum())}, in nights after a short night "
        f"{int(in_night['short_night_before'].sum())}, "
        "in nights on a medication with a planted effect "
        f"{int((in_night['medication_log_or'] != 0).sum())}"
    )
