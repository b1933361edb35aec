"""Running an experiment's chunks on a dask.distributed cluster, and its faults as messages.

``check_address`` validates a ``--scheduler`` address (scheme, host, port range) and
``connect`` reaches the scheduler within ``CONNECT_TIMEOUT`` seconds: both happen before the
results folder is created. ``compute`` submits the chunks and hands each result to ``save`` as
it arrives; it ends with a ``ClusterError`` (one line) when the scheduler is lost, when no
worker has been connected for ``worker_timeout`` seconds, or when a chunk fails on a worker.
The chunks saved until then stay in the store: running the same command again, with a new
cluster or without ``--scheduler``, computes only the others.

While it runs, the loggers of distributed, tornado and asyncio are silenced: the lost
connections they would print as tracebacks are reported here, once, as a message.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mutusim.errors import ClusterError, ConfigError

CONNECT_TIMEOUT = 10.0
"""Seconds to reach the scheduler."""

DEFAULT_WORKER_TIMEOUT = 120.0
"""Seconds without any worker after which an experiment stops (``--worker-timeout``)."""

POLL_SECONDS = 0.5
"""How often the cluster's state is looked at while chunks are pending."""

SCHEMES = ("tcp", "tls", "ucx", "ws", "wss")
_ADDRESS = re.compile(
    r"^(?:(?P<scheme>[a-z]+)://)?"  # tcp:// is the default
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^:/\[\]\s]+)"  # a name, IPv4, or [IPv6]
    r":(?P<port>\d{1,6})$"
)
_QUIET = ("distributed", "tornado", "asyncio")


def check_address(address: str, option: str = "--scheduler") -> str:
    """Refuse an address that is not ``[SCHEME://]HOST:PORT`` with a port in 1–65535 (or the
    ``inproc://`` address of a cluster inside this process)."""
    if address.startswith("inproc://"):
        return address
    match = _ADDRESS.match(address.strip())
    expected = "an address tcp://HOST:PORT (PORT from 1 to 65535)"
    if match is None:
        raise ConfigError(f"{option}: expected {expected}; found {address!r}")
    scheme = match["scheme"] or "tcp"
    if scheme not in SCHEMES:
        raise ConfigError(
            f"{option}: expected {expected} (schemes {', '.join(SCHEMES)}); found {address!r}"
        )
    if not 1 <= int(match["port"]) <= 65535:
        raise ConfigError(f"{option}: expected {expected}; found port {int(match['port'])}")
    return f"{scheme}://{match['host']}:{int(match['port'])}"


@contextmanager
def quiet_logs() -> Iterator[None]:
    """Silence the cluster libraries' loggers for the duration of the block."""
    loggers = [logging.getLogger(name) for name in _QUIET]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def connect(address: str, timeout: float | None = None) -> Any:
    """A dask client of the scheduler at ``address``, or ``ClusterError`` within
    ``timeout`` seconds (default ``CONNECT_TIMEOUT``)."""
    address = check_address(address)
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    from dask.distributed import Client

    with quiet_logs():
        try:
            return Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(
                f"--scheduler {address}: cannot reach a dask scheduler there within "
                f"{timeout:g} s ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}); "
                "check the address, or leave --scheduler out to run on this machine"
            ) from None


def _workers(client: Any) -> int | None:
    """Workers connected to the scheduler now (None: the scheduler does not answer)."""
    try:
        return len(client.scheduler_info()["workers"])
    except Exception:  # any failure to ask means the scheduler cannot be reached
        return None


def _result(client: Any, future: Any, address: str, what: str) -> Any:
    """The result of a finished future, or the ``ClusterError`` that says why there is none:
    the scheduler was lost, or the job failed on its worker."""
    try:
        return future.result()
    except Exception as exc:  # the job's own error, or the lost connection's
        if future.status == "cancelled" or client.status != "running":
            raise ClusterError(f"lost the dask scheduler at {address}") from None
        detail = str(exc).splitlines()[0] if str(exc) else ""
        raise ClusterError(
            f"{what} failed on the cluster: {type(exc).__name__}: {detail}"
        ) from None


def compute(
    client: Any,
    jobs: Sequence[tuple[Any, Callable[..., Any], tuple[Any, ...]]],
    save: Callable[[Any, Any], None],
    worker_timeout: float = DEFAULT_WORKER_TIMEOUT,
    describe: Callable[[Any], str] = str,
) -> None:
    """Run ``function(*args)`` for each ``(job, function, args)`` on the cluster and call
    ``save(job, result)`` as each result arrives. Raises ``ClusterError`` when the scheduler
    is lost, when no worker is connected for ``worker_timeout`` seconds, or when a job fails
    (after dask's retries of jobs lost with their worker)."""
    from dask.distributed import as_completed

    address = client.scheduler.address
    with quiet_logs():
        futures = {
            client.submit(function, *args, pure=False, retries=3): job
            for job, function, args in jobs
        }
        pending = as_completed(futures, loop=client.loop, with_results=False)
        without_workers_since: float | None = None
        while not pending.is_empty():
            batch = pending.next_batch(block=False)
            for future in batch:
                job = futures.pop(future)
                save(job, _result(client, future, address, describe(job)))
                future.release()
            if batch:
                without_workers_since = None
                continue
            if client.status != "running" or any(f.status == "cancelled" for f in futures):
                raise ClusterError(f"lost the dask scheduler at {address}")
            workers = _workers(client)
            if workers is None:
                raise ClusterError(f"lost the dask scheduler at {address}")
            now = time.monotonic()
            if workers:
                without_workers_since = None
            elif without_workers_since is None:
                without_workers_since = now
            elif now - without_workers_since >= worker_timeout:
                raise ClusterError(
                    f"no dask worker connected to {address} for {worker_timeout:g} s "
                    "(--worker-timeout)"
                )
            time.sleep(POLL_SECONDS)
