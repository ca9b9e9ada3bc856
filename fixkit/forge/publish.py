"""``fixkit pr``: push each fix branch and open, update or leave alone its pull request.

The branch name is the key (Renovate, multi-gitter): a re-run updates the open
pull request of ``fixkit/<id>`` instead of opening another one, and a pull
request closed without merging is a "no": its branch is neither pushed again
nor its pull request reopened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fixkit.fixrecord import FixRecord
from fixkit.forge import AlreadyExists, Forge, ForgeError, PullRequest, PullRequestSpec, Remote
from fixkit.forge.body import pr_title, read_meta, render_body, strip_draft
from fixkit.forge.push import GitError, PushPlan, git, plan_push, push, request_pull

__all__ = ["Branch", "Outcome", "PublishOptions", "load_branch", "publish_branch", "read_record"]

NOTES_REF = "refs/notes/fixkit"


def _read_note(repo: Path, commit: str) -> FixRecord | None:
    proc = git(repo, "notes", f"--ref={NOTES_REF}", "show", commit, check=False)
    if proc.returncode != 0:
        return None
    try:
        return FixRecord.from_json(proc.stdout)
    except (KeyError, TypeError, ValueError):
        return None


def read_record(repo: Path, commit: str) -> FixRecord | None:
    """The FixRecord stored with ``commit`` by ``fixkit apply`` (a git note), or None."""
    try:
        import git as gitpython

        from fixkit.branches import read_record as branches_read_record
    except ImportError:
        return _read_note(repo, commit)
    return branches_read_record(gitpython.Repo(repo), commit)


@dataclass(frozen=True)
class Branch:
    """A local fix branch, ready to publish."""

    name: str
    sha: str
    record: FixRecord
    title: str
    body: str
    base_commit: str


def load_branch(
    repo: Path, name: str, sha: str, *, base_branch: str, remote_name: str
) -> Branch | None:
    """Read the record of a fix branch and render its pull request; None without a record."""
    record = read_record(repo, sha)
    if record is None:
        return None
    subject = git(repo, "log", "-1", "--format=%s", sha).stdout.strip()
    title = subject or pr_title(record)
    body = render_body(record, branch=name, base_branch=base_branch, remote=remote_name)
    base_commit = record.base or git(repo, "rev-parse", f"{sha}~1", check=False).stdout.strip()
    return Branch(name, sha, record, title, body, base_commit)


@dataclass(frozen=True)
class PublishOptions:
    """Everything ``fixkit pr`` was asked for, apart from the branches."""

    repo: Path
    remote: str
    """As given: a remote name, a URL or a path."""
    remote_info: Remote
    base_branch: str
    env: Mapping[str, str]
    draft: bool = False
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    force: bool = False


@dataclass
class Outcome:
    """What happened to one branch."""

    branch: str
    action: str
    """created, updated, unchanged, closed, merged, not-fixkit, edited, pushed, error."""
    message: str
    url: str = ""
    push: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when the branch could not be published."""
        return self.action == "error"


def _push(opts: PublishOptions, branch: Branch, remote_sha: str | None) -> PushPlan:
    plan = plan_push(opts.repo, opts.remote, branch.name, branch.sha, remote_sha, opts.env)
    if plan.action != "foreign" or opts.force:
        push(opts.repo, opts.remote, plan, opts.env, force=opts.force)
    return plan


def _edited(branch: Branch, plan: PushPlan, opts: PublishOptions) -> Outcome:
    # Someone committed to the branch: their work wins, like Renovate's "edited/blocked" PRs.
    return Outcome(
        branch.name,
        "edited",
        plan.describe(opts.remote) + ": left alone (pass --force to replace them)",
        push="foreign",
    )


def _sync_open(forge: Forge, opts: PublishOptions, branch: Branch, pr: PullRequest) -> Outcome:
    changed = strip_draft(pr.title) != branch.title or pr.body != branch.body
    if changed:
        pr = forge.update_pr(pr, title=branch.title, body=branch.body)
    missing = [label for label in opts.labels if label not in pr.labels]
    forge.add_labels(pr, missing)
    action = "updated" if changed or missing else "unchanged"
    return Outcome(branch.name, action, f"{action} #{pr.number}", pr.url)


def publish_branch(
    forge: Forge | None,
    opts: PublishOptions,
    branch: Branch,
    remote_sha: str | None,
    *,
    say: Callable[[str], None] = lambda _: None,
) -> Outcome:
    """Push one branch and open or update its pull request. Never raises for one branch."""
    try:
        return _publish(forge, opts, branch, remote_sha, say)
    except (ForgeError, GitError) as exc:
        return Outcome(branch.name, "error", str(exc))


def _publish(
    forge: Forge | None,
    opts: PublishOptions,
    branch: Branch,
    remote_sha: str | None,
    say: Callable[[str], None],
) -> Outcome:
    if forge is None:
        plan = _push(opts, branch, remote_sha)
        if plan.action == "foreign" and not opts.force:
            return _edited(branch, plan, opts)
        summary = request_pull(
            opts.repo, branch.base_commit, opts.remote_info.url, branch.name, opts.env
        )
        lines = [summary] if summary else _summary(opts, branch)
        return Outcome(
            branch.name, "pushed", plan.describe(opts.remote), push=plan.action, lines=lines
        )

    existing = forge.find_pr(branch.name)
    if existing is not None and existing.state == "closed":
        return Outcome(
            branch.name,
            "closed",
            f"#{existing.number} was closed without merging: left alone, not pushed "
            f"(delete the branch {branch.name} to stop seeing this)",
            existing.url,
        )
    if existing is not None and existing.state == "merged" and existing.head_sha == branch.sha:
        return Outcome(branch.name, "merged", f"#{existing.number} is already merged", existing.url)
    if existing is not None and existing.state == "open" and read_meta(existing.body) is None:
        return Outcome(
            branch.name,
            "not-fixkit",
            f"#{existing.number} is open on {branch.name} but fixkit did not write it: left alone",
            existing.url,
        )

    plan = _push(opts, branch, remote_sha)
    if plan.action == "foreign" and not opts.force:
        return _edited(branch, plan, opts)
    say(f"{branch.name}: {plan.describe(opts.remote)}")
    if existing is not None and existing.state == "open":
        out = _sync_open(forge, opts, branch, existing)
        out.push = plan.action
        return out

    spec = PullRequestSpec(
        head=branch.name,
        base=opts.base_branch,
        title=branch.title,
        body=branch.body,
        draft=opts.draft,
        labels=opts.labels,
        reviewers=opts.reviewers,
    )
    try:
        pr = forge.create_pr(spec)
    except AlreadyExists:
        # Opened meanwhile (a concurrent run, or a create the forge saw twice): update that one.
        again = forge.find_pr(branch.name)
        if again is None or again.state != "open":
            raise ForgeError(
                f"the forge says a pull request for {branch.name} exists, but none is open"
            ) from None
        out = _sync_open(forge, opts, branch, again)
        out.push = plan.action
        return out
    forge.add_labels(pr, [label for label in opts.labels if label not in pr.labels])
    forge.request_reviewers(pr, opts.reviewers)
    return Outcome(branch.name, "created", f"created #{pr.number}", pr.url, push=plan.action)


def _summary(opts: PublishOptions, branch: Branch) -> list[str]:
    """A ``git request-pull``-like summary when git cannot make one."""
    log = git(
        opts.repo, "log", "--format=%h %s", f"{branch.base_commit}..{branch.sha}", check=False
    )
    stat = git(opts.repo, "diff", "--stat", branch.base_commit, branch.sha, check=False)
    return [
        f"The following changes since commit {branch.base_commit}:\n\n"
        f"are available in the Git repository at:\n\n  {opts.remote_info.url} {branch.name}\n\n"
        f"for you to fetch changes up to {branch.sha}:\n\n{log.stdout}\n{stat.stdout}"
    ]


def dry_run_text(opts: PublishOptions, branch: Branch, plan: PushPlan | None, note: str) -> str:
    """What ``--dry-run`` prints for one branch: the push, the title and the full body."""
    push_line = plan.describe(opts.remote) if plan else note
    extras = []
    if opts.draft:
        extras.append("draft")
    if opts.labels:
        extras.append("labels: " + ", ".join(opts.labels))
    if opts.reviewers:
        extras.append("reviewers: " + ", ".join(opts.reviewers))
    head = [
        f"=== {branch.name} -> {opts.base_branch}",
        f"push: {push_line}",
        f"title: {branch.title}",
    ]
    if extras:
        head.append("pull request: " + "; ".join(extras))
    return "\n".join(head) + "\n\n" + branch.body


def base_branch_of(repo: Path, given: str | None, remote_default: str | None) -> str:
    """``--base-branch``, else the remote's default branch, else the current branch."""
    if given:
        return given
    if remote_default:
        return remote_default
    current = git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
    if current:
        return current
    raise ForgeError(
        "cannot tell the base branch (detached HEAD, remote has no HEAD): pass --base-branch"
    )


def pick_branches(
    local: Mapping[str, str], ids: Sequence[str], prefix: str
) -> tuple[list[tuple[str, str]], list[str]]:
    """The ``(branch, sha)`` pairs to publish and the ids that have no branch."""
    if not ids:
        return sorted(local.items()), []
    chosen: list[tuple[str, str]] = []
    missing: list[str] = []
    for cid in ids:
        name = cid if cid.startswith(prefix) else f"{prefix}{cid}"
        if name in local:
            chosen.append((name, local[name]))
        else:
            missing.append(cid)
    return chosen, missing
