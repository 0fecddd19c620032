"""Model files: JSON with a format marker and version, exact floats, written atomically.

    {"format": "deltagrad.mlp", "version": 1, "config": {...MLP arguments...},
     "layers": [{"w": [[w^2_11, ...], ...], "b": [b^2_1, ...]}, ...]}

Python writes floats with repr(), the shortest string that reads back to the same float, so a
save/load round trip is exact. Reading checks everything before the caller changes anything.
"""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from nn.errors import ModelFileError, ModelFileNotFound

FORMAT = "deltagrad.mlp"
VERSION = 1
_CONFIG_KEYS = {"nin", "sizes", "activation", "output_activation", "init", "seed", "elementary"}


def file_error(path: Any, problem: str) -> ModelFileError:
    """The error for a model file that cannot be used (names the file and the problem)."""
    return ModelFileError(os.fspath(path) if isinstance(path, os.PathLike) else path, problem)


def _default_file_mode() -> int:
    """0o666 less the process's umask: the mode open() would have given a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def save(path: Any, config: dict, layers: list[dict]) -> None:
    """Write the model file: a temporary file in the same folder, then os.replace (atomic)."""
    document = {"format": FORMAT, "version": VERSION, "config": config, "layers": layers}
    try:
        text = json.dumps(document, allow_nan=False, indent=1)
    except ValueError:
        raise ValueError(f"MLP.save: a weight is nan or infinite; refusing to write {str(path)!r}") from None
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"MLP.save: path must be a str or os.PathLike, got {type(path).__name__} {path!r:.60}")
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"MLP.save: cannot write {target!r}: the folder {folder!r} does not exist")
    if os.path.isdir(target):
        raise IsADirectoryError(f"MLP.save: cannot write {target!r}: it is a folder; give a file name, "
                                f"e.g. {os.path.join(target, 'model.json')!r}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".deltagrad-", suffix=".tmp", dir=folder)
    except OSError as e:
        raise type(e)(e.errno, f"MLP.save: cannot write {target!r}: cannot create a file in {folder!r} "
                               f"({e.strerror or e})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _default_file_mode())  # mkstemp makes 0600; a saved model is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load(path: Any) -> tuple[dict, list[dict]]:
    """(config, layers) from a model file; ModelFileError for anything missing or malformed."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"MLP.load: path must be a str or os.PathLike, got {type(path).__name__} {path!r:.60}")
    try:
        with open(os.fspath(path), encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise ModelFileNotFound(path, "no such file") from None
    except IsADirectoryError:
        raise file_error(path, "it is a directory, not a model file") from None
    except UnicodeDecodeError:
        raise file_error(path, "it is not a text (JSON) file") from None
    except OSError as e:
        raise file_error(path, f"it cannot be read ({e.strerror or e})") from None
    if not text.strip():
        raise file_error(path, "the file is empty")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise file_error(path, f"it is not valid JSON (truncated or corrupted?): {e.msg} at line "
                               f"{e.lineno} column {e.colno}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise file_error(path, f"it is not a deltagrad model file (no \"format\": \"{FORMAT}\" marker)")
    version = document.get("version")
    if version != VERSION:
        raise file_error(path, f"its format version {version!r} is not one this deltagrad reads ({VERSION})")
    config, layers = document.get("config"), document.get("layers")
    if not isinstance(config, dict) or set(config) != _CONFIG_KEYS:
        keys = sorted(config) if isinstance(config, dict) else config
        raise file_error(path, f"its \"config\" should have the keys {sorted(_CONFIG_KEYS)}, got {keys!r:.120}")
    if not isinstance(layers, list) or not all(isinstance(e, dict) and set(e) == {"w", "b"} for e in layers):
        raise file_error(path, "its \"layers\" should be a list of {\"w\": [[...]], \"b\": [...]} entries")
    return config, layers
