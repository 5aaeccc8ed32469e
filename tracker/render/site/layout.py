"""What every page shares: the Jinja2 environment, the navigation, relative links.

Jinja2 is imported here and only here, and only `tracker site build` imports this module:
the rest of the tracker never pays for it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from tracker.core.models import TIER_NAMES_EN
from tracker.core.stamps import utc_text
from tracker.render.report import FONTS
from tracker.render.site.model import Site

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
    values.setdefault("credit", None)
    root = "../" * path.count("/")
    text = (
        environment()
        .get_template(template)
        .render(site=site, title=title, root=root, here=path, section=section, **values)
    )
    return path, text


def tier_name(tier: str) -> str:
    return TIER_NAMES_EN.get(tier, tier)
