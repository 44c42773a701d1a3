"""The ``scaffold`` command: a thin layer that turns arguments into one library call each."""

import sys
from typing import Annotated

import typer

from . import __version__
from .answers import parse_overrides
from .create import create_project
from .errors import ScaffoldError
from .presets import list_presets

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
    template: Annotated[str | None, typer.Option(help="Template source: path or git URL")] = None,
    vcs_ref: Annotated[str | None, typer.Option(help="Template version (git tag or commit)")] = None,
) -> None:
    """Create a project: preset answers first, then -d overrides; asks the rest when no preset is given."""
    interactive = preset is None and sys.stdin.isatty()
    try:
        path = create_project(dest, preset, parse_overrides(data or []), template, vcs_ref, interactive=interactive)
    except ScaffoldError as error:
        _fail(error)
    typer.echo(
        f"Created {path}\nNext: cd {dest} && pip install -r requirements-<cpu|gpu>.txt -r requirements-dev.txt "
        "&& pip install -e . && python scripts/train.py data=digits trainer.max_epochs=5"
    )


@app.command()
def presets() -> None:
    """List the presets: name, framework, task, hardware, description."""
    rows = [("NAME", "FRAMEWORK", "TASK", "HARDWARE", "DESCRIPTION")]
    rows += [
        (
            p.name,
            p.answers.get("framework", "-"),
            p.answers.get("task", "-"),
            p.answers.get("hardware", "-"),
            p.description,
        )
        for p in list_presets()
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    for row in rows:
        typer.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[4])


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Show the version and exit")] = False) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()
