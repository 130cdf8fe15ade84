"""What every command shares: the typer app, one-line failures, loading a scenario."""

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:  # the help imports no scenario machinery: only commands that run do
    from opssim.scenario import Scenario

app = typer.Typer(
    name="opssim",
    help="An operations-simulation game: a funnel, a specialist's hours, and the blame.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

ScenarioArg = Annotated[
    Path | None,
    typer.Argument(help="scenario YAML file (default: the bundled starter scenario)",
                   show_default=False),
]


BotTimeOpt = Annotated[
    float,
    typer.Option("--bot-time-limit", min=0.01, max=3600, metavar="SECONDS",
                 help="seconds a module:function bot may take to decide one week"),
]


def on_path() -> None:
    """Let ``module:function`` policies name modules in the current folder (as python -m)."""
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``opssim: message`` on stderr and exit with ``code``."""
    print(f"opssim: {message}", file=sys.stderr)
    raise SystemExit(code)


def _load(path: Path | None) -> "Scenario":
    from opssim.scenario import ScenarioError, default_scenario_path, load_scenario

    try:
        return load_scenario(path or default_scenario_path())
    except ScenarioError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        raise SystemExit(2) from None


def _say(message: str) -> None:
    """A progress note on stderr (stdout carries the results)."""
    print(f"opssim: {message}", file=sys.stderr)


def _has_display() -> bool:
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return True
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
