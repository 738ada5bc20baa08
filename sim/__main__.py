"""``python -m sim`` runs the ``lunarsim`` command."""

import sys

from sim.cli import main

sys.exit(main())
