"""Geometry: the ephemeris, generic event search and the interval tables windows become.

``ephemeris`` wraps skyfield and the offline DE421 kernel (Sun elevation at a lunar site,
daylight scans); ``intervals`` holds ``WindowTable`` (sorted openings, the "when may I start?"
query) and the set operations on tables. Imports the kernel and skyfield only.
"""
