"""Forges (GitHub, GitLab, Gitea/Forgejo) behind one small interface.

``fixkit pr`` only talks to a :class:`Forge`: find the pull request of a branch,
create one, update one, add labels, request reviewers. Which forge serves a
remote is read from its URL (``github.com``, a GitHub Enterprise host with
``--api-url``, ``gitlab``, ``gitea``/``forgejo``/``codeberg``) or given with
``--forge``. Tokens come from the environment only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import urlsplit

__all__ = [
    "FORGE_KINDS",
    "TOKEN_VARS",
    "AlreadyExists",
    "Forge",
    "ForgeError",
    "PRState",
    "PullRequest",
    "PullRequestSpec",
    "Remote",
    "api_url_for",
    "detect_kind",
    "make_forge",
    "parse_remote",
]

ForgeKind = Literal["github", "gitlab", "gitea", "none"]
FORGE_KINDS: tuple[str, ...] = ("github", "gitlab", "gitea", "none")

#: Environment variables read for each forge's token, first one set wins.
TOKEN_VARS: Mapping[str, tuple[str, ...]] = {
    "github": ("GITHUB_TOKEN", "GH_TOKEN"),
    "gitlab": ("GITLAB_TOKEN",),
    "gitea": ("GITEA_TOKEN",),
}

PRState = Literal["open", "closed", "merged"]


class ForgeError(Exception):
    """A forge refused or failed a request; the message says what to fix."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AlreadyExists(ForgeError):
    """The forge already has an open pull request for this branch (GitHub 422, GitLab/Gitea 409)."""


@dataclass(frozen=True)
class PullRequest:
    """A pull (merge) request as fixkit needs to see it."""

    number: int
    url: str
    state: PRState
    title: str
    body: str
    head: str
    base: str
    head_sha: str = ""
    draft: bool = False
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PullRequestSpec:
    """What a new pull request should be."""

    head: str
    base: str
    title: str
    body: str
    draft: bool = False
    labels: tuple[str, ...] = field(default=())
    reviewers: tuple[str, ...] = field(default=())


class Forge(Protocol):
    """The few calls ``fixkit pr`` makes; one implementation per forge."""

    kind: str
    repo: str
    """``owner/name`` (GitLab: the full project path)."""

    def find_pr(self, branch: str) -> PullRequest | None:
        """The pull request whose head is ``branch``: the open one, else the latest closed one."""
        ...

    def create_pr(self, spec: PullRequestSpec) -> PullRequest:
        """Open a pull request; raise :class:`AlreadyExists` if one is open for the head."""
        ...

    def update_pr(self, pr: PullRequest, *, title: str, body: str) -> PullRequest:
        """Replace the title and body of an open pull request."""
        ...

    def add_labels(self, pr: PullRequest, labels: Sequence[str]) -> None:
        """Add labels (existing ones stay)."""
        ...

    def request_reviewers(self, pr: PullRequest, reviewers: Sequence[str]) -> None:
        """Request reviews from users (``org/team`` for a team where the forge has them)."""
        ...


def pick_pr(prs: Sequence[PullRequest]) -> PullRequest | None:
    """The open pull request if there is one, else the most recent (highest number)."""
    open_ = [p for p in prs if p.state == "open"]
    pool = open_ or list(prs)
    return max(pool, key=lambda p: p.number) if pool else None


@dataclass(frozen=True)
class Remote:
    """Where a git remote lives: enough to pick a forge and name the repository."""

    url: str
    """The URL without any user or password in it (safe to print)."""
    scheme: str
    """``https``, ``http``, ``ssh``, ``git`` or ``file``."""
    host: str
    port: int | None
    path: str
    """The repository path without ``.git`` and slashes at the ends (``acme/widgets``)."""

    @property
    def slug(self) -> str:
        """``owner/name``: the last two path segments."""
        return "/".join(self.path.split("/")[-2:])


_SCP_RE = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[^:/]+):(?P<path>(?!//).+)$")


def parse_remote(url: str) -> Remote:
    """Parse a git remote URL (``https://``, ``ssh://``, ``git@host:o/r.git``, ``git://`` or a path)."""
    if "://" in url:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        netloc = host + (f":{parts.port}" if parts.port else "")
        path = parts.path
        safe = parts._replace(netloc=netloc).geturl() if scheme != "file" else url
        return Remote(safe, scheme, host, parts.port, _clean_path(path))
    m = _SCP_RE.match(url)
    if m and not url.startswith(("/", ".")) and "/" not in m.group("host"):
        host = m.group("host").lower()
        return Remote(f"{host}:{m.group('path')}", "ssh", host, None, _clean_path(m.group("path")))
    return Remote(url, "file", "", None, _clean_path(url))


def _clean_path(path: str) -> str:
    path = path.strip("/")
    return path[:-4] if path.endswith(".git") else path


def detect_kind(remote: Remote, api_url: str | None = None) -> ForgeKind:
    """Which forge serves ``remote``: from its host, else from the shape of ``--api-url``."""
    host = remote.host
    if host == "github.com" or host.endswith(".github.com") or host.startswith("github."):
        return "github"
    if "gitlab" in host:
        return "gitlab"
    if any(word in host for word in ("gitea", "forgejo", "codeberg")):
        return "gitea"
    if api_url:
        path = urlsplit(api_url).path.rstrip("/")
        if path.endswith("/api/v3") or "github" in api_url:
            return "github"
        if path.endswith("/api/v1"):
            return "gitea"
        if "gitlab" in api_url or path.endswith("/api/v4"):
            return "gitlab"
    return "none"


def api_url_for(kind: str, remote: Remote) -> str:
    """The default API root of ``kind`` for a remote on ``remote.host``."""
    if kind == "github" and remote.host in ("github.com", "www.github.com"):
        return "https://api.github.com"
    if not remote.host:
        raise ForgeError(
            f"cannot tell the {kind} API address from the remote {remote.url!r}: pass --api-url"
        )
    root = f"https://{remote.host}"
    if kind == "github":
        return f"{root}/api/v3"
    if kind == "gitea":
        return f"{root}/api/v1"
    return root


def token_from_env(kind: str, env: Mapping[str, str]) -> str:
    """The token of ``kind`` from the environment, or a :class:`ForgeError` naming the variable."""
    names = TOKEN_VARS[kind]
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    raise ForgeError(
        f"no {kind} token: set {' or '.join(names)} to a token that may push and open pull requests "
        "(or pass --forge none to push only)"
    )


def make_forge(
    kind: str,
    remote: Remote,
    env: Mapping[str, str],
    *,
    api_url: str | None = None,
) -> Forge:
    """The forge client for ``remote``, authenticated with the token from ``env``."""
    url = (api_url or api_url_for(kind, remote)).rstrip("/")
    token = token_from_env(kind, env)
    try:
        return _client(kind, url, remote, token)
    except ImportError as exc:
        raise ForgeError(
            f"the {kind} client library is missing ({exc.name}): pip install 'fixkit[forge]'"
        ) from None


def _client(kind: str, url: str, remote: Remote, token: str) -> Forge:
    if kind == "github":
        from fixkit.forge.github import GitHubForge

        return GitHubForge(url, remote.slug, token)
    if kind == "gitlab":
        from fixkit.forge.gitlab import GitLabForge

        # A GitLab project path may be nested (group/sub/name); a local path has only owner/name.
        return GitLabForge(url, remote.path if remote.host else remote.slug, token)
    if kind == "gitea":
        from fixkit.forge.gitea import GiteaForge

        return GiteaForge(url, remote.slug, token)
    raise ForgeError(f"unknown forge {kind!r}: use one of github, gitlab, gitea, none")


_NAMES = {"github": "GitHub", "gitlab": "GitLab", "gitea": "Gitea"}
_SCOPES = {
    "github": "a classic token with the `repo` scope, or a fine-grained one with "
    "'Pull requests: write' and 'Contents: write'",
    "gitlab": "the `api` scope and at least the Developer role",
    "gitea": "the `write:repository` and `write:issue` scopes",
}


def error_for_status(
    kind: str, status: int, detail: str, *, action: str, repo: str, api_url: str
) -> ForgeError:
    """A :class:`ForgeError` for an HTTP error, saying what to fix."""
    name = _NAMES.get(kind, kind)
    said = f" ({status}: {detail})" if detail else f" ({status})"
    if status == 401:
        names = " or ".join(TOKEN_VARS.get(kind, ()))
        return ForgeError(
            f"{name} rejected the token{said}: set {names} to a valid, unexpired token", status
        )
    if status == 403:
        return ForgeError(
            f"{name} refused to {action} in {repo}{said}: the token needs {_SCOPES.get(kind, 'write access')}",
            status,
        )
    if status == 404:
        return ForgeError(
            f"{name} found nothing for {action} in {repo} at {api_url}{said}: check --remote and "
            "--api-url, and that the token can see the repository",
            status,
        )
    if status in (409, 422):
        return ForgeError(
            f"{name} refused to {action} in {repo}{said}: check that --base-branch exists on the "
            "remote and differs from the pushed branch",
            status,
        )
    return ForgeError(f"{name} answered {status} when asked to {action} in {repo}{said}", status)
