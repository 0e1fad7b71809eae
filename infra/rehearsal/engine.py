"""Run any Pulumi Python project in-process, the way the CLI's language host runs it, under mocks."""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import math
import os
import re
import runpy
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pulumi
import pulumi.runtime
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings

SECURE_PLACEHOLDER = "[secure value: not decryptable offline]"
STACK_TYPE = "pulumi:pulumi:Stack"
# How the SDK marks a secret inside deserialized properties: {SPECIAL_SIG_KEY: SECRET_SIG, "value": ...}.
SPECIAL_SIG_KEY = rpc._special_sig_key
SECRET_SIG = rpc._special_secret_sig


class ProjectError(Exception):
    """The directory is not a runnable Pulumi Python project, or the stack has no config file."""


class StackFileError(ProjectError):
    """The stack file is not YAML, or holds values Pulumi would refuse or hand the program altered."""

    def __init__(self, stack: str, path: Path, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"stack '{stack}': {path.name} cannot be used as written ({len(problems)} problem(s)):\n{lines}\n"
            f"Fix them in {path}."
        )


class ProgramError(Exception):
    """The program raised while it ran; carries the original exception as __cause__."""


class DuplicateUrnError(Exception):
    """Two resources got the same URN (same type and name under the same parent), which the engine refuses."""

    def __init__(self, urn: str) -> None:
        self.urn = urn
        super().__init__(f"Duplicate resource URN '{urn}'; give one of the two resources a unique name")


class UrnAwareMocks(pulumi.runtime.Mocks):
    """Mocks that need the URN of the resource being registered (the SDK's MockResourceArgs lacks it).

    The monitor calls `new_resource` on the thread that registers the resource, so a thread-local
    carries the URN from the monitor to the mocks."""

    def __init__(self) -> None:
        self._registering = threading.local()

    @property
    def current_urn(self) -> str:
        return str(getattr(self._registering, "urn", ""))

    def bind_urn(self, urn: str) -> None:
        self._registering.urn = urn


@dataclass(frozen=True)
class Project:
    """What the CLI reads from Pulumi.yaml to run a Python program."""

    root: Path
    name: str
    main: Path
    stack_config_dir: Path
    config_types: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Pulumi.yaml's `config:` declarations by full key (`<project>:<key>`); the CLI checks stack values
    against their `type`."""

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack.rsplit('/', 1)[-1]}.yaml"


def load_project(root: Path) -> Project:
    """Read Pulumi.yaml (or .yml) in `root`; `main` and `stackConfigDir` are relative to it."""
    root = root.resolve()
    candidates = [root / "Pulumi.yaml", root / "Pulumi.yml"]
    project_file = next((p for p in candidates if p.is_file()), None)
    if project_file is None:
        raise ProjectError(f"{root} has no Pulumi.yaml: pass --project with a Pulumi project directory")
    data = yaml.safe_load(project_file.read_text()) or {}
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ProjectError(
            f"{project_file}: runtime is {runtime_name!r}; only python projects can be rehearsed"
        )
    main = (root / str(data.get("main", "."))).resolve()
    if main.is_dir() and not (main / "__main__.py").is_file():
        raise ProjectError(f"{project_file}: main {main} has no __main__.py")
    name = str(data["name"])
    declared = data.get("config") or {}
    return Project(
        root=root,
        name=name,
        main=main,
        stack_config_dir=(root / str(data.get("stackConfigDir", "."))).resolve(),
        config_types={
            (key if ":" in key else f"{name}:{key}"): spec
            for key, spec in (declared.items() if isinstance(declared, dict) else [])
            if isinstance(spec, dict)
        },
    )


def _go_float(value: float) -> str:
    """A float as the CLI prints it (Go's encoding/json): 8.0 is "8", 1.10 is "1.1", 1e-07 is "1e-7"."""
    if not math.isfinite(value):
        return json.dumps(value)
    if value != 0 and not 1e-6 <= abs(value) < 1e21:
        mantissa, _, exponent = repr(value).partition("e")
        sign, digits = exponent[0], exponent[1:]
        return f"{mantissa}e{sign}{digits[1:] if sign == '-' and digits[0] == '0' else digits}"
    return format(Decimal(repr(value)).normalize(), "f")


def _config_json(value: Any) -> str:
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_config_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_config_json(v) for v in value) + "]"
    if isinstance(value, datetime.date):
        return json.dumps(value.isoformat())
    return json.dumps(value)


def _config_string(value: Any, text: str | None = None) -> str:
    """The CLI passes every config value to the program as a string: a scalar as Go prints it (a YAML
    number loses the text it was written with: 1.10 arrives as "1.1"), structured ones as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.date) and text is not None:
        return text
    return _config_json(value)


_KINDS = {bool: "the boolean", int: "the number", float: "the number"}


def _scalar_kind(value: Any) -> str:
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{_KINDS.get(type(value), 'a')} {_config_string(value)}"


def _type_problem(key: str, declared: Mapping[str, Any], node: yaml.Node, value: Any) -> str | None:
    """What the CLI would refuse in a value Pulumi.yaml declares a type for (its ValidateConfigValue), and
    one thing it lets through: a YAML number or boolean for a string, which reaches the program as Go
    prints it rather than as written. None when the value is fine."""
    kind = declared.get("type")
    text = node.value if isinstance(node, yaml.ScalarNode) else None
    if value is None:
        return f"{key}: empty; write a value or delete the line"
    if kind == "string":
        if isinstance(value, str):
            return None
        if text is None:
            return f"{key}: Pulumi.yaml declares one string, not {_scalar_kind(value)}; write a single value"
        handed = _config_string(value, text)
        altered = f', and Pulumi hands the program "{handed}"' if handed != text else ""
        return (
            f"{key} = {text}: YAML reads an unquoted {text} as {_scalar_kind(value)}{altered}; "
            f'Pulumi.yaml declares a string: quote it: "{text}"'
        )
    if kind == "integer":
        whole = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
        if whole or (isinstance(value, str) and re.fullmatch(r"[-+]?\d+", value)):
            return None
        shown = text if text is not None else _scalar_kind(value)
        return f"{key} = {shown}: Pulumi.yaml declares a whole number; write one, e.g. 3"
    if kind == "boolean":
        if isinstance(value, bool) or value in ("true", "false"):
            return None
        shown = text if text is not None else _scalar_kind(value)
        return f"{key} = {shown}: Pulumi.yaml declares a boolean; write true or false"
    if kind == "array":
        if not isinstance(node, yaml.SequenceNode) or not isinstance(value, list):
            shown = text if text is not None else _scalar_kind(value)
            return f"{key} = {shown}: Pulumi.yaml declares a list; write it in brackets: [{shown}]"
        item_kind = (declared.get("items") or {}).get("type")
        for item_node, item in zip(node.value, value, strict=True):
            item_text = item_node.value if isinstance(item_node, yaml.ScalarNode) else None
            if item_kind == "string" and not isinstance(item, str):
                fix = f': quote it: "{item_text}"' if item_text is not None else ""
                return (
                    f"{key}: item {item_text or _scalar_kind(item)} is {_scalar_kind(item)}; "
                    f"Pulumi.yaml declares a list of strings{fix}"
                )
    return None


def _yaml_error(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    what = getattr(err, "problem", None) or str(err).splitlines()[0]
    return f"not YAML: {where}{what}"


@dataclass(frozen=True)
class StackFile:
    """A stack file read as the CLI reads it: the values the program gets, and what is wrong with them."""

    path: Path
    config: dict[str, str]
    secret_keys: list[str]
    problems: list[str]


def load_stack_file(project: Project, stack: str) -> StackFile:
    """Config values and secret keys for `stack` as the CLI would hand them to the program, and the
    problems of its values: not YAML, a key set twice, a value of another type than Pulumi.yaml declares.

    Keys without a namespace belong to the project. `secure:` values need the stack's secrets
    provider to decrypt, which an offline run does not have: they become a marked placeholder.
    """
    path = project.stack_file(stack)
    if not path.is_file():
        raise ProjectError(f"no config for stack '{stack}': {path} does not exist")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    problems: list[str] = []
    loader = yaml.SafeLoader(path.read_text())
    try:
        root = loader.get_single_node()
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        if isinstance(root, yaml.MappingNode):
            section = next((v for k, v in root.value if getattr(k, "value", None) == "config"), None)
            if isinstance(section, yaml.MappingNode):
                pairs = list(section.value)
            elif section is not None and loader.construct_object(section) is not None:
                problems.append("config: expected a mapping of keys to values")
        elif root is not None:
            problems.append("expected a mapping with a `config:` section")
        lines: dict[str, int] = {}
        for key_node, value_node in pairs:
            key = str(loader.construct_object(key_node))
            full_key = key if ":" in key else f"{project.name}:{key}"
            line = key_node.start_mark.line + 1
            if full_key in lines:
                problems.append(
                    f"{full_key}: set twice (lines {lines[full_key]} and {line}); Pulumi refuses a key twice"
                )
            lines[full_key] = line
            value = loader.construct_object(value_node, deep=True)
            if isinstance(value, dict) and set(value) == {"secure"}:
                config[full_key] = SECURE_PLACEHOLDER
                secret_keys.append(full_key)
                continue
            text = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
            config[full_key] = "" if value is None else _config_string(value, text)
            declared = project.config_types.get(full_key)
            if declared is not None and (problem := _type_problem(full_key, declared, value_node, value)):
                problems.append(problem)
    except yaml.YAMLError as err:
        raise StackFileError(stack, path, [_yaml_error(err)]) from None
    finally:
        loader.dispose()
    return StackFile(path=path, config=config, secret_keys=secret_keys, problems=problems)


def read_stack_config(project: Project, stack: str) -> tuple[dict[str, str], list[str]]:
    """Config values and secret keys for `stack`, as the CLI would hand them to the program; raises
    StackFileError when the file has problems (see load_stack_file)."""
    stack_file = load_stack_file(project, stack)
    if stack_file.problems:
        raise StackFileError(stack, stack_file.path, stack_file.problems)
    return stack_file.config, stack_file.secret_keys


@dataclass(frozen=True)
class SourcePosition:
    """Where the program declared a resource: the SDK's `sourcePosition`, the first stack frame outside
    the Pulumi SDK (the program's or its component's line that constructed the resource)."""

    path: str
    """POSIX path relative to the project root when the file is inside it, else absolute."""
    line: int
    """1-based."""


def source_position(request: Any, project_root: Path) -> SourcePosition | None:
    """The position a RegisterResourceRequest carries; None when the SDK could not tell (no frame, or a
    frame whose file name has no absolute path for a file:// URI)."""
    if not request.HasField("sourcePosition"):
        return None
    uri, line = request.sourcePosition.uri, int(request.sourcePosition.line)
    parsed = urlparse(uri)
    if parsed.scheme != "file" or line < 1:
        return None
    path = Path(unquote(parsed.path))
    try:
        return SourcePosition(path.relative_to(project_root).as_posix(), line)
    except ValueError:
        return SourcePosition(path.as_posix(), line)


@dataclass
class Registration:
    """One resource as the engine saw it: identity, parentage, inputs, the state returned and where the
    program declared it."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    id: str | None
    inputs: dict[str, Any]
    state: dict[str, Any]
    dependencies: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    protect: bool = False
    source: SourcePosition | None = None


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, keeping the tree (parents), inputs and stack outputs it sees."""

    def __init__(self, mocks: pulumi.runtime.Mocks, project_root: Path) -> None:
        super().__init__(mocks)
        self.project_root = project_root
        self.registrations: dict[str, Registration] = {}
        self.stack_outputs: dict[str, Any] = {}
        self._seen_urns: set[str] = set()
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        if request.type != STACK_TYPE:
            urn = self.make_urn(request.parent, request.type, request.name)
            with self._lock:
                if urn in self._seen_urns:
                    raise DuplicateUrnError(urn)
                self._seen_urns.add(urn)
            if isinstance(self.mocks, UrnAwareMocks):
                self.mocks.bind_urn(urn)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != STACK_TYPE:
            registered = self.resources[response.urn]
            self.registrations[response.urn] = Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                id=registered.id,
                inputs=rpc.deserialize_properties(request.object),
                state=dict(registered.state),
                dependencies=list(request.dependencies),
                ignore_changes=list(request.ignoreChanges),
                replace_on_changes=list(request.replaceOnChanges),
                protect=bool(request.protect),
                source=source_position(request, self.project_root),
            )
        return response

    def ReadResource(self, request: Any) -> Any:
        """A read of an existing resource (`Resource.get`, a StackReference): the mocks answer it for the
        URN being read; it is not recorded, since the program declares no resource by it."""
        if isinstance(self.mocks, UrnAwareMocks):
            self.mocks.bind_urn(self.make_urn(request.parent, request.type, request.name))
        return super().ReadResource(request)  # type: ignore[no-untyped-call]

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if request.urn.split("::")[2] == STACK_TYPE:
            self.stack_outputs = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


@dataclass
class RunResult:
    """What one in-process run of a program produced."""

    project: str
    stack: str
    registrations: list[Registration]
    outputs: dict[str, Any]
    seconds: float

    def by_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_token]

    def one(self, type_token: str, name: str) -> Registration:
        matches = [r for r in self.registrations if r.type == type_token and r.name == name]
        if len(matches) != 1:
            known = sorted(r.name for r in self.by_type(type_token))
            raise KeyError(f"{len(matches)} {type_token} named {name!r}; declared: {known}")
        return matches[0]


@contextmanager
def _program_environment(project: Project) -> Iterator[None]:
    """cwd and sys.path as the language host sets them; modules the program imported are
    dropped afterwards, so the next run (maybe another project) imports its own."""
    saved_cwd, saved_path, saved_argv = os.getcwd(), list(sys.path), list(sys.argv)
    saved_modules = set(sys.modules)
    program_dir = project.main if project.main.is_dir() else project.main.parent
    os.chdir(program_dir)
    sys.argv = [str(project.main)]
    # The program runs as "." (a relative sys.path entry): the importer cached for "." belongs to
    # whichever directory was current when it was made, so it must not outlive this run.
    sys.path_importer_cache.pop(".", None)
    try:
        yield
    finally:
        for name in set(sys.modules) - saved_modules:
            # Modules found through "." have a relative __file__: resolve it while cwd is still main.
            module_file = os.path.abspath(getattr(sys.modules[name], "__file__", None) or "")
            if module_file.startswith(str(project.root)) and not _is_installed(module_file):
                del sys.modules[name]
        sys.path_importer_cache.pop(".", None)
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        sys.argv = saved_argv


def _is_installed(module_file: str) -> bool:
    return "site-packages" in module_file


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """After a failed run, cancel what the program left pending and forget the SDK's global list of
    outputs, or the next run in this process would await tasks of a closed loop."""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    with pulumi_settings.SETTINGS.lock:
        pulumi_settings.SETTINGS.outputs.clear()


def run_program(
    project: Project,
    stack: str,
    mocks: pulumi.runtime.Mocks,
    *,
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    preview: bool = False,
) -> RunResult:
    """Run `project`'s program for `stack` under `mocks` and return everything it declared.

    `config` replaces the stack file's values (tests use it to try variants). With `preview`,
    values the mocks do not return stay unknown, as in `pulumi preview`; without it, as in
    `pulumi up`, every apply runs. Exceptions the program raises come out as ProgramError with
    the original as __cause__.
    """
    if config is None:
        config, file_secret_keys = read_stack_config(project, stack)
        secret_keys = file_secret_keys if secret_keys is None else secret_keys
    monitor = RecordingMonitor(mocks, project.root)
    started = time.perf_counter()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    failed: list[BaseException] = []

    def _report_once(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        # After a failure the SDK's pending outputs die holding the same exception; the caller
        # reports it once, so their "never retrieved" echoes are noise.
        if failed and "never retrieved" in str(context.get("message", "")):
            return
        loop.default_exception_handler(context)

    loop.set_exception_handler(_report_once)
    pulumi.runtime.set_all_config(dict(config), list(secret_keys or []))
    pulumi_mocks.set_mocks(
        mocks,
        project=project.name,
        stack=stack,
        preview=preview,
        monitor=monitor,
        logger=logging.getLogger("pulumi.rehearsal"),
    )
    # set_mocks installs a root stack of its own; the program gets a fresh one, as under the CLI.
    pulumi_settings.ROOT.set(None)
    # As pulumi-language-python-exec does: run_path(".") for a directory (cwd is that directory), whose
    # importer names files by absolute path. A file runs by its absolute path: compiled under a relative
    # name, its frames have no file:// URI and the SDK would send no source position for its resources.
    entry = "." if project.main.is_dir() else str(project.main)

    def _run_main() -> None:
        runpy.run_path(entry, run_name="__main__")

    try:
        with _program_environment(project):
            loop.run_until_complete(pulumi.runtime.run_in_stack(_run_main))
    except Exception as err:
        failed.append(err)
        raise ProgramError(f"{project.name} ({stack}): {err}") from err
    finally:
        _drain(loop)
        loop.close()
        asyncio.set_event_loop(None)
    return RunResult(
        project=project.name,
        stack=stack,
        registrations=list(monitor.registrations.values()),
        outputs=monitor.stack_outputs,
        seconds=time.perf_counter() - started,
    )
