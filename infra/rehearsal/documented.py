"""The resources of pulumi-aws's own documented examples, as (type token, literal inputs) pairs.

Every resource class of pulumi-aws carries usage examples, converted from the Terraform provider's and known
to deploy. They are the widest corpus of valid inputs to hand: the model check of types without an emulator
(`modelcheck`) must accept every literal value in them. The examples reference names they never define
(other resources, converted from Terraform), so they are read, not run: each constructor call's keyword
arguments that are Python literals are kept, the rest dropped.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi_aws

_EXAMPLE = re.compile(r"```python\n(.*?)```", re.S)


@dataclass(frozen=True)
class Example:
    token: str
    inputs: dict[str, Any]
    where: str
    """The class whose docstring holds the example, and the example's number in it."""


def _literal(node: ast.expr) -> Any:
    """The literal value of `node`, with non-literal dict entries and list items dropped, or `_NOT`."""
    if isinstance(node, ast.Dict):
        out = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                item = _literal(value)
                if item is not _NOT:
                    out[key.value] = item
        return out
    if isinstance(node, ast.List | ast.Tuple):
        items = [_literal(v) for v in node.elts]
        return _NOT if any(i is _NOT for i in items) else items
    if isinstance(node, ast.Constant) and node.value is not None:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        number = _literal(node.operand)
        return -number if isinstance(number, int | float) else _NOT
    return _NOT


_NOT: Any = object()


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


_CLASS = re.compile(r'@pulumi\.type_token\("(aws:[^"]+)"\)\s*class (\w+)\(pulumi\.CustomResource\)')


def _resource_files() -> Iterator[tuple[str, str, str]]:
    """(module, class name, token) of every resource class, and the file's text, read without importing it."""
    root = Path(pulumi_aws.__file__).parent
    for path in sorted(root.glob("*/*.py")):
        text = path.read_text()
        for match in _CLASS.finditer(text):
            yield f"{path.parent.name}.{match.group(2)}", match.group(1), text


def examples() -> Iterator[Example]:
    """Every `aws.<module>.<Type>(...)` call in every resource class's documented examples."""
    files = list(_resource_files())
    tokens = {qualified: token for qualified, token, _ in files}
    for qualified, _token, text in files:
        for number, block in enumerate(_EXAMPLE.findall(text), start=1):
            try:
                tree = ast.parse(inspect.cleandoc("\n" + block))
            except SyntaxError:
                continue
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
                called = _dotted(call.func)
                token = tokens.get(called.removeprefix("aws."))
                if token is None:
                    continue
                inputs = {
                    k.arg: value
                    for k in call.keywords
                    if k.arg and k.arg != "opts" and (value := _literal(k.value)) is not _NOT
                }
                yield Example(token, inputs, f"{qualified} example {number}")
