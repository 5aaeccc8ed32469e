"""The static site of `tracker site build`: the view model (`model.py`), the pages
(`pages.py`, `events.py`, `downloads.py`, `charts.py`) and what they share (`layout.py`,
which alone imports Jinja2), with the templates and assets as package data."""
