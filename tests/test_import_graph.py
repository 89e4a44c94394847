"""The import graph of `api`: no circles, and the domain depends on the commerce port only.

Every import counts, also those inside functions: an import moved into a function still makes a
circle, it only hides it until run time."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "api"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:  # `from api.domain import clock` imports the module api.domain.clock
                    submodule = f"{node.module}.{alias.name}"
                    imported.add(submodule if submodule in files else node.module)
        graph[name] = imported
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle among api modules, each found once (depth-first search)."""
    found, done = [], set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            found.append(path[path.index(module):] + [module])
            return
        if module in done or module not in graph:
            return
        for target in sorted(graph[module]):
            visit(target, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return found


def reachable(graph: dict[str, set[str]], start: set[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return seen


def test_no_import_circle_among_api_modules():
    assert cycles(import_graph()) == []


def test_the_domain_depends_on_the_commerce_port_only():
    graph = import_graph()
    domain = {name for name in graph if name == "api.domain" or name.startswith("api.domain.")}
    everything_it_loads = reachable(graph, domain)
    forbidden = {m for m in everything_it_loads
                 if m.split(".")[0] in {"flask", "werkzeug", "flask_smorest", "requests"}
                 or m.startswith(("api.bigcommerce", "api.commerce.", "api.http", "api.blueprints",
                                  "api.notifications"))}
    assert forbidden == set()
