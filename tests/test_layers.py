"""Imports point one way: ingest → search → answer → store → slack → schedules → evaluation → wiring → cli.

Also: only bot/slack/ loads Bolt, and only bot/search/index.py talks to Chroma.
Imports under `if TYPE_CHECKING:` load nothing at run time and are not counted.
"""

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
LAYERS = ["ingest", "search", "answer", "store", "slack", "schedules", "evaluation", "wiring", "cli"]
BASE = {"errors", "settings", "metrics"}  # importable from everywhere


def layer(module: str) -> int:
    """Return the layer number of a `bot.…` module (-1 for the shared base)."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    if top in BASE or not top:
        return -1
    if top == "__main__":
        return len(LAYERS)
    return LAYERS.index(top)


def runtime_imports(path: Path) -> list[str]:
    """Return the modules `path` imports at run time (TYPE_CHECKING blocks skipped)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            if node.module == "bot":
                found.extend(f"bot.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = sorted(BOT.rglob("*.py"))


def module_name(path: Path) -> str:
    """Return the dotted name of a file under bot/."""
    rel = path.relative_to(BOT.parent).with_suffix("")
    return ".".join(p for p in rel.parts if p != "__init__")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(BOT.parent)))
def test_imports_point_one_way(path: Path) -> None:
    own = layer(module_name(path))
    upward = [m for m in runtime_imports(path) if m.startswith("bot.") and layer(m) > own]
    assert upward == [], f"{module_name(path)} imports a later layer: {upward}"


def test_only_the_slack_shell_loads_bolt_and_only_the_index_loads_chroma() -> None:
    bolt, chroma, providers = set(), set(), set()
    for path in MODULES:
        name = module_name(path)
        for imported in runtime_imports(path):
            if imported.split(".")[0] == "slack_bolt":
                bolt.add(name)
            if imported.split(".")[0] in {"chromadb", "langchain_chroma"}:
                chroma.add(name)
            if imported.split(".")[0] in {"langchain_openai", "langchain_ollama", "openai", "ollama"}:
                providers.add(name)
    assert all(name.startswith("bot.slack") for name in bolt), sorted(bolt)
    assert chroma <= {"bot.search.index"}, sorted(chroma)
    assert providers <= {"bot.answer.llm"}, sorted(providers)  # the LLM provider classes, in one place


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from bot.slack.app import build_app\nimport bot.cli\n")
    assert [m for m in runtime_imports(bad) if layer(m) > layer("bot.search.text")] == ["bot.slack.app", "bot.cli"]
