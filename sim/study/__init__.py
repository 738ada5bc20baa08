"""Studies that run the engine many times over scenarios: comparisons of scenario files
(``compare``) and parameter sweeps on a local pool or Dask (``sweep``).

Imports engine, results, scenario and the kernel; never plots, reports or the CLI.
"""
