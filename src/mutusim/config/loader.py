"""Loading configs: YAML files, references to populations and policies, ``--set`` overrides,
validation, and error messages that name the file, the field, what was expected and found.

A scenario file may say ``extends: other.yaml`` (deep-merged under it), ``population: NAME``
(``configs/populations/NAME.yaml`` or a path) and list policies by name
(``configs/policies/NAME.yaml``) or inline. Everything is resolved into one dict before
validation, so the validated ``ScenarioConfig`` is self-contained and hashable.

Every YAML text (files, experiment files, ``--set`` values) is read by ``parse_yaml``, which
refuses what would be silently wrong or would exhaust the machine before it is built: bytes
that are not UTF-8, files over ``MAX_YAML_BYTES``, a key given twice in one mapping (YAML keeps
the last one silently), and documents whose aliases expand to more than ``MAX_YAML_NODES``
values (an "alias bomb"). Numbers follow YAML 1.2: ``1e6`` is a number, not a string.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import reprlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mutusim.config.schema import POLICY_TYPES, ScenarioConfig
from mutusim.errors import ConfigError

MAX_YAML_BYTES = 16 * 1024 * 1024
"""Largest YAML file read (a population listing one threshold per EES for 1,000,000 EES
takes about 10 MB)."""

MAX_YAML_NODES = 2_000_000
"""Most values one YAML document may hold once its aliases are expanded."""

MAX_SHOWN = 60
"""Characters of a found value shown in an error message."""

_UNION_MEMBER = re.compile(r"str|int|float|bool|none|literal\[.*\]|[a-z-]+\[.*\]")
"""How pydantic names the member of a union in an error's location (not a field)."""


def config_dir() -> Path:
    """The folder of shipped configs: ``$MUTUSIM_CONFIG_DIR`` or the repository's ``configs/``."""
    env = os.environ.get("MUTUSIM_CONFIG_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "configs"


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, line: int, first: int) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key, self.line, self.first = key, line, first


_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader (libyaml when available) that refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<: *base' may be overridden by the keys beside it
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _DuplicateKey(key, line, seen[key])
            except TypeError:
                continue  # an unhashable key: PyYAML's own message follows
            seen[key] = line
        return super().construct_mapping(node, deep)


_Loader.add_implicit_resolver(  # YAML 1.2: 1e6 and -2.5E-3 are numbers
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def _expanded_size(root: yaml.Node) -> int:
    """Values in the document once aliases are expanded (a node shared by aliases counts once
    per use), computed without expanding; refuses a document that contains itself."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            continue
        children = (
            [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if children_done:
            open_nodes.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), MAX_YAML_NODES + 1)
            continue
        if key in open_nodes:
            raise yaml.YAMLError("an alias refers to a value that contains it")
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise yaml.YAMLError("an alias refers to a value that contains it")
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _check_keys(value: Any, where: str) -> None:
    """Refuse a mapping key that is not text (``1:``, ``yes:``, ``? [a]`` or a missing key):
    every field of a config or experiment has a name."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                if not isinstance(key, str):
                    field = f"field '{path}'" if path else "the document"
                    raise ConfigError(
                        f"{where}: {field}: expected names as keys; found the key {_short(key)}"
                    )
                stack.append((f"{path}.{key}" if path else key, child))
        elif isinstance(node, list):
            stack.extend((f"{path}.{i}", child) for i, child in enumerate(node))


def parse_yaml(text: str, where: str, malformed_as_text: bool = False) -> Any:
    """The value of one YAML document, read safely (see the module's docstring); errors are
    ``ConfigError`` naming ``where`` (a file, or ``--set key``). ``malformed_as_text``: text
    that is not YAML is returned as it is (``--set name=a: b``)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node)
        if size > MAX_YAML_NODES:
            raise ConfigError(
                f"{where}: expected at most {MAX_YAML_NODES:,} values once aliases are expanded; "
                f"found more (aliases repeat a value too often)"
            )
        value = loader.construct_document(node)
        _check_keys(value, where)
        return value
    except _DuplicateKey as exc:
        raise ConfigError(
            f"{where}: field {_short(exc.key)} at line {exc.line}: expected each key once in a "
            f"mapping; found it again (first at line {exc.first})"
        ) from None
    except yaml.YAMLError as exc:
        if malformed_as_text:
            return text
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: malformed YAML{at}: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{where}: malformed YAML: values nested too deeply") from None
    finally:
        loader.dispose()


def _kind_of(path: Path) -> str:
    """What is at ``path``, in words, for a message (``""`` for a regular file)."""
    try:
        if path.is_file():
            return ""
        if path.is_dir():
            return "a folder"
        if path.exists():
            return "a special file (device, pipe or socket)"
    except (OSError, ValueError):
        return "a path that cannot be read"
    return "nothing (file not found)"


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML file holding a mapping, read through ``parse_yaml``; refuses what is not a
    regular UTF-8 file of at most ``MAX_YAML_BYTES``."""
    kind = _kind_of(path)
    if kind:
        raise ConfigError(
            f"{path}: file not found"
            if kind.startswith("nothing")
            else f"{path}: expected a YAML file; found {kind}"
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_YAML_BYTES:
        raise ConfigError(
            f"{path}: expected a YAML file of at most {MAX_YAML_BYTES // 2**20} MiB; "
            "found a larger file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: expected UTF-8 text; found byte 0x{data[exc.start]:02x} at line {line} "
            "(save the file as UTF-8)"
        ) from None
    value = parse_yaml(text, str(path))
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ConfigError(
            f"{path}: expected a mapping of keys to values, found {type(value).__name__}"
        )
    return value


def _resolve_ref(ref: str, base: Path, folder: str, referrer: str, field: str) -> Path:
    """A reference is a path (relative to the referring file) or a name in configs/FOLDER."""
    candidate = Path(ref) if Path(ref).is_absolute() else base / ref
    if not _kind_of(candidate):
        return candidate
    named = config_dir() / folder / f"{ref}.yaml"
    if not _kind_of(named):
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
    raw = read_yaml(path)
    parent = raw.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise ConfigError(f"{path}: field 'extends': expected a file name, found {parent!r}")
        parent_path = path.parent / parent
        if _kind_of(parent_path):
            parent_path = config_dir() / parent  # a name relative to configs/
        if _kind_of(parent_path):
            raise ConfigError(
                f"{path}: field 'extends': expected a scenario file next to this one or in "
                f"{config_dir()}; found {_short(parent)}, which is neither"
            )
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
        raw["population"] = read_yaml(pop_path)
        origins["population"] = str(pop_path)
    policies = raw.get("policies")
    if isinstance(policies, list):
        for i, item in enumerate(policies):
            if isinstance(item, str):
                field = f"policies.{i}"
                pol_path = _resolve_ref(item, base, "policies", _origin(field, origins), field)
                policies[i] = read_yaml(pol_path)
                origins[field] = str(pol_path)


def set_dotted(raw: dict[str, Any], key: str, value: Any) -> None:
    """Set ``raw[a][b]...`` for the dotted ``key`` (list items by index), creating missing
    sections; the value is copied."""
    value = copy.deepcopy(value)  # resolving references must not change the caller's value
    parts = key.split(".")
    node: Any = raw
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not (part.isascii() and part.isdigit()) or int(part) >= len(node):
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


def _fill_from_scenario(raw: dict[str, Any], key: str, resolved: list[dict[str, Any]]) -> None:
    """Before ``--set key``: where ``key`` reaches into an entry the file leaves to its
    defaults (``formation.phases.needs.months`` in a file without ``formation.phases``), copy
    that entry from the scenario as resolved without overrides, so that only the one value
    changes. ``resolved`` caches that scenario (left empty when the file alone is not valid:
    the override then stands on its own, as before)."""
    node: Any = raw
    parts = key.split(".")
    for i, part in enumerate(parts[:-1]):
        if not isinstance(node, dict):
            return
        if part not in node:
            if not resolved:
                try:
                    resolved.append(ScenarioConfig.model_validate(raw).model_dump(mode="json"))
                except ValidationError:
                    return
            found: Any = resolved[0]
            for step in parts[: i + 1]:
                if not isinstance(found, dict) or step not in found:
                    return
                found = found[step]
            node[part] = copy.deepcopy(found)
            return
        node = node[part]


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``dotted.key=value``; the value is read as YAML (numbers, booleans, lists)."""
    if "=" not in text:
        raise ConfigError(f"--set {text}: expected dotted.key=value")
    key, _, value = text.partition("=")
    key = key.strip()
    if not key:
        raise ConfigError(f"--set {text}: the key is empty")
    parsed = parse_yaml(value, f"--set {key}", malformed_as_text=True) if value.strip() else ""
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
        return (
            "a known field name (unknown keys are not allowed)",
            f"{_short(key)} = {_short(found)}",
        )
    if kind == "missing":
        return "a value (the field is required)", "nothing"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        return f"one of {ctx.get('expected_tags')}", _short(ctx.get("tag"))
    if kind == "union_tag_not_found":
        disc = error.get("ctx", {}).get("discriminator", "'type'")
        return f"a {disc} field saying which kind this is", f"no {disc}"
    ctx = error.get("ctx", {})
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} item(s)", _short(found)
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} item(s)", _short(found)
    if kind == "string_pattern_mismatch":
        return f"a name matching {ctx.get('pattern')}", _short(found)
    for lead in ("Input should be ", "Value error, ", "Assertion failed, "):
        if msg.startswith(lead):
            msg = msg[len(lead) :]
            break
    if msg.startswith(("greater", "less")):
        msg = "a number " + msg
    return msg, _short(found)


def _section_check(error: dict[str, Any]) -> bool:
    """A check of a whole section (a model validator): its message says what was found."""
    return error["type"] == "value_error" and isinstance(error.get("input"), dict)


_REPR = reprlib.Repr(
    maxlevel=2, maxdict=4, maxlist=4, maxtuple=4, maxset=4, maxstring=MAX_SHOWN, maxlong=30
)


def _short(value: Any) -> str:
    """``repr(value)`` cut to about ``MAX_SHOWN`` characters (containers: their first items),
    built without writing out a large value in full."""
    text = _REPR.repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def format_validation_error(
    exc: ValidationError, origins: dict[str, str], tags: Sequence[str] = POLICY_TYPES
) -> str:
    """One message per problem, first the file, then field, expected, found. ``tags``: the
    names of the kinds of a discriminated union, left out of field paths."""
    lines = []
    for err in exc.errors():
        loc = ".".join(
            str(p)[:MAX_SHOWN]
            for p in err["loc"]
            if str(p) not in tags and not _UNION_MEMBER.fullmatch(str(p))
        )
        if err["type"] == "union_tag_invalid":  # name the field that picks the kind
            disc = str(err.get("ctx", {}).get("discriminator", "")).strip("'")
            loc = f"{loc}.{disc}" if loc else disc
        expected, found = _describe(err)
        field = f"field '{loc}'" if loc else "the document"
        problem = expected if _section_check(err) else f"expected {expected}; found {found}"
        lines.append(f"{_origin(loc, origins)}: {field}: {problem}")
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
            if not isinstance(parent, str):
                raise ConfigError(
                    f"<dict>: field 'extends': expected a file name, found {parent!r}"
                )
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
    resolved: list[dict[str, Any]] = []  # the scenario before overrides, once needed
    for key, value in items:
        _fill_from_scenario(raw, key, resolved)
        set_dotted(raw, key, value)
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
