"""Bundled scenario files. This folder installs as the package data ``sim.scenarios``."""
