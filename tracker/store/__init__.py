"""The database: the only code that speaks SQL. Each table is defined beside the code that
reads and writes it (``pages.py``, ``snapshots.py``, ``fetches.py``, ``changes.py``,
``outbox.py``, ``annotations.py``, ``names.py``, ``guesses.py``; the views over them in
``views.py``); `Store` (``database.py``) is their one entry point."""

from tracker.store.database import Store

__all__ = ["Store"]
