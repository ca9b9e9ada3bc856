"""GitHub and GitHub Enterprise through PyGithub."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import requests
from github import Auth, Github, GithubException, GithubRetry
from urllib3.util.retry import Retry

from fixkit.forge import (
    AlreadyExists,
    ForgeError,
    PRState,
    PullRequest,
    PullRequestSpec,
    error_for_status,
    pick_pr,
)

__all__ = ["GitHubForge"]

#: Upper bound on the pull requests read for one branch (pages of 100).
_MAX_PRS = 500


def _detail(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or "")
    errors = data.get("errors")
    if isinstance(errors, list):
        extra = [
            str(e.get("message") or e.get("code") or "") for e in errors if isinstance(e, dict)
        ]
        message = "; ".join(m for m in [message, *extra] if m)
    return message


class GitHubForge:
    """Pull requests of one GitHub repository."""

    kind = "github"

    def __init__(self, api_url: str, repo: str, token: str, *, retries: int = 5) -> None:
        self.repo = repo
        self.api_url = api_url
        retry = GithubRetry(
            total=retries,
            backoff_factor=0.5,
            secondary_rate_wait=60,
            # PATCH only ever sets the same title and body again, so it is safe to repeat.
            allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
        )
        self._gh = Github(
            base_url=api_url,
            auth=Auth.Token(token),
            seconds_between_requests=0,
            seconds_between_writes=0,
            retry=retry,
            per_page=100,
            timeout=30,
            lazy=True,
        )
        self._repo = self._gh.get_repo(repo)
        self._objects: dict[int, Any] = {}

    @contextmanager
    def _calling(self, action: str) -> Iterator[None]:
        try:
            yield
        except GithubException as exc:
            detail = _detail(exc)
            if exc.status == 422 and "already exists" in detail.lower():
                raise AlreadyExists(detail, 422) from None
            raise error_for_status(
                "github", exc.status, detail, action=action, repo=self.repo, api_url=self.api_url
            ) from None
        except requests.RequestException as exc:
            raise ForgeError(
                f"GitHub at {self.api_url} did not answer to {action} (gave up after retries): "
                f"{type(exc).__name__}"
            ) from None

    def _convert(self, pr: Any) -> PullRequest:
        self._objects[pr.number] = pr
        state: PRState = (
            "merged" if pr.merged_at is not None else "open" if pr.state == "open" else "closed"
        )
        return PullRequest(
            number=pr.number,
            url=pr.html_url or "",
            state=state,
            title=pr.title or "",
            body=pr.body or "",
            head=pr.head.ref,
            base=pr.base.ref,
            head_sha=pr.head.sha or "",
            draft=bool(pr.draft),
            labels=tuple(label.name for label in pr.labels),
            reviewers=tuple(user.login for user in pr.requested_reviewers or ()),
        )

    def find_pr(self, branch: str) -> PullRequest | None:
        """GET /repos/{o}/{r}/pulls?head=owner:branch&state=all, every page."""
        owner = self.repo.split("/")[0]
        found: list[PullRequest] = []
        with self._calling(f"list the pull requests of {branch}"):
            for i, pr in enumerate(self._repo.get_pulls(state="all", head=f"{owner}:{branch}")):
                if i >= _MAX_PRS:
                    break
                if pr.head.ref == branch:
                    found.append(self._convert(pr))
        return pick_pr(found)

    def create_pr(self, spec: PullRequestSpec) -> PullRequest:
        """POST /repos/{o}/{r}/pulls."""
        with self._calling(f"open a pull request from {spec.head} into {spec.base}"):
            pr = self._repo.create_pull(
                base=spec.base,
                head=spec.head,
                title=spec.title,
                body=spec.body,
                draft=spec.draft,
                maintainer_can_modify=True,
            )
        return self._convert(pr)

    def update_pr(self, pr: PullRequest, *, title: str, body: str) -> PullRequest:
        """PATCH /repos/{o}/{r}/pulls/{n}."""
        obj = self._objects.get(pr.number)
        with self._calling(f"update pull request #{pr.number}"):
            if obj is None:
                obj = self._repo.get_pull(pr.number)
            obj.edit(title=title, body=body)
        return self._convert(obj)

    def add_labels(self, pr: PullRequest, labels: Sequence[str]) -> None:
        """POST /repos/{o}/{r}/issues/{n}/labels."""
        if not labels:
            return
        with self._calling(f"label pull request #{pr.number}"):
            self._pr_object(pr).add_to_labels(*labels)

    def request_reviewers(self, pr: PullRequest, reviewers: Sequence[str]) -> None:
        """POST /repos/{o}/{r}/pulls/{n}/requested_reviewers; ``org/team`` names a team."""
        users = [r for r in reviewers if "/" not in r]
        teams = [r.split("/", 1)[1] for r in reviewers if "/" in r]
        if not users and not teams:
            return
        with self._calling(f"request reviews on pull request #{pr.number}"):
            kwargs: dict[str, list[str]] = {}
            if users:
                kwargs["reviewers"] = users
            if teams:
                kwargs["team_reviewers"] = teams
            self._pr_object(pr).create_review_request(**kwargs)

    def _pr_object(self, pr: PullRequest) -> Any:
        obj = self._objects.get(pr.number)
        if obj is None:
            obj = self._repo.get_pull(pr.number)
            self._objects[pr.number] = obj
        return obj
