"""Cramps against exposures: case-crossover, event-triggered averages, rate ratios.

Public entry points: :func:`analyze_athlete` (one athlete's ranked findings)
and :func:`analyze_squad` (pooled over athletes), with the statistical
building blocks in their own modules (``clogit``, ``exact``,
``mantel_haenszel``, ``rates``, ``multiple``, ``referents``, ``epochs``).
"""

from analyzer.findings.athlete import AthleteFindings, analyze_athlete
from analyzer.findings.params import FindingsParams
from analyzer.findings.squad import SquadFindings, analyze_squad

__all__ = ["AthleteFindings", "FindingsParams", "SquadFindings", "analyze_athlete", "analyze_squad"]
