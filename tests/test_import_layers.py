"""careloop's package graph holds the target layering (issue 14, point 4: no package cycles).

Every import in careloop/ is read with `ast`: at module top, inside functions and methods, under
`if TYPE_CHECKING:`, and `importlib.import_module("careloop....")` with a literal name. An import inside a
function is a dependency all the same, so it counts like one at the top.

Four checks:
- no cycle between careloop's top-level units (each package under careloop/, and each module beside them:
  cli.py, bootstrap.py, serve.py, settings.py, ...);
- no cycle between the files inside one of those packages (its modules, its sub-packages' modules and the
  `__init__.py` files), but the ones KNOWN_FILE_CYCLES lists;
- no arrow that ../shared/design/layers.json lists under "never", neither straight nor through modules that
  belong to no part there (bootstrap.py, serve.py, settings.py, ...): `cases -> bootstrap -> cli` breaks
  "never cases -> cli" as much as `cases -> cli` does;
- no arrow that INNER_NEVER forbids between the parts of one package (the repo's own rules, below layers.json's
  granularity): what careloop.listen runs on every post imports nothing of careloop.listen.building.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "careloop"
LAYERS = ROOT.parent / "shared" / "design" / "layers.json"

# Package-level cycles that could not be cut yet, as (from unit, to unit) import arrows the cycle check leaves
# out; each with why. Keep this empty: an entry here is a debt, not a rule.
KNOWN_CYCLE_ARROWS: dict[tuple[str, str], str] = {}

# Cycles between files inside one package that could not be cut yet: each the exact set of modules of one cycle
# (a strongly connected part of the file graph), with why it is still there. The check fails on any other cycle,
# on a known one that gained or lost a member, and on one that is gone (delete it here). A debt, not a rule.
KNOWN_FILE_CYCLES: dict[frozenset[str], str] = {
    # Empty: the last two (api.scoring_jobs <-> api.tasks, and cases.outbox -> tasks -> follow_up -> reach_out ->
    # outbox) were a module queueing the Huey task that runs it; the app's ready() now hands the task in
    # (scoring_jobs.use_task, outbox.use_task), as careloop.listen hands in its sentiment reader (decision 11).
    # An entry looks like: frozenset({"careloop.x.a", "careloop.x.b"}): "why it cannot be cut yet",
}

# Arrows forbidden inside one package, which layers.json (one box per top-level package) cannot say: (the modules
# under this dotted prefix, but not under the second, import nothing under the second, at the top or in a
# function, why). careloop.listen.building is model building and measuring (`careloop train`, `careloop eval`); it
# may import what runs on every post, never the other way round, so a worker never loads training code.
INNER_NEVER: list[tuple[str, str, str]] = [
    ("careloop.listen", "careloop.listen.building", "what runs on every post knows no model building"),
]


# ------------------------------------------------------------------------------------------------- reading
def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of every module `source` imports, wherever in the file the import stands."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "careloop":  # `from careloop import cli`: the names are the units
                for alias in node.names:
                    yield f"{target}.{alias.name}", node.lineno
            else:
                yield target, node.lineno
        elif isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
            name = _literal_prefix(node.args[0])
            if name:
                yield name, node.lineno


def _is_import_module(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id in ("import_module", "__import__")) or (
        isinstance(func, ast.Attribute) and func.attr == "import_module")


def _literal_prefix(arg: ast.expr) -> str:
    """The module a literal (or an f-string's literal start, up to its last whole dotted part) names."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value).rpartition(".")[0]
    return ""


def unit_of(module: str) -> str | None:
    """careloop's top-level unit a dotted name falls in (its package or module beside them), or None."""
    parts = module.split(".")
    if parts[0] != "careloop" or len(parts) < 2:
        return None
    head = PACKAGE / parts[1]
    return parts[1] if head.is_dir() or head.with_suffix(".py").is_file() else None


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def unit_arrows() -> dict[tuple[str, str], list[str]]:
    """(from unit, to unit) → where it is imported ("careloop/cases/cli.py:9 careloop.cli")."""
    arrows: dict[tuple[str, str], list[str]] = {}
    for path in source_files():
        rel = path.relative_to(ROOT)
        if rel == Path("careloop", "__init__.py"):  # the root: no unit of its own
            continue
        here = rel.parts[1].removesuffix(".py")
        module = module_name(path)
        for target, line in imported_modules(path.read_text(encoding="utf-8"), module,
                                             is_package=path.name == "__init__.py"):
            there = unit_of(target)
            if there and there != here:
                where = f"{rel}:{line} {target}"
                found = arrows.setdefault((here, there), [])
                if where not in found:
                    found.append(where)
    return arrows


def module_arrows() -> dict[tuple[str, str], list[str]]:
    """(from module, to module) → where, for two files inside the same top-level package.

    `from careloop.listen import evaluation` is an arrow to careloop.listen.evaluation (a module), `from
    careloop.listen.accurate import load_accurate_scorer` one to careloop.listen.accurate (its __init__.py). The
    packages Python runs on the way to a module (careloop.listen for careloop.listen.evaluation) are no arrow:
    every module would be in a cycle with an __init__.py that imports it."""
    modules = {module_name(path): path for path in source_files()}
    arrows: dict[tuple[str, str], list[str]] = {}
    for module, path in modules.items():
        if len(path.relative_to(PACKAGE).parts) < 2:
            continue  # careloop/__init__.py and the modules beside the packages (cli.py, ...): no package inside
        unit = unit_of(module)
        rel = path.relative_to(ROOT)
        for target, line in imported_names(path.read_text(encoding="utf-8"), module,
                                           is_package=path.name == "__init__.py"):
            while target and target not in modules:  # careloop.listen.evaluation.metrics → ….evaluation
                target = target.rpartition(".")[0]
            if target and target != module and unit_of(target) == unit:
                found = arrows.setdefault((module, target), [])
                where = f"{rel}:{line}"
                if where not in found:
                    found.append(where)
    return arrows


def imported_names(source: str, module: str, *, is_package: bool = False) -> Iterator[tuple[str, int]]:
    """imported_modules(), and for `from X import y` also X.y (which is a module when y is one)."""
    yield from imported_modules(source, module, is_package=is_package)
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno


def file_cycles(arrows: dict[tuple[str, str], list[str]]) -> dict[frozenset[str], str]:
    """Each cycle between files inside one package → its arrows and where they are imported."""
    edges = set(arrows)
    nodes = {module for arrow in edges for module in arrow}
    found = {}
    for group in cycles(nodes, edges):
        inner = sorted((a, b) for a, b in edges if a in group and b in group)
        found[frozenset(group)] = "\n    ".join(f"{a} -> {b} ({', '.join(arrows[(a, b)][:3])})" for a, b in inner)
    return found


def layers() -> dict:
    if not LAYERS.is_file():
        pytest.fail(f"{LAYERS} is missing: the target layering lives in shared/design beside this checkout")
    return json.loads(LAYERS.read_text(encoding="utf-8"))


def part_of_unit(design: dict) -> dict[str, str]:
    """careloop's top-level unit → its part in layers.json (units on no part are left out)."""
    parts: dict[str, str] = {}
    for part, spec in design["parts"].items():
        for place in spec["is"]:
            rel = Path(place.rstrip("/"))
            assert rel.parts[0] == "careloop" and len(rel.parts) == 2, f"{part}: {place} is no top-level unit"
            parts[rel.name.removesuffix(".py")] = part
    return parts


# ------------------------------------------------------------------------------------------------- graphs
def cycles(nodes: set[str], edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected parts with more than one unit (Tarjan), each sorted."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in succ[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def path_through_unassigned(start: str, goal: str, edges: set[tuple[str, str]], parts: dict[str, str]) -> list[str]:
    """The shortest import path start → … → goal whose inner units are on no part of layers.json; [] if none."""
    came_from: dict[str, str] = {start: ""}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for a, b in sorted(edges):
                if a != node or b in came_from:
                    continue
                came_from[b] = node
                if b == goal:
                    path = [b]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return path[::-1]
                if b not in parts:
                    nxt_frontier.append(b)
        frontier = nxt_frontier
    return []


def _evidence(arrows: dict[tuple[str, str], list[str]], path: list[str]) -> str:
    return "; ".join(f"{a} -> {b} ({', '.join(arrows[(a, b)][:3])})" for a, b in zip(path, path[1:], strict=False))


# ------------------------------------------------------------------------------------------------- tests
def test_the_walker_reads_imports_inside_functions_and_relative_ones() -> None:
    source = (
        "import careloop.cases.state\n"
        "from careloop import cli\n"
        "from . import sibling\n"
        "from ..community.models import Post\n"
        "def later():\n"
        "    from careloop.listen.scoring import score\n"
        "    import_module(f'careloop.cases.{name}')\n"
        "class K:\n"
        "    def m(self):\n"
        "        import careloop.web.views as v\n"
    )
    found = {name for name, _ in imported_modules(source, "careloop.connectors.base")}
    assert {"careloop.cases.state", "careloop.cli", "careloop.connectors", "careloop.community.models",
            "careloop.listen.scoring", "careloop.cases", "careloop.web.views"} <= found
    assert {unit_of(name) for name in found} - {None} == {"cases", "cli", "connectors", "community", "listen", "web"}


def test_every_part_of_layers_json_is_in_the_tree() -> None:
    design = layers()
    for part, spec in design["parts"].items():
        for place in spec["is"]:
            assert (ROOT / place).exists(), f"layers.json part {part}: {place} is not in the tree"
    arrows = unit_arrows()
    parts = part_of_unit(design)
    drawn = {(parts.get(a), parts.get(b)) for a, b in arrows}
    held = [tuple(arrow[:2]) for arrow in design["arrows"] if tuple(arrow[:2]) in drawn]
    assert len(held) >= len(design["arrows"]) // 2, "the walker finds almost none of the drawn arrows: it is blind"


def test_no_import_cycle_between_careloops_packages() -> None:
    arrows = unit_arrows()
    stale = [arrow for arrow in KNOWN_CYCLE_ARROWS if arrow not in arrows]
    assert not stale, f"known exceptions that no import needs any more, delete them: {stale}"
    edges = {arrow for arrow in arrows if arrow not in KNOWN_CYCLE_ARROWS}
    nodes = {unit for arrow in edges for unit in arrow}
    found = cycles(nodes, edges)
    report = []
    for group in found:
        inner = sorted((a, b) for a, b in edges if a in group and b in group)
        report.append(" <-> ".join(group) + ":\n    " + "\n    ".join(_evidence(arrows, [a, b]) for a, b in inner))
    assert not found, "import cycles between careloop's packages:\n  " + "\n  ".join(report)


def test_no_arrow_that_layers_json_forbids() -> None:
    design = layers()
    parts = part_of_unit(design)
    arrows = unit_arrows()
    edges = set(arrows)
    broken = []
    for never in design["never"]:
        src, dst, why = never[0], never[1], never[2] if len(never) > 2 else ""
        for start in (u for u, p in parts.items() if p == src):
            for goal in (u for u, p in parts.items() if p == dst):
                path = path_through_unassigned(start, goal, edges, parts)
                if path:
                    broken.append(f"never {src} -> {dst} ({why}): {_evidence(arrows, path)}")
    assert not broken, "arrows layers.json forbids:\n  " + "\n  ".join(broken)


def test_the_file_walker_sees_a_module_named_in_from_import_and_stops_at_the_package() -> None:
    source = (
        "from careloop.listen import evaluation\n"
        "from careloop.listen.measures import metrics\n"
        "def later():\n"
        "    from . import scoring\n"
        "    from careloop.listen.accurate import load_accurate_scorer\n"
    )
    found = set(imported_names(source, "careloop.listen.derailment"))
    names = {name for name, _ in found}
    assert {"careloop.listen.evaluation", "careloop.listen.measures.metrics", "careloop.listen.scoring",
            "careloop.listen.accurate.load_accurate_scorer"} <= names
    arrows = module_arrows()
    assert ("careloop.listen.scoring", "careloop.listen.accurate") in arrows  # an in-function import counts
    assert all(unit_of(a) == unit_of(b) for a, b in arrows), "an arrow between two packages in the file graph"


def test_no_import_cycle_between_files_inside_a_package() -> None:
    found = file_cycles(module_arrows())
    stale = [sorted(group) for group in KNOWN_FILE_CYCLES if group not in found]
    new = {group: where for group, where in found.items() if group not in KNOWN_FILE_CYCLES}
    report = "\n  ".join(" <-> ".join(sorted(group)) + ":\n    " + where for group, where in new.items())
    assert not new, (
        "import cycles between files inside a package (move what both need into the module that owns it, or a "
        "small one below both; a known cycle that changed members counts as new):\n  " + report)
    assert not stale, f"known file cycles that are gone (or changed members), delete them: {stale}"


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_no_arrow_that_inner_never_forbids() -> None:
    arrows = module_arrows()
    modules = {module for arrow in arrows for module in arrow}
    broken = []
    for outer, inner, why in INNER_NEVER:
        assert any(_under(m, inner) for m in modules), f"{inner}: no module of it in the file graph, a stale rule"
        for (a, b), where in sorted(arrows.items()):
            if _under(a, outer) and not _under(a, inner) and _under(b, inner):
                broken.append(f"never {outer} -> {inner} ({why}): {a} -> {b} ({', '.join(where[:3])})")
    assert not broken, "arrows INNER_NEVER forbids:\n  " + "\n  ".join(broken)


def test_inner_never_sees_an_import_inside_a_function() -> None:
    source = "def train():\n    from careloop.listen.building.fast import train_fast\n"
    found = {name for name, _ in imported_names(source, "careloop.listen.scoring")}
    assert "careloop.listen.building.fast" in found
    outer, inner, _ = INNER_NEVER[0]
    assert _under("careloop.listen.scoring", outer) and not _under("careloop.listen.scoring", inner)
    assert _under("careloop.listen.building.fast", inner) and _under("careloop.listen.building", inner)
    assert not _under("careloop.listen.buildings", inner)
