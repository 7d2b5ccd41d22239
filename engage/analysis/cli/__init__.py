"""``python -m engage.analysis``: ``reach`` (who a survey export reaches, against
Census 2021, in ``reach``) and ``code`` (free-text answers coded into themes, in
``code``).

Both work on CSV files from any survey tool (``io`` reads them). Every problem
with the input is a plain message on stderr and exit status 2, never a
traceback: a command raises ``CliError`` and ``main`` alone turns it into the
message (anything unexpected into a message and status 1).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TextIO, TypeVar

from engage.analysis.cli import code, reach
from engage.analysis.cli.io import CliError

USAGE_ERROR = 2
INTERNAL_ERROR = 1

Report = TypeVar("Report")


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its message already
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    if args.command == "code":
        return _run(code.run, code.write, args, out)
    return _run(reach.run, reach.write, args, out)


def _run(
    command: Callable[[argparse.Namespace], Report],
    write: Callable[[Report, argparse.Namespace, TextIO], None],
    args: argparse.Namespace,
    out: TextIO,
) -> int:
    """Run a subcommand; errors become one line on stderr and an exit status, never a traceback."""
    try:
        report = command(args)
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except Exception as error:  # never a traceback for an officer
        print(f"error: something went wrong ({type(error).__name__}: {error})", file=sys.stderr)
        return INTERNAL_ERROR
    write(report, args, out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engage.analysis",
        description=(
            "Who a survey reaches, against the Census 2021 population (reach), and "
            "free-text answers coded into themes (code)."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reach.add_parser(commands)
    code.add_parser(commands)
    return parser
