"""A throwaway ``redis-server`` on 127.0.0.1, to test code that shares tokens
through Redis (``store_url``). Pure Python: it starts the ``redis-server``
program found on ``PATH`` (or named by ``OOAUTHCC_REDIS_SERVER``) with
:mod:`subprocess`; nothing of it is in the native module."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Optional, Union

__all__ = ["RedisServer", "free_port"]

_Path = Union[str, "os.PathLike[str]"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A ``redis-server`` on a free port of 127.0.0.1, without persistence,
    in a temporary directory; stopped (killed) by :meth:`close` or at the end
    of a ``with`` block.

        with RedisServer() as redis:
            client = ooauthcc.Client(token_url, client_id, secret, store_url=redis.url)

    With ``tls_cert``, ``tls_key`` and ``tls_ca`` (PEM files) it also listens
    with TLS on :attr:`tls_port` (:attr:`tls_url`, ``rediss://``), and with
    ``tls_auth_clients`` it asks TLS clients for a certificate issued by
    ``tls_ca``. ``args`` are further ``redis-server`` arguments.
    """

    def __init__(
        self,
        *,
        args: Sequence[str] = (),
        tls_cert: Optional[_Path] = None,
        tls_key: Optional[_Path] = None,
        tls_ca: Optional[_Path] = None,
        tls_auth_clients: bool = False,
        executable: Optional[str] = None,
        startup_timeout: float = 10.0,
    ) -> None:
        self._proc: Optional[subprocess.Popen[bytes]] = None
        self._pid = os.getpid()  # a forked child must not stop its parent's server
        exe = executable or os.environ.get("OOAUTHCC_REDIS_SERVER", "redis-server")
        if shutil.which(exe) is None:
            raise FileNotFoundError(f"{exe!r} not found: install redis-server (or set OOAUTHCC_REDIS_SERVER)")
        self.port: int = free_port()
        self.tls_port: Optional[int] = None
        argv = [exe, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        tls = [tls_cert, tls_key, tls_ca]
        if any(x is not None for x in tls):
            if tls_cert is None or tls_key is None or tls_ca is None:
                raise ValueError("TLS needs tls_cert, tls_key and tls_ca")
            self.tls_port = free_port()
            argv += [
                "--tls-port", str(self.tls_port),
                "--tls-cert-file", os.fspath(tls_cert),
                "--tls-key-file", os.fspath(tls_key),
                "--tls-ca-cert-file", os.fspath(tls_ca),
                "--tls-auth-clients", "yes" if tls_auth_clients else "no",
            ]  # fmt: skip
        self._dir = tempfile.TemporaryDirectory(prefix="ooauthcc-redis-")
        argv += ["--dir", self._dir.name, *args]
        self._proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + startup_timeout
        while not _ping(self.port):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                code = self._proc.poll()
                self.close()
                raise RuntimeError(f"redis-server did not start (exit status {code})")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def tls_url(self) -> str:
        """``rediss://127.0.0.1:TLS_PORT/0`` (only with TLS)."""
        if self.tls_port is None:
            raise RuntimeError("this RedisServer was started without TLS")
        return f"rediss://127.0.0.1:{self.tls_port}/0"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._proc is None

    def close(self) -> None:
        """Kills the server and removes its directory. Idempotent."""
        proc, self._proc = getattr(self, "_proc", None), None
        if proc is not None and os.getpid() == self._pid:
            proc.kill()
            proc.wait()
            self._dir.cleanup()

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        return "RedisServer(closed)" if self._proc is None else f"RedisServer(url={self.url!r})"
