"""End to end: the fix branches fix the example backend's leaks, as measured by its own tests.

examples/backend is copied into a fresh git repository, ``fixkit apply --all --unsafe`` builds
one branch ``fixkit/<id>`` per codemod, and the example's test suite runs on the base and in a
``git worktree`` of every branch. On each branch the leak test of that remediation passes (it
fails on the base), and no test that passes on the base fails on the branch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "backend"

#: codemod id -> the example's test that measures its leak
LEAK_TESTS = {
    "finally-close": "tests/test_leaks.py::test_finally_close",
    "task-registry": "tests/test_leaks.py::test_task_registry",
    "persistent-client": "tests/test_leaks.py::test_persistent_client",
    "atomic-update": "tests/test_leaks.py::test_atomic_update",
    "bulk-delete": "tests/test_leaks.py::test_bulk_delete",
    "temp-file-logging": "tests/test_leaks.py::test_temp_file_logging",
    "lifespan-close": "tests/test_leaks.py::test_lifespan_close",
}

pytestmark = pytest.mark.skipif(
    not EXAMPLE.is_dir(), reason="examples/backend is not in this checkout"
)


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Example",
    "GIT_AUTHOR_EMAIL": "example@localhost",
    "GIT_COMMITTER_NAME": "Example",
    "GIT_COMMITTER_EMAIL": "example@localhost",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


def _run_example_tests(tree: Path, report: Path) -> dict[str, str]:
    """Run the example's pytest in ``tree``; return {node id: passed | failed | skipped}."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert report.is_file(), f"the example's tests did not run in {tree}"
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "").replace(".", "/")
        node = f"{module}.py::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[node] = "failed"
        elif case.find("skipped") is not None:
            outcomes[node] = "skipped"
        else:
            outcomes[node] = "passed"
    return outcomes


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The temp repository after ``fixkit apply``, and the example's test outcomes per tree."""
    root = tmp_path_factory.mktemp("e2e")
    repo = root / "backend"
    shutil.copytree(
        EXAMPLE,
        repo,
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.db"),
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Example backend")
    base = _git(repo, "rev-parse", "HEAD").strip()

    apply = subprocess.run(
        [sys.executable, "-m", "fixkit", "apply", "--all", "--unsafe", str(repo)],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert apply.returncode == 0, f"fixkit apply failed:\n{apply.stdout}\n{apply.stderr}"
    # Branch mode leaves the working tree, the index and the current branch alone.
    assert _git(repo, "status", "--porcelain") == ""
    assert _git(repo, "rev-parse", "HEAD").strip() == base
    assert _git(repo, "symbolic-ref", "--short", "HEAD").strip() == "main"

    prefix = "refs/heads/fixkit/"
    branches = {
        ref[len(prefix) :]
        for ref in _git(repo, "for-each-ref", "--format=%(refname)", prefix).split()
    }
    trees = {"base": repo}
    for codemod_id in sorted(branches & LEAK_TESTS.keys()):
        tree = root / f"wt-{codemod_id}"
        _git(repo, "worktree", "add", "-q", str(tree), f"fixkit/{codemod_id}")
        trees[codemod_id] = tree

    # Each run starts its own redis-server and servers on free ports, so they can overlap.
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            name: pool.submit(_run_example_tests, tree, root / f"{name}.xml")
            for name, tree in trees.items()
        }
        outcomes = {name: f.result() for name, f in futures.items()}
    return {"branches": branches, "outcomes": outcomes, "apply_output": apply.stdout}


def test_every_remediation_has_a_branch(applied: dict[str, object]) -> None:
    branches = applied["branches"]
    assert isinstance(branches, set)
    missing = sorted(LEAK_TESTS.keys() - branches)
    assert not missing, f"no fix branch for {missing}; fixkit said:\n{applied['apply_output']}"


def test_leak_tests_fail_on_the_base(applied: dict[str, object]) -> None:
    base = applied["outcomes"]["base"]  # type: ignore[index]
    for codemod_id, node in LEAK_TESTS.items():
        if base.get(node) == "skipped":
            continue  # redis-server is not installed: the example says so itself
        assert base.get(node) == "failed", f"{codemod_id}: the leak is not measured on the base"
    other = {n: o for n, o in base.items() if n not in LEAK_TESTS.values()}
    assert other and all(o != "failed" for o in other.values()), other


@pytest.mark.parametrize("codemod_id", sorted(LEAK_TESTS))
def test_branch_fixes_its_leak_without_regressions(
    applied: dict[str, object], codemod_id: str
) -> None:
    outcomes: dict[str, dict[str, str]] = applied["outcomes"]  # type: ignore[assignment]
    if codemod_id not in outcomes:
        pytest.fail(f"no branch fixkit/{codemod_id}; fixkit said:\n{applied['apply_output']}")
    base, branch = outcomes["base"], outcomes[codemod_id]
    node = LEAK_TESTS[codemod_id]
    if branch.get(node) == "skipped":
        pytest.skip(f"{node} was skipped (is redis-server installed?)")
    assert branch.get(node) == "passed", f"fixkit/{codemod_id} does not fix what {node} measures"
    regressions = sorted(n for n, o in base.items() if o == "passed" and branch.get(n) != "passed")
    assert not regressions, f"fixkit/{codemod_id} breaks {regressions}"
