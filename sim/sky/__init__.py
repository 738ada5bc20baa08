"""Geometry: the ephemeris, generic event search, interval tables, and the window types.

``ephemeris`` wraps skyfield and the offline DE421 kernel (Sun elevation at a lunar site,
daylight scans); ``intervals`` holds ``WindowTable`` (sorted openings, the "when may I start?"
query) and the set operations on tables; both are plain functions and classes (no pydantic).
``windows`` holds the window types, one pydantic class per file, and their registry: each
validates, checks, documents and computes itself by calling those functions. Imports the
kernel (``sim.timebase``, ``sim.errors``, ``sim.fields``), numpy, skyfield and pydantic only.
"""
