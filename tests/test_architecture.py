"""The layering the one-schedule design promises: a contract below both faces, an engine free
of Mesa, no import cycles, and views derived from the schema."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import mutusim
from mutusim.config.schema import ScenarioConfig
from mutusim.contract.fields import AGENT_FIELDS, PROJECT_FIELDS
from mutusim.contract.parameters import SCALAR_PARAMETERS
from mutusim.model import EES, Project

PACKAGE = Path(mutusim.__file__).resolve().parent


def test_the_engine_imports_no_mesa_networkx_or_model():
    code = (
        "import sys, mutusim.engine, mutusim.experiments\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('mesa', 'networkx')"
        " or m.startswith('mutusim.model')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """mutusim modules imported at module level (not inside functions)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # ``from package import module`` depends on the module, not on the package
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                for a in node.names
            ]
        found.update(n for n in names if n in known)
    return found


def test_no_import_cycles():
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: _imports(path, set(files)) - {name} for name, path in files.items()}
    visiting, done, cycles = set(), set(), []

    def visit(node, trail):
        visiting.add(node)
        for nxt in graph[node]:
            if nxt in visiting:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*trail, nxt])
        visiting.discard(node)
        done.add(node)

    for name in graph:
        if name not in done:
            visit(name, [name])
    assert not cycles, cycles


def test_every_schema_field_is_an_attribute_of_the_mesa_views():
    for field in AGENT_FIELDS:
        assert hasattr(EES, field.name), field.name
    for field in PROJECT_FIELDS:
        assert hasattr(Project, field.name), field.name


def test_every_scalar_config_field_reaches_the_kernels():
    paths = {p.path for p in SCALAR_PARAMETERS}
    assert {"behaviour.innovation", "commitment.management.loss", "budget_eur"} <= paths
    assert all(not p.startswith(("population", "policies")) for p in paths)
    assert len(paths) > 60 and "mechanisms" in ScenarioConfig.model_fields


def test_top_level_module_names_do_not_repeat_those_of_subpackages():
    top = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    nested = {p.stem for p in PACKAGE.glob("*/*.py") if p.stem != "__init__"}
    assert not top & nested, sorted(top & nested)
