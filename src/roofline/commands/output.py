"""What every `roofline` command prints with: results on stdout, errors on stderr, and the one way to fail."""

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # one-line errors, however long


def fail(message: str) -> NoReturn:
    """Print `message` as one red error line on stderr and exit with status 2 (bad input, never a traceback)."""
    errors.print(f"[red]error:[/] {escape(message)}")  # a path or name may hold [brackets]
    raise typer.Exit(2)
