"""Imports point only down, and no app's modules import each other in a circle (DESIGN.md section 3).

The layers are import-linter's contract in pyproject.toml (`reporting → workflow → crm → accounts →
trace → common`, with `demo` and `config` above them); `make lint` and CI run it too. What the contract
cannot say is read here from the source with `ast`: a circle of imports between the modules of one app,
and an app that borrows another app's doors (its API, pages, forms or URLs) instead of the lower
module that holds what it wants. Every import counts, at module level or inside a function: an import
moved into a function body still ties the two modules together, it only hides the circle.
"""

import ast
import tomllib
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

BASE_DIR = Path(__file__).resolve().parent.parent
# Every first-party package of the application (tests and scripts stand outside it).
PACKAGES = ("common", "trace", "accounts", "crm", "workflow", "reporting", "demo", "config")
APPS = ("trace", "accounts", "crm", "workflow", "reporting")
# The modules through which an app answers HTTP; another app wanting what they hold needs it moved down.
DOORS = {"api", "api_urls", "api_intake", "views", "forms", "urls", "landing_urls"}

Edges = Mapping[str, Mapping[str, int]]  # importer -> {imported: first line}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(BASE_DIR).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((BASE_DIR / package).rglob("*.py"))


def import_graph() -> dict[str, dict[str, int]]:
    """Every first-party import, resolved to the module it names: `from a.b import c` is a.b.c when c is
    a module, else a.b (what grimp, behind import-linter, also does)."""
    files = {_module_name(path): path for path in _source_files()}
    known = set(files)

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        edges = graph.setdefault(module, {})
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [resolve(alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = module.split(".")[: len(module.split(".")) - node.level + is_package]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [resolve(f"{base}.{alias.name}") if f"{base}.{alias.name}" in known else resolve(base)
                           for alias in node.names]  # fmt: skip
            else:
                continue
            for target in targets:
                if target and target != module:
                    edges.setdefault(target, node.lineno)
    return graph


def circles(graph: Edges) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as one circle to read:
    its first module, the shortest way round back to it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, {}):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_way_round(graph, component) for component in sorted(components, key=min)]


def _way_round(graph: Edges, component: set[str]) -> list[str]:
    start = min(component)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in sorted(graph.get(node, {})):
            if successor not in component:
                continue
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if successor not in came_from:
                came_from[successor] = node
                queue.append(successor)
    raise AssertionError(f"{sorted(component)} is not strongly connected")


def _app_of(module: str) -> str:
    return module.partition(".")[0]


def _within_each_app(graph: Edges) -> dict[str, dict[str, int]]:
    return {
        importer: {imported: line for imported, line in edges.items() if _app_of(imported) == _app_of(importer)}
        for importer, edges in graph.items()
    }


def _describe(graph: Edges, circle: list[str]) -> str:
    steps = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in zip(circle, circle[1:], strict=False)]
    return "\n  ".join(steps)


def borrowed_doors(graph: Edges) -> list[str]:
    """Imports of another app's API, pages, forms or URLs, as `importer -> imported (line)`."""
    found = []
    for importer, edges in sorted(graph.items()):
        for imported, line in sorted(edges.items()):
            owner = _app_of(imported)
            parts = imported.split(".")
            if owner in APPS and owner != _app_of(importer) and len(parts) > 1 and parts[1] in DOORS:
                found.append(f"{importer} (line {line}) -> {imported}")
    return found


def test_imports_point_down_through_the_layers(monkeypatch, capsys):
    # import-linter reads pyproject.toml from, and imports the packages relative to, the current directory.
    monkeypatch.chdir(BASE_DIR)
    status = lint_imports(no_cache=True, no_logo=True)

    report = capsys.readouterr().out
    assert status == 0, f"An import points up through the layers (pyproject.toml [tool.importlinter]):\n{report}"


def test_no_app_has_a_circle_of_imports_between_its_modules():
    graph = _within_each_app(import_graph())

    found = [_describe(graph, circle) for circle in circles(graph)]

    assert not found, "Modules of one app import each other in a circle:\n  " + "\n\n  ".join(found)


def test_no_app_borrows_another_apps_doors():
    found = borrowed_doors(import_graph())

    assert not found, (
        "An app imports another app's API, pages, forms or URLs; move what it needs to a lower module "
        "(models, a constants or permissions module, common/):\n  " + "\n  ".join(found)
    )


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    graph = import_graph()

    # workflow/tasks.py imports its services inside the task bodies only.
    assert "workflow.services.sla" in graph["workflow.tasks"]
    assert "workflow.services.notifications" in graph["workflow.tasks"]
    # `from accounts import demo as accounts_demo` names a module, not the package.
    assert "accounts.demo" in graph["demo.build"]
    assert "accounts" not in graph["demo.build"]


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a.x": {"a.y": 1}, "a.y": {"a.z": 2}, "a.z": {}}, []),
        ({"a.x": {"a.y": 1}, "a.y": {"a.x": 5}}, [["a.x", "a.y", "a.x"]]),
        # Two circles through one module: one component, read by its shortest way round.
        (
            {"a.p": {"a.q": 1}, "a.q": {"a.r": 1, "a.p": 9}, "a.r": {"a.p": 3}, "a.s": {"a.p": 1}},
            [["a.p", "a.q", "a.p"]],
        ),
        (
            {"a.x": {"a.y": 1}, "a.y": {"a.x": 1}, "b.x": {"b.y": 1}, "b.y": {"b.z": 1}, "b.z": {"b.x": 1}},
            [["a.x", "a.y", "a.x"], ["b.x", "b.y", "b.z", "b.x"]],
        ),  # fmt: skip
    ],
)
def test_circles_finds_every_circle_and_nothing_else(graph, expected):
    assert circles(graph) == expected


def test_a_borrowed_door_is_named_and_an_own_or_lower_module_is_not():
    graph = {
        "workflow.api.trace": {"accounts.api": 3, "accounts.permissions": 4, "workflow.api.common": 5},
        "crm.forms": {"common.pages": 2},
        "config.urls": {"common.api": 6},
    }

    assert borrowed_doors(graph) == ["workflow.api.trace (line 3) -> accounts.api"]


def test_the_import_linter_contract_names_every_package():
    config = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = {name.strip() for layer in config["contracts"][0]["layers"] for name in layer.split("|")}

    assert set(config["root_packages"]) == set(PACKAGES) == layered
