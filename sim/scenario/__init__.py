"""The scenario format: what a YAML file may say, and how it is read and checked.

Holds the pydantic model (``model``), the YAML source with line marks (``yamlsource``), the
distributions (``distributions``), ``--set`` overrides (``overrides``) and program files that
include missions (``program``). Imports only the kernel (``sim.timebase``, ``sim.errors``),
pydantic and PyYAML; never the engine, plots, reports or the CLI.
"""
