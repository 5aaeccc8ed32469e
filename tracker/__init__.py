"""aiia-tracker: a verifiable, dated record of AIIA membership and how it changes."""

__version__ = "0.1.0"
