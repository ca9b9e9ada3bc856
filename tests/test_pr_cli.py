"""``fixkit pr`` end to end: real git remotes, a fake forge on 127.0.0.1, the CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_forge import (
    NAME,
    OWNER,
    TOKEN,
    FakeForge,
    GitHTTP,
    assert_no_token,
    basic,
    fix_branch,
    make_bare,
    make_work,
    read_meta,
    remote_sha,
    run_git,
)
from typer.testing import CliRunner

from fixkit.cli import app

ROOT = Path(__file__).resolve().parent.parent
TOKEN_VAR = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN", "gitea": "GITEA_TOKEN"}


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    repo = make_work(tmp_path)
    bare = make_bare(tmp_path)
    run_git(repo, "remote", "add", "origin", str(bare))
    run_git(repo, "push", "-q", "origin", "main")
    monkeypatch.chdir(repo)
    for var in ("GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "GITEA_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    yield repo


@pytest.fixture(params=["github", "gitlab", "gitea"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeForge]:
    forge = FakeForge(request.param)
    forge.thread.start()
    yield forge
    forge.server.shutdown()
    forge.server.server_close()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["pr", *args])
    return result.exit_code, result.output


def bare_of(work: Path) -> Path:
    return work.parent / "remotes" / OWNER / f"{NAME}.git"


def test_pr_creates_then_updates_never_duplicates(
    work: Path, fake: FakeForge, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_VAR[fake.dialect], TOKEN)
    sha = fix_branch(work, "task-registry", "fixed\n")
    fix_branch(work, "finally-close", "closed\n")
    flags = [
        "--forge",
        fake.dialect,
        "--api-url",
        fake.api_url,
        "--labels",
        "fixkit,audit",
        "--reviewers",
        "alice",
    ]
    code, out = invoke(*flags)
    assert code == 0, out
    assert "fixkit/task-registry: created #" in out and "fixkit/finally-close: created #" in out
    assert remote_sha(bare_of(work), "fixkit/task-registry") == sha
    assert len(fake.pulls) == 2
    assert all(p["labels"] == ["fixkit", "audit"] for p in fake.pulls.values())
    assert all(p["reviewers"] == ["alice"] for p in fake.pulls.values())

    code, out2 = invoke(*flags)
    assert code == 0 and out2.count("unchanged #") == 2, out2
    assert len(fake.pulls) == 2

    # One id only; its PR gets the new body after fixkit rebuilt the branch on a new base.
    (work / "app.py").write_text("upstream\n")
    run_git(work, "commit", "-q", "-am", "upstream")
    fix_branch(work, "task-registry", "fixed again\n")
    code, out3 = invoke("task-registry", *flags)
    assert code == 0 and "fixkit/task-registry: updated #" in out3 and "finally-close" not in out3
    assert len(fake.pulls) == 2
    assert_no_token(out, out2, out3, git_dir=work / ".git")


def test_closed_pr_is_not_reopened_by_the_cli(
    work: Path, fake: FakeForge, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_VAR[fake.dialect], TOKEN)
    fix_branch(work, "task-registry", "fixed\n")
    fake.seed("fixkit/task-registry", state="closed")
    code, out = invoke("--forge", fake.dialect, "--api-url", fake.api_url)
    assert code == 0 and "closed without merging" in out
    assert fake.writes() == [] and remote_sha(bare_of(work), "fixkit/task-registry") is None


def test_dry_run_prints_titles_and_bodies_and_sends_nothing(
    work: Path, fake: FakeForge, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_VAR[fake.dialect], TOKEN)
    fix_branch(work, "task-registry", "fixed\n", safety="unsafe")
    code, out = invoke(
        "--dry-run",
        "--draft",
        "--labels",
        "fixkit",
        "--forge",
        fake.dialect,
        "--api-url",
        fake.api_url,
    )
    assert code == 0, out
    assert "=== fixkit/task-registry -> main" in out
    assert "push: create fixkit/task-registry on origin" in out
    assert "title: Keep fire-and-forget tasks in a registry (1.1, 3.2)" in out
    assert "pull request: draft; labels: fixkit" in out
    assert "Unsafe fix" in out and "## How to verify" in out
    assert read_meta(out)["codemod"] == "task-registry"
    assert fake.calls == []
    assert remote_sha(bare_of(work), "fixkit/task-registry") is None
    assert_no_token(out)


@pytest.mark.parametrize("status", [401, 403, 404, 422])
def test_forge_errors_exit_2_with_a_hint(
    work: Path, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    fake = FakeForge("github")
    fake.thread.start()
    try:
        monkeypatch.setenv("GITHUB_TOKEN", "not-the-token" if status == 401 else TOKEN)
        from test_forge import Fault

        if status == 403:
            fake.faults.append(
                Fault("GET", "/", 403, {"message": "Must have admin rights to Repository."})
            )
        if status == 404:
            fake.repo_known = False
        if status == 422:
            fake.faults.append(
                Fault(
                    "POST",
                    "/pulls",
                    422,
                    {
                        "message": "Validation Failed",
                        "errors": [{"resource": "PullRequest", "field": "base", "code": "invalid"}],
                    },
                )
            )
        fix_branch(work, "task-registry", "fixed\n")
        code, out = invoke("--forge", "github", "--api-url", fake.root)
        assert code == 2, out
        hint = {
            401: "set GITHUB_TOKEN or GH_TOKEN",
            403: "the token needs",
            404: "check --remote",
            422: "check that --base-branch exists",
        }[status]
        assert hint in " ".join(out.split()), out
        assert_no_token(out, git_dir=work / ".git")
        assert "not-the-token" not in out
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def test_missing_token_is_a_usage_error(work: Path) -> None:
    fix_branch(work, "task-registry", "fixed\n")
    code, out = invoke("--forge", "github", "--api-url", "http://127.0.0.1:9")
    assert code == 2 and "GITHUB_TOKEN" in out


def test_unknown_id_is_an_error(work: Path) -> None:
    code, out = invoke("no-such-fix", "--forge", "none")
    assert code == 2 and "fixkit/no-such-fix" in out


def test_plain_remote_without_forge_pushes_and_prints_request_pull(work: Path) -> None:
    sha = fix_branch(work, "task-registry", "fixed\n")
    code, out = invoke()  # a bare path: no forge is detected
    assert code == 0, out
    assert remote_sha(bare_of(work), "fixkit/task-registry") == sha
    assert "are available in the Git repository at:" in out and "fixkit/task-registry" in out
    assert sha in out


def test_https_remote_with_forge_pushes_with_header_and_never_stores_the_token(
    work: Path, fake: FakeForge, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Push over git http-backend that demands the token, PRs on the fake forge; scan for leaks."""
    server = GitHTTP(tmp_path / "remotes", require=basic(fake.dialect))
    try:
        url = f"http://127.0.0.1:{server.port}/{OWNER}/{NAME}.git"
        run_git(work, "remote", "set-url", "origin", url)
        monkeypatch.setenv(TOKEN_VAR[fake.dialect], TOKEN)
        sha = fix_branch(work, "task-registry", "fixed\n")
        code, out = invoke(
            "--forge", fake.dialect, "--api-url", fake.api_url, "--base-branch", "main"
        )
        assert code == 0, out
        assert remote_sha(bare_of(work), "fixkit/task-registry") == sha
        assert len(fake.pulls) == 1
        assert basic(fake.dialect) in server.seen_auth
        assert_no_token(out, git_dir=work / ".git")
        assert TOKEN not in run_git(work, "config", "--list", "--show-origin")
        assert f"{url}" in run_git(work, "remote", "get-url", "origin")
    finally:
        server.close()


def test_dry_run_on_the_bundled_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`fixkit apply --all` on examples/backend, then `fixkit pr --dry-run`: every PR, in full."""
    target = tmp_path / "backend"
    shutil.copytree(
        ROOT / "examples" / "backend", target, ignore=shutil.ignore_patterns("__pycache__")
    )
    run_git(target, "init", "-q", "-b", "main")
    run_git(target, "add", ".")
    run_git(target, "commit", "-q", "-m", "example backend")
    bare = make_bare(tmp_path)
    run_git(target, "remote", "add", "origin", str(bare))
    monkeypatch.chdir(target)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    applied = subprocess.run(
        ["/work/venv/bin/python", "-m", "fixkit", "apply", "--all", "."],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    branches = run_git(target, "for-each-ref", "--format=%(refname:short)", "refs/heads/fixkit/")
    if not branches:
        pytest.skip(f"fixkit apply made no branches yet: {applied.stderr[-300:]}")
    code, out = invoke("--dry-run", "--base-branch", "main")
    assert code == 0, out
    for name in branches.split():
        section = out.split(f"=== {name} -> main", 1)[1].split("\n=== ", 1)[0]
        subject = run_git(target, "log", "-1", "--format=%s", name)
        assert f"title: {subject}" in section
        for heading in (
            "## What",
            "## Changed sites",
            "## Skipped findings",
            "## Safety",
            "## How to verify",
            "<!-- fixkit:meta ",
        ):
            assert heading in section, (name, heading)
        assert read_meta(section)["codemod"] == name.removeprefix("fixkit/")
    assert remote_sha(bare, branches.split()[0]) is None
