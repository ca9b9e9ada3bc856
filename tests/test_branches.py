"""Branch mode on real repositories: fix branches built from the base commit, user's work untouched."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import git
import libcst as cst
import pytest
from typer.testing import CliRunner

from fixkit import __version__, branches, registry
from fixkit.branches import BranchError, build_branches, list_branches, read_record
from fixkit.cli import app
from fixkit.codemod import Codemod

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "backend"

DOC = """Renames a name.

## What it does
Renames `{old}` to `{new}` wherever it is a plain name.

## Why is this bad?
Because `{old}` leaks memory in the audit's story.

## Example
```python
{old}()
```
Use instead:
```python
{new}()
```

## Fix safety
Safe: only the name changes.

## References
Audit {audit}.
"""


class RenameFoo(Codemod):
    __doc__ = DOC.format(old="foo", new="bar", audit="9.1")
    id = "rename-foo"
    title = "Rename foo to bar"
    audit = ("9.1", "9.2")
    triggers = (b"foo",)
    options: ClassVar[Mapping[str, Any]] = {"new": "bar"}

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value == "foo_keep":
            self.skip(original_node, "foo_keep is public API")
        if original_node.value != "foo":
            return updated_node
        self.fixed(original_node, "foo renamed")
        return updated_node.with_changes(value=self.config["new"])


class RenameFooBaz(Codemod):
    __doc__ = DOC.format(old="foo", new="baz", audit="9.3")
    id = "rename-foo-baz"
    title = "Rename foo to baz"
    audit = ("9.3",)
    triggers = (b"foo",)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value != "foo":
            return updated_node
        self.fixed(original_node, "foo renamed to baz")
        return updated_node.with_changes(value="baz")


class RenameSpam(Codemod):
    __doc__ = DOC.format(old="spam", new="eggs", audit="9.4")
    id = "rename-spam"
    title = "Rename spam to eggs"
    audit = ("9.4",)
    triggers = (b"spam",)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value != "spam":
            return updated_node
        self.fixed(original_node, "spam renamed")
        return updated_node.with_changes(value="eggs")


class BreakCode(Codemod):
    """Never stable: every run appends again, so verification fails.

    ## What it does
    Appends `_x`.

    ## Why is this bad?
    It is not.

    ## Example
    ```python
    breakme
    ```
    Use instead:
    ```python
    breakme_x
    ```

    ## Fix safety
    Broken on purpose.

    ## References
    Audit 9.9.
    """

    id = "break-code"
    title = "Break the code"
    audit = ("9.9",)
    triggers = (b"breakme",)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if not original_node.value.startswith("breakme"):
            return updated_node
        self.fixed(original_node, "broken")
        return updated_node.with_changes(value=original_node.value + "_x")


FILES = {
    "app/__init__.py": "",
    "app/one.py": "def foo():\n    return 1\n\n\nfoo_keep = 1\n",
    "app/two.py": "from app.one import foo\n\nfoo()\n\n\n\n\n\n\nx = spam\n",
    "lib/other.py": "spam = 1\n",
    "README.md": "foo spam\n",
}


# -- helpers -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolated_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No global or system git config, no identity from the environment."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    for var in ("AUTHOR", "COMMITTER"):
        for part in ("NAME", "EMAIL", "DATE"):
            monkeypatch.delenv(f"GIT_{var}_{part}", raising=False)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)


def sh(cwd: Path, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert out.returncode == 0, f"git {' '.join(args)} failed: {out.stderr.decode()}"
    return out.stdout.decode("utf-8", "replace").strip()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())


def make_repo(path: Path, files: dict[str, str] | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    sh(path, "init", "-q", "-b", "main")
    sh(path, "config", "user.name", "Ada Lovelace")
    sh(path, "config", "user.email", "ada@example.com")
    write(path, FILES if files is None else files)
    sh(path, "add", "-A")
    sh(path, "commit", "-q", "-m", "initial")
    return path


def commit_file(repo: Path, rel: str, text: str, message: str = "more") -> str:
    write(repo, {rel: text})
    sh(repo, "add", rel)
    sh(repo, "commit", "-q", "-m", message)
    return sh(repo, "rev-parse", "HEAD")


def fix_branches(repo: Path) -> dict[str, str]:
    out = sh(repo, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/fixkit/")
    return dict(line.split(" ") for line in out.splitlines())


def assert_fsck(repo: Path) -> None:
    out = subprocess.run(
        ["git", "fsck", "--full", "--strict", "--no-dangling"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert not out.stdout.strip() and "error" not in out.stderr, out.stdout + out.stderr


def stray_files(repo: Path) -> list[str]:
    """Lock files and temporary object files left in .git."""
    git_dir = Path(sh(repo, "rev-parse", "--absolute-git-dir"))
    return [
        str(p.relative_to(git_dir))
        for p in git_dir.rglob("*")
        if p.name.endswith(".lock") or p.name.startswith(("tmp_obj_", "tmp_idx_", "tmp_pack_"))
    ]


def snapshot(repo: Path) -> dict[str, Any]:
    """Everything of the user's that fixkit must never touch, byte for byte."""
    git_dir = Path(sh(repo, "rev-parse", "--absolute-git-dir"))
    index = (git_dir / "index").read_bytes() if (git_dir / "index").exists() else b""
    files: dict[str, tuple[bytes, int]] = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo)
        if rel.parts[0] == ".git":
            continue
        if path.is_symlink():
            files[rel.as_posix()] = (os.readlink(path).encode(), 0o120000)
        elif path.is_file():
            files[rel.as_posix()] = (path.read_bytes(), path.stat().st_mode)
    quiet = {"GIT_OPTIONAL_LOCKS": "0"}
    refs = sh(repo, "for-each-ref", "--format=%(refname) %(objectname)")
    user_refs = [
        r
        for r in refs.splitlines()
        if not r.startswith(("refs/heads/fixkit/", "refs/notes/fixkit"))
    ]
    return {
        "index": index,
        "files": files,
        "HEAD": (git_dir / "HEAD").read_bytes(),
        "status": sh(
            repo, "status", "--porcelain=v2", "--branch", "--untracked-files=all", env=quiet
        ),
        "stash": sh(repo, "stash", "list", "--format=%H %gs"),
        "worktrees": sh(repo, "worktree", "list", "--porcelain"),
        "refs": user_refs,
        "stray": stray_files(repo),
    }


def build(repo: Path, codemods: Sequence[type[Codemod]], **kwargs: Any) -> branches.BuildOutcome:
    kwargs.setdefault("jobs", 1)
    kwargs.setdefault("committer_name", "Fixkit Bot")
    kwargs.setdefault("committer_email", "bot@fixkit.invalid")
    return build_branches(git.Repo(repo), codemods, **kwargs)


def show(repo: Path, rev: str, path: str) -> str:
    return sh(repo, "show", f"{rev}:{path}") + "\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI sees the test codemods as the registry."""
    monkeypatch.setattr(
        registry, "all_codemods", lambda: (RenameFoo, RenameFooBaz, RenameSpam, BreakCode)
    )


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


# -- one branch per codemod ---------------------------------------------------------------


def test_one_branch_per_codemod_with_message_trailers_and_record(repo: Path) -> None:
    base = sh(repo, "rev-parse", "HEAD")
    outcome = build(repo, [RenameFoo, RenameSpam])
    assert [(b.branch, b.status) for b in outcome.branches] == [
        ("fixkit/rename-foo", "created"),
        ("fixkit/rename-spam", "created"),
    ]
    assert not outcome.failed and not outcome.refused and not outcome.overlaps
    refs = fix_branches(repo)
    for name in refs:
        assert sh(repo, "rev-list", "--count", f"{base}..{name}") == "1"
        assert sh(repo, "rev-parse", f"{name}^") == base
    assert sh(repo, "diff", "--name-only", base, "fixkit/rename-foo").split() == [
        "app/one.py",
        "app/two.py",
    ]
    assert (
        show(repo, "fixkit/rename-foo", "app/one.py")
        == "def bar():\n    return 1\n\n\nfoo_keep = 1\n"
    )
    assert sh(repo, "diff", "--name-only", base, "fixkit/rename-spam").split() == [
        "app/two.py",
        "lib/other.py",
    ]

    message = sh(repo, "log", "-1", "--format=%B", "fixkit/rename-foo")
    assert message.splitlines()[0] == "Rename foo to bar (9.1, 9.2)"
    assert "Why:\nBecause `foo` leaks memory" in message
    assert "- app/one.py (+1 -1)" in message and "line 1: foo renamed" in message
    assert "Skipped (left as they are):\n- app/one.py:5:1: foo_keep is public API" in message
    assert "Safety: safe\nSafe: only the name changes." in message
    trailers = sh(repo, "interpret-trailers", "--parse", input=message.encode())
    assert trailers.splitlines() == [
        "Fixkit-Codemod: rename-foo",
        "Fixkit-Audit: 9.1, 9.2",
        f"Fixkit-Base: {base}",
        f"Fixkit-Version: {__version__}",
    ]
    # Author from the user's git config, committer from fixkit's configuration.
    who = sh(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "fixkit/rename-foo")
    assert who == "Ada Lovelace <ada@example.com>|Fixkit Bot <bot@fixkit.invalid>"

    record = read_record(git.Repo(repo), refs["fixkit/rename-foo"])
    assert record is not None
    assert record.codemod == "rename-foo" and record.base == base and record.audit == ("9.1", "9.2")
    assert [(f.path, f.added, f.removed) for f in record.files] == [
        ("app/one.py", 1, 1),
        ("app/two.py", 2, 2),
    ]
    assert [s.message for s in record.skipped] == ["foo_keep is public API"]
    assert sh(repo, "notes", "--ref", "refs/notes/fixkit", "list", refs["fixkit/rename-foo"])
    assert read_record(git.Repo(repo), base) is None
    assert_fsck(repo)


def test_committer_defaults_to_the_user_and_missing_identity_is_a_clear_error(repo: Path) -> None:
    build(repo, [RenameFoo], committer_name="", committer_email="")
    who = sh(repo, "log", "-1", "--format=%an|%cn", "fixkit/rename-foo")
    assert who == "Ada Lovelace|Ada Lovelace"
    sh(repo, "config", "--unset", "user.name")
    sh(repo, "config", "--unset", "user.email")
    sh(repo, "config", "user.useConfigOnly", "true")
    before = fix_branches(repo)
    with pytest.raises(BranchError, match="no author identity"):
        build(repo, [RenameSpam], committer_name="", committer_email="")
    assert fix_branches(repo) == before


def test_user_work_is_untouched_and_transforms_read_the_base_commit(repo: Path) -> None:
    sh(repo, "switch", "-q", "-c", "feature")
    base = commit_file(repo, "app/three.py", "foo = 3\n")
    # A stash, an unstaged edit, a staged edit, an untracked file, an ignored file.
    write(repo, {"lib/other.py": "spam = 'stashed'\n"})
    sh(repo, "stash", "push", "-q", "-m", "wip")
    write(repo, {"app/one.py": "def foo():\n    return foo  # edited, not committed\n"})
    write(repo, {"app/two.py": "foo = 'staged'\n"})
    sh(repo, "add", "app/two.py")
    write(
        repo,
        {
            "app/two.py": "foo = 'staged then edited'\n",
            "new.py": "foo()\n",
            ".gitignore": "*.log\n",
        },
    )
    write(repo, {"debug.log": "foo\n"})
    before = snapshot(repo)
    outcome = build(repo, [RenameFoo, RenameSpam])
    assert {b.status for b in outcome.branches} == {"created"}
    assert snapshot(repo) == before
    # The branch holds the committed files, transformed; nothing of the uncommitted work.
    assert (
        show(repo, "fixkit/rename-foo", "app/one.py")
        == "def bar():\n    return 1\n\n\nfoo_keep = 1\n"
    )
    assert show(repo, "fixkit/rename-foo", "app/three.py") == "bar = 3\n"
    assert "new.py" not in sh(repo, "ls-tree", "-r", "--name-only", "fixkit/rename-foo").split()
    assert sh(repo, "rev-parse", "fixkit/rename-foo^") == base
    assert sh(repo, "symbolic-ref", "HEAD") == "refs/heads/feature"
    assert_fsck(repo)


def test_path_argument_is_a_pathspec_and_only_regular_python_files_are_read(repo: Path) -> None:
    os.symlink("one.py", repo / "app" / "link.py")
    write(repo, {"app/notes.txt": "foo\n", "app/sub/deep.py": "foo = 1\n", "app.py": "foo = 0\n"})
    sh(repo, "add", "-A")
    sh(repo, "commit", "-q", "-m", "symlink")
    base = sh(repo, "rev-parse", "HEAD")
    build(repo, [RenameFoo, RenameSpam], specs=branches.pathspecs(git.Repo(repo), [repo / "app"]))
    changed = sh(repo, "diff", "--name-only", base, "fixkit/rename-foo").split()
    assert changed == ["app/one.py", "app/sub/deep.py", "app/two.py"]  # not app.py, not the link
    assert sh(repo, "ls-tree", "fixkit/rename-foo", "app/link.py").startswith("120000 blob")
    # rename-spam only finds app/two.py below app/, not lib/other.py.
    assert sh(repo, "diff", "--name-only", base, "fixkit/rename-spam").split() == ["app/two.py"]
    with pytest.raises(BranchError, match="outside the repository"):
        branches.pathspecs(git.Repo(repo), [repo.parent])
    assert_fsck(repo)


def test_exclude_globs_apply(repo: Path) -> None:
    base = sh(repo, "rev-parse", "HEAD")
    build(repo, [RenameFoo], exclude=["app/two.py"])
    assert sh(repo, "diff", "--name-only", base, "fixkit/rename-foo").split() == ["app/one.py"]


def test_crlf_and_executable_bits_survive(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"tool.py": "foo = 1\r\nspam = 2\r\n"})
    os.chmod(repo / "tool.py", 0o755)
    sh(repo, "add", "tool.py")
    sh(repo, "commit", "-q", "-m", "exec")
    build(repo, [RenameFoo])
    assert sh(repo, "ls-tree", "fixkit/rename-foo", "tool.py").startswith("100755 blob")
    blob = subprocess.run(
        ["git", "show", "fixkit/rename-foo:tool.py"], cwd=repo, capture_output=True
    ).stdout
    assert blob == b"bar = 1\r\nspam = 2\r\n"


# -- stacks ---------------------------------------------------------------------------------


def test_stack_one_branch_one_commit_per_codemod_in_order(repo: Path) -> None:
    base = sh(repo, "rev-parse", "HEAD")
    outcome = build(repo, [RenameFoo, RenameFooBaz, RenameSpam], stack=True)
    assert [(b.branch, b.status, b.codemods) for b in outcome.branches] == [
        ("fixkit/all", "created", ("rename-foo", "rename-spam"))
    ]
    assert outcome.unchanged == ("rename-foo-baz",)  # nothing left for it after rename-foo
    log = sh(repo, "log", "--format=%H %s", f"{base}..fixkit/all").splitlines()
    assert [line.split(" ", 1)[1] for line in log] == [
        "Rename spam to eggs (9.4)",
        "Rename foo to bar (9.1, 9.2)",
    ]
    first = log[1].split()[0]
    assert sh(repo, "rev-parse", f"{first}^") == base
    assert sh(repo, "diff", "--name-only", base, first).split() == ["app/one.py", "app/two.py"]
    assert sh(repo, "diff", "--name-only", first, "fixkit/all").split() == [
        "app/two.py",
        "lib/other.py",
    ]
    assert show(repo, "fixkit/all", "app/two.py").endswith("bar()\n\n\n\n\n\n\nx = eggs\n")
    top = read_record(git.Repo(repo), log[0].split()[0])
    assert top is not None and top.codemod == "rename-spam" and top.base == base
    assert not fix_branches(repo).keys() - {"fixkit/all"}
    again = build(repo, [RenameFoo, RenameFooBaz, RenameSpam], stack=True)
    assert again.branches[0].status == "up to date"
    assert again.branches[0].commit == outcome.branches[0].commit
    named = build(repo, [RenameFoo, RenameSpam], stack=True, stack_branch="fixes/audit")
    assert named.branches[0].branch == "fixes/audit"
    assert sh(repo, "rev-parse", "fixes/audit^{tree}") == sh(repo, "rev-parse", "fixkit/all^{tree}")
    assert_fsck(repo)


# -- re-runs ---------------------------------------------------------------------------------


def test_rerun_is_idempotent(repo: Path) -> None:
    first = build(repo, [RenameFoo, RenameSpam])
    refs = sh(repo, "for-each-ref", "--format=%(refname) %(objectname)")
    reflog = sh(repo, "reflog", "show", "fixkit/rename-foo")
    second = build(repo, [RenameFoo, RenameSpam])
    assert [b.status for b in second.branches] == ["up to date", "up to date"]
    assert [b.commit for b in second.branches] == [b.commit for b in first.branches]
    assert sh(repo, "for-each-ref", "--format=%(refname) %(objectname)") == refs  # notes too
    assert sh(repo, "reflog", "show", "fixkit/rename-foo") == reflog
    assert_fsck(repo)


def test_new_base_rebuilds_on_it(repo: Path) -> None:
    build(repo, [RenameFoo])
    old = fix_branches(repo)["fixkit/rename-foo"]
    new_base = commit_file(repo, "app/three.py", "foo = 3\n")
    [info] = list_branches(git.Repo(repo))
    assert info.stale and not info.edited and info.commit == old
    outcome = build(repo, [RenameFoo])
    [res] = outcome.branches
    assert (res.status, res.previous) == ("updated", old)
    assert sh(repo, "rev-parse", "fixkit/rename-foo^") == new_base
    assert sh(repo, "rev-list", "--count", f"{new_base}..fixkit/rename-foo") == "1"
    assert show(repo, "fixkit/rename-foo", "app/three.py") == "bar = 3\n"
    [info] = list_branches(git.Repo(repo))
    assert not info.stale and info.base == new_base
    assert_fsck(repo)


def test_new_result_on_the_same_base_rebuilds(repo: Path) -> None:
    build(repo, [RenameFoo])
    old = fix_branches(repo)["fixkit/rename-foo"]
    outcome = build(repo, [RenameFoo], options={"rename-foo": {"new": "qux"}})
    assert outcome.branches[0].status == "updated"
    assert fix_branches(repo)["fixkit/rename-foo"] != old
    assert show(repo, "fixkit/rename-foo", "app/one.py").startswith("def qux():")


def _commit_on(repo: Path, branch: str, rel: str, text: str) -> str:
    """A commit on ``branch`` made like a reviewer would, in a separate work tree."""
    wt = repo.parent / "review-wt"
    sh(repo, "worktree", "add", "-q", str(wt), branch)
    write(wt, {rel: text})
    sh(wt, "commit", "-q", "-am", "review fix")
    sh(repo, "worktree", "remove", str(wt))
    return sh(repo, "rev-parse", branch)


def test_hand_edited_branch_is_refused_then_forced(repo: Path, catalogue: None) -> None:
    build(repo, [RenameFoo])
    edited = _commit_on(repo, "fixkit/rename-foo", "app/one.py", "def bar():\n    return 2\n")
    commit_file(repo, "app/three.py", "foo = 3\n")
    outcome = build(repo, [RenameFoo])
    [res] = outcome.branches
    assert res.status == "refused" and outcome.refused
    assert "not a commit fixkit made" in res.reason and "--force" in res.reason
    assert fix_branches(repo)["fixkit/rename-foo"] == edited
    [info] = list_branches(git.Repo(repo))
    assert info.edited and info.stale and info.codemods == ("rename-foo",)
    # The CLI says so and exits 1.
    result = cli("apply", "rename-foo", "-j", "1", str(repo))
    assert result.exit_code == 1, result.output
    assert "refused" in result.stdout
    assert fix_branches(repo)["fixkit/rename-foo"] == edited
    forced = build(repo, [RenameFoo], force=True)
    assert forced.branches[0].status == "updated" and "forced" in forced.branches[0].reason
    assert sh(repo, "rev-parse", "fixkit/rename-foo^") == sh(repo, "rev-parse", "HEAD")
    assert_fsck(repo)


def test_rewritten_tip_is_refused_even_with_trailers_and_copied_note(repo: Path) -> None:
    build(repo, [RenameFoo])
    tip = fix_branches(repo)["fixkit/rename-foo"]
    message = sh(repo, "log", "-1", "--format=%B", tip) + "\n"
    # An amend that keeps the message (and trailers); notes.rewriteRef would copy the note.
    amended = sh(
        repo,
        "commit-tree",
        f"{tip}^{{tree}}",
        "-p",
        f"{tip}^",
        "-F",
        "-",
        input=message.replace("bar", "baz").encode(),
    )
    sh(repo, "update-ref", "refs/heads/fixkit/rename-foo", amended, tip)
    sh(repo, "notes", "--ref", "refs/notes/fixkit", "copy", tip, amended)
    outcome = build(repo, [RenameFoo])
    assert outcome.branches[0].status == "refused"
    assert fix_branches(repo)["fixkit/rename-foo"] == amended


def test_checked_out_fix_branch_is_never_moved(repo: Path) -> None:
    build(repo, [RenameFoo])
    wt = repo.parent / "wt"
    sh(repo, "worktree", "add", "-q", str(wt), "fixkit/rename-foo")
    tip = fix_branches(repo)["fixkit/rename-foo"]
    commit_file(repo, "app/three.py", "foo = 3\n")
    outcome = build(repo, [RenameFoo], force=True)
    assert outcome.branches[0].status == "refused"
    assert "checked out" in outcome.branches[0].reason
    assert fix_branches(repo)["fixkit/rename-foo"] == tip
    sh(repo, "worktree", "remove", str(wt))


# -- overlaps -------------------------------------------------------------------------------


def test_overlapping_branches_are_warned_about(repo: Path, catalogue: None) -> None:
    outcome = build(repo, [RenameFoo, RenameFooBaz, RenameSpam])
    assert [(o.branches, o.files) for o in outcome.overlaps] == [
        (("fixkit/rename-foo", "fixkit/rename-foo-baz"), ("app/one.py", "app/two.py"))
    ]
    # The CLI lists the branches with their diffstat and warns on stderr.
    result = CliRunner().invoke(app, ["apply", "--all", "-j", "1", str(repo)])
    assert result.exit_code == 0, result.output
    assert "fixkit/rename-foo\tup to date" in result.stdout
    assert "    app/one.py\t+1 -1" in result.stdout
    assert (
        "fixkit/rename-foo and fixkit/rename-foo-baz change the same lines of app/one.py, app/two.py"
        in (result.stderr)
    )


# -- exit codes, JSON, errors ------------------------------------------------------------------


def test_failed_verification_exits_1_and_the_other_branches_are_made(
    tmp_path: Path, catalogue: None
) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "foo = breakme\n"})
    result = cli("apply", "rename-foo", "break-code", "-j", "1", "--output", "json", str(repo))
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert [b["branch"] for b in doc["branches"]] == ["fixkit/rename-foo"]
    assert doc["failed"][0]["codemod"] == "break-code"
    assert "not idempotent" in doc["failed"][0]["error"]
    assert list(fix_branches(repo)) == ["fixkit/rename-foo"]
    result = cli("apply", "rename-foo", "-j", "1", str(repo))
    assert result.exit_code == 0 and "up to date" in result.stdout


def test_json_output_lists_the_branches(repo: Path, catalogue: None) -> None:
    result = cli("apply", "rename-foo", "rename-spam", "-j", "1", "-o", "json", str(repo))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["base"] == sh(repo, "rev-parse", "HEAD")
    assert [(b["branch"], b["status"]) for b in doc["branches"]] == [
        ("fixkit/rename-foo", "created"),
        ("fixkit/rename-spam", "created"),
    ]
    assert doc["branches"][0]["files"][0] == {"path": "app/one.py", "added": 1, "removed": 1}
    assert doc["branches"][0]["commit"] == fix_branches(repo)["fixkit/rename-foo"]


def test_branch_prefix_and_base_options(repo: Path, catalogue: None) -> None:
    base = sh(repo, "rev-parse", "HEAD")
    commit_file(repo, "app/three.py", "foo = 3\n")
    result = cli(
        "apply", "rename-foo", "-j", "1", "--base", "HEAD~1", "--branch-prefix", "fix-", str(repo)
    )
    assert result.exit_code == 0, result.output
    assert sh(repo, "rev-parse", "fix-rename-foo^") == base
    result = cli("branches", str(repo), "--branch-prefix", "fix-", "-o", "json")
    [info] = json.loads(result.stdout)["branches"]
    assert info["branch"] == "fix-rename-foo" and info["stale"] and not info["edited"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("plain", "not in a git repository: use --dry-run"),
        ("empty", "has no commits yet"),
        ("bare", "bare repository"),
        ("bad-base", "base 'no-such-ref' is not a commit"),
        ("outside", "outside the repository"),
        ("bad-branch", "not a valid branch name"),
    ],
)
def test_clear_errors_exit_2_and_change_nothing(
    tmp_path: Path, catalogue: None, setup: str, message: str
) -> None:
    args = ["apply", "--all", "-j", "1"]
    repo = tmp_path / "r"
    if setup == "plain":
        write(repo, {"a.py": "foo = 1\n"})
        target = repo
    elif setup == "empty":
        repo.mkdir()
        sh(repo, "init", "-q")
        write(repo, {"a.py": "foo = 1\n"})
        target = repo
    elif setup == "bare":
        repo.mkdir()
        sh(repo, "init", "-q", "--bare")
        target = repo
    else:
        make_repo(repo)
        target = repo
        if setup == "bad-base":
            args += ["--base", "no-such-ref"]
        elif setup == "outside":
            write(tmp_path, {"elsewhere/b.py": "foo = 1\n"})
            args += [str(repo / "app")]
            target = tmp_path / "elsewhere"
        elif setup == "bad-branch":
            args += ["--branch-prefix", "bad..name/"]
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    snap = snapshot(repo) if setup not in ("plain", "bare") else None
    result = cli(*args, str(target))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before
    if snap is not None:
        assert snapshot(repo) == snap
        assert not fix_branches(repo)


def test_detached_head_is_the_base(repo: Path) -> None:
    first = sh(repo, "rev-parse", "HEAD")
    commit_file(repo, "app/three.py", "foo = 3\n")
    sh(repo, "checkout", "-q", "--detach", first)
    before = snapshot(repo)
    build(repo, [RenameFoo])
    assert snapshot(repo) == before
    assert sh(repo, "rev-parse", "fixkit/rename-foo^") == first
    assert sh(repo, "rev-parse", "HEAD") == first
    assert_fsck(repo)


def test_shallow_clone_works(repo: Path, tmp_path: Path) -> None:
    commit_file(repo, "app/three.py", "foo = 3\n")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    sh(clone, "config", "user.name", "Ada Lovelace")
    sh(clone, "config", "user.email", "ada@example.com")
    assert sh(clone, "rev-parse", "--is-shallow-repository") == "true"
    outcome = build(clone, [RenameFoo])
    assert outcome.branches[0].status == "created"
    assert show(clone, "fixkit/rename-foo", "app/three.py") == "bar = 3\n"
    assert_fsck(clone)


def test_submodule_files_are_not_touched(repo: Path, tmp_path: Path) -> None:
    sub = make_repo(tmp_path / "sub", {"inner.py": "foo = 1\n"})
    sh(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    sh(repo, "commit", "-q", "-m", "submodule")
    base = sh(repo, "rev-parse", "HEAD")
    before = snapshot(repo)
    build(repo, [RenameFoo])
    assert snapshot(repo) == before
    assert sh(repo, "diff", "--name-only", base, "fixkit/rename-foo").split() == [
        "app/one.py",
        "app/two.py",
    ]
    gitlink = sh(repo, "ls-tree", "fixkit/rename-foo", "vendor/sub")
    assert gitlink == sh(repo, "ls-tree", base, "vendor/sub") and gitlink.startswith(
        "160000 commit"
    )
    assert (repo / "vendor/sub/inner.py").read_text() == "foo = 1\n"
    assert_fsck(repo)


def test_branches_command_text_and_json(repo: Path, catalogue: None) -> None:
    result = cli("status", str(repo))
    assert result.exit_code == 0 and "no fix branches" in result.stderr
    build(repo, [RenameFoo, RenameSpam])
    _commit_on(repo, "fixkit/rename-spam", "lib/other.py", "eggs = 2\n")
    base = sh(repo, "rev-parse", "HEAD")
    result = cli("branches", str(repo))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("fixkit/rename-foo\t") and lines[0].endswith(
        "current\tfixkit\trename-foo"
    )
    assert lines[1].startswith("fixkit/rename-spam\t") and "edited by hand" in lines[1]
    new_base = commit_file(repo, "x.py", "x = 1\n")
    result = cli("status", str(repo), "-o", "json")
    doc = json.loads(result.stdout)
    assert doc["base"] == new_base
    assert [(b["branch"], b["base"], b["stale"], b["edited"]) for b in doc["branches"]] == [
        ("fixkit/rename-foo", base, True, False),
        ("fixkit/rename-spam", base, True, True),
    ]


# -- interruptions -------------------------------------------------------------------------------

SCRIPT = '''
import os, sys, time
import libcst as cst
import fixkit.cli
from fixkit import __version__, branches, registry
from fixkit.codemod import Codemod

PHASE, _, NTH = os.environ.get("FIXKIT_TEST_PHASE", "").partition(":")
calls = {"n": 0}


def pause():
    calls["n"] += 1
    if calls["n"] == int(NTH or 1):
        print("PAUSED", flush=True)
        time.sleep(120)


class RenameFoo(Codemod):
    """Rename.

    ## What it does
    Renames.

    ## Why is this bad?
    Because.

    ## Example
    Use instead: bar

    ## Fix safety
    Safe.

    ## References
    9.1
    """

    id = "rename-foo"
    title = "Rename foo to bar"
    audit = ("9.1",)
    triggers = (b"foo",)

    def leave_Name(self, original_node, updated_node):
        if original_node.value != "foo":
            return updated_node
        if PHASE == "transform":
            pause()
        return updated_node.with_changes(value="bar")


class RenameSpam(RenameFoo):
    id = "rename-spam"
    title = "Rename spam to eggs"
    triggers = (b"spam",)

    def leave_Name(self, original_node, updated_node):
        if original_node.value != "spam":
            return updated_node
        return updated_node.with_changes(value="eggs")


if PHASE and PHASE != "transform":
    real = getattr(branches, PHASE)

    def hooked(*args, **kwargs):
        pause()
        return real(*args, **kwargs)

    setattr(branches, PHASE, hooked)
registry.all_codemods = lambda: (RenameFoo, RenameSpam)
sys.argv = ["fixkit", "apply", "--all", "-j", "1", sys.argv[1]]
fixkit.cli.main()
'''


def _run_script(script: Path, repo: Path, phase: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FIXKIT_TEST_PHASE": phase, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(script), str(repo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _wait_for_pause(proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        assert sel.select(timeout), "the run never reached the phase"
    line = proc.stdout.readline()
    assert line == b"PAUSED\n", (line, proc.stderr.read() if proc.stderr else b"")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
@pytest.mark.parametrize(
    "phase",
    [
        "transform:2",
        "_hash_blob:2",
        "_rewrite_tree:2",
        "_write_commit:2",
        "_add_note:2",
        "_update_refs:1",
    ],
)
def test_interrupted_run_leaves_everything_as_it_was(
    tmp_path: Path, sig: signal.Signals, phase: str
) -> None:
    repo = make_repo(tmp_path / "repo")
    write(repo, {"app/one.py": "def foo():\n    return 'dirty'\n", "untracked.py": "foo = 1\n"})
    sh(repo, "add", "app/one.py")
    write(repo, {"app/two.py": "foo = 'unstaged'\n"})
    script = tmp_path / "run_fixkit.py"
    script.write_text(SCRIPT)
    before = snapshot(repo)
    proc = _run_script(script, repo, phase)
    try:
        _wait_for_pause(proc)
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert snapshot(repo) == before  # index, files, HEAD, stash, worktrees, user refs, no locks
    assert not fix_branches(repo)  # the refs move last, all at once
    assert not list((tmp_path / "repo").glob("**/*.fixkit"))
    assert_fsck(repo)
    # The next run completes normally.
    proc = _run_script(script, repo, "")
    _, errors = proc.communicate(timeout=120)
    assert proc.returncode == 0, errors.decode()
    assert sorted(fix_branches(repo)) == ["fixkit/rename-foo", "fixkit/rename-spam"]
    assert snapshot(repo) == before
    assert_fsck(repo)


# -- the real catalogue --------------------------------------------------------------------------


def _known_ids() -> list[str]:
    return [c.id for c in registry.all_codemods()]


@pytest.mark.skipif(
    "finally-close" not in _known_ids(), reason="finally-close is not in the catalogue yet"
)
def test_real_codemod_finally_close_makes_its_branch(tmp_path: Path) -> None:
    source = "import redis\n\n\ndef ping(u):\n    r = redis.from_url(u)\n    r.ping()\n"
    repo = make_repo(tmp_path / "r", {"svc/health.py": source})
    result = cli("apply", "finally-close", str(repo))
    assert result.exit_code == 0, result.output
    assert "fixkit/finally-close\tcreated" in result.stdout
    new = show(repo, "fixkit/finally-close", "svc/health.py")
    assert "finally:\n        r.close()" in new
    message = sh(repo, "log", "-1", "--format=%B", "fixkit/finally-close")
    assert "Fixkit-Codemod: finally-close" in message
    assert_fsck(repo)


def _export(repo: Path, rev: str, dest: Path) -> Path:
    dest.mkdir(parents=True)
    data = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=repo, capture_output=True, check=True
    )
    tar_path = dest.parent / f"{dest.name}.tar"
    tar_path.write_bytes(data.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(dest, filter="data")
    tar_path.unlink()
    return dest


def _tree_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not EXAMPLES.is_dir() or not list(EXAMPLES.rglob("*.py")):
        pytest.skip("examples/backend is not there yet")
    root = tmp_path_factory.mktemp("example")
    repo = root / "backend"
    shutil.copytree(
        EXAMPLES, repo, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    )
    env = {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "backend"]):
        sh(repo, *args, env=env)
    sh(repo, "config", "user.name", "Ada Lovelace")
    sh(repo, "config", "user.email", "ada@example.com")
    yield repo


def test_example_backend_branches_compile_and_match_the_dry_run(
    example_repo: Path, tmp_path: Path
) -> None:
    repo = example_repo
    base = sh(repo, "rev-parse", "HEAD")
    before = snapshot(repo)
    result = cli("apply", "--all", "--unsafe", str(repo))
    assert result.exit_code in (0, 1), result.output
    assert snapshot(repo) == before
    made = fix_branches(repo)
    for cls in registry.all_codemods():
        if cls.safety.value == "report-only":
            continue
        dry = CliRunner().invoke(app, ["apply", cls.id, "--unsafe", "--dry-run", str(repo)])
        patch = dry.stdout_bytes
        branch = f"fixkit/{cls.id}"
        if not patch.strip():
            assert branch not in made, f"{branch} made but the dry run shows nothing"
            continue
        assert branch in made, f"{cls.id} has changes but no branch"
        exported = _export(repo, branch, tmp_path / cls.id)
        compiled = subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(exported)], capture_output=True
        )
        assert compiled.returncode == 0, compiled.stdout.decode()
        # The dry-run patch applied to the base gives exactly the branch's tree.
        patched = _export(repo, base, tmp_path / f"{cls.id}-patched")
        applied = subprocess.run(
            ["git", "apply", "-"], cwd=patched, input=patch, capture_output=True
        )
        assert applied.returncode == 0, applied.stderr.decode()
        shutil.rmtree(exported)
        exported = _export(repo, branch, tmp_path / cls.id)
        assert _tree_files(patched) == _tree_files(exported)
        named = sorted(
            line.split(b" b/")[-1].decode()
            for line in patch.splitlines()
            if line.startswith(b"diff --git")
        )
        assert sh(repo, "diff", "--name-only", base, branch).split() == named
        # And the text itself: what the dry run showed is what the branch shows.
        shown = subprocess.run(
            ["git", "diff", "--no-color", base, branch], cwd=repo, capture_output=True, check=True
        ).stdout
        assert shown == patch
    assert_fsck(repo)


@pytest.fixture(scope="module")
def run_duration(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long one uninterrupted run of the script takes here."""
    root = tmp_path_factory.mktemp("probe")
    repo = make_repo(root / "repo")
    script = root / "run_fixkit.py"
    script.write_text(SCRIPT)
    started = time.monotonic()
    proc = _run_script(script, repo, "")
    proc.communicate(timeout=120)
    return time.monotonic() - started


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.8, 0.9, 0.95, 0.98])
def test_kill_at_any_moment_is_all_or_nothing(
    tmp_path: Path, run_duration: float, fraction: float
) -> None:
    """SIGKILL at a moment nobody chose: the branches appear all at once or not at all."""
    repo = make_repo(tmp_path / "repo")
    write(repo, {"app/two.py": "foo = 'unstaged'\n", "untracked.py": "foo = 1\n"})
    script = tmp_path / "run_fixkit.py"
    script.write_text(SCRIPT)
    before = snapshot(repo)
    proc = _run_script(script, repo, "")
    try:
        proc.wait(timeout=run_duration * fraction)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert snapshot(repo) == before
    assert sorted(fix_branches(repo)) in ([], ["fixkit/rename-foo", "fixkit/rename-spam"])
    assert_fsck(repo)


def test_branches_command_outside_a_repository(tmp_path: Path) -> None:
    result = cli("branches", str(tmp_path))
    assert result.exit_code == 2
    assert "not in a git repository" in result.stderr
