"""The errors mutusim reports to its user as one line, and the exit status of each.

Every failure a user can act on (a bad input, a results folder that cannot be used, a cluster
that went away, an interruption) is one of these types, raised with a message that says where
and why. The command line prints ``mutusim: error: <message>`` on one line and exits with the
type's ``exit_status``; nothing else is printed, in particular no traceback. Errors of other
types are bugs of mutusim and keep their traceback.
"""

from __future__ import annotations

import re
import signal


class MutusimError(Exception):
    """A failure the user can act on; the message is one line (``exit_status`` 2)."""

    exit_status = 2


class ConfigError(MutusimError):
    """An input cannot be used (config, ``--set``, experiment file, argument); the message
    names the file, the field, what was expected and what was found."""


class StoreError(ConfigError):
    """A results folder cannot be used as it is: busy, foreign, damaged or unwritable."""


class ClusterError(MutusimError):
    """The dask cluster cannot be reached, lost its scheduler, or has no worker left."""


class InterruptError(MutusimError):
    """Stopped by Ctrl-C or SIGTERM; the message says what is kept and how to go on."""

    def __init__(self, message: str, signum: int = signal.SIGINT) -> None:
        super().__init__(message)
        self.signum = signum
        self.exit_status = 128 + int(signum)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would raise ``KeyboardInterrupt`` (see
    ``terminate_as_interrupt``), so one ``except KeyboardInterrupt`` handles both."""

    signum = signal.SIGTERM


def signal_of(interrupt: KeyboardInterrupt) -> int:
    """The signal behind a ``KeyboardInterrupt``: SIGTERM for ``Terminated``, else SIGINT."""
    return int(getattr(interrupt, "signum", signal.SIGINT))


def terminate_as_interrupt() -> None:
    """Make SIGTERM raise ``Terminated`` in the main thread, as Ctrl-C raises
    ``KeyboardInterrupt``: the same clean-up then runs for both."""

    def _raise(signum: int, _frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, _raise)


def one_line(message: object) -> str:
    """The message on one line (line breaks of nested messages become spaces)."""
    return re.sub(r"\s*[\r\n]+\s*", " ", str(message)).strip()
