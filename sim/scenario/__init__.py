"""The scenario format: what a YAML file may say, and how it is read and checked.

Holds the pydantic model (``model``), the YAML source with line marks (``yamlsource``), the
distributions (``distributions``), ``--set`` overrides (``overrides``) and program files that
include missions (``program``). The window types are in ``sim.sky.windows`` (the model builds
its ``windows:`` union from their registry). Imports only the sky room, the kernel
(``sim.timebase``, ``sim.errors``, ``sim.fields``), pydantic and PyYAML; never the engine, plots,
reports or the CLI.
"""
