"""Charts of results, one module per chart family. Each function takes results (and plain
data), draws on ``ax`` (a new figure when omitted) and returns the Axes; none saves or shows.
"""

from sim.plots.gantt import KIND_COLOURS, gantt
from sim.plots.program import program_gantt

__all__ = ["KIND_COLOURS", "gantt", "program_gantt"]
