"""Collaborators for tests: time that passes only when code sleeps."""

from __future__ import annotations


class FakeTime:
    """A clock that only moves when something sleeps, recording every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
