"""fixkit on a real backend: the leaks of the audit, measured before and after each fix branch.

    python examples/demo.py            # from the root of a fixkit checkout
    python examples/demo.py --keep     # keep the temporary repository to look at the branches

What it does, with nothing but git, fixkit and the example's own leakcheck.py:

1. copies examples/backend into a new git repository in a temporary folder and commits it;
2. runs ``fixkit apply --all --unsafe`` there: one branch ``fixkit/<id>`` per remediation,
   built from HEAD without touching the working tree;
3. checks each branch out in a ``git worktree`` and measures its leak there (leakcheck.py, in
   a subprocess: a real redis-server, a local HTTP server, SQLite, threads, subprocesses);
4. prints, per remediation, the branch, its diffstat, and the figure before and after.

The Redis measurement needs the ``redis-server`` binary; without it that row says n/a.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent / "backend"
sys.path.insert(0, str(EXAMPLE))

import leakcheck  # noqa: E402 - the example's own measurements

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "fixkit demo",
    "GIT_AUTHOR_EMAIL": "demo@localhost",
    "GIT_COMMITTER_NAME": "fixkit demo",
    "GIT_COMMITTER_EMAIL": "demo@localhost",
}


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=GIT_ENV, capture_output=True, text=True, timeout=timeout, check=False
    )


def _git(repo: Path, *args: str) -> str:
    done = _run(["git", *args], repo)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def _measure(tree: Path, ids: list[str]) -> dict[str, dict]:
    """Run leakcheck.py in ``tree`` (a checkout of the backend) and return its figures."""
    done = _run([sys.executable, "leakcheck.py", "--json", *ids], tree)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {i: {"error": reason} for i in ids}


def _make_repo(root: Path) -> Path:
    repo = root / "backend"
    shutil.copytree(
        EXAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.db")
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Example backend, as audited")
    return repo


def _table(rows: list[list[str]], header: list[str], fancy: bool) -> None:
    if fancy:
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:
            fancy = False
    if fancy:
        table = Table(*header, show_lines=False)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    print(line)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    parser.add_argument("--plain", action="store_true", help="plain text even on a terminal")
    args = parser.parse_args(argv)
    fancy = sys.stdout.isatty() and not args.plain
    ids = list(leakcheck.MEASURES)

    root = Path(tempfile.mkdtemp(prefix="fixkit-demo-"))
    try:
        repo = _make_repo(root)
        print(f"example backend committed in {repo}")
        print("$ fixkit apply --all --unsafe .")
        applied = _run([sys.executable, "-m", "fixkit", "apply", "--all", "--unsafe", "."], repo)
        print((applied.stdout + applied.stderr).rstrip())
        if applied.returncode not in (0, 1):
            print(f"fixkit apply failed (exit {applied.returncode})", file=sys.stderr)
            return 2

        prefix = "refs/heads/fixkit/"
        refs = _git(repo, "for-each-ref", "--format=%(refname)", prefix).split()
        branches = {r[len(prefix) :] for r in refs}
        trees = {}
        for codemod_id in ids:
            if codemod_id in branches:
                tree = root / f"wt-{codemod_id}"
                _git(repo, "worktree", "add", "-q", str(tree), f"fixkit/{codemod_id}")
                trees[codemod_id] = tree

        print(f"\nmeasuring the base and {len(trees)} fix branch(es)...")
        with ThreadPoolExecutor(max_workers=3) as pool:
            base_job = pool.submit(_measure, repo, ids)
            jobs = {i: pool.submit(_measure, t, [i]) for i, t in trees.items()}
            before = base_job.result()
            after = {i: job.result()[i] for i, job in jobs.items()}

        for codemod_id in ids:
            if codemod_id not in trees:
                continue
            print(f"\nfixkit/{codemod_id}")
            stat = _git(repo, "diff", "--stat", f"main..fixkit/{codemod_id}").rstrip()
            print("\n".join(f"  {line.strip()}" for line in stat.splitlines()))

        print()
        rows = []
        for codemod_id in ids:
            label = leakcheck.HEADLINES[codemod_id][0]
            was = leakcheck.headline(codemod_id, before[codemod_id])
            if codemod_id in trees:
                branch = f"fixkit/{codemod_id}"
                now = leakcheck.headline(codemod_id, after[codemod_id])
            else:
                branch, now = "(no branch)", "-"
            rows.append([codemod_id, branch, label, was, now])
        _table(rows, ["remediation", "branch", "measured", "before", "after"], fancy)
        notes = sorted(
            {
                figures["unavailable"]
                for figures in [*before.values(), *after.values()]
                if "unavailable" in figures
            }
        )
        for note in notes:
            print(f"n/a: {note}")
        if args.keep:
            print(f"\nkept: {repo} (worktrees beside it)")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
