"""The engines: a scenario compiled to a model and played, once or many times.

``model`` compiles a scenario into the arrays and window tables both engines read; ``des`` is
the SimPy engine (every phase an event on the loop; resources, windows, failures); ``vector`` is
the numpy path for models without shared resources; ``montecarlo`` draws the durations and runs
blocks of replications on either engine and a worker pool; ``program`` plays several missions on
one clock. Imports scenario, sky, results (records) and the kernel; never plots, reports or the CLI,
and does no I/O.
"""
