"""Say where each dataset came from, once per load, and remember it for `sources()`."""
from __future__ import annotations

from helpers.data._files import Located
from helpers.data._standins import banner

_SOURCES: dict[str, str] = {}


def sources() -> dict[str, str]:
    """Where each dataset loaded in this session came from: mirror, cache, download or stand-in."""
    return dict(_SOURCES)


def announce(title: str, located: list[Located], summary: str) -> None:
    """Print one line: what was loaded and from where (a non-canonical mirror copy is flagged)."""
    source = "/".join(sorted({item.source for item in located}))
    where = f" {located[0].path.parent}" if source == "mirror" else ""
    note = ""
    if not all(item.canonical for item in located):
        source += " (not the canonical files)"
        note = (" This copy is not byte-identical to the canonical download (its MANIFEST says how;"
                " some are subsets), so scores may differ from published results.")
    _SOURCES[title] = source
    print(f"{title}: {summary} from {source.replace('mirror', 'mirror' + where, 1)}.{note}")


def announce_standin(title: str) -> None:
    _SOURCES[title] = "stand-in"
    print(banner(title))
