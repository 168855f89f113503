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


def read_yaml(path: Path | str, what: str = "data file") -> Any:
    """The values of the YAML file at ``path``; :class:`DataError` for any problem (``what`` names
    the kind of file in messages)."""
    path = Path(path)
    text = decode(read_bytes(path, what), path)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, path)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {_one_line(exc)}", path=path) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a timestamp such as 2020-13-45
        raise DataError(f"{path}: not valid YAML: {exc}", path=path) from None
    finally:
        loader.dispose()


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


def _check_nodes(root: yaml.Node, path: Path) -> None:
    """Duplicate keys and aliases, found on the composed nodes before any value is made."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            raise DataError(
                f"{path}: line {node.start_mark.line + 1}: {where or 'the file'}: anchors and aliases (&, *) are not "
                "allowed; write the values out",
                path=path,
                location=where or None,
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                inner = f"{where}.{key}" if where else key
                if key in first:
                    raise DataError(
                        f"{path}: line {key_node.start_mark.line + 1}: {inner}: duplicate key {key!r} (first given on "
                        f"line {first[key]}); a key may appear once: the second would silently replace the first",
                        path=path,
                        location=inner,
                    )
                first[key] = key_node.start_mark.line + 1
                stack.append((value_node, inner))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(node.value))


def _one_line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark is not None else str(problem)
