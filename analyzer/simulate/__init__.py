"""A seeded simulator of athletes that writes the real file formats the importers read.

Entry points:

* :func:`analyzer.simulate.history.simulate_athlete` — one athlete's months at
  the level of sessions, nights, mornings and cramps (fast; used by the tests
  that check the simulator's statistics against its stated model);
* :func:`analyzer.simulate.squad.write_squad` — simulate a squad and write its
  FIT, CSV and truth files (the demo squad in ``sample_data/`` or a large
  benchmark library);
* :class:`analyzer.simulate.fit_encode.FitWriter` — the small FIT encoder.

The athletes and the stated cramp risk model are in :mod:`.model` and
:mod:`.athletes`; ``sample_data/README.md`` describes the demo squad.
"""
