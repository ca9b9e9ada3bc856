"""Pushing fix branches: leases instead of blind force, tokens only through the environment.

A branch is pushed with ``--force-with-lease=refs/heads/<b>:<sha the remote had>``
(empty when the branch must not exist yet), so a push never replaces commits
fixkit has not seen. Commits someone else added on top of fixkit's are found
before the push and the branch is left alone unless ``--force`` is given.

An HTTPS token is handed to git as a one-shot ``http.<url>.extraHeader`` through
``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``: never in argv,
a URL or ``.git/config``.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fixkit.forge import Remote

__all__ = [
    "GitError",
    "PushPlan",
    "auth_env",
    "git",
    "ls_remote",
    "plan_push",
    "push",
    "redact",
    "remote_url",
]

PushAction = Literal["create", "fast-forward", "rebuild", "up-to-date", "foreign"]

#: The user name git sends with a token over HTTPS, per forge.
_BASIC_USER = {"github": "x-access-token", "gitlab": "oauth2", "gitea": "fixkit"}
_USERINFO_RE = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)
_TIMEOUT = 600


class GitError(Exception):
    """A git command failed; the message is safe to print."""


def redact(text: str) -> str:
    """``text`` without any ``user:password@`` part of a URL."""
    return _USERINFO_RE.sub(r"\g<scheme>", text)


def git(
    repo: Path, *args: str, env: Mapping[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run git in ``repo``; a failure raises :class:`GitError` with git's message."""
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=_TIMEOUT,
        check=False,
    )
    if check and proc.returncode != 0:
        message = redact(proc.stderr.strip() or proc.stdout.strip())
        raise GitError(f"git {args[0]} failed: {message}")
    return proc


def remote_url(repo: Path, remote: str) -> str:
    """The fetch URL of a named remote, or ``remote`` itself when it is a URL or path."""
    proc = git(repo, "remote", "get-url", remote, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else remote


def auth_env(
    base: Mapping[str, str], remote: Remote, kind: str, token: str | None
) -> dict[str, str]:
    """``base`` plus a one-shot auth header for an HTTP(S) remote of a known forge."""
    env = dict(base)
    if not token or remote.scheme not in ("http", "https") or kind not in _BASIC_USER:
        return env
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    credentials = base64.b64encode(f"{_BASIC_USER[kind]}:{token}".encode()).decode("ascii")
    port = f":{remote.port}" if remote.port else ""
    # Scoped to the remote's origin, so a redirect elsewhere never receives it.
    env[f"GIT_CONFIG_KEY_{count}"] = f"http.{remote.scheme}://{remote.host}{port}/.extraHeader"
    env[f"GIT_CONFIG_VALUE_{count}"] = f"Authorization: Basic {credentials}"
    env["GIT_CONFIG_COUNT"] = str(count + 1)
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def ls_remote(repo: Path, remote: str, env: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    """The remote's branches (name -> sha) and its default branch, in one round trip."""
    out = git(repo, "ls-remote", "--symref", remote, "HEAD", "refs/heads/*", env=env).stdout
    heads: dict[str, str] = {}
    default: str | None = None
    for line in out.splitlines():
        left, _, name = line.partition("\t")
        if left.startswith("ref: ") and name == "HEAD":
            default = left[5:].removeprefix("refs/heads/")
        elif name.startswith("refs/heads/"):
            heads[name.removeprefix("refs/heads/")] = left
    return heads, default


@dataclass(frozen=True)
class PushPlan:
    """What pushing one branch will do."""

    branch: str
    local: str
    remote: str | None
    """The sha the remote has, None when the branch is not there."""
    action: PushAction
    foreign: tuple[str, ...] = ()
    """``<short sha> <subject>`` of commits on the remote branch that fixkit did not make."""

    def describe(self, remote_name: str) -> str:
        """One line for people."""
        short = (self.remote or "")[:12]
        if self.action == "create":
            return f"create {self.branch} on {remote_name} at {self.local[:12]}"
        if self.action == "up-to-date":
            return f"{self.branch} on {remote_name} is up to date"
        if self.action == "fast-forward":
            return f"fast-forward {self.branch} on {remote_name} {short}..{self.local[:12]}"
        if self.action == "rebuild":
            return (
                f"replace fixkit's earlier {self.branch} on {remote_name} "
                f"(--force-with-lease={short}) with {self.local[:12]}"
            )
        return f"{self.branch} on {remote_name} has commits fixkit did not make: " + "; ".join(
            self.foreign
        )


def _has_object(repo: Path, sha: str) -> bool:
    return git(repo, "cat-file", "-e", f"{sha}^{{commit}}", check=False).returncode == 0


def plan_push(
    repo: Path,
    remote: str,
    branch: str,
    local: str,
    remote_sha: str | None,
    env: Mapping[str, str],
    *,
    fetch: bool = True,
) -> PushPlan:
    """Compare the local branch with the remote's and decide how (and whether) to push."""
    if remote_sha is None:
        return PushPlan(branch, local, None, "create")
    if remote_sha == local:
        return PushPlan(branch, local, remote_sha, "up-to-date")
    if not _has_object(repo, remote_sha) and fetch:
        # Into FETCH_HEAD only: no ref of the user's repository is created.
        git(
            repo,
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            remote,
            f"refs/heads/{branch}",
            env=env,
            check=False,
        )
    if not _has_object(repo, remote_sha):
        return PushPlan(branch, local, remote_sha, "foreign", (f"{remote_sha[:12]} (not fetched)",))
    is_ancestor = git(repo, "merge-base", "--is-ancestor", remote_sha, local, check=False)
    if is_ancestor.returncode == 0:
        return PushPlan(branch, local, remote_sha, "fast-forward")
    log = git(
        repo,
        "log",
        "--first-parent",
        "--format=%H%x1f%s%x1f%(trailers:key=Fixkit-Codemod,valueonly,separator=%x2C)%x1e",
        f"{local}..{remote_sha}",
    ).stdout
    foreign: list[str] = []
    saw_fixkit = False
    for entry in log.split("\x1e"):
        if not entry.strip():
            continue
        sha, subject, codemod = ([*entry.strip("\n").split("\x1f"), "", ""])[:3]
        if codemod.strip():
            saw_fixkit = True
            break
        foreign.append(f"{sha[:12]} {subject}")
    if foreign or not saw_fixkit:
        return PushPlan(
            branch, local, remote_sha, "foreign", tuple(foreign) or ("no fixkit commit",)
        )
    return PushPlan(branch, local, remote_sha, "rebuild")


def push(
    repo: Path, remote: str, plan: PushPlan, env: Mapping[str, str], *, force: bool = False
) -> None:
    """Push ``plan.local`` to ``refs/heads/<branch>`` under a lease on what the remote had."""
    if plan.action == "up-to-date":
        return
    if plan.action == "foreign" and not force:
        raise GitError(plan.describe(remote) + ": pass --force to replace them")
    ref = f"refs/heads/{plan.branch}"
    lease = f"--force-with-lease={ref}:{plan.remote or ''}"
    proc = git(
        repo, "push", "--porcelain", lease, remote, f"{plan.local}:{ref}", env=env, check=False
    )
    if proc.returncode != 0:
        rejected = [
            line.split("\t")[-1] for line in proc.stdout.splitlines() if line.startswith("!")
        ]
        if any("stale info" in r for r in rejected):
            raise GitError(
                f"{plan.branch} changed on {remote} since fixkit read it (lease {plan.remote or 'absent'} "
                "no longer holds): nothing was overwritten; run `fixkit pr` again"
            )
        detail = "; ".join(rejected) or redact(proc.stderr.strip())
        raise GitError(f"git push of {plan.branch} to {remote} failed: {detail}")


def head_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment, with git's output in English for parsing."""
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.update(extra or {})
    return env


def local_branches(repo: Path, prefix: str) -> dict[str, str]:
    """Local branches under ``prefix`` (``fixkit/``): name -> sha."""
    out = git(
        repo, "for-each-ref", "--format=%(refname)%00%(objectname)", f"refs/heads/{prefix}"
    ).stdout
    heads: dict[str, str] = {}
    for line in out.splitlines():
        name, _, sha = line.partition("\0")
        heads[name.removeprefix("refs/heads/")] = sha
    return heads


def request_pull(
    repo: Path, start: str, url: str, branch: str, env: Mapping[str, str]
) -> str | None:
    """``git request-pull`` for a pushed branch, or None when git cannot make one."""
    proc = git(repo, "request-pull", start, url, branch, env=env, check=False)
    return redact(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else None
