"""Results: typed records of runs and the statistics and comparisons made from them.

``records`` holds ``PhaseRecord``, ``Timeline`` and ``Ensemble``; ``statistics`` the Monte Carlo
summaries (percentiles, criticality, sensitivity, deadlines); ``comparison`` plan vs flown vs
simulated and mission vs mission. Pure numpy: imports the scenario model and the kernel only.
"""
