"""Git-style unified diffs that ``git apply`` accepts, computed on bytes.

The diff is made by git itself (``git diff --no-index`` on two temporary
files) when git is on the PATH, so a dry run shows byte for byte what
``git diff base..fixkit/<id>`` will show on the branch: the same hunks, the
same ``index`` line. Without git, difflib makes an equivalent patch.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["diffstat", "unified_diff"]

_NO_EOL = b"\\ No newline at end of file\n"

#: Settings that would make git's output differ from a plain ``git diff`` of a branch.
_GIT_DIFF = [
    "-c",
    "core.quotepath=on",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicprefix=false",
    "diff",
    "--no-index",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
]


def _split_lf(data: bytes) -> list[bytes]:
    # Split on \n only, keeping it: a CRLF file's \r stays on its line, as git sees it.
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _difflib_diff(name: bytes, before: bytes, after: bytes, context: int) -> bytes:
    out = [b"diff --git a/" + name + b" b/" + name + b"\n"]
    body = difflib.diff_bytes(
        difflib.unified_diff,
        _split_lf(before),
        _split_lf(after),
        fromfile=b"a/" + name,
        tofile=b"b/" + name,
        n=context,
        lineterm=b"\n",
    )
    for line in body:
        if line.startswith((b"---", b"+++")):
            out.append(line if line.endswith(b"\n") else line + b"\n")
        elif line.endswith(b"\n"):
            out.append(line)
        else:
            out.append(line + b"\n" + _NO_EOL)
    return b"".join(out)


def _git_diff(path: str, before: bytes, after: bytes, context: int, mode: int) -> bytes | None:
    git = shutil.which("git")
    if git is None:
        return None
    with tempfile.TemporaryDirectory(prefix="fixkit-diff-") as tmp:
        old, new = Path(tmp, "a"), Path(tmp, "b")
        old.write_bytes(before)
        new.write_bytes(after)
        for f in (old, new):
            os.chmod(f, mode)
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}
        env.pop("GIT_DIR", None)
        out = subprocess.run(
            [git, *_GIT_DIFF, f"--unified={context}", "--src-prefix=", "--dst-prefix=", "a", "b"],
            cwd=tmp,
            capture_output=True,
            env=env,
            check=False,
        )
    if out.returncode not in (0, 1) or not out.stdout:
        return None
    name = path.encode("utf-8", "surrogateescape")
    lines = out.stdout.split(b"\n")
    header = []
    for i, line in enumerate(lines):
        if line.startswith(b"@@") or line.startswith(b"Binary files"):
            body = lines[i:]
            break
        if line.startswith(b"diff --git "):
            header.append(b"diff --git a/" + name + b" b/" + name)
        elif line.startswith(b"--- "):
            header.append(b"--- a/" + name)
        elif line.startswith(b"+++ "):
            header.append(b"+++ b/" + name)
        else:
            header.append(line)
    else:
        return None
    return b"\n".join(header + body)


def unified_diff(
    path: str, before: bytes, after: bytes, context: int = 3, mode: int = 0o644
) -> bytes:
    """The diff of one file with ``a/`` and ``b/`` paths; empty when nothing changed."""
    if before == after:
        return b""
    name = path.encode("utf-8", "surrogateescape")
    return _git_diff(path, before, after, context, mode) or _difflib_diff(
        name, before, after, context
    )


def diffstat(diffs: Iterable[tuple[str, bytes, bytes]]) -> list[tuple[str, int, int]]:
    """``(path, added, removed)`` line counts for each changed file, as git counts them."""
    stats = []
    for path, before, after in diffs:
        added = removed = 0
        in_body = False
        for line in unified_diff(path, before, after, context=0).split(b"\n"):
            if line.startswith(b"@@"):
                in_body = True
            elif in_body and line.startswith(b"+"):
                added += 1
            elif in_body and line.startswith(b"-"):
                removed += 1
        stats.append((path, added, removed))
    return stats
