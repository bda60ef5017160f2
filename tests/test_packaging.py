"""The wheel: every package and the prompts ship, and the installed `bot` runs outside the repo."""

from __future__ import annotations

import importlib.resources
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROMPTS = ["hp.md.j2", "apt.md.j2", "hp_principles.yaml"]
SCHEDULES = """\
schedules:
  - name: projekt-alfa
    kind: hp
    channel: C0123ABCD
    weekday: fredag
    time: "09:00"
    start_date: 2026-01-02
"""


def bot_packages() -> set[str]:
    """Every package under bot/ on disk (a folder with an __init__.py)."""
    return {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "bot").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_pyproject_lists_every_package_under_bot() -> None:
    listed = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert set(listed["packages"]) == bot_packages() | {"bot.prompts"}
    assert listed["package-dir"]["bot.prompts"] == "prompts"


def test_the_prompts_are_the_package_bot_prompts_in_this_install() -> None:
    # The editable install (`make install`) maps bot.prompts to the top-level prompts/.
    prompts = importlib.resources.files("bot.prompts")

    assert all(prompts.joinpath(name).is_file() for name in PROMPTS)


def pip(command: str, *args: str) -> None:
    """Run `pip COMMAND --no-deps ARGS` offline in this venv."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", command, "-q", "--no-deps", "--no-index", *args],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel offline from a copy of the sources (the repo gets no build/ folder)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("bot", "prompts"):
        shutil.copytree(REPO / folder, src / folder, ignore=ignore)
    dist = tmp_path_factory.mktemp("dist")
    pip("wheel", "--no-build-isolation", "-w", str(dist), str(src))
    (built,) = dist.glob("hp_assistenten-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed into a folder of its own (dependencies come from the venv)."""
    target = tmp_path_factory.mktemp("site")
    pip("install", "--target", str(target), str(wheel))
    return target


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python ARGS` with the wheel's `bot` first on the path, outside the repo."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "PYTHONPATH": str(site),
        "KNOWLEDGE_DIR": str(REPO / "knowledge"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_the_wheel_holds_every_package_and_the_prompts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    assert {f"bot/prompts/{name}" for name in PROMPTS} <= names
    shipped = {p.name for p in (REPO / "prompts").iterdir() if p.suffix in {".j2", ".yaml", ".md"}}
    assert {f"bot/prompts/{name}" for name in shipped} <= names
    assert {f"{package.replace('.', '/')}/__init__.py" for package in bot_packages()} <= names
    assert "bot/py.typed" in names


@pytest.mark.slow
def test_the_wheel_needs_no_torch_nor_postgres_driver(wheel: Path) -> None:
    metadata = zipfile.ZipFile(wheel).read(f"{wheel.name.split('-py3')[0]}.dist-info/METADATA").decode()
    required = [
        line.split(":", 1)[1].strip()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]

    assert not [r for r in required if r.startswith(("sentence-transformers", "torch", "psycopg"))]
    assert 'sentence-transformers>=3; extra == "st"' in metadata
    assert 'extra == "postgres"' in metadata


@pytest.mark.slow
def test_the_installed_wheel_runs_outside_the_repo(installed: Path, tmp_path: Path) -> None:
    where = run_installed(installed, tmp_path, "-c", "import bot; print(bot.__file__)")
    usage = run_installed(installed, tmp_path, "-m", "bot", "--help")

    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed)  # not the editable checkout
    assert usage.returncode == 0, usage.stderr
    assert "preview" in usage.stdout and "index" in usage.stdout


@pytest.mark.slow
def test_the_installed_wheel_previews_an_hp_post_without_an_index(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "schedules.yaml").write_text(SCHEDULES, encoding="utf-8")

    result = run_installed(installed, tmp_path, "-m", "bot", "preview", "hp", "--schedule", "projekt-alfa")

    assert result.returncode == 0, result.stderr
    # The first principle of prompts/hp_principles.yaml with its first two questions.
    assert "*HP-punkt: Jämställdhet*" in result.stdout
    assert "Hur ser könsfördelningen ut bland de deltagare vi har just nu" in result.stdout
    assert "Ur kunskapsbanken" not in result.stdout  # no index: the post goes out without a quote
    assert "C0123ABCD" in result.stderr  # where it would go
