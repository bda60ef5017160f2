"""Servers the tests start as child processes (Chroma, llama.cpp): stopping them."""

import subprocess


def stop(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Terminate `proc`, and kill it if it has not exited after `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
