"""Gitea and Forgejo pull requests through a ``requests`` session."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import requests
from requests.adapters import HTTPAdapter
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

__all__ = ["GiteaForge"]

#: Bounds on paginated reads (pages of ``_LIMIT``).
_MAX_PAGES = 50
_LIMIT = 50
_WIP = "WIP: "


class GiteaForge:
    """Pull requests of one Gitea or Forgejo repository (API v1)."""

    kind = "gitea"

    def __init__(self, api_url: str, repo: str, token: str, *, retries: int = 5) -> None:
        self.repo = repo
        self.api_url = api_url
        self._base = f"{api_url}/repos/{repo}"
        retry = Retry(
            total=retries,
            backoff_factor=0.5,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=None,  # every method: a repeated create is answered 409, handled below
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self._session = requests.Session()
        self._session.mount("http://", HTTPAdapter(max_retries=retry))
        self._session.mount("https://", HTTPAdapter(max_retries=retry))
        self._session.headers.update(
            {
                "Authorization": f"token {token}",
                "Accept": "application/json",
                "User-Agent": "fixkit",
            }
        )

    def _request(self, method: str, url: str, action: str, **kwargs: Any) -> requests.Response:
        try:
            resp = self._session.request(method, url, timeout=30, **kwargs)
        except requests.RequestException as exc:
            raise ForgeError(
                f"Gitea at {self.api_url} did not answer to {action}: {type(exc).__name__}"
            ) from None
        if resp.status_code >= 400:
            detail = ""
            try:
                data = resp.json()
                if isinstance(data, dict):
                    detail = str(data.get("message") or "")
            except ValueError:
                detail = resp.text[:200]
            if resp.status_code == 409:
                raise AlreadyExists(detail, 409)
            raise error_for_status(
                "gitea",
                resp.status_code,
                detail,
                action=action,
                repo=self.repo,
                api_url=self.api_url,
            )
        return resp

    def _pages(self, url: str, action: str, params: Mapping[str, str]) -> Iterator[Any]:
        """Every item of a paginated list, following the Link header's ``next``."""
        next_url: str | None = url
        query: Mapping[str, str] | None = {**params, "limit": str(_LIMIT)}
        for _ in range(_MAX_PAGES):
            if next_url is None:
                return
            resp = self._request("GET", next_url, action, params=query)
            yield from resp.json() or []
            next_url = resp.links.get("next", {}).get("url")
            query = None  # the next link carries the query

    def find_pr(self, branch: str) -> PullRequest | None:
        """GET /repos/{o}/{r}/pulls?state=all, every page, kept where head.ref is ``branch``."""
        found = [
            _convert(item)
            for item in self._pages(
                f"{self._base}/pulls", f"list the pull requests of {branch}", {"state": "all"}
            )
            if (item.get("head") or {}).get("ref") == branch
        ]
        return pick_pr(found)

    def create_pr(self, spec: PullRequestSpec) -> PullRequest:
        """POST /repos/{o}/{r}/pulls (a draft is a ``WIP:`` title)."""
        payload: dict[str, Any] = {
            "head": spec.head,
            "base": spec.base,
            "title": (_WIP + spec.title) if spec.draft else spec.title,
            "body": spec.body,
        }
        if spec.labels:
            payload["labels"] = self._label_ids(spec.labels)
        action = f"open a pull request from {spec.head} into {spec.base}"
        return _convert(self._request("POST", f"{self._base}/pulls", action, json=payload).json())

    def update_pr(self, pr: PullRequest, *, title: str, body: str) -> PullRequest:
        """PATCH /repos/{o}/{r}/pulls/{index}; a WIP pull request stays WIP."""
        if pr.draft and not title.upper().startswith(("WIP:", "[WIP]")):
            title = _WIP + title
        action = f"update pull request #{pr.number}"
        payload = {"title": title, "body": body}
        return _convert(
            self._request("PATCH", f"{self._base}/pulls/{pr.number}", action, json=payload).json()
        )

    def add_labels(self, pr: PullRequest, labels: Sequence[str]) -> None:
        """POST /repos/{o}/{r}/issues/{index}/labels with label ids."""
        if labels:
            payload = {"labels": self._label_ids(labels)}
            action = f"label pull request #{pr.number}"
            self._request("POST", f"{self._base}/issues/{pr.number}/labels", action, json=payload)

    def request_reviewers(self, pr: PullRequest, reviewers: Sequence[str]) -> None:
        """POST /repos/{o}/{r}/pulls/{index}/requested_reviewers; ``org/team`` names a team."""
        users = [r for r in reviewers if "/" not in r]
        teams = [r.split("/", 1)[1] for r in reviewers if "/" in r]
        if users or teams:
            payload = {"reviewers": users, "team_reviewers": teams}
            action = f"request reviews on pull request #{pr.number}"
            self._request(
                "POST", f"{self._base}/pulls/{pr.number}/requested_reviewers", action, json=payload
            )

    def _label_ids(self, names: Sequence[str]) -> list[int]:
        """Gitea takes label ids: GET /repos/{o}/{r}/labels and match the names."""
        known = {
            str(item.get("name")): int(item["id"])
            for item in self._pages(f"{self._base}/labels", "list the labels", {})
        }
        missing = [n for n in names if n not in known]
        if missing:
            raise ForgeError(
                f"Gitea repository {self.repo} has no label {', '.join(missing)}: "
                "create it in the repository's labels or leave it out of --labels"
            )
        return [known[n] for n in names]


def _convert(item: Mapping[str, Any]) -> PullRequest:
    merged = bool(item.get("merged") or item.get("merged_at"))
    state: PRState = "merged" if merged else "open" if item.get("state") == "open" else "closed"
    head = item.get("head") or {}
    base = item.get("base") or {}
    title = str(item.get("title") or "")
    return PullRequest(
        number=int(item["number"]),
        url=str(item.get("html_url") or ""),
        state=state,
        title=title,
        body=str(item.get("body") or ""),
        head=str(head.get("ref") or ""),
        base=str(base.get("ref") or ""),
        head_sha=str(head.get("sha") or ""),
        draft=bool(item.get("draft")) or title.upper().startswith(("WIP:", "[WIP]")),
        labels=tuple(str(lb.get("name")) for lb in item.get("labels") or ()),
        reviewers=tuple(str(u.get("login")) for u in item.get("requested_reviewers") or ()),
    )
