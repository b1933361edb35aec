"""Serving the dashboard on this machine only, offline, with no telemetry.

Solara would load its front-end from a CDN, ask PyPI for a newer version, open a browser and
send usage statistics; ``serve`` turns all of that off. The front-end files come from the
installed ``solara-assets`` package (``<prefix>/share/solara/cdn``), which Solara's asset route
serves before it would ever try the CDN.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

APP = "mutusim.dashboard.app"
"""The Solara app (module holding ``Page``)."""

DEFAULT_PORT = 8765
DEFAULT_HOST = "127.0.0.1"

OFFLINE_ENVIRONMENT = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_ASSETS_PROXY": "true",  # serve /_solara/cdn/... from the installed assets
    "SOLARA_THEME_SHOW_BANNER": "false",  # no English "This website runs on Solara" badge
    "SOLARA_THEME_LOADER": "plain",  # no "Made with Solara" splash while loading
    "SOLARA_THEME_TITLE": "mutusim",
    "MPLBACKEND": "Agg",
}
"""Environment set before Solara is imported (its settings are read at import)."""


def assets_dir() -> Path:
    """Where the installed front-end files are (Solara's asset cache, filled by
    ``solara-assets``); raises if they are missing, since the page would then need the CDN."""
    import solara.server.settings as settings

    path = Path(settings.assets.proxy_cache_dir)
    if not (path / "requirejs@2.3.6").exists():
        raise RuntimeError(
            f"Solara's front-end files are not installed in {path}: "
            "pip install solara-assets==<the installed solara version>"
        )
    return path


def configure() -> None:
    """Environment and Solara settings for an offline, telemetry-free local server."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ[key] = value
    import solara.server.settings as settings

    settings.telemetry.mixpanel_enable = False
    # Plain http on localhost: Solara's advice about https cookies does not apply.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    settings.assets.proxy = True
    settings.theme.show_banner = False
    settings.theme.loader = "plain"
    settings.theme.title = "mutusim"
    assets_dir()


def serve(port: int = DEFAULT_PORT, host: str = DEFAULT_HOST) -> None:
    """Serve the dashboard at ``http://host:port`` until interrupted (blocking).

    Binds to ``host`` only (localhost by default), in production mode, without opening a
    browser, checking for updates or sending telemetry.
    """
    try:
        configure()
        from solara.__main__ import run
    except ImportError as exc:
        raise RuntimeError(
            f"the dashboard needs Solara ({exc}): "
            "pip install solara==1.58.2 solara-assets==1.58.2 ipyvuetify==1.12.0 ipyvue==1.13.0"
        ) from exc

    import click

    print(f"mutusim dashboard: http://{host}:{port}  (Ctrl+C to stop)", flush=True)
    try:
        run.main(
            args=[
                APP,
                "--host",
                host,
                "--port",
                str(int(port)),
                "--production",
                "--no-open",
                "--no-check-version",
                "--theme-loader",
                "plain",
            ],
            prog_name="mutusim dashboard",
            standalone_mode=False,
        )
    except (KeyboardInterrupt, click.exceptions.Abort):
        pass  # Ctrl+C: uvicorn has already shut the server down
