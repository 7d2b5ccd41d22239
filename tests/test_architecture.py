"""The shape of the house: imports run one way, analysis stays pure, no cycles, no giant modules.

Read from the source with ``ast`` (imports inside functions count too), so the rules
hold for code that is never imported by a test.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGAGE = ROOT / "engage"

# Lowest first. A module may import its own package and anything listed before it,
# never anything after it. A package is a folder of engage/ or a module directly in it.
LAYERS: list[tuple[str, list[str]]] = [
    # Mechanics every room uses; they import nothing of Engage.
    (
        "core",
        [
            "config",
            # The language table, then Flask-Babel over it: errors translate public pages.
            "i18n",
            "gettext",
            "db",
            "errors",
            "extensions",
            "choices",
            "exports",
            "charts",
            "migrate",
            "request_guard",
        ],
    ),
    # Census baselines, pure analysis, the audit log, accounts, and surveys (which
    # stores responses and defines the slots capabilities plug into). The audit log
    # sits below accounts: recording needs only an actor's id and email, and the page
    # that reads the log is an administrator's page in auth.
    ("base", ["population", "analysis", "audit", "auth", "surveys"]),
    # One package per capability, each building only on those before it.
    (
        "capabilities",
        [
            # A survey's words in other languages: builds on surveys alone.
            "translations",
            "safeguarding",
            "reach",
            "quotes",
            "themes",
            "findings",
            "priorities",
            "assembly",
            "feedback",
            "report",
        ],
    ),
    # What puts the house together: the registration of steps and panels, every
    # model for Alembic, the demo, the CLI and the app factory.
    ("top", ["hooks", "models", "demo", "cli", "__init__"]),
]

# Files other engineers are splitting right now (issue 17): allowed past the size
# limit, and in a cycle only with each other. The integrator empties this when their
# branches land; nothing new may join it.
BEING_SPLIT: dict[str, str] = {}
MAX_LINES = 800
WEB_AND_DATABASE = ("flask", "sqlalchemy", "werkzeug")


@dataclass(frozen=True)
class Import:
    source: str  # module name, e.g. engage.surveys.public
    path: str  # relative to the repository, e.g. engage/surveys/public.py
    line: int
    target: str  # an Engage module, or a third-party name


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def engage_files() -> list[Path]:
    return sorted(p for p in ENGAGE.rglob("*.py") if "__pycache__" not in p.parts)


MODULES = {module_name(p): p for p in engage_files()}


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(source: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".")
    keep = len(base) - node.level + (1 if is_package else 0)
    return ".".join(base[:keep] + ([node.module] if node.module else []))


def imports_of(path: Path) -> Iterator[Import]:
    source = module_name(path)
    rel = str(path.relative_to(ROOT))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, rel, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(source, node, path.name == "__init__.py")
            for alias in node.names:
                # "from engage import exports" imports the module engage.exports.
                candidate = f"{module}.{alias.name}"
                yield Import(
                    source, rel, node.lineno, candidate if candidate in MODULES else module
                )


ALL_IMPORTS = [found for path in engage_files() for found in imports_of(path)]


def internal_edges() -> list[Import]:
    return [i for i in ALL_IMPORTS if i.target in MODULES and i.target != i.source]


def ranks() -> dict[str, tuple[int, str]]:
    ordered = [(package, layer) for layer, packages in LAYERS for package in packages]
    return {package: (n, layer) for n, (package, layer) in enumerate(ordered)}


def test_every_package_is_placed_in_a_layer() -> None:
    placed = ranks()
    found = {package_of(m) for m in MODULES}
    missing = sorted(found - set(placed))
    assert not missing, (
        f"place {missing} in LAYERS in tests/test_architecture.py: "
        "below everything it imports, above everything that imports it"
    )


def test_imports_run_from_higher_layers_to_lower_ones() -> None:
    placed = ranks()
    wrong = []
    for edge in internal_edges():
        source, target = package_of(edge.source), package_of(edge.target)
        if source == target or source not in placed or target not in placed:
            continue
        (source_rank, source_layer), (target_rank, target_layer) = placed[source], placed[target]
        if target_rank > source_rank:
            wrong.append(
                f"{edge.path}:{edge.line} imports {edge.target}: "
                f"{source} ({source_layer}) may not import {target} ({target_layer}), "
                "which is listed after it"
            )
    assert not wrong, "\n".join(wrong)


def test_analysis_imports_no_web_or_database_library() -> None:
    wrong = [
        f"{i.path}:{i.line} imports {i.target}"
        for i in ALL_IMPORTS
        if package_of(i.source) == "analysis"
        and (i.target.split(".")[0] in WEB_AND_DATABASE or i.target.startswith("flask_"))
    ]
    assert not wrong, "\n".join(wrong)


# engage/__init__.py is the Flask app factory, and Python runs it before any submodule.
# So the check loads engage.analysis with "engage" standing for the bare folder: what
# it measures is what analysis itself pulls in, directly or through what it imports.
PURITY_CHECK = """
import importlib, json, pkgutil, sys, types
engage = types.ModuleType("engage")
engage.__path__ = [sys.argv[1]]
sys.modules["engage"] = engage
import engage.analysis
for info in pkgutil.walk_packages(engage.analysis.__path__, "engage.analysis."):
    importlib.import_module(info.name)
print(json.dumps(sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("flask", "sqlalchemy", "werkzeug") or name.startswith("flask_")
)))
"""


def test_importing_analysis_loads_no_web_or_database_library() -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PURITY_CHECK, str(ENGAGE)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    loaded = json.loads(done.stdout)
    assert loaded == [], f"importing engage.analysis loads {loaded[:10]}"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def a_cycle_through(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One concrete path from the component's first module back to itself."""
    members = set(component)
    start = component[0]
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for child in sorted(graph[path[-1]] & members):
            if child == start:
                return [*path, start]
            if child not in seen:
                seen.add(child)
                paths.append([*path, child])
    return component  # pragma: no cover - a component always has a cycle


def module_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for edge in internal_edges():
        graph[edge.source].add(edge.target)
    return graph


def path_of(module: str) -> str:
    return str(MODULES[module].relative_to(ROOT))


def test_no_import_cycles() -> None:
    graph = module_graph()
    cycles = [
        " -> ".join(a_cycle_through(component, graph))
        for component in strongly_connected(graph)
        if not all(path_of(m) in BEING_SPLIT for m in component)
    ]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_finder_reports_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    [component] = strongly_connected(graph)
    assert component == ["a", "b", "c"]
    assert a_cycle_through(component, graph) == ["a", "b", "c", "a"]


def test_no_module_is_over_800_lines() -> None:
    long = [
        f"{path_of(m)}: {n} lines"
        for m, p in MODULES.items()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and path_of(m) not in BEING_SPLIT
    ]
    assert not long, f"split by what a person does (STYLE.md): {long}"


def test_being_split_lists_only_files_that_still_need_it() -> None:
    # Once a split lands the file is gone or short and out of every cycle: drop it here.
    graph = module_graph()
    in_cycles = {path_of(m) for c in strongly_connected(graph) for m in c}
    stale = [
        path
        for path in BEING_SPLIT
        if not (ROOT / path).exists()
        or (
            len((ROOT / path).read_text(encoding="utf-8").splitlines()) <= MAX_LINES
            and path not in in_cycles
        )
    ]
    assert not stale, f"remove {stale} from BEING_SPLIT"


def test_only_the_pipeline_stores_responses() -> None:
    # record_response stores a response without the pipeline's steps (safeguarding
    # flags, ...): everything else stores through surveys.pipeline.store_submission.
    allowed = {"engage/surveys/pipeline.py", "engage/surveys/responses.py"}
    files = [*engage_files(), *sorted((ROOT / "bench").glob("*.py"))]
    wrong = []
    for path in files:
        rel = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in ast.walk(tree):
            named = (isinstance(node, ast.Name) and node.id == "record_response") or (
                isinstance(node, ast.Attribute) and node.attr == "record_response"
            )
            imported = isinstance(node, ast.ImportFrom) and any(
                a.name == "record_response" for a in node.names
            )
            if (named or imported) and rel not in allowed:
                wrong.append(f"{rel}:{node.lineno}")
    assert not wrong, f"store responses with store_submission: {wrong}"
