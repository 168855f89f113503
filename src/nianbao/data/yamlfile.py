"""Reading a YAML file that people edit by hand (data files, the unit registry), refusing what
would otherwise be read silently wrong.

* The bytes must be UTF-8 (a byte-order mark is allowed); a GBK file is named as such.
* A key given twice in one mapping is refused (PyYAML would keep the last one and drop the other
  silently), with its key path and both lines.
* Anchors and aliases (``&a``, ``*a``) are refused: nianbao never writes them, and a file that
  repeats one alias inside another grows exponentially when read.
* A file larger than :data:`MAX_BYTES` is refused: a unit-year is a few kilobytes.

Every failure is a :class:`~nianbao.errors.DataError` naming the file, the line and the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from nianbao.errors import DataError, MissingInput

# libyaml's loader when PyYAML has it (several times faster on many files), else the Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: The largest YAML file read. The largest unit-year there is holds about 40 KB.
MAX_BYTES = 4_000_000


class _Refused(Exception):
    """What the strict loader refuses, at a node: ``kind`` is "duplicate", "alias" or "merge"."""

    def __init__(self, node: yaml.Node, kind: str, first: int = 0):
        super().__init__(kind)
        self.node, self.kind, self.first = node, kind, first


class StrictLoader(_LOADER):
    """PyYAML's safe loader (libyaml's parser when there is one) that refuses, while it builds the
    values, a key given twice in a mapping, anchors and aliases, and merge keys (``<<``)."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _Refused(node, "alias")  # the same node a second time: an alias (*a) of an anchor (&a)
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused(key_node, "merge")
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in first:
                        raise _Refused(key_node, "duplicate", first[key_node.value])
                    first[key_node.value] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def read_yaml(path: Path | str, what: str = "data file") -> Any:
    """The values of the YAML file at ``path``; :class:`DataError` for any problem (``what`` names
    the kind of file in messages)."""
    path = Path(path)
    text = decode(read_bytes(path, what), path)
    loader = StrictLoader(text)
    root = None
    try:
        root = loader.get_single_node()
        return None if root is None else loader.construct_document(root)
    except _Refused as refused:
        raise _refusal(path, root, refused) from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {_one_line(exc)}", path=path) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a timestamp such as 2020-13-45
        raise DataError(f"{path}: not valid YAML: {exc}", path=path) from None
    finally:
        loader.dispose()


def _refusal(path: Path, root: yaml.Node | None, refused: _Refused) -> DataError:
    line = refused.node.start_mark.line + 1
    where = _key_path(root, refused.node) if root is not None else ""
    if refused.kind == "duplicate":
        key = refused.node.value
        message = (f"{where}: duplicate key {key!r} (first given on line {refused.first}); a key may appear once: "
                   "the second would silently replace the first")  # fmt: skip
    elif refused.kind == "merge":
        message = f"{where or 'the file'}: merge keys (<<) are not allowed; write the keys out"
    else:
        message = f"{where or 'the file'}: anchors and aliases (&, *) are not allowed; write the values out"
    return DataError(f"{path}: line {line}: {message}", path=path, location=where or None)


def read_bytes(path: Path, what: str, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, or a located error: missing, a folder, unreadable, too large."""
    try:
        if path.is_dir():
            raise DataError(f"{path}: is a folder, not a {what}", path=path)
        size = path.stat().st_size
        if size > limit:
            raise DataError(
                f"{path}: {size / 1e6:.1f} MB is too large for a {what} (at most {limit / 1e6:.0f} MB)", path=path
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise MissingInput(f"{path}: no such {what}", path=path) from None
    except PermissionError:
        raise DataError(f"{path}: cannot read the {what}: permission denied", path=path) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the {what}: {exc.strerror or exc}", path=path) from None


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text (with or without a byte-order mark); a located error for anything else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            hint = "it looks like GBK (GB18030): save it as UTF-8"
        except UnicodeDecodeError:
            hint = "save it as UTF-8"
        raise DataError(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); {hint}",
            path=path,
            location=f"line {line}",
        ) from None


def _key_path(root: yaml.Node, target: yaml.Node) -> str:
    """The key path (``table_b.granted``) of ``target`` under ``root``: of a key node, the key it
    names; of a value node, the key it is the value of (found only when a message needs it)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                inner = f"{where}.{key_node.value}" if where else str(key_node.value)
                if key_node is target or value_node is target:
                    return inner
                stack.append((value_node, inner))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                if item is target:
                    return f"{where}[{i}]"
                stack.append((item, f"{where}[{i}]"))
    return ""


def _one_line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark is not None else str(problem)
