"""Readers of vendor exports (CSV, JSON, XML) into canonical tables.

Each module documents the time zone and units of its source and declares its
formats in a ``FORMATS`` list that :mod:`analyzer.io.registry` asks.
"""
