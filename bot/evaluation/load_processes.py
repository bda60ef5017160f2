"""The processes `bot bench load` runs: `bot index`, a Chroma server, `bot serve --http` replicas.

Every child runs in its own process group and is killed with it (`close()`, also on Ctrl-C
or an error), so nothing the benchmark started outlives it. Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.errors import HPError

STARTUP_SECONDS = 90.0
INDEX_SECONDS = 300.0


def free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """Return the status of GET `url`, None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Processes:
    """Starts and stops the benchmark's child processes; logs go to `folder`."""

    def __init__(self, folder: Path, env: dict[str, str], logs: Path) -> None:
        self.folder = folder  # Chroma's data
        self.logs = logs
        self.env = env  # the environment every child gets (settings as variables)
        self.chroma_port = free_port()
        self.chroma: subprocess.Popen[bytes] | None = None
        self.replicas: list[tuple[subprocess.Popen[bytes], int]] = []
        self._all: list[subprocess.Popen[bytes]] = []

    def _spawn(self, args: list[str], log_name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (self.logs / log_name).open("ab") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                                    start_new_session=True)  # its own process group
        self._all.append(proc)
        return proc

    def _failed(self, what: str, log_name: str) -> HPError:
        tail = (self.logs / log_name).read_text(errors="replace")[-1500:]
        return HPError(f"{what} (logg {self.logs / log_name}):\n{tail}")

    def start_chroma(self) -> None:
        """Start `chroma run` on its port and data folder (the same ones on a restart); wait for it."""
        chroma = Path(sys.executable).parent / "chroma"
        args = [str(chroma), "run", "--path", str(self.folder / "chroma"),
                "--host", "127.0.0.1", "--port", str(self.chroma_port)]
        self.chroma = self._spawn(args, "chroma.log", os.environ.copy())
        url = f"http://127.0.0.1:{self.chroma_port}/api/v2/heartbeat"
        self._wait(self.chroma, url, "chroma.log", "Chroma-servern")

    def stop_chroma(self) -> None:
        """Stop the Chroma server (SIGKILL: an outage, not a clean shutdown)."""
        if self.chroma is not None:
            _kill(self.chroma)
            self.chroma = None

    def index(self, cache: Path) -> None:
        """Bring the index in `cache` up to date with `bot index`, then copy it as Chroma's data.

        `bot index` writes to the embedded Chroma folder `cache`, which outlives the run: after the
        first run it only checks fingerprints (seconds, where embedding knowledge/ from nothing takes
        minutes on a busy machine). The server then serves a copy, so runs never share a folder.
        """
        env = {k: v for k, v in self.env.items() if k != "CHROMA_HOST"} | {"CHROMA_PATH": str(cache)}
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.with_name(cache.name + ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one `bot index` at a time on the cache
            proc = self._spawn([sys.executable, "-m", "bot", "index"], "index.log", env)
            try:
                code = proc.wait(timeout=INDEX_SECONDS)
            except subprocess.TimeoutExpired:
                _kill(proc)
                raise self._failed(f"bot index blev inte klar på {INDEX_SECONDS:.0f} s", "index.log") from None
            if code != 0:
                raise self._failed(f"bot index avslutades med {code}", "index.log")
            shutil.copytree(cache, self.folder / "chroma", dirs_exist_ok=True)

    def start_replicas(self, count: int) -> list[str]:
        """Start `count` `bot serve --http` processes; return their event URLs once ready."""
        for i in range(count):
            port = free_port()
            args = [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)]
            self.replicas.append((self._spawn(args, f"replica-{i}.log", self.env), port))
        for i, (proc, port) in enumerate(self.replicas):
            self._wait(proc, f"http://127.0.0.1:{port}/readyz", f"replica-{i}.log", f"replik {i}")
        return [f"http://127.0.0.1:{port}/slack/events" for _, port in self.replicas]

    def alive(self) -> list[bool]:
        """Return, per replica, whether its process still runs."""
        return [proc.poll() is None for proc, _ in self.replicas]

    def _wait(self, proc: subprocess.Popen[bytes], url: str, log_name: str, what: str) -> None:
        """Wait until GET `url` answers 200 (`/readyz`, or `/healthz` where there is no `/readyz`)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise self._failed(f"{what} avslutades med {proc.returncode} vid start", log_name)
            status = http_status(url)
            if status == 404 and url.endswith("/readyz"):
                status = http_status(url.removesuffix("/readyz") + "/healthz")
            if status == 200:
                return
            time.sleep(0.2)
        raise self._failed(f"{what} svarade inte inom {STARTUP_SECONDS:.0f} s", log_name)

    def close(self) -> None:
        """Kill every child's process group and reap it."""
        for proc in self._all:
            _kill(proc)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill `proc`'s process group (it was started in a session of its own) and reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
