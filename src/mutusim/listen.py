"""Whether this machine can serve on ``host:port``, checked before a server starts.

``check_listen`` resolves the interface, and binds and releases the port, so that a port out of
range, an unknown interface or a port another program already uses ends in one line naming it,
not in a server's traceback.
"""

from __future__ import annotations

import errno
import socket

from mutusim.errors import ConfigError


def check_listen(host: str, port: int) -> None:
    """Refuse a ``--host``/``--port`` pair this machine cannot serve on now."""
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port: expected a port from 1 to 65535; found {port}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (OSError, UnicodeError) as exc:
        raise ConfigError(
            f"--host: expected an interface of this machine (e.g. 127.0.0.1); found {host!r} "
            f"({getattr(exc, 'strerror', None) or exc})"
        ) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"--port: expected a free port on {host}; found {port} in use by another "
                    "program (choose another with --port)"
                ) from None
            raise ConfigError(
                f"--port {port} on {host}: cannot be used ({exc.strerror}); choose another "
                "port (ports below 1024 need administrator rights) or --host"
            ) from None
