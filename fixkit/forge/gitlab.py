"""GitLab merge requests through python-gitlab."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import gitlab
import requests

from fixkit.forge import (
    AlreadyExists,
    ForgeError,
    PRState,
    PullRequest,
    PullRequestSpec,
    error_for_status,
    pick_pr,
)

__all__ = ["GitLabForge"]

_MAX_PRS = 500
_DRAFT = "Draft: "
_STATES: Mapping[str, PRState] = {"opened": "open", "merged": "merged"}


class GitLabForge:
    """Merge requests of one GitLab project."""

    kind = "gitlab"

    def __init__(self, api_url: str, project: str, token: str, *, retries: int = 5) -> None:
        self.repo = project
        self.api_url = api_url
        self._gl = gitlab.Gitlab(
            api_url,
            private_token=token,
            retry_transient_errors=True,
            timeout=30,
            per_page=100,
        )
        self._retries = retries
        self._project = self._gl.projects.get(project, lazy=True)

    @contextmanager
    def _calling(self, action: str) -> Iterator[None]:
        try:
            yield
        except gitlab.GitlabError as exc:
            status = exc.response_code or 0
            detail = str(exc.error_message or "")
            if status == 409 and "already exists" in detail.lower():
                raise AlreadyExists(detail, 409) from None
            raise error_for_status(
                "gitlab", status, detail, action=action, repo=self.repo, api_url=self.api_url
            ) from None
        except requests.RequestException as exc:
            raise ForgeError(
                f"GitLab at {self.api_url} did not answer to {action}: {type(exc).__name__}"
            ) from None

    def _convert(self, mr: Any) -> PullRequest:
        return _from_attrs(mr.attributes)

    def find_pr(self, branch: str) -> PullRequest | None:
        """GET /projects/:id/merge_requests?source_branch=&state=all, every page."""
        found: list[PullRequest] = []
        with self._calling(f"list the merge requests of {branch}"):
            mrs = self._project.mergerequests.list(
                source_branch=branch, state="all", iterator=True, max_retries=self._retries
            )
            for i, mr in enumerate(mrs):
                if i >= _MAX_PRS:
                    break
                if mr.attributes.get("source_branch") == branch:
                    found.append(self._convert(mr))
        return pick_pr(found)

    def create_pr(self, spec: PullRequestSpec) -> PullRequest:
        """POST /projects/:id/merge_requests (a draft is a ``Draft:`` title)."""
        data: dict[str, Any] = {
            "source_branch": spec.head,
            "target_branch": spec.base,
            "title": (_DRAFT + spec.title) if spec.draft else spec.title,
            "description": spec.body,
            "remove_source_branch": True,
        }
        if spec.labels:
            data["labels"] = ",".join(spec.labels)
        with self._calling(f"open a merge request from {spec.head} into {spec.base}"):
            mr = self._project.mergerequests.create(data, max_retries=self._retries)
        return self._convert(mr)

    def _put(self, pr: PullRequest, data: Mapping[str, Any], action: str) -> PullRequest:
        with self._calling(action):
            server = self._project.mergerequests.update(
                pr.number, dict(data), max_retries=self._retries
            )
        attrs = {
            "iid": pr.number,
            "web_url": pr.url,
            "state": "opened",
            "source_branch": pr.head,
            "target_branch": pr.base,
        }
        attrs.update(server or {})
        return _from_attrs(attrs)

    def update_pr(self, pr: PullRequest, *, title: str, body: str) -> PullRequest:
        """PUT /projects/:id/merge_requests/:iid; a draft stays a draft."""
        if pr.draft and not title.lower().startswith(("draft:", "[draft]", "(draft)")):
            title = _DRAFT + title
        return self._put(
            pr, {"title": title, "description": body}, f"update merge request !{pr.number}"
        )

    def add_labels(self, pr: PullRequest, labels: Sequence[str]) -> None:
        """PUT /projects/:id/merge_requests/:iid with ``add_labels``."""
        if labels:
            self._put(pr, {"add_labels": ",".join(labels)}, f"label merge request !{pr.number}")

    def request_reviewers(self, pr: PullRequest, reviewers: Sequence[str]) -> None:
        """Look the users up (GET /users?username=) and PUT ``reviewer_ids``, keeping existing ones."""
        if not reviewers:
            return
        ids: list[int] = []
        with self._calling("look up reviewers"):
            for name in [*pr.reviewers, *reviewers]:
                users = self._gl.users.list(username=name, get_all=False, max_retries=self._retries)
                if not users:
                    raise ForgeError(f"GitLab has no user {name!r}: fix --reviewers")
                uid = int(users[0].attributes["id"])
                if uid not in ids:
                    ids.append(uid)
        self._put(pr, {"reviewer_ids": ids}, f"request reviews on merge request !{pr.number}")


def _from_attrs(attrs: Mapping[str, Any]) -> PullRequest:
    draft = bool(attrs.get("draft") or attrs.get("work_in_progress"))
    return PullRequest(
        number=int(attrs["iid"]),
        url=str(attrs.get("web_url") or ""),
        state=_STATES.get(str(attrs.get("state")), "closed"),
        title=str(attrs.get("title") or ""),
        body=str(attrs.get("description") or ""),
        head=str(attrs.get("source_branch") or ""),
        base=str(attrs.get("target_branch") or ""),
        head_sha=str(attrs.get("sha") or ""),
        draft=draft,
        labels=tuple(str(x) for x in attrs.get("labels") or ()),
        reviewers=tuple(str(r.get("username")) for r in attrs.get("reviewers") or ()),
    )
