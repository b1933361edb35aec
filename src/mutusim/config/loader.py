"""Loading configs: YAML files, references to populations and policies, ``--set`` overrides,
validation, and error messages that name the file, the field, what was expected and found.

A scenario file may say ``extends: other.yaml`` (deep-merged under it), ``population: NAME``
(``configs/populations/NAME.yaml`` or a path) and list policies by name
(``configs/policies/NAME.yaml``) or inline. Everything is resolved into one dict before
validation, so the validated ``ScenarioConfig`` is self-contained and hashable.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mutusim.config.schema import POLICY_TYPES, ScenarioConfig


class ConfigError(Exception):
    """A configuration cannot be used; the message says where and why."""


def config_dir() -> Path:
    """The folder of shipped configs: ``$MUTUSIM_CONFIG_DIR`` or the repository's ``configs/``."""
    env = os.environ.get("MUTUSIM_CONFIG_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "configs"


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: malformed YAML{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: expected a mapping of keys to values, found {type(data).__name__}"
        )
    return data


def _resolve_ref(ref: str, base: Path, folder: str, referrer: str, field: str) -> Path:
    """A reference is a path (relative to the referring file) or a name in configs/FOLDER."""
    candidate = Path(ref) if Path(ref).is_absolute() else base / ref
    if candidate.is_file():
        return candidate
    named = config_dir() / folder / f"{ref}.yaml"
    if named.is_file():
        return named
    known = ", ".join(sorted(p.stem for p in (config_dir() / folder).glob("*.yaml")))
    kind = {"populations": "population", "policies": "policy"}[folder]
    raise ConfigError(
        f"{referrer}: field '{field}': expected a {kind} file or one of the names {known}; "
        f"found {ref!r}"
    )


def _deep_merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _load_scenario_file(path: Path, origins: dict[str, str], depth: int = 0) -> dict[str, Any]:
    if depth > 10:
        raise ConfigError(f"{path}: 'extends' chain deeper than 10 files (a cycle?)")
    raw = _read_yaml(path)
    parent = raw.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise ConfigError(f"{path}: field 'extends': expected a file name, found {parent!r}")
        parent_path = path.parent / parent
        if not parent_path.is_file():
            parent_path = config_dir() / parent  # a name relative to configs/
        base = _load_scenario_file(parent_path, origins, depth + 1)
        raw = _deep_merge(base, raw)
    for key in raw:
        origins[key] = str(path)
    return raw


def _resolve_references(raw: dict[str, Any], base: Path, origins: dict[str, str]) -> None:
    pop = raw.get("population")
    if isinstance(pop, str):
        referrer = _origin("population", origins)
        pop_path = _resolve_ref(pop, base, "populations", referrer, "population")
        raw["population"] = _read_yaml(pop_path)
        origins["population"] = str(pop_path)
    policies = raw.get("policies")
    if isinstance(policies, list):
        for i, item in enumerate(policies):
            if isinstance(item, str):
                field = f"policies.{i}"
                pol_path = _resolve_ref(item, base, "policies", _origin(field, origins), field)
                policies[i] = _read_yaml(pol_path)
                origins[field] = str(pol_path)


def _set_dotted(raw: dict[str, Any], key: str, value: Any) -> None:
    value = copy.deepcopy(value)  # resolving references must not change the caller's value
    parts = key.split(".")
    node: Any = raw
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ConfigError(
                    f"--set {key}: '{'.'.join(parts[: i + 1])}' expected a list index below "
                    f"{len(node)}, found {part!r}"
                )
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise ConfigError(f"--set {key}: '{'.'.join(parts[:i])}' holds a value, not a section")


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``dotted.key=value``; the value is read as YAML (numbers, booleans, lists)."""
    if "=" not in text:
        raise ConfigError(f"--set {text}: expected dotted.key=value")
    key, _, value = text.partition("=")
    key = key.strip()
    if not key:
        raise ConfigError(f"--set {text}: the key is empty")
    try:
        parsed = yaml.safe_load(value) if value.strip() else ""
    except yaml.YAMLError:
        parsed = value
    return key, parsed


def _origin(loc: str, origins: dict[str, str]) -> str:
    best = ""
    for prefix in origins:
        if (loc == prefix or loc.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return origins.get(best, "<config>")


def _describe(error: dict[str, Any]) -> tuple[str, str]:
    """(expected, found) in plain words from one pydantic error."""
    msg: str = error["msg"]
    kind = error["type"]
    found = error.get("input")
    if kind == "extra_forbidden":
        key = error["loc"][-1] if error["loc"] else "?"
        return "a known field name (unknown keys are not allowed)", f"{key!r} = {found!r}"
    if kind == "missing":
        return "a value (the field is required)", "nothing"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        return f"one of {ctx.get('expected_tags')}", repr(ctx.get("tag"))
    if kind == "union_tag_not_found":
        disc = error.get("ctx", {}).get("discriminator", "'type'")
        return f"a {disc} field saying which kind this is", f"no {disc}"
    for lead in ("Input should be ", "Value error, ", "Assertion failed, "):
        if msg.startswith(lead):
            msg = msg[len(lead) :]
            break
    if msg.startswith(("greater", "less")):
        msg = "a number " + msg
    if isinstance(found, dict | list) and len(repr(found)) > 80:
        found = f"a {type(found).__name__}"
        return msg, found
    return msg, repr(found)


def format_validation_error(exc: ValidationError, origins: dict[str, str]) -> str:
    """One message per problem, first the file, then field, expected, found."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if str(p) not in POLICY_TYPES)
        if err["type"] == "union_tag_invalid":  # name the field that picks the kind
            disc = str(err.get("ctx", {}).get("discriminator", "")).strip("'")
            loc = f"{loc}.{disc}" if loc else disc
        expected, found = _describe(err)
        field = f"field '{loc}'" if loc else "the document"
        lines.append(f"{_origin(loc, origins)}: {field}: expected {expected}; found {found}")
    head = lines[0]
    if len(lines) > 1:
        head += f" (and {len(lines) - 1} more problem{'s' if len(lines) > 2 else ''}: "
        head += "; ".join(line.split(": ", 1)[1] for line in lines[1:4]) + ")"
    return head


def load_config(
    path_or_dict: str | os.PathLike[str] | Mapping[str, Any] | ScenarioConfig | None = None,
    overrides: Sequence[str] | Mapping[str, Any] | None = None,
) -> ScenarioConfig:
    """Load, resolve, override and validate a scenario.

    ``path_or_dict``: a YAML path, a dict (references resolved against ``configs/``), a
    ``ScenarioConfig`` (copied), or None for ``configs/baseline.yaml``. ``overrides``: strings
    ``"dotted.key=value"`` or a mapping of dotted keys to values. Raises ``ConfigError``.
    """
    origins: dict[str, str] = {}
    if isinstance(path_or_dict, ScenarioConfig):
        raw = path_or_dict.model_dump(mode="json")
        base = config_dir()
        origins[""] = "<ScenarioConfig>"
    elif isinstance(path_or_dict, Mapping):
        raw = copy.deepcopy(dict(path_or_dict))
        base = config_dir()
        origins[""] = "<dict>"
        parent = raw.pop("extends", None)
        if parent is not None:
            parent_path = config_dir() / parent
            raw = _deep_merge(_load_scenario_file(parent_path, origins), raw)
    else:
        path = Path(path_or_dict) if path_or_dict is not None else config_dir() / "baseline.yaml"
        raw = _load_scenario_file(path, origins)
        base = path.parent
        origins[""] = str(path)
    _resolve_references(raw, base, origins)
    items = (
        overrides.items()
        if isinstance(overrides, Mapping)
        else (parse_override(o) for o in (overrides or ()))
    )
    for key, value in items:
        _set_dotted(raw, key, value)
        origins[key] = f"--set {key}"
        _resolve_references(raw, base, origins)  # a --set may name a population or policy
    try:
        return ScenarioConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, origins)) from None


def config_hash(config: ScenarioConfig) -> str:
    """SHA-256 of the canonical JSON of a resolved config."""
    return hashlib.sha256(canonical_json(config).encode()).hexdigest()


def canonical_json(config: ScenarioConfig) -> str:
    """The resolved config as sorted, compact JSON (what the hash covers)."""
    return json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
