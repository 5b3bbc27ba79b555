"""The shape of the package: a pipeline without import cycles, writers that never see the notebook facade."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cartera_xls"
WRITERS = ("writing", "summary_writing", "styles", "saving")


FACADE = "__init__"  # the package itself: ``from . import __version__`` imports it


def _unit(path: Path) -> str:
    """The module a file belongs to for these rules: ``writing``, ``__init__``, or ``schema`` for every file of the schema."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else path.stem


def _imported(path: Path, node: ast.ImportFrom | ast.Import) -> set[str]:
    """The package's modules one import statement of ``path`` reaches (relative at any depth, or absolute)."""
    if isinstance(node, ast.Import):
        names = [alias.name.split(".") for alias in node.names if alias.name.split(".")[0] == PACKAGE.name]
        return {parts[1] if len(parts) > 1 else FACADE for parts in names}
    if node.level:
        base = path.parent.relative_to(PACKAGE).parts
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        module = [*base, *(node.module.split(".") if node.module else [])]
    elif node.module and node.module.split(".")[0] == PACKAGE.name:
        module = node.module.split(".")[1:]
    else:
        return set()
    if module:
        return {module[0]}
    # ``from . import x`` at the top of the package: a module, or a name of the facade
    return {alias.name if (PACKAGE / f"{alias.name}.py").exists() or (PACKAGE / alias.name).is_dir() else FACADE for alias in node.names}


def _imports() -> dict[str, set[str]]:
    """Module → the package modules it imports (``schema`` counts as one module), at any depth of the file."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _unit(path)
        found = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.ImportFrom, ast.Import)):
                found.update(_imported(path, node))
        found.discard(name)
    return graph


def test_every_kind_of_import_is_seen() -> None:
    graph = _imports()
    assert "version" in graph[FACADE] and "cartera" in graph["cli"]  # from .version import …; from . import cartera (in a function)
    assert "structure" not in graph["schema"] and "sheets" not in graph  # the schema's own modules are one unit
    writer = PACKAGE / "writing.py"
    assert _imported(writer, _statement("from . import __version__")) == {FACADE}
    assert _imported(writer, _statement("import cartera_xls")) == {FACADE}
    assert _imported(writer, _statement("from cartera_xls.cartera import load")) == {"cartera"}
    assert _imported(PACKAGE / "schema" / "sheets.py", _statement("from .. import cartera")) == {"cartera"}


def _statement(code: str) -> ast.ImportFrom | ast.Import:
    node = ast.parse(code).body[0]
    assert isinstance(node, (ast.ImportFrom, ast.Import))
    return node


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
    for writer in (*WRITERS, "ics"):
        assert not graph[writer] & {"cartera", FACADE}, writer


def test_the_pipeline_steps_do_no_io() -> None:
    graph = _imports()
    for step in ("pipeline", "checks", "rules", "followup", "indicators", "parameters"):
        assert not graph[step] & {"sources", "saving", "safety", "writing", "cartera", "cli"}, step


def test_each_generated_sheet_and_figure_is_declared_once() -> None:
    """One declaration per generated sheet (name, writer, figures) drives the write, the reading and the notebook."""
    import dataclasses

    from cartera_xls.indicators import Indicators
    from cartera_xls.schema.sheets import GENERATED, GENERATED_SHEETS
    from cartera_xls.schema.summary import FIGURE_NAMES, FIGURES

    fields = [field.name for field in dataclasses.fields(Indicators)]
    assert sorted(fields) == sorted(figure.key for figure in FIGURES) == sorted(FIGURE_NAMES)
    shown = [key for sheet in GENERATED for key in sheet.figures]
    assert sorted(shown) == sorted(fields)  # every figure on exactly one sheet
    assert len({sheet.key for sheet in GENERATED}) == len(GENERATED) == len({name.casefold() for name in GENERATED_SHEETS})
    assert len(set(FIGURE_NAMES.values())) == len(FIGURES)


def test_the_workbook_has_its_sheets_in_the_declared_order() -> None:
    import openpyxl

    from cartera_xls.schema.sheets import DATA_PLACE, DATA_SHEETS, GENERATED_SHEETS, REGLAS, SHEET_ORDER, GeneratedSheet

    book = openpyxl.load_workbook(PACKAGE.parent / "plantillas" / "cartera_demo.xlsx", read_only=True)
    names = list(book.sheetnames)
    book.close()
    assert [name for name in names if name in GENERATED_SHEETS] == list(GENERATED_SHEETS)
    data = {spec.label for spec in DATA_SHEETS} - {REGLAS.label}
    first_data = min(names.index(name) for name in names if name in data)
    before_data = [place.name for place in SHEET_ORDER[: SHEET_ORDER.index(DATA_PLACE)] if isinstance(place, GeneratedSheet)]
    assert names[:first_data] == before_data
