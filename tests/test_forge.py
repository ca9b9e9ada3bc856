"""The forge layer of ``fixkit pr`` against real git remotes and a fake forge on 127.0.0.1.

The fake forge implements the endpoints fixkit uses in GitHub's, GitLab's and Gitea's
documented shapes (status codes, Link-header pagination, the 422/409 of a duplicate
pull request, Retry-After) and records every request, so each test checks what
fixkit sent. Git remotes are real: a bare repository path, ``git daemon`` and
``git http-backend`` behind a small CGI bridge that demands the token.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

from fixkit import forge as fg
from fixkit.fixrecord import FileStat, FixRecord, Site
from fixkit.forge import push as gp
from fixkit.forge.body import read_meta, render_body
from fixkit.forge.publish import Branch, PublishOptions, load_branch, publish_branch

GIT_ID = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def run_git(
    cwd: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> str:
    full = {**os.environ, **GIT_ID, **(env or {})}
    out = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=full,
        input=input,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if out.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {out.stderr}")
    return out.stdout.strip()


# ---------------------------------------------------------------------------
# A fake forge: GitHub's, GitLab's and Gitea's REST shapes on 127.0.0.1
# ---------------------------------------------------------------------------

TOKEN = "tok-5f3c9a1e-SECRET-d41d8cd9"
OWNER, NAME = "acme", "widgets"
SLUG = f"{OWNER}/{NAME}"


@dataclass
class Call:
    """One request the fake forge received."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    auth: str


@dataclass
class Fault:
    """An answer given instead of the real one, ``times`` times, to matching requests."""

    method: str
    path_part: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    before: Callable[[], None] | None = None


class FakeForge:
    """A forge speaking one dialect (github, gitlab, gitea) of the documented REST API."""

    def __init__(self, dialect: str, page_size: int = 2) -> None:
        self.dialect = dialect
        self.page_size = page_size
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.pulls: dict[int, dict[str, Any]] = {}
        self.labels = {"fixkit": 11, "audit": 12, "memory": 13}
        self.users = {"alice": 101, "bob": 102}
        self.repo_known = True
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        self.root = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- what clients are given --------------------------------------------

    @property
    def api_url(self) -> str:
        return {"github": self.root, "gitlab": self.root, "gitea": f"{self.root}/api/v1"}[
            self.dialect
        ]

    def seed(
        self,
        head: str,
        *,
        state: str = "open",
        merged: bool = False,
        body: str = "",
        title: str = "old title",
        sha: str = "0" * 40,
        labels: Sequence[str] = (),
    ) -> int:
        number = len(self.pulls) + 1
        self.pulls[number] = {
            "number": number,
            "head": head,
            "base": "main",
            "state": state,
            "merged": merged,
            "title": title,
            "body": body,
            "draft": False,
            "sha": sha,
            "labels": list(labels),
            "reviewers": [],
        }
        return number

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method != "GET"]

    # -- the HTTP side -----------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        forge = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw.strip() else None
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                auth = self.headers.get("Authorization") or self.headers.get("PRIVATE-TOKEN") or ""
                call = Call(self.command, parts.path, query, body, auth)
                with forge.lock:
                    forge.calls.append(call)
                    status, payload, headers = forge.answer(call, self.headers)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return Handler

    def answer(self, call: Call, headers: Any) -> tuple[int, Any, dict[str, str]]:
        for fault in self.faults:
            if fault.times > 0 and fault.method == call.method and fault.path_part in call.path:
                fault.times -= 1
                if fault.before:
                    fault.before()
                return fault.status, fault.body, fault.headers
        if not self._authorized(call):
            msg = {
                "github": "Bad credentials",
                "gitlab": "401 Unauthorized",
                "gitea": "token is required",
            }
            return 401, {"message": msg[self.dialect]}, {}
        route = getattr(self, f"_{self.dialect}")
        result: tuple[int, Any, dict[str, str]] = route(call)
        return result

    def _authorized(self, call: Call) -> bool:
        if self.dialect == "gitlab":
            return call.auth == TOKEN
        return call.auth in (f"token {TOKEN}", f"Bearer {TOKEN}")

    def _page(self, call: Call, items: list[Any], size_key: str) -> tuple[int, Any, dict[str, str]]:
        size = min(int(call.query.get(size_key, ["30"])[0]), self.page_size)
        page = int(call.query.get("page", ["1"])[0])
        chunk = items[(page - 1) * size : page * size]
        links = []
        last = max(1, -(-len(items) // size))

        def link(p: int, rel: str) -> str:
            q = {k: v[0] for k, v in call.query.items()}
            q["page"] = str(p)
            return f'<{self.root}{call.path}?{urlencode(q)}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})

    def _not_found(self) -> tuple[int, Any, dict[str, str]]:
        return 404, {"message": "Not Found"}, {}

    # -- GitHub: /repos/{owner}/{repo}/pulls ... ----------------------------

    def _gh_json(self, pr: dict[str, Any]) -> dict[str, Any]:
        n = pr["number"]
        api = f"{self.root}/repos/{SLUG}"
        return {
            "url": f"{api}/pulls/{n}",
            "issue_url": f"{api}/issues/{n}",
            "html_url": f"https://github.example/{SLUG}/pull/{n}",
            "number": n,
            "state": "closed" if pr["state"] != "open" else "open",
            "title": pr["title"],
            "body": pr["body"],
            "draft": pr["draft"],
            "merged_at": "2024-01-01T00:00:00Z" if pr["merged"] else None,
            "head": {"ref": pr["head"], "sha": pr["sha"], "label": f"{OWNER}:{pr['head']}"},
            "base": {"ref": pr["base"], "sha": "1" * 40, "label": f"{OWNER}:{pr['base']}"},
            "labels": [{"name": name} for name in pr["labels"]],
            "requested_reviewers": [{"login": u} for u in pr["reviewers"]],
        }

    def _github(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        prefix = f"/repos/{SLUG}"
        if not self.repo_known or not call.path.startswith(prefix):
            return self._not_found()
        rest = call.path[len(prefix) :]
        m = re.fullmatch(
            r"/pulls/(\d+)|/issues/(\d+)/labels|/pulls/(\d+)/requested_reviewers", rest
        )
        if rest == "/pulls" and call.method == "GET":
            state = call.query.get("state", ["open"])[0]
            head = call.query.get("head", [None])[0]
            items = [
                self._gh_json(p)
                for p in self.pulls.values()
                if (state == "all" or (p["state"] == "open") == (state == "open"))
                and (head is None or f"{OWNER}:{p['head']}" == head)
            ]
            return self._page(call, items, "per_page")
        if rest == "/pulls" and call.method == "POST":
            b = call.body
            missing = [k for k in ("title", "head", "base") if not b.get(k)]
            if missing:
                return (
                    422,
                    {
                        "message": "Validation Failed",
                        "errors": [
                            {"resource": "PullRequest", "field": k, "code": "missing_field"}
                            for k in missing
                        ],
                    },
                    {},
                )
            if any(p["head"] == b["head"] and p["state"] == "open" for p in self.pulls.values()):
                return (
                    422,
                    {
                        "message": "Validation Failed",
                        "errors": [
                            {
                                "resource": "PullRequest",
                                "code": "custom",
                                "message": f"A pull request already exists for {OWNER}:{b['head']}.",
                            }
                        ],
                        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                    },
                    {},
                )
            n = self.seed(b["head"], title=b["title"], body=b.get("body") or "")
            self.pulls[n]["base"] = b["base"]
            self.pulls[n]["draft"] = bool(b.get("draft"))
            return 201, self._gh_json(self.pulls[n]), {}
        if m and m.group(1) and int(m.group(1)) in self.pulls:
            pr = self.pulls[int(m.group(1))]
            if call.method == "PATCH":
                for key in ("title", "body", "state"):
                    if key in call.body:
                        pr[key] = call.body[key]
            return 200, self._gh_json(pr), {}
        if m and m.group(2) and int(m.group(2)) in self.pulls and call.method == "POST":
            pr = self.pulls[int(m.group(2))]
            names = call.body["labels"] if isinstance(call.body, dict) else call.body
            pr["labels"] += [x for x in names if x not in pr["labels"]]
            return 200, [{"name": x} for x in pr["labels"]], {}
        if m and m.group(3) and int(m.group(3)) in self.pulls and call.method == "POST":
            pr = self.pulls[int(m.group(3))]
            unknown = [u for u in call.body.get("reviewers", []) if u not in self.users]
            if unknown:
                return (
                    422,
                    {
                        "message": "Reviews may only be requested from collaborators. "
                        "One or more of the users or teams you specified is not a collaborator "
                        "of the acme/widgets repository."
                    },
                    {},
                )
            pr["reviewers"] += call.body.get("reviewers", [])
            return 201, self._gh_json(pr), {}
        return self._not_found()

    # -- GitLab: /api/v4/projects/:id/merge_requests ... --------------------

    def _gl_json(self, pr: dict[str, Any]) -> dict[str, Any]:
        state = "merged" if pr["merged"] else "opened" if pr["state"] == "open" else "closed"
        return {
            "id": 1000 + pr["number"],
            "iid": pr["number"],
            "project_id": 7,
            "web_url": f"https://gitlab.example/{SLUG}/-/merge_requests/{pr['number']}",
            "state": state,
            "title": pr["title"],
            "description": pr["body"],
            "draft": pr["title"].startswith("Draft:"),
            "source_branch": pr["head"],
            "target_branch": pr["base"],
            "sha": pr["sha"],
            "labels": list(pr["labels"]),
            "reviewers": [{"id": self.users[u], "username": u} for u in pr["reviewers"]],
        }

    def _gitlab(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        if call.path == "/api/v4/users" and call.method == "GET":
            name = call.query.get("username", [""])[0]
            return (
                200,
                ([{"id": self.users[name], "username": name}] if name in self.users else []),
                {},
            )
        prefix = "/api/v4/projects/" + quote(SLUG, safe="")
        if not self.repo_known or not call.path.startswith(prefix):
            return 404, {"message": "404 Project Not Found"}, {}
        rest = call.path[len(prefix) :]
        if rest == "/merge_requests" and call.method == "GET":
            state = call.query.get("state", ["all"])[0]
            source = call.query.get("source_branch", [None])[0]
            items = [
                self._gl_json(p)
                for p in self.pulls.values()
                if (source is None or p["head"] == source)
                and (state == "all" or self._gl_json(p)["state"] == state)
            ]
            return self._page(call, items, "per_page")
        if rest == "/merge_requests" and call.method == "POST":
            b = call.body
            if not b.get("title") or not b.get("source_branch") or not b.get("target_branch"):
                return 400, {"message": "400 Bad request - title is missing"}, {}
            for p in self.pulls.values():
                if p["head"] == b["source_branch"] and p["state"] == "open":
                    return (
                        409,
                        {
                            "message": [
                                f"Another open merge request already exists for this source branch: !{p['number']}"
                            ]
                        },
                        {},
                    )
            n = self.seed(b["source_branch"], title=b["title"], body=b.get("description") or "")
            self.pulls[n]["base"] = b["target_branch"]
            if b.get("labels"):
                self.pulls[n]["labels"] = b["labels"].split(",")
            return 201, self._gl_json(self.pulls[n]), {}
        m = re.fullmatch(r"/merge_requests/(\d+)", rest)
        if m and int(m.group(1)) in self.pulls and call.method in ("PUT", "GET"):
            pr = self.pulls[int(m.group(1))]
            b = call.body or {}
            if "title" in b:
                pr["title"] = b["title"]
            if "description" in b:
                pr["body"] = b["description"]
            if "add_labels" in b:
                pr["labels"] += [x for x in b["add_labels"].split(",") if x not in pr["labels"]]
            if "reviewer_ids" in b:
                by_id = {v: k for k, v in self.users.items()}
                pr["reviewers"] = [by_id[i] for i in b["reviewer_ids"]]
            return 200, self._gl_json(pr), {}
        return 404, {"message": "404 Not found"}, {}

    # -- Gitea: /api/v1/repos/{owner}/{repo}/pulls ... ------------------------

    def _gt_json(self, pr: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": 500 + pr["number"],
            "number": pr["number"],
            "html_url": f"https://gitea.example/{SLUG}/pulls/{pr['number']}",
            "state": "open" if pr["state"] == "open" else "closed",
            "merged": pr["merged"],
            "merged_at": "2024-01-01T00:00:00Z" if pr["merged"] else None,
            "title": pr["title"],
            "body": pr["body"],
            "head": {"ref": pr["head"], "sha": pr["sha"], "label": pr["head"]},
            "base": {"ref": pr["base"], "sha": "1" * 40, "label": pr["base"]},
            "labels": [{"id": self.labels[x], "name": x} for x in pr["labels"]],
            "requested_reviewers": [{"login": u} for u in pr["reviewers"]],
        }

    def _gitea(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        prefix = f"/api/v1/repos/{SLUG}"
        if not self.repo_known or not call.path.startswith(prefix):
            return 404, {"message": "The target couldn't be found.", "errors": []}, {}
        rest = call.path[len(prefix) :]
        if rest == "/labels" and call.method == "GET":
            items = [{"id": i, "name": n, "color": "00aabb"} for n, i in self.labels.items()]
            return self._page(call, items, "limit")
        if rest == "/pulls" and call.method == "GET":
            state = call.query.get("state", ["open"])[0]
            items = [
                self._gt_json(p)
                for p in self.pulls.values()
                if state == "all" or (p["state"] == "open") == (state == "open")
            ]
            return self._page(call, items, "limit")
        if rest == "/pulls" and call.method == "POST":
            b = call.body
            for p in self.pulls.values():
                if p["head"] == b["head"] and p["base"] == b["base"] and p["state"] == "open":
                    return (
                        409,
                        {
                            "message": "pull request already exists for these targets [id: 1, issue_id: 1, "
                            f"head_repo_id: 1, base_repo_id: 1, head_branch: {b['head']}, base_branch: {b['base']}]"
                        },
                        {},
                    )
            n = self.seed(b["head"], title=b["title"], body=b.get("body") or "")
            self.pulls[n]["base"] = b["base"]
            by_id = {v: k for k, v in self.labels.items()}
            self.pulls[n]["labels"] = [by_id[i] for i in b.get("labels") or []]
            return 201, self._gt_json(self.pulls[n]), {}
        m = re.fullmatch(
            r"/pulls/(\d+)|/issues/(\d+)/labels|/pulls/(\d+)/requested_reviewers", rest
        )
        if m and m.group(1) and int(m.group(1)) in self.pulls:
            pr = self.pulls[int(m.group(1))]
            if call.method == "PATCH":
                for key in ("title", "body", "state"):
                    if key in call.body:
                        pr[key] = call.body[key]
            return (201 if call.method == "PATCH" else 200), self._gt_json(pr), {}
        if m and m.group(2) and int(m.group(2)) in self.pulls and call.method == "POST":
            pr = self.pulls[int(m.group(2))]
            by_id = {v: k for k, v in self.labels.items()}
            pr["labels"] += [by_id[i] for i in call.body["labels"] if by_id[i] not in pr["labels"]]
            return 200, [{"id": self.labels[x], "name": x} for x in pr["labels"]], {}
        if m and m.group(3) and int(m.group(3)) in self.pulls and call.method == "POST":
            pr = self.pulls[int(m.group(3))]
            pr["reviewers"] += call.body.get("reviewers", [])
            return (
                201,
                [
                    {"id": 1, "state": "REQUEST_REVIEW", "user": {"login": u}}
                    for u in call.body.get("reviewers", [])
                ],
                {},
            )
        return 404, {"message": "The target couldn't be found.", "errors": []}, {}


@pytest.fixture(params=["github", "gitlab", "gitea"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeForge]:
    forge = FakeForge(request.param)
    forge.thread.start()
    yield forge
    forge.server.shutdown()
    forge.server.server_close()


# ---------------------------------------------------------------------------
# Git repositories and fix branches built with plumbing
# ---------------------------------------------------------------------------


def make_work(tmp: Path) -> Path:
    """A work repository on ``main`` with one commit."""
    work = tmp / "work"
    work.mkdir()
    run_git(work, "init", "-q", "-b", "main")
    (work / "app.py").write_text(
        "import asyncio\n\nasync def main():\n    asyncio.create_task(job())\n"
    )
    run_git(work, "add", "app.py")
    run_git(work, "commit", "-q", "-m", "initial")
    return work


def make_bare(tmp: Path) -> Path:
    """A bare repository at ``.../acme/widgets.git`` whose HEAD is ``main``."""
    bare = tmp / "remotes" / OWNER / f"{NAME}.git"
    bare.mkdir(parents=True)
    run_git(bare, "init", "-q", "--bare", "-b", "main")
    return bare


def record(cid: str, base: str, *, safety: str = "safe", lines: int = 4) -> FixRecord:
    return FixRecord(
        codemod=cid,
        title="Keep fire-and-forget tasks in a registry",
        audit=("1.1", "3.2"),
        safety=safety,
        summary="Stores every `asyncio.create_task` result in a module-level set.",
        why="The event loop keeps only weak references to tasks; a task can vanish mid-flight.",
        fix_safety="Safe: the task runs exactly as before."
        if safety == "safe"
        else "Unsafe: exceptions of the task are now logged instead of being lost.",
        base=base,
        version="0.1.0",
        files=(FileStat("app.py", 3, 1),),
        sites=(Site("app.py", lines, 4, "create_task result kept in _BACKGROUND_TASKS"),),
        skipped=(
            Site("app/worker.py", 12, 8, "task escapes: returned to the caller | kept as is"),
        ),
        failed=(),
    )


def fix_branch(
    work: Path, cid: str, content: str, *, base: str = "main", safety: str = "safe"
) -> str:
    """Build ``fixkit/<cid>`` from ``base``: one commit with fixkit's trailers and its note."""
    base_sha = run_git(work, "rev-parse", f"{base}^{{commit}}")
    index = work / ".git" / f"index-{cid}"
    env = {"GIT_INDEX_FILE": str(index)}
    run_git(work, "read-tree", base_sha, env=env)
    blob = run_git(work, "hash-object", "-w", "--stdin", input=content)
    run_git(work, "update-index", "--add", "--cacheinfo", f"100644,{blob},app.py", env=env)
    tree = run_git(work, "write-tree", env=env)
    index.unlink()
    rec = record(cid, base_sha, safety=safety)
    message = (
        f"{rec.title} (1.1, 3.2)\n\n{rec.summary}\n\n"
        f"Fixkit-Codemod: {cid}\nFixkit-Audit: 1.1, 3.2\nFixkit-Version: 0.1.0\nFixkit-Base: {base_sha}\n"
    )
    sha = run_git(work, "commit-tree", tree, "-p", base_sha, "-F", "-", input=message)
    run_git(work, "update-ref", f"refs/heads/fixkit/{cid}", sha)
    run_git(work, "notes", "--ref=fixkit", "add", "-f", "-m", rec.to_json(), sha)
    return sha


def remote_sha(bare: Path, branch: str) -> str | None:
    out = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", f"refs/heads/{branch}"],
        cwd=bare,
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or None


def options(work: Path, remote: str, **kw: Any) -> PublishOptions:
    info = fg.parse_remote(gp.remote_url(work, remote))
    env = gp.auth_env(gp.head_env(), info, kw.pop("kind", "none"), kw.pop("token", None))
    return PublishOptions(
        repo=work, remote=remote, remote_info=info, base_branch="main", env=env, **kw
    )


def branch_of(work: Path, cid: str) -> Branch:
    sha = run_git(work, "rev-parse", f"refs/heads/fixkit/{cid}")
    loaded = load_branch(work, f"fixkit/{cid}", sha, base_branch="main", remote_name="origin")
    assert loaded is not None
    return loaded


def publish(forge: fg.Forge | None, opts: PublishOptions, cid: str) -> Any:
    branch = branch_of(opts.repo, cid)
    heads, _ = gp.ls_remote(opts.repo, opts.remote, opts.env)
    return publish_branch(forge, opts, branch, heads.get(branch.name))


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    work = make_work(tmp_path)
    bare = make_bare(tmp_path)
    run_git(work, "remote", "add", "origin", str(bare))
    run_git(work, "push", "-q", "origin", "main")
    return work, bare


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_port(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``git daemon --enable=receive-pack`` serving ``remotes/`` on 127.0.0.1."""
    top = tmp_path / "daemon"
    bare = make_bare(top)
    port = free_port()
    proc = subprocess.Popen(
        [
            "git",
            "daemon",
            "--enable=receive-pack",
            "--export-all",
            "--reuseaddr",
            f"--base-path={top / 'remotes'}",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(top / "remotes"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        yield f"git://127.0.0.1:{port}/{OWNER}/{NAME}.git", bare
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class GitHTTP:
    """``git http-backend`` (git's CGI) behind http.server; demands an Authorization header."""

    def __init__(self, root: Path, require: str | None) -> None:
        self.root = root
        self.require = require
        self.seen_auth: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    for _ in range(100_000):
                        size = int(self.rfile.readline().strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _serve(self) -> None:
                body = self._body()
                auth = self.headers.get("Authorization") or ""
                outer.seen_auth.append(auth)
                if outer.require is not None and auth != outer.require:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                parts = urlsplit(self.path)
                env = {
                    "PATH": os.environ["PATH"],
                    "GIT_PROJECT_ROOT": str(outer.root),
                    "GIT_HTTP_EXPORT_ALL": "1",
                    "PATH_INFO": parts.path,
                    "QUERY_STRING": parts.query,
                    "REQUEST_METHOD": self.command,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(body)),
                    "REMOTE_USER": "tester",
                    "REMOTE_ADDR": "127.0.0.1",
                    "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                    "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
                }
                proc = subprocess.run(
                    ["git", "http-backend"],
                    input=body,
                    env=env,
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
                head, _, payload = proc.stdout.partition(b"\r\n\r\n")
                status = 200
                headers = []
                for line in head.decode("latin-1").split("\r\n"):
                    key, _, value = line.partition(":")
                    if key.lower() == "status":
                        status = int(value.strip().split()[0])
                    elif key:
                        headers.append((key, value.strip()))
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

        return Handler


def basic(kind: str) -> str:
    user = {"github": "x-access-token", "gitlab": "oauth2", "gitea": "fixkit"}[kind]
    return "Basic " + base64.b64encode(f"{user}:{TOKEN}".encode()).decode()


def assert_no_token(*texts: str, git_dir: Path | None = None) -> None:
    """The token (plain or base64 in a Basic header) is in none of ``texts`` nor in ``git_dir``."""
    needles = [TOKEN, base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()]
    for text in texts:
        for needle in needles:
            assert needle not in text
    if git_dir is not None:
        for path in git_dir.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for needle in needles:
                    assert needle.encode() not in data, path


# ---------------------------------------------------------------------------
# Tests: the forge scenarios, for each dialect
# ---------------------------------------------------------------------------

TOKEN_VAR = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN", "gitea": "GITEA_TOKEN"}
CONFLICT = {"github": 422, "gitlab": 409, "gitea": 409}


def client(fake: FakeForge, token: str = TOKEN) -> fg.Forge:
    remote = fg.parse_remote(f"https://forge.example/{SLUG}.git")
    return fg.make_forge(
        fake.dialect, remote, {TOKEN_VAR[fake.dialect]: token}, api_url=fake.api_url
    )


def creates(fake: FakeForge) -> list[Call]:
    path = {"github": f"/repos/{SLUG}/pulls", "gitea": f"/api/v1/repos/{SLUG}/pulls"}.get(
        fake.dialect, f"/api/v4/projects/{quote(SLUG, safe='')}/merge_requests"
    )
    return [c for c in fake.calls if c.method == "POST" and c.path == path]


def updates(fake: FakeForge) -> list[Call]:
    return [c for c in fake.calls if c.method in ("PATCH", "PUT") and ("title" in (c.body or {}))]


def test_create_pushes_and_opens_one_pr_with_labels_and_reviewers(
    fake: FakeForge, repos: tuple[Path, Path]
) -> None:
    work, bare = repos
    sha = fix_branch(work, "task-registry", "fixed\n")
    opts = options(work, "origin", labels=("fixkit",), reviewers=("alice",))
    out = publish(client(fake), opts, "task-registry")
    assert (out.action, out.push) == ("created", "create"), out.message
    assert remote_sha(bare, "fixkit/task-registry") == sha
    [create] = creates(fake)
    body = create.body
    title = "Keep fire-and-forget tasks in a registry (1.1, 3.2)"
    if fake.dialect == "github":
        assert body == {
            "base": "main",
            "head": "fixkit/task-registry",
            "title": title,
            "body": body["body"],
            "draft": False,
            "maintainer_can_modify": True,
        }
        assert [(c.method, c.path, c.body) for c in fake.writes()[1:]] == [
            ("POST", f"/repos/{SLUG}/issues/1/labels", ["fixkit"]),
            ("POST", f"/repos/{SLUG}/pulls/1/requested_reviewers", {"reviewers": ["alice"]}),
        ]
        text = body["body"]
    elif fake.dialect == "gitlab":
        assert body["source_branch"] == "fixkit/task-registry" and body["target_branch"] == "main"
        assert body["title"] == title and body["labels"] == "fixkit"
        [put] = [c for c in fake.calls if c.method == "PUT"]
        assert put.body == {"reviewer_ids": [101]}
        assert any(
            c.path == "/api/v4/users" and c.query["username"] == ["alice"] for c in fake.calls
        )
        text = body["description"]
    else:
        assert body == {
            "head": "fixkit/task-registry",
            "base": "main",
            "title": title,
            "body": body["body"],
            "labels": [11],
        }
        assert [(c.path, c.body) for c in fake.writes()[1:]] == [
            (
                f"/api/v1/repos/{SLUG}/pulls/1/requested_reviewers",
                {"reviewers": ["alice"], "team_reviewers": []},
            ),
        ]
        text = body["body"]
    assert read_meta(text) == {
        "codemod": "task-registry",
        "base": run_git(work, "rev-parse", "main"),
        "version": "0.1.0",
    }
    assert fake.pulls[1]["labels"] == ["fixkit"] and fake.pulls[1]["reviewers"] == ["alice"]


def test_rerun_updates_the_open_pr_instead_of_duplicating(
    fake: FakeForge, repos: tuple[Path, Path]
) -> None:
    work, bare = repos
    fix_branch(work, "task-registry", "fixed\n")
    opts = options(work, "origin", labels=("fixkit", "audit"))
    forge = client(fake)
    assert publish(forge, opts, "task-registry").action == "created"
    fake.calls.clear()
    again = publish(forge, opts, "task-registry")
    assert (again.action, again.push) == ("unchanged", "up-to-date")
    assert fake.writes() == []
    # fixkit rebuilds the branch (a new base): the remote is replaced under a lease, the PR updated.
    (work / "app.py").write_text("changed upstream\n")
    run_git(work, "commit", "-q", "-am", "upstream change")
    new_sha = fix_branch(work, "task-registry", "fixed again\n")
    fake.calls.clear()
    out = publish(forge, opts, "task-registry")
    assert (out.action, out.push) == ("updated", "rebuild"), out.message
    assert remote_sha(bare, "fixkit/task-registry") == new_sha
    assert creates(fake) == []
    [update] = updates(fake)
    text = update.body.get("body") or update.body.get("description")
    assert read_meta(text)["base"] == run_git(work, "rev-parse", "main")
    assert len(fake.pulls) == 1


def test_open_pr_with_labels_missing_gets_them(fake: FakeForge, repos: tuple[Path, Path]) -> None:
    work, _ = repos
    fix_branch(work, "task-registry", "fixed\n")
    opts = options(work, "origin")
    branch = branch_of(work, "task-registry")
    fake.seed("fixkit/task-registry", body=branch.body, title=branch.title, labels=["fixkit"])
    out = publish(
        client(fake), options(work, "origin", labels=("fixkit", "memory")), "task-registry"
    )
    assert out.action == "updated"
    assert updates(fake) == []  # title and body were already right
    assert fake.pulls[1]["labels"] == ["fixkit", "memory"]
    del opts


def test_closed_without_merge_is_left_alone(fake: FakeForge, repos: tuple[Path, Path]) -> None:
    work, bare = repos
    fix_branch(work, "task-registry", "fixed\n")
    fake.seed("fixkit/task-registry", state="closed", body="<!-- fixkit:meta {} -->")
    out = publish(client(fake), options(work, "origin"), "task-registry")
    assert out.action == "closed" and "closed without merging" in out.message
    assert fake.writes() == []
    assert remote_sha(bare, "fixkit/task-registry") is None  # not pushed either
    assert fake.pulls[1]["state"] == "closed"


def test_merged_pr_with_the_same_head_is_done(fake: FakeForge, repos: tuple[Path, Path]) -> None:
    work, _ = repos
    sha = fix_branch(work, "task-registry", "fixed\n")
    fake.seed("fixkit/task-registry", state="closed", merged=True, sha=sha)
    out = publish(client(fake), options(work, "origin"), "task-registry")
    assert out.action == "merged" and fake.writes() == []


def test_open_pr_not_written_by_fixkit_is_left_alone(
    fake: FakeForge, repos: tuple[Path, Path]
) -> None:
    work, _ = repos
    fix_branch(work, "task-registry", "fixed\n")
    fake.seed("fixkit/task-registry", body="a colleague's hand-written PR")
    out = publish(client(fake), options(work, "origin"), "task-registry")
    assert out.action == "not-fixkit" and fake.writes() == []


def test_draft(fake: FakeForge, repos: tuple[Path, Path]) -> None:
    work, _ = repos
    fix_branch(work, "task-registry", "fixed\n")
    out = publish(client(fake), options(work, "origin", draft=True), "task-registry")
    assert out.action == "created"
    [create] = creates(fake)
    if fake.dialect == "github":
        assert create.body["draft"] is True
    elif fake.dialect == "gitlab":
        assert create.body["title"].startswith("Draft: ")
    else:
        assert create.body["title"].startswith("WIP: ")
    # A re-run keeps it a draft (the marker is not dropped from the title).
    (work / "app.py").write_text("moved\n")
    run_git(work, "commit", "-q", "-am", "move")
    fix_branch(work, "task-registry", "fixed 2\n")
    assert publish(client(fake), options(work, "origin"), "task-registry").action == "updated"
    if fake.dialect != "github":
        assert fake.pulls[1]["title"].split(":")[0] in ("Draft", "WIP")
    else:
        assert "draft" not in updates(fake)[0].body


def test_finds_the_open_pr_across_pages(fake: FakeForge, repos: tuple[Path, Path]) -> None:
    work, _ = repos
    fix_branch(work, "task-registry", "fixed\n")
    branch = branch_of(work, "task-registry")
    for i in range(3):
        fake.seed(f"other/{i}")
        fake.seed("fixkit/task-registry", state="closed", body="old")
    fake.seed("fixkit/task-registry", body=branch.body.replace("Keep", "Old"), title="old")
    out = publish(client(fake), options(work, "origin"), "task-registry")
    assert out.action == "updated" and out.message.endswith("#7")
    pages = [
        c.query.get("page", ["1"])[0]
        for c in fake.calls
        if (c.method == "GET" and "/pulls" in c.path)
        or ("merge_requests" in c.path and c.method == "GET")
    ]
    assert len(pages) >= 2 and "2" in pages
    assert creates(fake) == []


def test_duplicate_create_is_answered_by_updating_the_existing_pr(
    fake: FakeForge, repos: tuple[Path, Path]
) -> None:
    work, _ = repos
    fix_branch(work, "task-registry", "fixed\n")
    meta_body = 'x\n<!-- fixkit:meta {"codemod": "task-registry"} -->'
    forge = client(fake)
    real = fake.answer

    def racing(call: Call, headers: Any) -> tuple[int, Any, dict[str, str]]:
        # Another run opens the PR between fixkit's lookup and its create.
        if (
            call.method == "POST"
            and not fake.pulls
            and ("/pulls" in call.path or "merge_requests" in call.path)
        ):
            fake.seed("fixkit/task-registry", body=meta_body)
        return real(call, headers)

    fake.answer = racing  # type: ignore[method-assign]
    out = publish(forge, options(work, "origin"), "task-registry")
    assert out.action == "updated", out.message
    assert len(creates(fake)) == 1 and len(fake.pulls) == 1
    assert read_meta(fake.pulls[1]["body"])["codemod"] == "task-registry"


def test_bad_token_is_401_and_says_which_variable(
    fake: FakeForge, repos: tuple[Path, Path]
) -> None:
    with pytest.raises(fg.ForgeError) as exc:
        client(fake, token="wrong").find_pr("fixkit/x")
    assert exc.value.status == 401
    assert TOKEN_VAR[fake.dialect] in str(exc.value) and "wrong" not in str(exc.value)


def test_forbidden_403_says_what_the_token_needs(fake: FakeForge) -> None:
    msg = {"message": "Resource not accessible by integration"}
    fake.faults.append(Fault("GET", "/", 403, msg))
    with pytest.raises(fg.ForgeError) as exc:
        client(fake).find_pr("fixkit/x")
    assert exc.value.status == 403 and "token needs" in str(exc.value)
    assert TOKEN not in str(exc.value)


def test_unknown_repository_404_says_to_check_the_remote(fake: FakeForge) -> None:
    fake.repo_known = False
    with pytest.raises(fg.ForgeError) as exc:
        client(fake).find_pr("fixkit/x")
    assert (
        exc.value.status == 404 and "--remote" in str(exc.value) and "--api-url" in str(exc.value)
    )


def test_validation_422_on_create_is_reported(fake: FakeForge, repos: tuple[Path, Path]) -> None:
    work, _ = repos
    fix_branch(work, "task-registry", "fixed\n")
    body = {
        "message": "Validation Failed",
        "errors": [{"resource": "PullRequest", "field": "base", "code": "invalid"}],
    }
    fake.faults.append(Fault("POST", "/", 422, body))
    out = publish(client(fake), options(work, "origin"), "task-registry")
    assert out.action == "error" and "--base-branch" in out.message and "422" in out.message


def test_a_502_is_retried(fake: FakeForge) -> None:
    fake.faults.append(Fault("GET", "/", 502, {"message": "Server Error"}))
    assert client(fake).find_pr("fixkit/x") is None
    gets = [c for c in fake.calls if c.method == "GET"]
    assert len(gets) == 2 and gets[0].path == gets[1].path


def test_rate_limit_waits_for_retry_after(fake: FakeForge, repos: tuple[Path, Path]) -> None:
    work, _ = repos
    fix_branch(work, "task-registry", "fixed\n")
    if fake.dialect == "github":
        status, msg = (
            403,
            {
                "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                "before you try again.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            },
        )
    else:
        status, msg = 429, {"message": "429 Too Many Requests"}
    fake.faults.append(Fault("POST", "/", status, msg, {"Retry-After": "1"}))
    start = time.monotonic()
    out = publish(client(fake), options(work, "origin"), "task-registry")
    assert out.action == "created", out.message
    assert time.monotonic() - start >= 0.9
    assert len(creates(fake)) == 2 and len(fake.pulls) == 1


# ---------------------------------------------------------------------------
# Tests: pushing (no forge involved)
# ---------------------------------------------------------------------------


def test_push_to_a_bare_path_then_rebuild_then_someone_elses_commit(
    repos: tuple[Path, Path], tmp_path: Path
) -> None:
    work, bare = repos
    first = fix_branch(work, "task-registry", "fixed\n")
    opts = options(work, "origin")
    out = publish(None, opts, "task-registry")
    assert (out.action, out.push) == ("pushed", "create")
    assert remote_sha(bare, "fixkit/task-registry") == first
    assert "fixkit/task-registry" in out.lines[0] and first in out.lines[0]  # request-pull summary

    second = fix_branch(work, "task-registry", "fixed differently\n")  # rebuilt: not a fast-forward
    out = publish(None, opts, "task-registry")
    assert out.push == "rebuild" and remote_sha(bare, "fixkit/task-registry") == second

    other = tmp_path / "colleague"
    run_git(tmp_path, "clone", "-q", "-b", "fixkit/task-registry", str(bare), str(other))
    (other / "notes.txt").write_text("my review fix\n")
    run_git(other, "add", "notes.txt")
    run_git(other, "commit", "-q", "-m", "colleague: tweak")
    run_git(other, "push", "-q", "origin", "fixkit/task-registry")
    theirs = remote_sha(bare, "fixkit/task-registry")

    third = fix_branch(work, "task-registry", "fixed a third way\n")
    out = publish(None, opts, "task-registry")
    assert out.action == "edited" and "colleague: tweak" in out.message
    assert remote_sha(bare, "fixkit/task-registry") == theirs
    forced = publish(None, options(work, "origin", force=True), "task-registry")
    assert forced.push == "foreign" and remote_sha(bare, "fixkit/task-registry") == third


def test_the_lease_refuses_when_the_remote_moved_after_planning(
    repos: tuple[Path, Path], tmp_path: Path
) -> None:
    work, bare = repos
    fix_branch(work, "task-registry", "fixed\n")
    opts = options(work, "origin")
    publish(None, opts, "task-registry")
    old = remote_sha(bare, "fixkit/task-registry")
    new = fix_branch(work, "task-registry", "rebuilt\n")
    plan = gp.plan_push(work, "origin", "fixkit/task-registry", new, old, opts.env)
    assert plan.action == "rebuild"
    # Meanwhile the remote branch moves.
    run_git(
        bare, "update-ref", "refs/heads/fixkit/task-registry", run_git(work, "rev-parse", "main")
    )
    with pytest.raises(gp.GitError, match="changed on origin since fixkit read it"):
        gp.push(work, "origin", plan, opts.env)
    assert remote_sha(bare, "fixkit/task-registry") == run_git(work, "rev-parse", "main")


def test_push_over_git_daemon(repos: tuple[Path, Path], daemon: tuple[str, Path]) -> None:
    work, _ = repos
    url, bare = daemon
    sha = fix_branch(work, "task-registry", "fixed\n")
    run_git(work, "push", "-q", url, "main")
    out = publish(None, options(work, url), "task-registry")
    assert (out.action, out.push) == ("pushed", "create"), out.message
    assert remote_sha(bare, "fixkit/task-registry") == sha


def test_push_over_http_backend_sends_the_token_only_as_a_header(
    repos: tuple[Path, Path], tmp_path: Path
) -> None:
    work, _ = repos
    root = tmp_path / "remotes"
    server = GitHTTP(root, require=basic("github"))
    try:
        url = f"http://127.0.0.1:{server.port}/{OWNER}/{NAME}.git"
        run_git(work, "remote", "add", "http", url)
        sha = fix_branch(work, "task-registry", "fixed\n")
        opts = options(work, "http", kind="github", token=TOKEN)
        out = publish(None, opts, "task-registry")
        assert (out.action, out.push) == ("pushed", "create"), out.message
        assert remote_sha(root / OWNER / f"{NAME}.git", "fixkit/task-registry") == sha
        assert basic("github") in server.seen_auth
        # Without the header the same push is refused: the token really was needed.
        bare_opts = options(work, "http")
        with pytest.raises(gp.GitError):
            gp.ls_remote(work, "http", {**bare_opts.env, "GIT_TERMINAL_PROMPT": "0"})
        assert_no_token(out.message, *out.lines, git_dir=work / ".git")
    finally:
        server.close()


# ---------------------------------------------------------------------------
# Tests: remotes, forge detection, the body
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "slug", "api"),
    [
        ("https://github.com/acme/widgets.git", "github", "acme/widgets", "https://api.github.com"),
        ("git@github.com:acme/widgets.git", "github", "acme/widgets", "https://api.github.com"),
        (
            "https://user:pw@github.corp.example/acme/widgets",
            "github",
            "acme/widgets",
            "https://github.corp.example/api/v3",
        ),
        (
            "ssh://git@gitlab.com:2222/group/sub/widgets.git",
            "gitlab",
            "sub/widgets",
            "https://gitlab.com",
        ),
        (
            "https://codeberg.org/acme/widgets.git",
            "gitea",
            "acme/widgets",
            "https://codeberg.org/api/v1",
        ),
        ("/srv/git/acme/widgets.git", "none", "acme/widgets", None),
        ("git://127.0.0.1:9418/acme/widgets.git", "none", "acme/widgets", None),
    ],
)
def test_remote_parsing_and_forge_detection(
    url: str, kind: str, slug: str, api: str | None
) -> None:
    remote = fg.parse_remote(url)
    assert "pw" not in remote.url
    assert fg.detect_kind(remote) == kind
    assert remote.slug == slug
    if api:
        assert fg.api_url_for(kind, remote) == api


def test_api_url_tells_the_forge_of_an_unknown_host() -> None:
    remote = fg.parse_remote("https://code.corp.example/acme/widgets.git")
    assert fg.detect_kind(remote) == "none"
    assert fg.detect_kind(remote, "https://code.corp.example/api/v3") == "github"
    assert fg.detect_kind(remote, "https://code.corp.example/api/v1") == "gitea"


def test_missing_token_names_the_variables() -> None:
    with pytest.raises(fg.ForgeError, match="GITHUB_TOKEN or GH_TOKEN"):
        fg.make_forge("github", fg.parse_remote("https://github.com/a/b"), {})


def test_auth_env_keeps_existing_config_entries_and_scopes_the_header() -> None:
    base = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "core.quotepath",
        "GIT_CONFIG_VALUE_0": "off",
    }
    env = gp.auth_env(base, fg.parse_remote("https://github.com/a/b.git"), "github", TOKEN)
    assert env["GIT_CONFIG_COUNT"] == "2"
    assert env["GIT_CONFIG_KEY_1"] == "http.https://github.com/.extraHeader"
    assert env["GIT_CONFIG_VALUE_1"] == f"Authorization: {basic('github')}"
    assert gp.auth_env(base, fg.parse_remote("git@github.com:a/b.git"), "github", TOKEN) == base


def test_body_has_every_section_and_escapes_tables() -> None:
    rec = record("task-registry", "f" * 40, safety="unsafe")
    body = render_body(rec, branch="fixkit/task-registry", base_branch="main")
    for heading in (
        "## What",
        "## Why",
        "## Changed sites",
        "## Skipped findings",
        "## Safety",
        "## How to verify",
    ):
        assert heading in body
    assert "**Audit findings:** 1.1, 3.2" in body
    assert "| `app.py` | 4 | create_task result kept in _BACKGROUND_TASKS |" in body
    assert "returned to the caller \\| kept as is" in body
    assert "Unsafe fix" in body and "exceptions of the task are now logged" in body
    assert "git fetch origin fixkit/task-registry" in body
    assert read_meta(body) == {"codemod": "task-registry", "base": "f" * 40, "version": "0.1.0"}
