"""Which files a run looks at.

In a git work tree: the tracked files plus the untracked ones git does not
ignore (``git ls-files``). Elsewhere: a directory walk that skips the usual
tool and virtualenv folders. Either way ``--exclude`` globs apply, and no
symlink is followed out of the tree.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_EXCLUDES", "DiscoveryError", "SourceFile", "discover", "git_toplevel"]

#: Folders never walked into outside git (ruff's defaults, roughly).
DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    "__pycache__",
    "__pypackages__",
    "build",
    "dist",
    "node_modules",
    "site-packages",
)


class DiscoveryError(Exception):
    """A path given on the command line cannot be used."""


@dataclass(frozen=True)
class SourceFile:
    """A file to look at: its absolute path and its path relative to the root."""

    path: Path
    relpath: str


def git_toplevel(path: Path) -> Path | None:
    """The top of the git work tree that holds ``path``, or None."""
    folder = path if path.is_dir() else path.parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
    except (FileNotFoundError, NotADirectoryError):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return Path(out.stdout.strip()).resolve()


def _excluded(relpath: str, patterns: Sequence[str]) -> bool:
    parts = relpath.split("/")
    for pattern in patterns:
        pat = pattern.rstrip("/")
        if fnmatch.fnmatch(relpath, pat):
            return True
        # A bare name ("migrations", "*_pb2.py") matches any component, like ruff.
        if "/" not in pat and any(fnmatch.fnmatch(part, pat) for part in parts):
            return True
        # A folder prefix ("src/legacy") excludes everything below it.
        if relpath.startswith(pat + "/"):
            return True
    return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True


def _git_files(root: Path, targets: Sequence[Path]) -> list[str]:
    specs = [os.path.relpath(t, root) for t in targets]
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *specs],
        cwd=root,
        capture_output=True,
        check=True,
    )
    names = {n.decode("utf-8", "surrogateescape") for n in out.stdout.split(b"\0") if n}
    return sorted(names)


def _git_ignored(root: Path, targets: Sequence[Path]) -> list[Path]:
    """The targets that git ignores (``git check-ignore``)."""
    specs = [os.path.relpath(t, root) for t in targets]
    if not specs:
        return []
    out = subprocess.run(
        ["git", "check-ignore", "-z", "--stdin"],
        cwd=root,
        input="\0".join(specs).encode("utf-8", "surrogateescape") + b"\0",
        capture_output=True,
        check=False,
    )
    hits = {n.decode("utf-8", "surrogateescape") for n in out.stdout.split(b"\0") if n}
    return [t for t, spec in zip(targets, specs, strict=True) if spec in hits]


def _walk_files(root: Path, targets: Sequence[Path]) -> list[str]:
    found: set[str] = set()
    for target in targets:
        if target.is_file():
            found.add(target.relative_to(root).as_posix())
            continue
        for folder, dirs, files in os.walk(target, followlinks=False):
            dirs[:] = sorted(
                d for d in dirs if d not in DEFAULT_EXCLUDES and not d.endswith(".egg-info")
            )
            for name in files:
                found.add((Path(folder) / name).relative_to(root).as_posix())
    return sorted(found)


def discover(
    paths: Iterable[Path],
    exclude: Sequence[str] = (),
    root: Path | None = None,
) -> tuple[Path, list[SourceFile]]:
    """The root folder and the Python files below ``paths``, sorted by relative path.

    The root is the git work tree holding the first path, else the common
    folder of the paths. A path outside the root is an error.
    """
    targets = [Path(p).absolute() for p in paths] or [Path.cwd()]
    for t in targets:
        if not t.exists():
            raise DiscoveryError(f"{t}: no such file or directory")
    if root is None:
        root = git_toplevel(targets[0].resolve())
        in_git = root is not None
        if root is None:
            first = targets[0].resolve()
            root = first if first.is_dir() else first.parent
            if len(targets) > 1:
                root = Path(os.path.commonpath([t.resolve() for t in targets]))
                if root.is_file():
                    root = root.parent
    else:
        root = root.resolve()
        in_git = git_toplevel(root) == root
    resolved = []
    for t in targets:
        r = t.resolve() if not t.is_symlink() else t.parent.resolve() / t.name
        if not _inside(r.parent if r.is_file() else r, root) and r != root:
            raise DiscoveryError(f"{t}: outside the tree at {root}")
        resolved.append(r)
    if in_git:
        # A folder named on the command line that git ignores (a virtualenv, a vendored
        # tree) is walked like a plain folder: the user asked for it by name.
        ignored = _git_ignored(root, resolved)
        tracked = [r for r in resolved if r not in ignored]
        names = sorted(
            {*(_git_files(root, tracked) if tracked else []), *_walk_files(root, ignored)}
        )
    else:
        names = _walk_files(root, resolved)
    explicit = {r.relative_to(root).as_posix() for r in resolved if r.is_file()}
    files = []
    for rel in names:
        if rel not in explicit and not rel.endswith((".py", ".pyi")):
            continue
        if rel.endswith(".pyi"):
            continue
        if _excluded(rel, exclude):
            continue
        full = root / rel
        if full.is_symlink() and not _inside(full, root):
            continue
        if not full.is_file():
            continue
        files.append(SourceFile(full, rel))
    return root, files
