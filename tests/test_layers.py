"""Layers only point down: model ← text ← guide ← checks/tone/rewrite ← engine ← io ← cli/server.

Parses every module's imports (including imports inside functions) and fails on an upward one.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "voicecheck"
LEVEL = {
    "model": 0, "paths": 0, "runtime": 0,
    "text": 1,
    "guide": 2,
    "checks": 3, "tone": 3, "rewrite": 3,
    "engine": 4,
    "io": 5,
    "cli": 6, "server": 6, "__init__": 6, "__main__": 7,
}
# Inside layer 3, checks may use tone (the model feeds tone findings), never the reverse.
# Inside layer 6, the `serve` command starts the server; the server never imports the CLI.
SIDEWAYS_ALLOWED = {("checks", "tone"), ("rewrite", "tone"), ("checks", "rewrite"),
                    ("cli", "server")}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
    return [(m, line) for m, line in out if m == "voicecheck" or m.startswith("voicecheck.")]


def test_no_upward_imports():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        own = _layer(".".join(rel.parts))
        for module, line in _imports(path):
            if module == "voicecheck":
                if own != "__init__" and LEVEL[own] < 6:
                    problems.append(f"{rel}:{line} imports the top-level package")
                continue
            target = _layer(module)
            if target == own or (own, target) in SIDEWAYS_ALLOWED:
                continue
            if LEVEL[target] >= LEVEL[own]:
                problems.append(f"{rel}:{line}: {own} (layer {LEVEL[own]}) imports {module} "
                                f"(layer {LEVEL[target]})")
    assert not problems, "\n".join(problems)


def test_every_module_has_a_layer():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        assert _layer(".".join(rel.parts)) in LEVEL, rel
