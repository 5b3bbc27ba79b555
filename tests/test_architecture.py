"""The shape of the package: a pipeline without import cycles, writers that never see the notebook facade."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cartera_xls"
WRITERS = ("writing", "summary_writing", "styles", "saving")


def _imports() -> dict[str, set[str]]:
    """Module → the package modules it imports (``schema`` counts as one module), at any depth of the file."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        name = path.stem
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
        graph[name] = {module for module in found if module != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done or node not in graph:
            return None
        visiting.append(node)
        for target in sorted(graph[node]):
            found = visit(target)
            if found:
                return found
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        found = visit(node)
        if found:
            return found
    return None


def test_no_import_cycle_in_the_package() -> None:
    assert _cycle(_imports()) is None


def test_a_cycle_would_be_found() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_writers_never_import_the_notebook_facade() -> None:
    graph = _imports()
    for writer in WRITERS:
        assert "cartera" not in graph[writer], writer


def test_the_pipeline_steps_do_no_io() -> None:
    graph = _imports()
    for step in ("pipeline", "checks", "rules", "followup", "indicators", "reglas"):
        assert not graph[step] & {"sources", "saving", "safety", "writing", "cartera", "cli"}, step
