"""The ``fixkit`` command line (typer).

Exit codes, like ruff: 0 nothing to do or all done; 1 changes or findings
exist (dry-run, check) or some file failed; 2 usage or runtime errors.
"""

from __future__ import annotations

import enum
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from fixkit import __version__, registry
from fixkit.codemod import Codemod, Safety
from fixkit.config import Config, ConfigError, load_config
from fixkit.diff import unified_diff
from fixkit.discovery import DiscoveryError, discover, git_toplevel
from fixkit.engine import Source, run
from fixkit.report import Summary, finding_lines, to_json, to_sarif
from fixkit.results import Failed, FileReport

__all__ = ["app", "main"]

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_ERROR = 2

app = typer.Typer(
    name="fixkit",
    help="Remediate the findings of a backend audit with codemods, one reviewable branch per fix.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Diagnostics and summaries go to stderr, so stdout holds only the diff or report.
err = Console(stderr=True, highlight=False, soft_wrap=True)


class OutputFormat(str, enum.Enum):
    """How findings and results are printed."""

    text = "text"
    json = "json"
    sarif = "sarif"


def _fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    err.print(Text(f"fixkit: error: {message}", style="bold red"))
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fixkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
) -> None:
    """Remediate the findings of a backend audit with codemods."""


# -- shared option types ----------------------------------------------------

SelectOpt = Annotated[
    list[str] | None,
    typer.Option("--select", metavar="ID", help="Only these codemod ids (repeatable)."),
]
IgnoreOpt = Annotated[
    list[str] | None, typer.Option("--ignore", metavar="ID", help="Leave out these codemod ids.")
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude", metavar="GLOB", help="Glob of paths to leave out (repeatable)."),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=0,
        metavar="N",
        help="Worker processes (default: all cores; 1: in-process).",
    ),
]


PrefixOpt = Annotated[
    str | None,
    typer.Option(
        "--branch-prefix", metavar="PREFIX", help="Prefix of fix branches (default fixkit/)."
    ),
]
TextOrJsonOpt = Annotated[
    OutputFormat, typer.Option("--output", "-o", metavar="FORMAT", help="text or json.")
]


def _known() -> dict[str, type[Codemod]]:
    try:
        return {c.id: c for c in registry.all_codemods()}
    except registry.RegistryError as exc:
        raise _fail(str(exc)) from exc


def _load_config(paths: Sequence[Path], known: dict[str, type[Codemod]]) -> Config:
    start = paths[0] if paths else Path.cwd()
    try:
        config = load_config(start if start.exists() else Path.cwd(), set(known))
    except ConfigError as exc:
        raise _fail(str(exc)) from exc
    for cid, opts in config.codemod_options.items():
        unknown = set(opts) - set(known[cid].options)
        if unknown:
            raise _fail(f"{config.source}: unknown option(s) {sorted(unknown)} for {cid}")
    return config


def _select(
    known: dict[str, type[Codemod]],
    config: Config,
    ids: Sequence[str],
    *,
    for_apply: bool,
    unsafe: bool,
) -> tuple[list[type[Codemod]], list[str]]:
    """The codemods of this run, in catalogue order, and notes on what was left out."""
    for cid in [*ids, *config.select, *config.ignore]:
        if cid not in known:
            raise _fail(f"unknown codemod {cid!r}; `fixkit list` shows the catalogue")
    chosen = list(ids) or list(config.select) or list(known)
    chosen = [cid for cid in known if cid in chosen and cid not in config.ignore]
    notes: list[str] = []
    if for_apply:
        kept = []
        for cid in chosen:
            cls = known[cid]
            if cls.safety is Safety.REPORT_ONLY:
                if cid in ids:
                    raise _fail(f"{cid} is report-only: use `fixkit check`")
                continue
            if cls.safety is Safety.UNSAFE and not unsafe:
                if cid in ids:
                    raise _fail(f"{cid} is an unsafe fix: pass --unsafe to apply it")
                notes.append(cid)
                continue
            kept.append(cid)
        chosen = kept
    return [known[cid] for cid in chosen], notes


def _split_targets(
    args: Sequence[str], known: dict[str, type[Codemod]]
) -> tuple[list[str], list[Path]]:
    """Codemod ids and paths from the positional arguments (an id wins unless it is a path)."""
    ids: list[str] = []
    paths: list[Path] = []
    for arg in args:
        if arg in known and not Path(arg).exists():
            ids.append(arg)
        else:
            paths.append(Path(arg))
    return ids, paths


def _progress(
    total: int,
) -> tuple[AbstractContextManager[Any], Callable[[FileReport], None] | None]:
    """A progress bar on a terminal for long runs; nothing in pipes or CI logs."""
    if total < 200 or not err.is_terminal or os.environ.get("CI"):
        return nullcontext(), None
    progress = Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("files", total=total)

    def advance(_: FileReport) -> None:
        progress.advance(task)

    return progress, advance


def _run(
    paths: Sequence[Path],
    classes: Sequence[type[Codemod]],
    config: Config,
    *,
    exclude: Sequence[str],
    jobs: int | None,
    chain: bool,
) -> tuple[Path, list[FileReport]]:
    try:
        root, files = discover(paths or [Path.cwd()], [*config.exclude, *exclude])
    except DiscoveryError as exc:
        raise _fail(str(exc)) from exc
    sources = [Source(f.relpath, f.path) for f in files]
    bar, on_done = _progress(len(sources))
    with bar:
        reports = run(
            sources,
            classes,
            options=config.codemod_options,
            chain=chain,
            jobs=config.jobs if jobs is None else jobs,
            on_done=on_done,
        )
    return root, reports


def _summary(reports: Sequence[FileReport], quiet: bool) -> None:
    if not quiet:
        err.print(Summary.of(reports).line(), style="dim" if err.is_terminal else None)


# -- commands -----------------------------------------------------------------


@app.command("list")
def list_codemods(
    output: TextOrJsonOpt = OutputFormat.text,
) -> None:
    """The catalogue: id, title, audit ids, safety."""
    known = _known()
    if output is OutputFormat.json:
        rows = [
            {"id": c.id, "title": c.title, "audit": list(c.audit), "safety": c.safety.value}
            for c in known.values()
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    out = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    if not out.is_terminal:
        for c in known.values():
            typer.echo(f"{c.id}\t{c.safety.value}\t{','.join(c.audit)}\t{c.title}")
        return
    table = Table("id", "title", "audit", "safety", box=None, header_style="bold")
    for c in known.values():
        table.add_row(c.id, c.title, ", ".join(c.audit), c.safety.value)
    out.print(table)


@app.command()
def describe(
    codemod_id: Annotated[str, typer.Argument(metavar="ID", help="A codemod id.")],
) -> None:
    """A codemod's documentation."""
    known = _known()
    if codemod_id not in known:
        raise _fail(f"unknown codemod {codemod_id!r}; `fixkit list` shows the catalogue")
    cls = known[codemod_id]
    head = (
        f"# {cls.id}: {cls.title}\n\nAudit: {', '.join(cls.audit)} · Safety: {cls.safety.value}\n\n"
    )
    text = head + cls.doc() + "\n"
    out = Console()
    if out.is_terminal:
        out.print(Markdown(text))
    else:
        typer.echo(text, nl=False)


@app.command()
def check(
    paths: Annotated[
        list[Path] | None, typer.Argument(metavar="PATH...", help="Files or folders.")
    ] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    exclude: ExcludeOpt = None,
    output: Annotated[
        OutputFormat, typer.Option("--output", "-o", metavar="FORMAT", help="text, json or sarif.")
    ] = OutputFormat.text,
    jobs: JobsOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
) -> None:
    """Report findings like a linter (nothing is written); exit 1 if there are any."""
    known = _known()
    targets = list(paths or [])
    config = _load_config(targets, known)
    config = config.merged(
        select=tuple(select) if select else None, ignore=tuple(ignore) if ignore else None
    )
    classes, _ = _select(known, config, (), for_apply=False, unsafe=True)
    _, reports = _run(targets, classes, config, exclude=exclude or [], jobs=jobs, chain=False)
    lines = finding_lines(reports, known)
    if output is OutputFormat.json:
        typer.echo(to_json(reports))
    elif output is OutputFormat.sarif:
        typer.echo(to_sarif(reports, classes))
    else:
        for line in lines:
            typer.echo(line)
    _summary(reports, quiet or output is not OutputFormat.text)
    found = any(line for line in lines if ": note: " not in line)
    raise typer.Exit(EXIT_FOUND if found else EXIT_OK)


def _git_mode(path: Path) -> int:
    """The mode git records for a file: executable or not."""
    try:
        return 0o755 if path.stat().st_mode & 0o100 else 0o644
    except OSError:
        return 0o644


def _print_diff(root: Path, reports: Sequence[FileReport]) -> None:
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    out = Console(highlight=False, soft_wrap=True) if color else None
    for rep in reports:
        if not rep.changed:
            continue
        patch = unified_diff(rep.path, rep.original, rep.final, mode=_git_mode(root / rep.path))
        if out is None:
            sys.stdout.buffer.write(patch)
            continue
        for raw in patch.decode("utf-8", "replace").splitlines():
            style = None
            if raw.startswith(("diff --git", "---", "+++")):
                style = "bold"
            elif raw.startswith("@@"):
                style = "cyan"
            elif raw.startswith("+"):
                style = "green"
            elif raw.startswith("-"):
                style = "red"
            out.print(Text(raw, style=style or ""))
    sys.stdout.flush()


def _write_in_place(root: Path, reports: Sequence[FileReport]) -> list[str]:
    """Write changed files atomically; a file edited since it was read is left alone."""
    problems = []
    for rep in reports:
        if not rep.changed:
            continue
        target = root / rep.path
        try:
            if target.read_bytes() != rep.original:
                problems.append(f"{rep.path}: changed on disk during the run; not written")
                continue
            mode = target.stat().st_mode
            fd, tmp = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".fixkit"
            )
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(rep.final)
                os.chmod(tmp, mode & 0o7777)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            problems.append(f"{rep.path}: cannot write: {exc.strerror or exc}")
    return problems


@app.command()
def apply(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID...] [PATH...]", help="Codemod ids to apply, then files or folders."
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every safe codemod (and unsafe ones with --unsafe).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the unified diff; write nothing.")
    ] = False,
    in_place: Annotated[
        bool,
        typer.Option(
            "--in-place", help="Write the files directly (trees that are not git repositories)."
        ),
    ] = False,
    unsafe: Annotated[bool, typer.Option("--unsafe", help="Also apply unsafe fixes.")] = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    exclude: ExcludeOpt = None,
    output: TextOrJsonOpt = OutputFormat.text,
    jobs: JobsOpt = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base", metavar="REV", help="Commit the fix branches start from (default HEAD)."
        ),
    ] = None,
    stack: Annotated[
        bool, typer.Option("--stack", help="All fixes on one branch, one commit each.")
    ] = False,
    branch: Annotated[
        str | None, typer.Option("--branch", metavar="NAME", help="The branch name with --stack.")
    ] = None,
    branch_prefix: PrefixOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild branches that others have committed to.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
) -> None:
    """Apply fixes: a branch per codemod in a git repository, a diff with --dry-run, or --in-place."""
    known = _known()
    ids, paths = _split_targets(targets or [], known)
    if all_ and ids:
        raise _fail("give codemod ids or --all, not both")
    if dry_run and in_place:
        raise _fail("--dry-run and --in-place exclude each other")
    if output is OutputFormat.sarif:
        raise _fail("--output sarif is for `fixkit check`")
    config = _load_config(paths, known)
    config = config.merged(
        select=tuple(select) if select else None,
        ignore=tuple(ignore) if ignore else None,
        unsafe=True if unsafe else None,
        branch_prefix=branch_prefix,
        base=base,
    )
    classes, left_out = _select(known, config, ids, for_apply=True, unsafe=config.unsafe)
    if left_out and not quiet:
        err.print(f"not applied (unsafe; pass --unsafe): {', '.join(left_out)}")
    if not classes:
        raise _fail("no codemod selected")
    if not dry_run and not in_place:
        _apply_branches(
            paths,
            classes,
            config,
            exclude=exclude or [],
            jobs=jobs,
            stack=stack,
            branch=branch,
            force=force,
            output=output,
            quiet=quiet,
        )
        return
    root, reports = _run(paths, classes, config, exclude=exclude or [], jobs=jobs, chain=True)
    failed = any(isinstance(r, Failed) for rep in reports for r in rep.results)
    changed = any(rep.changed for rep in reports)
    if output is OutputFormat.json:
        typer.echo(to_json(reports, with_diff=True))
    elif dry_run:
        _print_diff(root, reports)
    if output is OutputFormat.text:
        for line in finding_lines(reports, known):
            if " not fixed: " in line or ": error: " in line or ": skipped: " in line:
                err.print(Text(line))
    if in_place:
        problems = _write_in_place(root, reports)
        for problem in problems:
            err.print(Text(f"fixkit: {problem}", style="red"))
        _summary(reports, quiet or output is not OutputFormat.text)
        raise typer.Exit(EXIT_FOUND if failed or problems else EXIT_OK)
    _summary(reports, quiet or output is not OutputFormat.text)
    raise typer.Exit(EXIT_FOUND if changed or failed else EXIT_OK)


def _apply_branches(
    paths: Sequence[Path],
    classes: Sequence[type[Codemod]],
    config: Config,
    *,
    exclude: Sequence[str],
    jobs: int | None,
    stack: bool,
    branch: str | None,
    force: bool,
    output: OutputFormat,
    quiet: bool,
) -> None:
    """Branch mode: one branch per codemod, built from the base commit."""
    from fixkit import branches as fixbranches

    start = paths[0] if paths and paths[0].exists() else Path.cwd()
    try:
        if git_toplevel(start.resolve()) is None:
            fixbranches.open_repo(start)  # says why: no repository, or a bare one
            raise fixbranches.BranchError(f"{start} is not in a git work tree")
        repo = fixbranches.open_repo(start)
        outcome = fixbranches.build_branches(
            repo,
            classes,
            base=config.base,
            specs=fixbranches.pathspecs(repo, paths),
            exclude=[*config.exclude, *exclude],
            options=config.codemod_options,
            jobs=config.jobs if jobs is None else jobs,
            prefix=config.branch_prefix,
            stack=stack,
            stack_branch=branch,
            force=force,
            committer_name=config.committer_name,
            committer_email=config.committer_email,
        )
    except fixbranches.BranchError as exc:
        raise _fail(str(exc)) from exc
    known = {c.id: c for c in classes}
    if output is OutputFormat.json:
        typer.echo(json.dumps(outcome.to_dict(), indent=2))
    else:
        for line in finding_lines(outcome.reports, known):
            if ": error: " in line or ": skipped: " in line:
                err.print(Text(line))
        for res in outcome.branches:
            stat = res.files
            added = sum(f.added for f in stat)
            removed = sum(f.removed for f in stat)
            head = f"{res.branch}\t{res.status}\t{res.commit[:12]}"
            if res.status == fixbranches.REFUSED:
                typer.echo(f"{head}\tnot rebuilt: {res.reason}")
                continue
            typer.echo(f"{head}\t{len(stat)} file(s), +{added} -{removed}")
            for f in stat:
                typer.echo(f"    {f.path}\t+{f.added} -{f.removed}")
            if res.reason:
                typer.echo(f"    ({res.reason})")
        if outcome.unchanged and not quiet:
            err.print(f"nothing to change: {', '.join(outcome.unchanged)}")
        if not outcome.branches and not quiet:
            err.print("no fix branch: no codemod changed anything")
    for overlap in outcome.overlaps:
        first, second = overlap.branches
        err.print(
            Text(
                f"fixkit: warning: {first} and {second} change the same lines of "
                f"{', '.join(overlap.files)}: they will conflict when both merge",
                style="yellow",
            )
        )
    if not quiet and output is OutputFormat.text:
        counts: dict[str, int] = {}
        for res in outcome.branches:
            counts[res.status] = counts.get(res.status, 0) + 1
        done = ", ".join(f"{n} {status}" for status, n in counts.items()) or "none"
        err.print(
            f"fix branches from {outcome.base[:12]}: {done}",
            style="dim" if err.is_terminal else None,
        )
    raise typer.Exit(EXIT_FOUND if outcome.failed or outcome.refused else EXIT_OK)


@app.command("branches")
def branches_status(
    path: Annotated[
        Path | None, typer.Argument(metavar="[PATH]", help="A folder in the repository.")
    ] = None,
    base: Annotated[
        str | None, typer.Option("--base", metavar="REV", help="The current base (default HEAD).")
    ] = None,
    branch_prefix: PrefixOpt = None,
    output: TextOrJsonOpt = OutputFormat.text,
) -> None:
    """The fix branches: their base, whether they are stale, whether they were edited by hand."""
    from fixkit import branches as fixbranches

    start = path or Path.cwd()
    config = _load_config([start], _known()).merged(branch_prefix=branch_prefix, base=base)
    try:
        repo = fixbranches.open_repo(start)
        current = fixbranches.resolve_base(repo, config.base)
        infos = fixbranches.list_branches(repo, config.branch_prefix, current)
    except fixbranches.BranchError as exc:
        raise _fail(str(exc)) from exc
    if output is OutputFormat.json:
        doc = {"base": current, "branches": [i.to_dict() for i in infos]}
        typer.echo(json.dumps(doc, indent=2))
        return
    if not infos:
        err.print(f"no fix branches under {config.branch_prefix}")
    for info in infos:
        state = "edited by hand" if info.edited else "fixkit"
        fresh = "stale" if info.stale else "current"
        on = info.base[:12] if info.base else "unknown base"
        typer.echo(
            f"{info.branch}\t{info.commit[:12]}\ton {on}\t{fresh}\t{state}\t{','.join(info.codemods)}"
        )


app.command("status", help="Alias of `fixkit branches`.")(branches_status)


class ForgeChoice(str, enum.Enum):
    """The forge of `fixkit pr --forge`."""

    github = "github"
    gitlab = "gitlab"
    gitea = "gitea"
    none = "none"


def _csv(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for item in values or () for v in item.split(",") if v.strip())


@app.command("pr")
def pr(
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID...]", help="Codemod ids (default: every fix branch)."),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every fix branch (the default without ids).")
    ] = False,
    remote: Annotated[
        str,
        typer.Option(
            "--remote", metavar="REMOTE", help="The git remote to push to: a name, URL or path."
        ),
    ] = "origin",
    base_branch: Annotated[
        str | None,
        typer.Option(
            "--base-branch",
            metavar="BRANCH",
            help="Branch the pull requests target (default: the remote's default branch).",
        ),
    ] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Open new pull requests as drafts.")
    ] = False,
    labels: Annotated[
        list[str] | None,
        typer.Option(
            "--labels", metavar="LABELS", help="Labels to add, comma-separated (repeatable)."
        ),
    ] = None,
    reviewers: Annotated[
        list[str] | None,
        typer.Option(
            "--reviewers",
            metavar="USERS",
            help="Reviewers of new pull requests, comma-separated; org/team for a team.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Print what would be pushed and each title and body; send nothing."
        ),
    ] = False,
    forge_kind: Annotated[
        ForgeChoice | None,
        typer.Option(
            "--forge",
            metavar="FORGE",
            help="github, gitlab, gitea or none (default: from the remote URL).",
        ),
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            metavar="URL",
            help="The forge's API root (GitHub Enterprise: https://HOST/api/v3).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace commits others pushed to a fix branch (still under a lease)."
        ),
    ] = False,
) -> None:
    """Push the fix branches and open or update one pull request each."""
    from fixkit import forge as fg
    from fixkit.forge import publish as pub
    from fixkit.forge import push as gp

    if all_ and ids:
        raise _fail("give codemod ids or --all, not both")
    repo = git_toplevel(Path.cwd().resolve())
    if repo is None:
        raise _fail(
            "not in a git repository: run `fixkit pr` where `fixkit apply` made the branches"
        )
    config = _load_config([], _known())
    prefix = config.branch_prefix
    try:
        local = gp.local_branches(repo, prefix)
    except gp.GitError as exc:
        raise _fail(str(exc)) from exc
    chosen, missing = pub.pick_branches(local, ids or [], prefix)
    if missing:
        raise _fail(f"no branch {', '.join(prefix + m for m in missing)}: run `fixkit apply` first")
    if not chosen:
        err.print(f"no {prefix}* branches: run `fixkit apply` first")
        raise typer.Exit(EXIT_OK)

    info = fg.parse_remote(gp.remote_url(repo, remote))
    kind = forge_kind.value if forge_kind else fg.detect_kind(info, api_url)
    forge: fg.Forge | None = None
    token: str | None = None
    try:
        if kind != "none":
            if dry_run:
                token = next(
                    (os.environ[v] for v in fg.TOKEN_VARS[kind] if os.environ.get(v)), None
                )
            else:
                token = fg.token_from_env(kind, os.environ)
                forge = fg.make_forge(kind, info, os.environ, api_url=api_url)
    except fg.ForgeError as exc:
        raise _fail(str(exc)) from exc
    env = gp.auth_env(gp.head_env(), info, kind, token)

    unreachable = ""
    heads: dict[str, str] = {}
    default: str | None = None
    try:
        heads, default = gp.ls_remote(repo, remote, env)
    except gp.GitError as exc:
        if not dry_run:
            raise _fail(f"cannot read the remote {info.url}: {exc}") from exc
        unreachable = f"unknown (cannot read {info.url})"
    try:
        base = pub.base_branch_of(repo, base_branch, default)
    except fg.ForgeError as exc:
        raise _fail(str(exc)) from exc
    opts = pub.PublishOptions(
        repo=repo,
        remote=remote,
        remote_info=info,
        base_branch=base,
        env=env,
        draft=draft,
        labels=_csv(labels),
        reviewers=_csv(reviewers),
        force=force,
    )
    if not dry_run:
        err.print(f"publishing {len(chosen)} branch(es) to {info.url} ({kind}), base {base}")
    failed = False
    for name, sha in chosen:
        branch = pub.load_branch(repo, name, sha, base_branch=base, remote_name=remote)
        if branch is None:
            err.print(
                Text(
                    f"fixkit: {name}: no fixkit record on its tip (not made by `fixkit apply`?): skipped",
                    style="red",
                )
            )
            failed = True
            continue
        if dry_run:
            plan = None
            if not unreachable:
                plan = gp.plan_push(repo, remote, name, sha, heads.get(name), env, fetch=False)
            typer.echo(pub.dry_run_text(opts, branch, plan, unreachable))
            continue
        out = pub.publish_branch(
            forge, opts, branch, heads.get(name), say=lambda s: err.print(Text(s))
        )
        if out.failed:
            failed = True
            err.print(Text(f"fixkit: {name}: {out.message}", style="red"))
            continue
        typer.echo(f"{name}: {out.message}" + (f" {out.url}" if out.url else ""))
        for line in out.lines:
            typer.echo(line)
    raise typer.Exit(EXIT_ERROR if failed else EXIT_OK)


def main() -> None:
    """The console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
