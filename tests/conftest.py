"""Shared fixtures: a plugin that registers the toy codemods, git repositories in tmp folders."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixkit import registry

TESTS = Path(__file__).resolve().parent

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in ``cwd`` with a fixed identity; return stdout."""
    env = {**os.environ, **GIT_ENV}
    out = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if check and out.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {out.stderr}")
    return out.stdout


@pytest.fixture
def toy_plugin(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Register tests/toy_codemods.py through the ``fixkit.codemods`` entry-point group."""
    site = tmp_path_factory.mktemp("plugin-site")
    dist = site / "fixkit_toys-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fixkit-toys\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[fixkit.codemods]\ntoys = toy_codemods\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(TESTS), *sys.path]))
    registry.all_codemods.cache_clear()
    yield site
    registry.all_codemods.cache_clear()


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty git repository with main as its branch."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo
