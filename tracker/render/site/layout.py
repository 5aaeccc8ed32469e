"""What every page shares: the Jinja2 environment, the navigation, relative links.

Jinja2 is imported here and only here, and only `tracker site build` imports this module:
the rest of the tracker never pays for it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from tracker.core.stamps import utc_text
from tracker.render.site.model import Site
from tracker.render.style import FONTS

# A file:// URI in a snapshot's provenance: the builder's disk, never to be published.
_FILE_URI = re.compile(r"file://[^\s#]*")

NAV = (
    ("index.html", "Home"),
    ("members/index.html", "Members"),
    ("changes/index.html", "Changes"),
    ("snapshots/index.html", "Snapshots"),
    ("downloads/index.html", "Downloads"),
)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tracker.render.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals |= {"fonts": FONTS, "nav": NAV}
    env.filters["utc"] = utc_text
    return env


def page(site: Site, path: str, template: str, title: str, **values: Any) -> tuple[str, str]:
    """One page at `path`, links made relative to where it sits."""
    section = next((href for href, _ in NAV if path.split("/")[0] == href.split("/")[0]), "")
    # Pages that say whose annotations they show pass their own credit; the rest (snapshots
    # and downloads carry the annotations, the baseline is CSET's list) credit CSET whenever
    # its work is in the record.
    values.setdefault("credit", site.credit)
    root = "../" * path.count("/")
    text = (
        environment()
        .get_template(template)
        .render(site=site, title=title, root=root, here=path, section=section, **values)
    )
    return path, text


def public_source(provenance: str | None) -> str:
    """Where a page was read from, as the site may publish it: a web URL as is, a saved
    file by its name only (its folder is the builder's disk, not the reader's business)."""
    if not provenance:
        return "unknown"
    return _FILE_URI.sub(_saved_file, provenance)


def _saved_file(found: re.Match[str]) -> str:
    return f"saved file {unquote(PurePosixPath(urlsplit(found.group()).path).name)}"
