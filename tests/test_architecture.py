"""The tree is the architecture: import rules between the parts, read from the source with ``ast``.

Nothing is imported or run. Each rule names the packages a part may import; a breach, an import
cycle, an oversized module or a crowded ``bot/`` fails with the modules that break it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("bot", "handlers")
TOPICS = ("law", "benefits", "stations", "loans")
MAX_LINES = 400
MAX_TOP_LEVEL_BOT_MODULES = 4

Graph = Mapping[str, frozenset[str]]

# For each part of bot/: the bot packages it may import besides its own. None: anything in bot/.
ALLOWED: dict[str, tuple[str, ...] | None] = {
    "bot.core": (),
    "bot.understanding": ("bot.core",),
    **{f"bot.{topic}": ("bot.core", "bot.understanding") for topic in TOPICS},
    "bot.staff": ("bot.core", "bot.understanding"),
    "bot.guard": ("bot.core",),
    "bot.channels": None,
    "bot.services": None,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(tree: ast.AST, module: str, is_package: bool, known: frozenset[str]) -> set[str]:
    """Every module an import statement names, anywhere in the file (function-level imports too)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                names.add(candidate if candidate in known else base)
    return names


def read_graph(root: Path = ROOT) -> dict[str, frozenset[str]]:
    files = [path for top in SCANNED for path in sorted((root / top).rglob("*.py"))]
    known = frozenset(module_name(path) for path in files)
    graph = {}
    for path in files:
        module = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = frozenset(imported_names(tree, module, path.name == "__init__.py", known))
    return graph


def part_of(module: str) -> str | None:
    """The part (``bot.core``, ``bot.stations`` …) a bot module belongs to; None outside bot/."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else None


def layer_breaches(graph: Graph) -> list[str]:
    breaches = []
    for module, imports in sorted(graph.items()):
        part = part_of(module)
        if module.split(".")[0] != "bot":
            continue
        for target in sorted(imports):
            root = target.split(".")[0]
            if root in ("telegram", "handlers"):
                breaches.append(f"{module} imports {target}: bot/ stays channel-neutral")
                continue
            target_part = part_of(target)
            if root != "bot" or part is None or target_part in (None, part):
                continue
            allowed = ALLOWED.get(part, ())
            if allowed is not None and target_part not in allowed:
                breaches.append(f"{module} imports {target}: {part} may import only {', '.join(allowed) or 'itself'}")
    return breaches


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def oversized(paths: Iterable[Path], limit: int = MAX_LINES) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {n} lines" for path in paths if (n := len(path.read_bytes().splitlines())) > limit
    ]


def test_the_layer_rules_hold() -> None:
    assert layer_breaches(read_graph()) == []


def test_there_is_no_import_cycle() -> None:
    assert cycles(read_graph()) == []


def test_no_module_is_over_the_size_limit() -> None:
    assert oversized(path for top in SCANNED for path in (ROOT / top).rglob("*.py")) == []


def test_bot_holds_packages_not_a_flat_list_of_modules() -> None:
    modules = sorted(p.name for p in (ROOT / "bot").glob("*.py") if p.name != "__init__.py")
    assert len(modules) <= MAX_TOP_LEVEL_BOT_MODULES, modules


def test_every_package_says_what_it_owns() -> None:
    undocumented = [
        str(init.relative_to(ROOT))
        for top in SCANNED
        for init in (ROOT / top).rglob("__init__.py")
        if not ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    ]
    assert undocumented == []


def test_the_scanner_sees_real_imports() -> None:
    """Guards the checks above against passing because nothing was read."""
    graph = read_graph()
    assert "bot.understanding.engine" in graph["bot.services"]
    assert "bot.core.content_models" in graph["bot.stations.directory"]
    assert "bot.loans.render" in graph["handlers.topics.loans"]  # ``from bot.loans import render as …``


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        (
            {"bot.law.articles": frozenset({"bot.stations.directory"})},
            "bot.law.articles imports bot.stations.directory",
        ),
        ({"bot.staff.feedback": frozenset({"bot.loans.render"})}, "bot.staff.feedback imports bot.loans.render"),
        ({"bot.core.i18n": frozenset({"bot.understanding.normalise"})}, "bot.core.i18n imports bot.understanding"),
        ({"bot.understanding.render": frozenset({"bot.stations.render"})}, "bot.understanding.render imports"),
        ({"bot.guard.flood": frozenset({"telegram"})}, "bot.guard.flood imports telegram"),
        ({"bot.channels.web": frozenset({"handlers.app"})}, "bot.channels.web imports handlers.app"),
    ],
)
def test_a_synthetic_breach_is_reported(graph: Graph, expected: str) -> None:
    breaches = layer_breaches(graph)
    assert len(breaches) == 1
    assert breaches[0].startswith(expected)


def test_a_synthetic_cycle_and_cross_topic_import_are_both_reported() -> None:
    graph = {
        "bot.understanding.render": frozenset({"bot.stations.render"}),
        "bot.stations.render": frozenset({"bot.understanding.render", "bot.loans.amount"}),
        "bot.loans.amount": frozenset(),
        "handlers.a": frozenset({"handlers.b"}),
        "handlers.b": frozenset({"handlers.c"}),
        "handlers.c": frozenset({"handlers.a"}),
    }
    assert cycles(graph) == [
        ["bot.stations.render", "bot.understanding.render"],
        ["handlers.a", "handlers.b", "handlers.c"],
    ]
    assert "bot.stations.render imports bot.loans.amount: bot.stations may import only bot.core, bot.understanding" in (
        layer_breaches(graph)
    )


def test_allowed_imports_are_not_reported() -> None:
    graph = {
        "bot.loans.render": frozenset({"bot.core.i18n", "bot.understanding.render", "bot.loans.amount"}),
        "bot.services": frozenset({"bot.stations.render", "bot.staff.feedback"}),
        "bot.channels.ask": frozenset({"bot.law.articles", "json"}),
    }
    assert layer_breaches(graph) == []
    assert cycles(graph) == []


def test_an_oversized_module_is_reported() -> None:
    big = ROOT / "tests" / "test_architecture.py"  # this file, against a limit it exceeds
    assert oversized([big], limit=10) == [f"tests/test_architecture.py: {len(big.read_bytes().splitlines())} lines"]
