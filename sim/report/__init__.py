"""Reports: what results look like as terminal tables (``tables``, ``compare_tables``).

Imports results, scenario and the kernel (and rich); never the engine or the CLI.
"""
