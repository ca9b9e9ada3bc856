"""The command line: exit codes, output formats, modes, and bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import git
from typer.testing import CliRunner

from fixkit.cli import app

runner = CliRunner()
TOYS = ["--select", "rename-foo", "--select", "rename-qux"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def tree(tmp_path: Path, toy_plugin: Path) -> Path:
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_bytes(b"foo = 1\nkeep = 2\n")
    (root / "pkg" / "crlf.py").write_bytes(b"x = 1\r\nfoo = 2\r\n")
    (root / "pkg" / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nfoo = '\xe9'\n")
    (root / "pkg" / "broken.py").write_bytes(b"def foo(:\n")
    (root / "pkg" / "blob.py").write_bytes(b"foo\0\x01\x02")
    (root / "pkg" / "clean.py").write_bytes(b"x = 1\n")
    (root / "pkg" / "unsafe.py").write_bytes(b"qux = 1\n")
    return root


def test_list_shows_the_catalogue(toy_plugin: Path) -> None:
    code, out, _ = invoke("list")
    assert code == 0
    assert "rename-foo\tsafe\t0.1\tRename foo to bar" in out
    code, out, _ = invoke("list", "--output", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["rename-qux"]["safety"] == "unsafe"


def test_describe(toy_plugin: Path) -> None:
    code, out, _ = invoke("describe", "rename-foo")
    assert code == 0 and "## Why is this bad?" in out
    code, _, err = invoke("describe", "no-such")
    assert code == 2 and "unknown codemod" in err


def test_check_lists_findings_and_exits_1(tree: Path) -> None:
    code, out, err = invoke("check", str(tree), *TOYS, "-j", "1")
    assert code == 1
    lines = out.splitlines()
    assert "pkg/a.py:1:1: rename-foo foo renamed to bar [*]" in lines
    assert "pkg/a.py:2:1: rename-foo not fixed: keep is kept" in lines
    assert "pkg/unsafe.py:1:1: rename-qux qux renamed [unsafe fix]" in lines
    assert any(line.startswith("pkg/broken.py: error: rename-foo: syntax error") for line in lines)
    assert "pkg/blob.py: note: binary file" in lines
    assert "files scanned" in err


def test_check_clean_tree_exits_0(tmp_path: Path, toy_plugin: Path) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    code, out, _ = invoke("check", str(tmp_path), *TOYS)
    assert code == 0 and out == ""


def test_check_json_and_sarif(tree: Path) -> None:
    code, out, _ = invoke("check", str(tree), *TOYS, "-o", "json", "-j", "1")
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"]["failed"] == 1
    paths = {f["path"] for f in doc["files"]}
    assert {"pkg/a.py", "pkg/broken.py", "pkg/blob.py"} <= paths
    code, out, _ = invoke("check", str(tree), *TOYS, "-o", "sarif", "-j", "1")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["rename-foo", "rename-qux"]
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("pkg/")
    assert {r["level"] for r in run["results"]} == {"warning", "note"}


def test_dry_run_prints_a_diff_git_accepts_and_writes_nothing(tree: Path) -> None:
    before = {p: p.read_bytes() for p in tree.rglob("*.py")}
    git(tree, "init", "-q", "-b", "main")
    git(tree, "add", "-A")
    git(tree, "commit", "-qm", "base")
    code, out, _err = invoke("apply", "--dry-run", str(tree), "--select", "rename-foo", "-j", "1")
    assert code == 1
    assert "diff --git a/pkg/a.py b/pkg/a.py" in out
    assert {p: p.read_bytes() for p in tree.rglob("*.py")} == before
    patch = runner.invoke(
        app, ["apply", "--dry-run", str(tree), "--select", "rename-foo", "-j", "1"]
    ).stdout_bytes
    checked = subprocess.run(
        ["git", "apply", "--check", "-"], cwd=tree, input=patch, capture_output=True
    )
    assert checked.returncode == 0, checked.stderr
    subprocess.run(["git", "apply", "-"], cwd=tree, input=patch, check=True)
    assert (tree / "pkg" / "crlf.py").read_bytes() == b"x = 1\r\nbar = 2\r\n"
    assert (tree / "pkg" / "latin.py").read_bytes() == b"# -*- coding: latin-1 -*-\nbar = '\xe9'\n"


def test_in_place_writes_and_second_run_has_nothing_to_do(tree: Path) -> None:
    code, _, _ = invoke("apply", "--in-place", str(tree), "--select", "rename-foo", "-j", "1")
    assert code == 1  # broken.py failed to parse; everything else was written
    assert (tree / "pkg" / "a.py").read_bytes() == b"bar = 1\nkeep = 2\n"
    assert (tree / "pkg" / "crlf.py").read_bytes() == b"x = 1\r\nbar = 2\r\n"
    assert (tree / "pkg" / "blob.py").read_bytes() == b"foo\0\x01\x02"
    (tree / "pkg" / "broken.py").unlink()
    code, out, _ = invoke("apply", "--dry-run", str(tree), "--select", "rename-foo")
    assert code == 0 and out == ""


def test_unsafe_needs_the_flag(tree: Path) -> None:
    code, _, err = invoke("apply", "rename-qux", "--dry-run", str(tree))
    assert code == 2 and "--unsafe" in err
    code, out, _ = invoke("apply", "rename-qux", "--dry-run", "--unsafe", str(tree), "-j", "1")
    assert code == 1 and "+quux = 1" in out and "bar" not in out


def test_positional_ids_select_codemods(tree: Path) -> None:
    code, out, _ = invoke("apply", "rename-foo", str(tree / "pkg" / "a.py"), "--dry-run")
    assert code == 1
    assert out.startswith("diff --git a/a.py b/a.py") or "a/pkg/a.py" in out


def test_not_a_git_repository_points_at_the_other_modes(tree: Path) -> None:
    code, _, err = invoke("apply", str(tree), "--select", "rename-foo")
    assert code == 2
    assert "--in-place" in err and "--dry-run" in err


def test_bad_input_is_a_clear_error(tmp_path: Path, toy_plugin: Path) -> None:
    code, _, err = invoke("check", str(tmp_path / "missing"))
    assert code == 2 and "no such file" in err
    code, _, err = invoke("check", str(tmp_path), "--select", "nope")
    assert code == 2 and "unknown codemod 'nope'" in err
    code, _, err = invoke("apply", "--dry-run", "--in-place", str(tmp_path))
    assert code == 2


def test_pyproject_config(tree: Path) -> None:
    (tree / "pyproject.toml").write_text(
        '[tool.fixkit]\nignore = ["rename-qux"]\nexclude = ["crlf.py"]\n'
    )
    code, out, _ = invoke("check", str(tree), "-j", "1")
    assert "rename-qux" not in out and "crlf.py" not in out and "rename-foo" in out
    (tree / "pyproject.toml").write_text("[tool.fixkit]\nselct = []\n")
    code, _, err = invoke("check", str(tree))
    assert code == 2 and "unknown key 'selct'" in err
    (tree / "pyproject.toml").write_text("[tool.fixkit.no-such-codemod]\nx = 1\n")
    code, _, err = invoke("check", str(tree))
    assert code == 2 and "no known codemod" in err


def test_gitignore_exclude_and_symlinks(tmp_path: Path, toy_plugin: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.py").write_text("foo = 1\n")
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitignore").write_text("ignored/\n")
    (repo / "ignored").mkdir()
    (repo / "ignored" / "x.py").write_text("foo = 1\n")
    (repo / "src" / "a.py").write_text("foo = 1\n")
    (repo / "src" / "skip_me.py").write_text("foo = 1\n")
    (repo / "src" / "link.py").symlink_to(outside / "evil.py")
    (repo / "src" / "linkdir").symlink_to(outside)
    code, out, _ = invoke("check", str(repo), "--select", "rename-foo", "--exclude", "skip_*.py")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == ["src/a.py"]


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("fixkit ")


def test_ignored_folder_named_on_the_command_line_is_walked(
    tmp_path: Path, toy_plugin: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / "vendor" / "lib").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitignore").write_text("vendor/\n")
    (repo / "vendor" / "lib" / "a.py").write_text("foo = 1\n")
    (repo / "b.py").write_text("foo = 1\n")
    code, out, _ = invoke("check", str(repo), "--select", "rename-foo")
    assert [line.split(":")[0] for line in out.splitlines()] == ["b.py"]
    code, out, _ = invoke("check", str(repo / "vendor"), "--select", "rename-foo")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == ["vendor/lib/a.py"]
