"""Git-style unified diffs that ``git apply`` accepts, computed on bytes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["diffstat", "unified_diff"]

_NO_EOL = b"\\ No newline at end of file\n"


def _split_lf(data: bytes) -> list[bytes]:
    # Split on \n only, keeping it: a CRLF file's \r stays on its line, as git sees it.
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(path: str, before: bytes, after: bytes, context: int = 3) -> bytes:
    """The diff of one file with ``a/`` and ``b/`` paths; empty when nothing changed."""
    if before == after:
        return b""
    a, b = _split_lf(before), _split_lf(after)
    name = path.encode("utf-8", "surrogateescape")
    out = [b"diff --git a/" + name + b" b/" + name + b"\n"]
    body = difflib.diff_bytes(
        difflib.unified_diff,
        a,
        b,
        fromfile=b"a/" + name,
        tofile=b"b/" + name,
        n=context,
        lineterm=b"\n",
    )
    for line in body:
        if line.startswith((b"---", b"+++")):
            out.append(line if line.endswith(b"\n") else line + b"\n")
            continue
        if line.endswith(b"\n"):
            out.append(line)
        else:
            out.append(line + b"\n" + _NO_EOL)
    return b"".join(out)


def diffstat(diffs: Iterable[tuple[str, bytes, bytes]]) -> list[tuple[str, int, int]]:
    """``(path, added, removed)`` line counts for each changed file."""
    stats = []
    for path, before, after in diffs:
        added = removed = 0
        for line in difflib.diff_bytes(
            difflib.unified_diff, _split_lf(before), _split_lf(after), n=0
        ):
            if line.startswith(b"+") and not line.startswith(b"+++"):
                added += 1
            elif line.startswith(b"-") and not line.startswith(b"---"):
                removed += 1
        stats.append((path, added, removed))
    return stats
