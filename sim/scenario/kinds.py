"""The phase-kind vocabulary shared by every scenario (``kind:`` of a phase), in display order."""

from __future__ import annotations

from typing import Literal, get_args

Kind = Literal[
    "launch",
    "transfer",
    "tcm",
    "loi",
    "lunar_orbit",
    "separation",
    "descent",
    "landing",
    "surface_ops",
    "sampling",
    "ascent",
    "rendezvous",
    "docking",
    "sample_transfer",
    "lunar_orbit_wait",
    "tei",
    "earth_transfer",
    "reentry",
    "recovery",
    "relay",
    "payload_ops",
    "rover_ops",
    "hopper_ops",
    "isru",
]
KINDS: tuple[str, ...] = get_args(Kind)  # the shared phase-kind vocabulary, in this order
