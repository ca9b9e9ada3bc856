"""The real codemods on the bundled target, and on a tree with awkward files in it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import git
from typer.testing import CliRunner

from fixkit.cli import app

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "examples" / "backend"
runner = CliRunner()


@pytest.fixture
def backend_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "backend"
    shutil.copytree(BACKEND, repo, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    return repo


def test_dry_run_diff_applies_with_git(backend_repo: Path) -> None:
    result = runner.invoke(app, ["apply", "--dry-run", str(backend_repo), "-j", "1"])
    assert result.exit_code == 1, result.stderr
    patch = result.stdout_bytes
    assert b"diff --git a/app/api/routers/health.py b/app/api/routers/health.py" in patch
    assert b"+    finally:\n+        redis_client.close()\n" in patch
    checked = subprocess.run(
        ["git", "apply", "--check", "-"], cwd=backend_repo, input=patch, capture_output=True
    )
    assert checked.returncode == 0, checked.stderr.decode()
    assert git(backend_repo, "status", "--porcelain") == ""


def test_check_lists_the_finally_close_sites(backend_repo: Path) -> None:
    result = runner.invoke(app, ["check", str(backend_repo), "--select", "finally-close"])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "finally-close" in line]
    assert any(
        line.startswith("app/api/routers/health.py:") and line.endswith("[*]") for line in lines
    )


def test_awkward_files_are_reported_not_fatal(backend_repo: Path) -> None:
    odd = backend_repo / "odd"
    odd.mkdir()
    body = "import redis\n\n\ndef ping(url):\n    r = redis.from_url(url)\n    r.ping()\n"
    (odd / "broken.py").write_text(body + "def (:\n")
    (odd / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + body.encode())
    (odd / "crlf.py").write_bytes(body.replace("\n", "\r\n").encode())
    (odd / "blob.py").write_bytes(b"redis.from_url\0\xff\xfe")
    result = runner.invoke(
        app, ["apply", "--in-place", str(odd), "--select", "finally-close", "-j", "1"]
    )
    assert result.exit_code == 1  # broken.py could not be parsed
    assert "odd/broken.py: error: finally-close: syntax error" in result.stderr
    latin = (odd / "latin.py").read_bytes()
    assert latin.startswith(b"# -*- coding: latin-1 -*-\n# caf\xe9\n") and b"finally:" in latin
    crlf = (odd / "crlf.py").read_bytes()
    assert b"    finally:\r\n        r.close()\r\n" in crlf
    assert b"\n" not in crlf.replace(b"\r\n", b"")
    assert (odd / "blob.py").read_bytes() == b"redis.from_url\0\xff\xfe"
    assert (odd / "broken.py").read_text().endswith("def (:\n")
