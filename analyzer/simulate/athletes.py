"""The demo squad's four athletes, and random variations of them for benchmarks.

Every athlete keeps a daily log (hydration, electrolytes, alcohol...; the
defaults of :class:`~analyzer.simulate.model.JournalModel`); the
triathlete's exercise cramps also depend on her hydration. Each archetype plants one
pattern (see the ``description`` of each spec and sample_data/README.md).
Effect sizes are odds ratios around 3-6, the range in which a six-month diary
of 15-40 cramps can show a pattern: at an odds ratio of 3, an exposure present on a third
of days is found in about four athletes of five with 40 cramps
(``benchmarks/findings_power.py``), and with fewer cramps power falls fast.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from analyzer.simulate.model import (
    AthleteSpec,
    Climate,
    CrampModel,
    JournalModel,
    MedicationCourse,
    Physiology,
    TrainingHabits,
)

NORTH = 200  # day of year of the warmest weather, northern hemisphere
SOUTH = 20

RUNNER = AthleteSpec(
    athlete_id="runner-anna",
    display_name="Anna (runner)",
    timezone="Europe/Berlin",
    physiology=Physiology(
        sex="f",
        hr_rest_bpm=48,
        hr_max_bpm=190,
        lthr_bpm=172,
        ftp_w=210,
        threshold_speed_mps=4.3,
        mass_kg=56,
        sleep_need_h=8.0,
        hrv_rmssd_ms=72,
    ),
    habits=TrainingHabits(
        sports=("running",),
        sessions_per_week=5.5,
        base_duration_min=55,
        session_mix={
            "easy": 0.5,
            "recovery": 0.08,
            "long": 0.12,
            "tempo": 0.1,
            "intervals": 0.08,
            "race": 0.15,
        },
    ),
    climate=Climate(mean_c=10.0, amplitude_c=9.0, warmest_doy=NORTH),
    cramps=CrampModel(p_session=0.09, or_intensity=5.0),
    medications=(
        MedicationCourse(
            "ferrous sulfate",
            "supplement",
            start_day=30,
            end_day=120,
            notes="65 mg iron every other day",
        ),
    ),
    description=(
        "Exercise-associated cramps, more likely in sessions far above habitual intensity: "
        "session odds ratio 5 when the session's mean heart-rate reserve exceeds the mean of "
        "the previous 90 days' sessions by 0.12 or more."
    ),
)

MASTERS = AthleteSpec(
    athlete_id="masters-bernd",
    display_name="Bernd (masters, 61)",
    timezone="America/New_York",
    physiology=Physiology(
        sex="m",
        hr_rest_bpm=56,
        hr_max_bpm=164,
        lthr_bpm=146,
        ftp_w=230,
        threshold_speed_mps=3.3,
        mass_kg=78,
        sleep_need_h=7.5,
        hrv_rmssd_ms=34,
    ),
    habits=TrainingHabits(
        sports=("cycling", "running"),
        sessions_per_week=4.5,
        base_duration_min=60,
        session_mix={"easy": 0.4, "recovery": 0.1, "long": 0.25, "tempo": 0.1, "intervals": 0.15},
        start_hour_local=9.0,
        evening_share=0.2,
    ),
    climate=Climate(mean_c=12.5, amplitude_c=11.0, warmest_doy=NORTH),
    # Frequent night cramps and a five-week course: with fewer cramps (baseline 0.045, about 31
    # in the 212 nights) or a course filling whole calendar months, a 212-day record cannot
    # show all three planted patterns apart from chance.
    cramps=CrampModel(p_night=0.12, or_hard_day=4.0, or_short_night_before=5.0),
    medications=(
        MedicationCourse(
            "hydrochlorothiazide",
            "medication",
            start_day=100,
            end_day=135,
            nocturnal_odds_ratio=4.0,
            notes="12.5 mg each morning, for blood pressure",
        ),
        MedicationCourse(
            "atorvastatin", "medication", start_day=-400, end_day=None, notes="20 mg, long-standing"
        ),
    ),
    device="fenix7",
    description=(
        "Nocturnal calf cramps: night odds ratio 4 after a hard day (TRIMP >= 1.5 x the mean daily "
        "TRIMP of the previous 28 days, rest days counting 0), 5 when the night before was short "
        "(asleep < need - 1 h), and 4 while taking hydrochlorothiazide."
    ),
)

CYCLIST = AthleteSpec(
    athlete_id="cyclist-chen",
    display_name="Chen (cyclist, null control)",
    timezone="Europe/London",
    physiology=Physiology(
        sex="m",
        hr_rest_bpm=50,
        hr_max_bpm=186,
        lthr_bpm=165,
        ftp_w=285,
        threshold_speed_mps=3.8,
        mass_kg=70,
        sleep_need_h=7.5,
        hrv_rmssd_ms=60,
    ),
    habits=TrainingHabits(
        sports=("cycling",),
        sessions_per_week=5.0,
        base_duration_min=80,
        session_mix={
            "easy": 0.5,
            "recovery": 0.1,
            "long": 0.15,
            "tempo": 0.1,
            "intervals": 0.1,
            "race": 0.05,
        },
    ),
    climate=Climate(mean_c=11.0, amplitude_c=7.0, warmest_doy=NORTH),
    cramps=CrampModel(p_session=0.09, p_night=0.07),
    medications=(
        MedicationCourse(
            "magnesium citrate", "supplement", start_day=80, end_day=150, notes="300 mg at night"
        ),
    ),
    device="edge1040",
    description=(
        "Null control: exercise-associated cramps in 9 % of sessions and nocturnal cramps in 7 % "
        "of nights, whatever the training, sleep, heat or the magnesium course. The analysis "
        "compares both kinds and must find nothing."
    ),
)

TRIATHLETE = AthleteSpec(
    athlete_id="triathlete-dana",
    display_name="Dana (triathlete)",
    timezone="Australia/Brisbane",
    physiology=Physiology(
        sex="f",
        hr_rest_bpm=50,
        hr_max_bpm=185,
        lthr_bpm=166,
        ftp_w=230,
        threshold_speed_mps=3.9,
        mass_kg=60,
        sleep_need_h=8.0,
        hrv_rmssd_ms=65,
    ),
    habits=TrainingHabits(
        sports=("swimming", "cycling", "running", "running", "cycling"),
        sessions_per_week=6.0,
        base_duration_min=60,
        session_mix={"easy": 0.55, "recovery": 0.1, "long": 0.15, "tempo": 0.1, "intervals": 0.1},
        start_hour_local=6.0,
        evening_share=0.5,
    ),
    climate=Climate(mean_c=21.5, amplitude_c=5.0, warmest_doy=SOUTH),
    cramps=CrampModel(p_session=0.08, or_heat=5.0, heat_threshold_c=28.0),
    journal=JournalModel(p_not_hydrated=0.3, or_not_hydrated=5.0),
    medications=(
        MedicationCourse(
            "vitamin D3", "supplement", start_day=-200, end_day=None, notes="1000 IU daily"
        ),
    ),
    device="fr965",
    description=(
        "Heat-related exercise cramps: session odds ratio 5 when the air temperature of a run "
        "or ride is 28 deg C or more (the stream's temperature records it); swims are in a "
        "pool and never hot. And on days she did not drink enough: session odds ratio 5 on a "
        "day not hydrated (30% of her days), whether or not she logged that day in her daily "
        "log (15% of days left blank)."
    ),
)

DEMO_SQUAD = (RUNNER, MASTERS, CYCLIST, TRIATHLETE)


def benchmark_squad(n_athletes: int, rng: np.random.Generator) -> list[AthleteSpec]:
    """``n_athletes`` variations of the four archetypes (ids ``synthetic-0000``...).

    Physiology, volume and the base cramp probabilities are jittered, so a
    large library is not four athletes repeated.
    """
    out = []
    for i in range(n_athletes):
        base = DEMO_SQUAD[i % len(DEMO_SQUAD)]
        phys = base.physiology
        phys = dataclasses.replace(
            phys,
            hr_rest_bpm=float(np.round(phys.hr_rest_bpm + rng.normal(0, 4))),
            hr_max_bpm=float(np.round(phys.hr_max_bpm + rng.normal(0, 6))),
            ftp_w=float(np.round(phys.ftp_w * rng.uniform(0.8, 1.2))),
            sleep_need_h=float(np.round(phys.sleep_need_h + rng.normal(0, 0.3), 1)),
        )
        phys = dataclasses.replace(phys, lthr_bpm=float(np.round(phys.hr_max_bpm * 0.9)))
        habits = dataclasses.replace(
            base.habits, sessions_per_week=base.habits.sessions_per_week * rng.uniform(0.7, 1.2)
        )
        out.append(
            dataclasses.replace(
                base,
                athlete_id=f"synthetic-{i:04d}",
                display_name=f"Synthetic {i} ({base.athlete_id.split('-')[0]})",
                physiology=phys,
                habits=habits,
            )
        )
    return out
