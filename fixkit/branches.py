"""Branch mode: each remediation as a reviewable git branch, built without a checkout.

The transforms read the files as they are in the base commit (blobs, never the
work tree), and the branches are built from git objects only: blobs
(``hash-object``), trees (``mktree``), commits (``commit-tree``), a note per
commit under ``refs/notes/fixkit`` holding its :class:`~fixkit.fixrecord.FixRecord`,
and finally one atomic ``update-ref --stdin`` transaction that moves every
branch at once, each checked against the value it had when the run started.
The user's work tree, index, stash and current branch are never touched, and an
interrupted run leaves at most a few unreachable objects for ``git gc``.
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git

from fixkit import __version__
from fixkit.codemod import Codemod
from fixkit.diff import diffstat
from fixkit.discovery import _excluded
from fixkit.engine import Source, run
from fixkit.fixrecord import FileStat, FixRecord
from fixkit.results import Changed, Failed, FileReport

__all__ = [
    "NOTES_REF",
    "BranchError",
    "BranchInfo",
    "BranchResult",
    "BuildOutcome",
    "Overlap",
    "build_branches",
    "commit_message",
    "list_branches",
    "open_repo",
    "pathspecs",
    "read_record",
    "resolve_base",
]

#: Where the FixRecord of every fixkit commit is kept, as a git note.
NOTES_REF = "refs/notes/fixkit"
TRAILER_CODEMOD = "Fixkit-Codemod"
TRAILER_AUDIT = "Fixkit-Audit"
TRAILER_BASE = "Fixkit-Base"
TRAILER_VERSION = "Fixkit-Version"

#: Statuses of a branch after a run.
CREATED = "created"
UPDATED = "updated"
UP_TO_DATE = "up to date"
REFUSED = "refused"

_REGULAR_MODES = ("100644", "100755")
_MAX_CHAIN = 1000


class BranchError(Exception):
    """Branch mode cannot run here; nothing was changed."""


# -- repository and base ------------------------------------------------------


def open_repo(start: Path) -> git.Repo:
    """The non-bare repository with at least one commit that holds ``start``."""
    folder = start if start.is_dir() else start.parent
    try:
        repo = git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise BranchError(
            f"{start} is not in a git repository: use --dry-run to see the diff, "
            "or --in-place to write the files directly"
        ) from exc
    if repo.bare or repo.working_tree_dir is None:
        raise BranchError(
            f"{repo.git_dir} is a bare repository: run fixkit in a clone with a work tree "
            "(or use --dry-run on a checkout)"
        )
    if not repo.git.rev_list("-n", "1", "--all"):
        raise BranchError(
            f"{repo.working_tree_dir} has no commits yet: commit the code first, "
            "fix branches start from a commit"
        )
    return repo


def resolve_base(repo: git.Repo, rev: str) -> str:
    """The full SHA of the commit ``rev`` names."""
    try:
        sha = repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except git.GitCommandError:
        sha = ""
    if not sha:
        raise BranchError(f"base {rev!r} is not a commit of this repository")
    return str(sha)


def _top(repo: git.Repo) -> Path:
    assert repo.working_tree_dir is not None
    return Path(repo.working_tree_dir).resolve()


def pathspecs(repo: git.Repo, paths: Iterable[Path]) -> list[str]:
    """The paths as folder or file prefixes relative to the top of the repository.

    ``""`` means the whole tree. A path outside the repository is a :class:`BranchError`.
    """
    top = _top(repo)
    specs: list[str] = []
    for path in paths:
        absolute = Path(os.path.abspath(path))
        # Resolve the folders above but not a final symlink: it names its own entry.
        real = (
            Path(os.path.realpath(absolute))
            if absolute.is_dir() or absolute == absolute.parent
            else Path(os.path.realpath(absolute.parent)) / absolute.name
        )
        try:
            rel = real.relative_to(top).as_posix()
        except ValueError:
            raise BranchError(f"{path}: outside the repository at {top}") from None
        if rel.split("/")[0] == ".git":
            raise BranchError(f"{path}: inside the .git folder")
        specs.append("" if rel == "." else rel)
    return specs


@dataclass(frozen=True)
class _Entry:
    mode: str
    kind: str
    sha: str
    path: str


def _ls_tree(repo: git.Repo, treeish: str, recursive: bool) -> list[_Entry]:
    args = ["-r"] if recursive else []
    raw: bytes = repo.git.ls_tree(*args, "-z", "--full-tree", treeish, stdout_as_string=False)
    entries = []
    for item in raw.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, kind, sha = meta.decode("ascii").split(" ")
        entries.append(_Entry(mode, kind, sha, name.decode("utf-8", "surrogateescape")))
    return entries


def _matches(path: str, specs: Sequence[str]) -> bool:
    return not specs or any(s == "" or path == s or path.startswith(s + "/") for s in specs)


def base_sources(
    repo: git.Repo, base: str, specs: Sequence[str] = (), exclude: Sequence[str] = ()
) -> list[Source]:
    """The Python files of commit ``base`` below ``specs``, as engine sources holding their blobs.

    Symlinks and submodules (gitlinks) are left out; so are ``exclude`` globs.
    """
    entries = _ls_tree(repo, base, recursive=True)
    for spec in specs:
        missing = spec and not any(_matches(e.path, [spec]) for e in entries)
        if missing and not (_top(repo) / spec).exists():
            raise BranchError(f"{spec}: no such file or directory in the base commit")
    sources = []
    for entry in entries:
        if entry.kind != "blob" or entry.mode not in _REGULAR_MODES:
            continue
        if not entry.path.endswith(".py") or not _matches(entry.path, specs):
            continue
        if _excluded(entry.path, exclude):
            continue
        data = repo.odb.stream(bytes.fromhex(entry.sha)).read()
        sources.append(Source(entry.path, data=data))
    return sources


# -- writing objects ------------------------------------------------------------


def _git_with_input(
    repo: git.Repo, args: Sequence[str], data: bytes, env: Mapping[str, str] | None = None
) -> str:
    """Run ``git <args>`` with ``data`` on stdin; the stdin file is unlinked from the start."""
    with tempfile.TemporaryFile() as fh:
        fh.write(data)
        fh.seek(0)
        out = repo.git.execute(["git", *args], istream=fh, env=dict(env or {}))
    return str(out).strip()


def _hash_blob(repo: git.Repo, data: bytes) -> str:
    return _git_with_input(repo, ["hash-object", "-w", "--no-filters", "--stdin"], data)


def _rewrite_tree(repo: git.Repo, tree: str, changes: Mapping[str, str]) -> str:
    """A tree like ``tree`` with the blobs at ``changes`` (path -> blob sha) replaced."""
    here: dict[str, str] = {}
    below: dict[str, dict[str, str]] = {}
    for path, sha in changes.items():
        head, sep, rest = path.partition("/")
        if sep:
            below.setdefault(head, {})[rest] = sha
        else:
            here[head] = sha
    lines = []
    for entry in _ls_tree(repo, tree, recursive=False):
        sha = entry.sha
        if entry.path in here and entry.kind == "blob":
            sha = here.pop(entry.path)
        elif entry.path in below and entry.kind == "tree":
            sha = _rewrite_tree(repo, entry.sha, below.pop(entry.path))
        name = entry.path.encode("utf-8", "surrogateescape")
        lines.append(f"{entry.mode} {entry.kind} {sha}\t".encode("ascii") + name + b"\0")
    if here or below:
        missing = sorted([*here, *below])
        raise BranchError(f"cannot place {missing} in tree {tree}: not a file of the base commit")
    return _git_with_input(repo, ["mktree", "-z"], b"".join(lines))


def _write_commit(
    repo: git.Repo, tree: str, parent: str, message: str, env: Mapping[str, str]
) -> str:
    return _git_with_input(
        repo, ["commit-tree", tree, "-p", parent, "-F", "-"], message.encode("utf-8"), env
    )


def _add_note(repo: git.Repo, commit: str, text: str, env: Mapping[str, str]) -> None:
    _git_with_input(
        repo,
        ["notes", "--ref", NOTES_REF, "add", "-f", "-F", "-", commit],
        text.encode("utf-8"),
        env,
    )


def _update_refs(repo: git.Repo, updates: Sequence[tuple[str, str, str]], message: str) -> None:
    """Move every ref at once (all or none); each must still have its old value (or not exist)."""
    if not updates:
        return
    data = b"".join(
        f"update {ref}\0{new}\0{old or '0' * len(new)}\0".encode() for ref, new, old in updates
    )
    _git_with_input(repo, ["update-ref", "-m", message, "--stdin", "-z"], data)


def _identity_env(repo: git.Repo, committer_name: str, committer_email: str) -> dict[str, str]:
    """Environment for commit-tree: the author from git's config, the committer configurable."""
    env: dict[str, str] = {}
    if committer_name:
        env["GIT_COMMITTER_NAME"] = committer_name
    if committer_email:
        env["GIT_COMMITTER_EMAIL"] = committer_email
    try:
        repo.git.var("GIT_AUTHOR_IDENT")
    except git.GitCommandError:
        if not (committer_name and committer_email):
            raise BranchError(
                "no author identity: set user.name and user.email (git config), "
                "or committer-name and committer-email in [tool.fixkit]"
            ) from None
        env["GIT_AUTHOR_NAME"] = committer_name
        env["GIT_AUTHOR_EMAIL"] = committer_email
    try:
        repo.git.var("GIT_COMMITTER_IDENT", env=env)
    except git.GitCommandError:
        raise BranchError(
            "no committer identity: set user.name and user.email (git config), "
            "or committer-name and committer-email in [tool.fixkit]"
        ) from None
    return env


# -- commit messages and records ----------------------------------------------------


def commit_message(record: FixRecord) -> str:
    """The commit message of one remediation: what, why, where, what was left, trailers."""
    subject = f"{record.title} ({', '.join(record.audit)})"
    parts = [subject]
    if record.summary:
        parts.append(textwrap.fill(record.summary, 72, break_on_hyphens=False))
    if record.why:
        parts.append("Why:\n" + record.why)
    stats = {f.path: f for f in record.files}
    lines = [f"Changed: {_count(len(record.sites), 'site')} in {_count(len(record.files), 'file')}"]
    for path, stat in stats.items():
        lines.append(f"- {path} (+{stat.added} -{stat.removed})")
        for site in record.sites:
            if site.path == path:
                lines.append(f"  - line {site.line}: {site.message}")
    parts.append("\n".join(lines))
    if record.skipped:
        lines = ["Skipped (left as they are):"]
        lines += [f"- {s.path}:{s.line}:{s.column}: {s.message}" for s in record.skipped]
        parts.append("\n".join(lines))
    if record.failed:
        lines = ["Not changed (failed verification or not processable):"]
        lines += [f"- {s.path}: {s.message}" for s in record.failed]
        parts.append("\n".join(lines))
    safety = f"Safety: {record.safety}"
    if record.fix_safety:
        safety += "\n" + record.fix_safety
    parts.append(safety)
    parts.append(
        "\n".join(
            [
                f"{TRAILER_CODEMOD}: {record.codemod}",
                f"{TRAILER_AUDIT}: {', '.join(record.audit)}",
                f"{TRAILER_BASE}: {record.base}",
                f"{TRAILER_VERSION}: {record.version}",
            ]
        )
    )
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _trailers(message: str) -> dict[str, str]:
    last = message.strip().rsplit("\n\n", 1)[-1]
    found = {}
    for line in last.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key and " " not in key:
            found[key] = value.strip()
    return found


def _read_note(repo: git.Repo, commit: str) -> dict[str, Any] | None:
    try:
        text = repo.git.notes("--ref", NOTES_REF, "show", commit)
    except git.GitCommandError:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def read_record(repo: git.Repo, commit: str) -> FixRecord | None:
    """The FixRecord fixkit stored with ``commit`` (a git note), or None if there is none."""
    data = _read_note(repo, commit)
    if data is None:
        return None
    try:
        return FixRecord.from_json(json.dumps(data))
    except (KeyError, TypeError, ValueError):
        return None


def _note_text(record: FixRecord, commit: str, branch: str) -> str:
    data = json.loads(record.to_json())
    # The commit's own SHA: a note copied onto a rewritten commit no longer matches it.
    data["commit"] = commit
    data["branch"] = branch
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class _Existing:
    """A fix branch as fixkit left it: its commits from the bottom up, over ``base``."""

    base: str
    commits: tuple[git.Commit, ...]


def _fixkit_made(repo: git.Repo, commit: git.Commit) -> dict[str, Any] | None:
    """The note of a commit fixkit made and nobody rewrote since, else None."""
    if len(commit.parents) != 1 or TRAILER_CODEMOD not in _trailers(str(commit.message)):
        return None
    note = _read_note(repo, commit.hexsha)
    if note is None or note.get("commit") != commit.hexsha or not note.get("base"):
        return None
    return note


def _existing(repo: git.Repo, tip: str) -> tuple[_Existing | None, str]:
    """The fixkit chain ending at ``tip``, or None and why the branch is not fixkit's alone."""
    chain: list[git.Commit] = []
    commit = repo.commit(tip)
    for _ in range(_MAX_CHAIN):
        note = _fixkit_made(repo, commit)
        if note is None:
            if not chain:
                why = f"its tip {commit.hexsha[:12]} is not a commit fixkit made"
            else:
                why = f"commit {commit.hexsha[:12]} was not made by fixkit"
            return None, why
        chain.append(commit)
        parent = commit.parents[0]
        if parent.hexsha == note["base"]:
            return _Existing(str(note["base"]), tuple(reversed(chain))), ""
        commit = parent
    return None, "its history is too long to be a fix branch"


def _checked_out(repo: git.Repo) -> set[str]:
    """The refs checked out in any work tree of the repository."""
    out = repo.git.worktree("list", "--porcelain")
    return {line[len("branch ") :] for line in out.splitlines() if line.startswith("branch ")}


# -- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchResult:
    """What a run did with one branch."""

    branch: str
    status: str
    """created, updated, up to date, or refused."""
    base: str
    commit: str
    """The branch's tip after the run."""
    records: tuple[FixRecord, ...]
    reason: str = ""
    previous: str = ""
    """The tip before the run ("" when the branch did not exist)."""
    changes: Mapping[str, tuple[bytes, bytes]] = field(default_factory=dict, repr=False)
    """path -> (bytes in the base, bytes at the tip)."""

    @property
    def codemods(self) -> tuple[str, ...]:
        """The codemod ids of the branch's commits, bottom up."""
        return tuple(r.codemod for r in self.records)

    @property
    def files(self) -> list[FileStat]:
        """The diffstat of base..tip."""
        return [
            FileStat(*s) for s in diffstat((p, a, b) for p, (a, b) in sorted(self.changes.items()))
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "branch": self.branch,
            "status": self.status,
            "base": self.base,
            "commit": self.commit,
            "previous": self.previous or None,
            "codemods": list(self.codemods),
            "reason": self.reason or None,
            "files": [{"path": f.path, "added": f.added, "removed": f.removed} for f in self.files],
            "sites": sum(len(r.sites) for r in self.records),
            "skipped": sum(len(r.skipped) for r in self.records),
        }


@dataclass(frozen=True)
class Overlap:
    """Two fix branches that change the same lines: merging both will conflict."""

    branches: tuple[str, str]
    files: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {"branches": list(self.branches), "files": list(self.files)}


@dataclass(frozen=True)
class BuildOutcome:
    """Everything one branch-mode run did."""

    base: str
    branches: tuple[BranchResult, ...]
    overlaps: tuple[Overlap, ...]
    reports: tuple[FileReport, ...] = field(repr=False)
    unchanged: tuple[str, ...] = ()
    """Codemods that changed nothing (no branch)."""

    @property
    def failed(self) -> bool:
        """True when some file failed verification."""
        return any(isinstance(r, Failed) for rep in self.reports for r in rep.results)

    @property
    def refused(self) -> bool:
        """True when a branch was not rebuilt because someone else committed to it."""
        return any(b.status == REFUSED for b in self.branches)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        failed = [
            {"path": r.path, "codemod": r.codemod, "error": r.error}
            for rep in self.reports
            for r in rep.results
            if isinstance(r, Failed)
        ]
        return {
            "base": self.base,
            "branches": [b.to_dict() for b in self.branches],
            "overlaps": [o.to_dict() for o in self.overlaps],
            "unchanged": list(self.unchanged),
            "failed": failed,
        }


# -- building ---------------------------------------------------------------------


@dataclass
class _Plan:
    branch: str
    base: str
    steps: list[tuple[FixRecord, str, str]]
    """(record, tree, message), bottom up."""
    changes: dict[str, tuple[bytes, bytes]]


def _changes_of(reports: Sequence[FileReport], codemod: str) -> dict[str, tuple[bytes, bytes]]:
    return {
        r.path: (r.before, r.after)
        for rep in reports
        for r in rep.results
        if isinstance(r, Changed) and r.codemod == codemod
    }


def _plan_tree(repo: git.Repo, tree: str, changes: Mapping[str, tuple[bytes, bytes]]) -> str:
    blobs = {path: _hash_blob(repo, after) for path, (_, after) in sorted(changes.items())}
    return _rewrite_tree(repo, tree, blobs)


def _plans(
    repo: git.Repo,
    base: str,
    codemods: Sequence[type[Codemod]],
    reports: Sequence[FileReport],
    prefix: str,
    stack_branch: str | None,
) -> tuple[list[_Plan], list[str]]:
    base_tree = repo.commit(base).tree.hexsha
    plans: list[_Plan] = []
    unchanged: list[str] = []
    stack = _Plan(stack_branch, base, [], {}) if stack_branch else None
    tree = base_tree
    for cls in codemods:
        changes = _changes_of(reports, cls.id)
        if not changes:
            unchanged.append(cls.id)
            continue
        record = FixRecord.from_reports(cls, reports, base)
        if stack is None:
            new_tree = _plan_tree(repo, base_tree, changes)
            plans.append(
                _Plan(prefix + cls.id, base, [(record, new_tree, commit_message(record))], changes)
            )
            continue
        tree = _plan_tree(repo, tree, changes)
        stack.steps.append((record, tree, commit_message(record)))
        for path, (before, after) in changes.items():
            first = stack.changes.get(path, (before, after))[0]
            stack.changes[path] = (first, after)
    if stack is not None and stack.steps:
        plans.append(stack)
    return plans, unchanged


def _same(existing: _Existing, plan: _Plan) -> bool:
    if existing.base != plan.base or len(existing.commits) != len(plan.steps):
        return False
    return all(
        c.tree.hexsha == tree and str(c.message).rstrip("\n") == message.rstrip("\n")
        for c, (_, tree, message) in zip(existing.commits, plan.steps, strict=True)
    )


def _check_ref_name(repo: git.Repo, branch: str) -> None:
    try:
        repo.git.check_ref_format("--branch", branch)
    except git.GitCommandError:
        raise BranchError(f"{branch!r} is not a valid branch name") from None


def build_branches(
    repo: git.Repo,
    codemods: Sequence[type[Codemod]],
    *,
    base: str = "HEAD",
    specs: Sequence[str] = (),
    exclude: Sequence[str] = (),
    options: Mapping[str, Mapping[str, Any]] | None = None,
    jobs: int = 0,
    prefix: str = "fixkit/",
    stack: bool = False,
    stack_branch: str | None = None,
    force: bool = False,
    committer_name: str = "",
    committer_email: str = "",
) -> BuildOutcome:
    """Run ``codemods`` on the files of ``base`` and make or refresh their fix branches.

    One branch ``<prefix><id>`` per codemod with changes, or with ``stack`` one
    branch (``stack_branch``, default ``<prefix>all``) with a commit per codemod.
    Branches that are up to date are left alone; branches with commits fixkit
    did not make are refused unless ``force``. Raises :class:`BranchError` for
    problems that stop the run before anything is written.
    """
    base_sha = resolve_base(repo, base)
    if stack:
        stack_branch = stack_branch or f"{prefix}all"
    names = [stack_branch] if stack_branch else [prefix + c.id for c in codemods]
    for name in names:
        assert name is not None
        _check_ref_name(repo, name)
    env = _identity_env(repo, committer_name, committer_email)
    sources = base_sources(repo, base_sha, specs, exclude)
    reports = run(sources, codemods, options=options, chain=stack, jobs=jobs)
    try:
        return _build(repo, base_sha, codemods, reports, prefix, stack_branch, force, env)
    except git.GitCommandError as exc:
        detail = exc.stderr.strip() if isinstance(exc.stderr, str) else str(exc)
        raise BranchError(f"git failed: {detail}") from exc


def _build(
    repo: git.Repo,
    base: str,
    codemods: Sequence[type[Codemod]],
    reports: Sequence[FileReport],
    prefix: str,
    stack_branch: str | None,
    force: bool,
    env: Mapping[str, str],
) -> BuildOutcome:
    plans, unchanged = _plans(repo, base, codemods, reports, prefix, stack_branch)
    checked_out = _checked_out(repo)
    results: list[BranchResult] = []
    updates: list[tuple[str, str, str]] = []
    notes: list[tuple[str, str]] = []
    for plan in plans:
        ref = f"refs/heads/{plan.branch}"
        records = tuple(r for r, _, _ in plan.steps)
        old = _ref_value(repo, ref)
        existing, why = _existing(repo, old) if old else (None, "")
        if existing is not None and _same(existing, plan):
            results.append(
                BranchResult(plan.branch, UP_TO_DATE, base, old, records, "", old, plan.changes)
            )
            continue
        refusal = ""
        if ref in checked_out:
            refusal = "it is checked out in a work tree; switch to another branch first"
        elif old and existing is None and not force:
            refusal = f"{why} (edited by hand?); --force rebuilds it"
        if refusal:
            old_base = existing.base if existing else ""
            results.append(
                BranchResult(plan.branch, REFUSED, old_base, old, records, refusal, old, {})
            )
            continue
        tip = base
        for record, tree, message in plan.steps:
            tip = _write_commit(repo, tree, tip, message, env)
            notes.append((tip, _note_text(record, tip, plan.branch)))
        status = UPDATED if old else CREATED
        reason = "" if existing is not None or not old else f"forced: {why}"
        results.append(
            BranchResult(plan.branch, status, base, tip, records, reason, old, plan.changes)
        )
        updates.append((ref, tip, old))
    for commit, text in notes:
        _add_note(repo, commit, text, env)
    _update_refs(repo, updates, f"fixkit {__version__}: fix branches from {base[:12]}")
    overlaps = () if stack_branch else tuple(_overlaps([r for r in results if r.status != REFUSED]))
    return BuildOutcome(base, tuple(results), overlaps, tuple(reports), tuple(unchanged))


def _ref_value(repo: git.Repo, ref: str) -> str:
    try:
        return str(repo.git.rev_parse("--verify", "--quiet", ref))
    except git.GitCommandError:
        return ""


# -- overlaps ---------------------------------------------------------------------


def _changed_ranges(before: bytes, after: bytes) -> list[tuple[int, int]]:
    """The line ranges of ``before`` (start, end; end exclusive) that ``after`` changes."""
    matcher = difflib.SequenceMatcher(
        None, before.splitlines(True), after.splitlines(True), autojunk=False
    )
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def _touch(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> bool:
    # Adjacent changes count too: a three-way merge conflicts on them as well.
    return any(a0 <= b1 and b0 <= a1 for a0, a1 in a for b0, b1 in b)


def _overlaps(results: Sequence[BranchResult]) -> list[Overlap]:
    ranges = [
        {path: _changed_ranges(before, after) for path, (before, after) in r.changes.items()}
        for r in results
    ]
    found = []
    for i, first in enumerate(results):
        for j in range(i + 1, len(results)):
            common = sorted(set(ranges[i]) & set(ranges[j]))
            files = tuple(p for p in common if _touch(ranges[i][p], ranges[j][p]))
            if files:
                found.append(Overlap((first.branch, results[j].branch), files))
    return found


# -- status -----------------------------------------------------------------------


@dataclass(frozen=True)
class BranchInfo:
    """A fix branch as it is now."""

    branch: str
    commit: str
    base: str
    """The base fixkit built it on ("" when unknown)."""
    codemods: tuple[str, ...]
    stale: bool
    """True when the base is not the current base any more."""
    edited: bool
    """True when someone committed to it (or rewrote it) after fixkit."""
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "branch": self.branch,
            "commit": self.commit,
            "base": self.base or None,
            "codemods": list(self.codemods),
            "stale": self.stale,
            "edited": self.edited,
            "reason": self.reason or None,
        }


def list_branches(repo: git.Repo, prefix: str = "fixkit/", base: str = "HEAD") -> list[BranchInfo]:
    """The branches under ``prefix``, with their base and whether they are stale or edited."""
    current = resolve_base(repo, base)
    out = repo.git.for_each_ref("--format=%(refname)%00%(objectname)", "refs/heads/")
    infos = []
    for line in out.splitlines():
        ref, _, sha = line.partition("\0")
        name = ref[len("refs/heads/") :]
        if not name.startswith(prefix):
            continue
        existing, why = _existing(repo, sha)
        if existing is not None:
            codemods = tuple(_trailers(str(c.message))[TRAILER_CODEMOD] for c in existing.commits)
            infos.append(
                BranchInfo(name, sha, existing.base, codemods, existing.base != current, False)
            )
            continue
        # Edited: find the newest fixkit commit below the tip to tell its base.
        found_base, codemods = "", ()
        for commit in repo.iter_commits(sha, max_count=_MAX_CHAIN, first_parent=True):
            note = _fixkit_made(repo, commit)
            if note is not None:
                found_base = str(note["base"])
                below, _ = _existing(repo, commit.hexsha)
                if below is not None:
                    codemods = tuple(
                        _trailers(str(c.message))[TRAILER_CODEMOD] for c in below.commits
                    )
                break
        stale = bool(found_base) and found_base != current
        infos.append(BranchInfo(name, sha, found_base, codemods, stale, True, why))
    return infos
