"""claimgraph: who claimed what, about whom, when, where and through which outlet."""

from __future__ import annotations

__version__ = "0.1.0"
