"""Finding a dataset file: mirror → cache → download, every copy checked by sha256.

A `RemoteFile` names one canonical file (its URL and sha256) and where it sits inside a
mirror or the cache. `fetch()` returns a verified local path, or raises `NeedStandIn`
when COURSE_OFFLINE=1 left nothing to use, or `DataError` with what to do next.
"""
from __future__ import annotations

import functools
import hashlib
import shutil
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from helpers._env import run_mode

CHUNK = 1 << 20
DOWNLOAD_TIMEOUT_S = 60


class DataError(RuntimeError):
    """A dataset could not be provided; the message says what to do."""

    def _render_traceback_(self):  # IPython: show the sentence, not a traceback wall
        return [f"DataError: {self}"]


class NeedStandIn(Exception):
    """Offline with no local copy: the caller may build a labelled stand-in."""


@dataclass(frozen=True)
class RemoteFile:
    title: str  # human name, used in messages
    relpath: str  # path inside the cache (and the mirror, unless mirror_relpath is given)
    url: str
    sha256: str  # of the canonical file at `url`
    mirror_relpath: str | None = None

    @property
    def in_mirror(self) -> str:
        return self.mirror_relpath or self.relpath


@dataclass(frozen=True)
class Located:
    path: Path
    source: str  # "mirror", "cache" or "download"
    canonical: bool  # False: a mirror copy that differs from the canonical file (e.g. a subset)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _read_manifest(manifest: Path, mtime: float) -> dict[str, str]:
    entries = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        parts = line.split(maxsplit=1)
        if len(parts) == 2 and len(parts[0]) == 64:
            entries[parts[1].strip().lstrip("*")] = parts[0].lower()
    return entries


def mirror_manifest(mirror: Path) -> dict[str, str]:
    """The mirror's MANIFEST.sha256 (`sha256sum` format) as {relative path: sha256}; {} if absent."""
    manifest = mirror / "MANIFEST.sha256"
    if not manifest.is_file():
        return {}
    return _read_manifest(manifest, manifest.stat().st_mtime)


def mirror_dir() -> Path | None:
    """The COURSE_DATA_DIR folder, checked to exist; None when the variable is unset."""
    mirror = run_mode().data_dir
    if mirror is not None and not mirror.is_dir():
        raise DataError(
            f"COURSE_DATA_DIR={mirror} is not a folder: point it at a dataset mirror or unset it."
        )
    return mirror


def verify_mirror_file(path: Path, relpath: str, canonical_sha: str | None, mirror: Path) -> bool:
    """Check a mirror file; True if it is the canonical file, False if it matches only the mirror's manifest."""
    actual = sha256_of(path)
    if canonical_sha and actual == canonical_sha:
        return True
    listed = mirror_manifest(mirror).get(relpath)
    if listed and actual == listed:
        return False
    expected = canonical_sha or listed or "(no sha256 known)"
    raise DataError(
        f"{path} fails its sha256 check (expected {expected[:16]}…, found {actual[:16]}…): "
        "the mirror copy is damaged; restore it, or unset COURSE_DATA_DIR to download the canonical file."
    )


def fetch(spec: RemoteFile) -> Located:
    """Return a verified local copy of `spec`: mirror, then cache, then download."""
    mirror = mirror_dir()
    if mirror is not None and (mirror / spec.in_mirror).is_file():
        path = mirror / spec.in_mirror
        return Located(path, "mirror", verify_mirror_file(path, spec.in_mirror, spec.sha256, mirror))

    cached = run_mode().cache_dir / spec.relpath
    if cached.is_file():
        if sha256_of(cached) == spec.sha256:
            return Located(cached, "cache", True)
        print(f"The cached {spec.title} at {cached} fails its sha256 check; fetching it again.")
        cached.unlink()

    if run_mode().offline:
        raise NeedStandIn(spec.title)
    download(spec.url, cached, spec.sha256, spec.title)
    return Located(cached, "download", True)


def download_failed(title: str, url: str, reason: str, relpath: str) -> DataError:
    return DataError(
        f"Could not download {title} from {url} ({reason}). Connect to the internet and run the "
        f"cell again, set COURSE_DATA_DIR to a mirror folder that holds {relpath}, "
        "or set COURSE_OFFLINE=1 to continue with a clearly labelled stand-in."
    )


def open_url(url: str, title: str, relpath: str):
    """Open `url` for reading; any network or HTTP failure becomes one DataError that says what to do."""
    try:
        response = urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S)
    except urllib.error.HTTPError as err:
        raise download_failed(title, url, f"HTTP {err.code} {err.reason}", relpath) from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise download_failed(title, url, str(reason), relpath) from None
    return response


def download(url: str, target: Path, sha256: str, title: str) -> None:
    """Download `url` to `target` with a progress line; keep it only if its sha256 matches."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    relpath = target.name
    with open_url(url, title, relpath) as response, open(partial, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0)
        progress = Progress(f"Downloading {title}", total)
        digest = hashlib.sha256()
        try:
            for block in iter(lambda: response.read(CHUNK), b""):
                out.write(block)
                digest.update(block)
                progress.update(len(block))
        except OSError as err:
            partial.unlink(missing_ok=True)
            raise download_failed(title, url, f"connection lost: {err}", relpath) from None
        progress.done()
    if digest.hexdigest() != sha256:
        partial.unlink(missing_ok=True)
        raise DataError(
            f"The file downloaded from {url} has sha256 {digest.hexdigest()[:16]}…, not the expected "
            f"{sha256[:16]}…; it was not kept. Try again later, or use a mirror via COURSE_DATA_DIR."
        )
    shutil.move(partial, target)


class Progress:
    """A one-line progress report that rewrites itself (works in terminals and notebooks)."""

    def __init__(self, label: str, total_bytes: int = 0, unit: str = "MB"):
        self.label, self.total, self.unit = label, total_bytes, unit
        self.count, self._last = 0, 0.0

    def update(self, amount: int) -> None:
        self.count += amount
        now = time.monotonic()
        if now - self._last > 0.5:
            self._last = now
            self._print(end="")

    def _print(self, end: str) -> None:
        if self.unit == "MB":
            done = f"{self.count / 1e6:.1f}"
            of = f" / {self.total / 1e6:.1f} MB ({100 * self.count / self.total:.0f}%)" if self.total else " MB"
        else:
            done, of = f"{self.count:,}", f" {self.unit}"
        sys.stdout.write(f"\r{self.label}: {done}{of}")
        sys.stdout.flush()

    def done(self) -> None:
        self._print(end="")
        sys.stdout.write("\n")
