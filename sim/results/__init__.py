"""Results: typed records of runs and the statistics and comparisons made from them.

``records`` holds ``PhaseRecord``, ``Timeline`` and ``Ensemble``; ``statistics`` the Monte Carlo
summaries (percentiles, criticality, sensitivity, deadlines, where a flown value falls);
``comparison`` the rules of plan vs flown vs simulated and mission vs mission (flown durations,
waits), ``comparison_types`` the result types it fills and their JSON; ``baseline`` two versions of
one mission (baseline vs revision). Pure numpy: imports the scenario model and the kernel only.
"""
