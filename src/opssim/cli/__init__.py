"""The ``opssim`` command line: one thin layer over scenarios, runs and the window.

Every failure a user can cause ends in one line on stderr and a non-zero exit, never a
traceback: 2 for bad input (a flag, a scenario, a policy), 3 when no display is available.
"""

import sys

import typer

from opssim.cli import calib, commands, lab  # noqa: F401  (importing them registers the commands)
from opssim.cli.common import app, fail

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: run the app, turning usage errors into one line."""
    command = typer.main.get_command(app)
    args = sys.argv[1:] or ["--help"]
    try:
        code = command.main(args=args, prog_name="opssim", standalone_mode=False)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        code = 0
    except Exception as exc:
        # Usage errors come from click (vendored by newer typer, so matched by shape, not class).
        if type(exc).__name__ == "Abort":
            fail("interrupted", 130)
        if not callable(getattr(exc, "format_message", None)):
            raise
        ctx = getattr(exc, "ctx", None)
        path = ctx.command_path.removeprefix("opssim").strip() if ctx is not None else ""
        where = f"{path}: " if path else ""
        message = " ".join(exc.format_message().split())
        fail(f"{where}{message} (see --help)", getattr(exc, "exit_code", 2) or 2)
    if code == 130:  # typer turns a Ctrl-C inside a command into a silent exit 130
        fail("interrupted", 130)
    raise SystemExit(code if isinstance(code, int) else 0)

