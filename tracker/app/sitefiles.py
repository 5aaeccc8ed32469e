"""The site's folder: what a build may write there, and how.

A folder is a tracker site when it holds the manifest (`.tracker-site.json`: every file the
last build wrote). A build refuses any other folder that is not empty, writes a file only
when its bytes differ (temp file, then rename: an interrupted build leaves no half-written
file), and removes what the previous build wrote and this one no longer does, never
anything else. Files are written as they are rendered (a decade of snapshots is too much
to hold); each path is noted in a journal (`.tracker-site.journal`) before its file is
written, so what an interrupted build wrote is still known, and cleaned up, next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tracker.core.errors import ConfigError, StoreError

MANIFEST = ".tracker-site.json"
JOURNAL = ".tracker-site.journal"
_TOOL = "aiia-tracker site"
# Files being written; one a killed build left behind is removed by the next.
_TEMP = ".tracker-tmp."
_DIGEST = re.compile("[0-9a-f]{64}")


@dataclass
class Written:
    """What one build did: files written (new or changed), left as they were, removed."""

    out: Path
    wrote: int = 0
    kept: int = 0
    removed: int = 0
    size: int = 0

    def line(self) -> str:
        total = self.wrote + self.kept
        return (
            f"{self.out}: wrote {_files(self.wrote)}, {self.kept} unchanged, removed "
            f"{self.removed}; {_files(total)}, {self.size / 1_000_000:.1f} MB"
        )


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


@dataclass
class Output:
    out: Path
    previous: set[str]
    produced: set[str] = field(default_factory=set)
    written: Written = field(init=False)
    journal: IO[str] | None = None

    def __post_init__(self) -> None:
        self.written = Written(self.out)

    @classmethod
    def open(cls, out: Path) -> Output:
        """The folder, checked: new, empty, or a site an earlier build wrote. Nothing is
        written until the build begins (`with output:`)."""
        if out.exists() and not out.is_dir():
            raise ConfigError(f"{out} is a file, not a folder: give a folder for the site")
        manifest = out / MANIFEST
        if manifest.is_file():
            return cls(out, _listed(manifest) | _listed_lines(out / JOURNAL))
        if out.is_dir() and any(out.iterdir()):
            raise ConfigError(
                f"{out} is not empty and holds no tracker site ({MANIFEST}): "
                "give a new or empty folder, or one an earlier `tracker site build` wrote"
            )
        return cls(out, set())

    def __enter__(self) -> Output:
        if not (self.out / MANIFEST).is_file():
            self._manifest(set())  # the folder is a site's from now on
        for stray in self.out.rglob(f"{_TEMP}*"):
            stray.unlink(missing_ok=True)
        try:
            self.journal = (self.out / JOURNAL).open("a", encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write in {self.out}: {exc.strerror or exc}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        # Finished or not: an interrupted build keeps its journal for the next one.
        if self.journal is not None:
            self.journal.close()

    def claim(self, path: str) -> bool:
        """Note that this build produces `path`; False if it was claimed already (an
        archived page or a download shared by several snapshots is written once)."""
        if path in self.produced:
            return False
        self.produced.add(path)
        if path not in self.previous and self.journal is not None:
            self.journal.write(path + "\n")
            self.journal.flush()
        return True

    def write(self, path: str, data: str | bytes | None) -> None:
        """Write `path` if this build has not already, and only if its bytes differ; None:
        keep the file as the previous build wrote it."""
        if not self.claim(path):
            return
        if data is None:
            self.written.kept += 1
            self.written.size += (self.out / path).stat().st_size
            return
        self._put(path, data.encode() if isinstance(data, str) else data)

    def read(self, path: str) -> str | None:
        """A file the previous build wrote, if it is there."""
        if path not in self.previous:
            return None
        try:
            return (self.out / path).read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None

    def archive(self, path: str, digest: str, read: Callable[[], bytes]) -> None:
        """An archived page, named by its digest: read from the store only when the file is
        missing or altered (its bytes no longer hash to its name). Bytes that do not hash to
        their digest are never published: the site would vouch for a page nobody read."""
        if not _DIGEST.fullmatch(digest):
            raise StoreError(f"archived page {digest[:80]!r}: not a sha256 digest")
        if not self.claim(path):
            return
        size = whole(self.out / path, digest)
        if size is None:
            self._put(path, _verified(digest, read()))
            return
        self.written.kept += 1
        self.written.size += size

    def _put(self, path: str, content: bytes) -> None:
        target = self.out / path
        self.written.size += len(content)
        try:
            if target.is_file() and target.read_bytes() == content:
                self.written.kept += 1
                return
        except OSError:
            pass  # unreadable: written anew below
        _replace(target, content)
        self.written.wrote += 1

    def finish(self) -> Written:
        """Remove what the previous build wrote and this one did not; record this build."""
        for path in sorted(self.previous - self.produced):
            target = self.out / path
            try:
                if target.is_file():
                    target.unlink()
                    self.written.removed += 1
                    _prune(target.parent, self.out)
            except OSError as exc:
                raise ConfigError(f"cannot remove {target}: {exc.strerror or exc}") from None
        self._manifest(self.produced)
        if self.journal is not None:
            self.journal.close()
        (self.out / JOURNAL).unlink(missing_ok=True)
        return self.written

    def _manifest(self, paths: set[str]) -> None:
        text = json.dumps({"tool": _TOOL, "files": sorted(paths)}, indent=0)
        _replace(self.out / MANIFEST, text.encode())


def whole(path: Path, digest: str) -> int | None:
    """The size of a content-addressed file whose bytes still hash to `digest`; None when it
    is missing, unreadable or altered."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return len(data) if hashlib.sha256(data).hexdigest() == digest else None


def _verified(digest: str, data: bytes) -> bytes:
    if hashlib.sha256(data).hexdigest() != digest:
        raise StoreError(
            f"archived page {digest}: the stored bytes no longer hash to it (the database "
            "was altered or damaged); the site is not built from it"
        )
    return data


def _listed(manifest: Path) -> set[str]:
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{manifest}: not a tracker site manifest ({exc})") from None
    return _plain(files)


def _listed_lines(journal: Path) -> set[str]:
    """The paths an interrupted build noted, if one was interrupted."""
    try:
        return _plain(journal.read_text(encoding="utf-8").splitlines())
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{journal}: cannot read ({exc})") from None


def _plain(paths: Iterable[object]) -> set[str]:
    """Only plain relative paths: a doctored manifest must not remove files elsewhere."""
    return {
        p
        for p in paths
        if isinstance(p, str) and p and ".." not in Path(p).parts and not Path(p).is_absolute()
    }


def _replace(target: Path, content: bytes) -> None:
    """`target` holds `content`, or (interrupted, or failing) what it held before."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f"{_TEMP}{target.name}.")
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ConfigError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise


def _prune(folder: Path, out: Path) -> None:
    """Remove folders a removal left empty, up to (not including) the site's own."""
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
