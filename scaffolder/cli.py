"""The ``scaffold`` command: a thin layer that turns arguments into one library call each."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .answers import parse_overrides
from .create import create_project
from .errors import ScaffoldError
from .presets import presets_dir, scan_presets
from .update import check_for_update, update_project

UPDATE_AVAILABLE = 10  # exit code of `scaffold update --check` when a newer template exists

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Create and update ML vision projects.")


def _fail(error: ScaffoldError) -> None:
    typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command()
def new(
    dest: Annotated[str, typer.Argument(help="Directory to create (must be new or empty)")],
    preset: Annotated[str | None, typer.Option("--preset", "-p", help="Preset name (see `scaffold presets`)")] = None,
    data: Annotated[
        list[str] | None, typer.Option("--data", "-d", help="Answer override key=value (repeatable)")
    ] = None,
    template: Annotated[str | None, typer.Option(help="Template source (path or git URL); its presets/ too")] = None,
    vcs_ref: Annotated[str | None, typer.Option(help="Template version (git tag or commit)")] = None,
) -> None:
    """Create a project: preset answers first, then -d overrides; asks the rest when no preset is given."""
    interactive = preset is None and sys.stdin.isatty()
    try:
        project = create_project(dest, preset, parse_overrides(data or []), template, vcs_ref, interactive=interactive)
    except ScaffoldError as error:
        _fail(error)
    typer.echo(
        f"Created {project.path}\nNext: cd {dest} && pip install -r requirements-{project.hardware}.txt "
        f"&& pip install --no-deps -e . && {project.quick_start}"
    )


@app.command()
def update(
    dest: Annotated[str, typer.Argument(help="Project directory")] = ".",
    to: Annotated[str | None, typer.Option("--to", help="Template version (tag); default: the newest")] = None,
    data: Annotated[list[str] | None, typer.Option("--data", "-d", help="Re-answer a question: key=value")] = None,
    check: Annotated[bool, typer.Option("--check", help=f"Only report; exit {UPDATE_AVAILABLE} if newer")] = False,
) -> None:
    """Pull template changes (the spec) into a project; your edits stay, conflicts are marked inline."""
    try:
        if check:
            current, newest = check_for_update(dest)
            typer.echo(f"update available: {current} -> {newest}" if newest else f"up to date ({current})")
            raise typer.Exit(UPDATE_AVAILABLE if newest else 0)
        report = update_project(dest, to, parse_overrides(data or []))
    except ScaffoldError as error:
        _fail(error)
    reanswered = ", ".join(f"{key}: {old} -> {new}" for key, (old, new) in report.reanswered.items())
    if report.old_version == report.new_version:
        unchanged = "same template version" + ("" if reanswered else ", no new answers")
        headline = f"Re-rendered at {report.new_version} ({unchanged})"
    else:
        headline = f"Updated {report.old_version} -> {report.new_version}"
    typer.echo(f"{headline}{'; ' + reanswered if reanswered else ''}: {len(report.changed)} files changed")
    for path in report.changed:
        status = "CONFLICT" if path in report.conflicts else "added" if path in report.added else "changed"
        typer.echo(f"  {status:<8}  {path}")
    if report.conflicts:
        typer.secho(f"{len(report.conflicts)} conflicts: resolve the <<<<<<< markers, then commit.", fg="yellow")
    else:
        typer.echo("Review with `git diff`, run the tests, then commit.")


@app.command()
def presets(
    template: Annotated[str | None, typer.Option(help="Template source whose presets/ to list (a path)")] = None,
) -> None:
    """List the presets: name, framework, task, hardware, description."""
    if template and not (Path(template) / "copier.yml").is_file():
        _fail(ScaffoldError(f"--template {template} is not a directory with copier.yml"))
    found, problems = scan_presets(presets_dir(template))
    rows = [("NAME", "FRAMEWORK", "TASK", "HARDWARE", "DESCRIPTION")]
    rows += [
        (
            p.name,
            p.answers.get("framework", "-"),
            p.answers.get("task", "-"),
            p.answers.get("hardware", "-"),
            p.description,
        )
        for p in found
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    for row in rows:
        typer.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[4])
    for problem in problems:  # the others still list; each broken file is one line
        typer.secho(f"error: {problem}", fg=typer.colors.RED, err=True)
    if problems:
        raise typer.Exit(1)


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Show the version and exit")] = False) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()
