"""Model files: JSON with a format marker and version, exact floats, written atomically.

    {"format": "deltagrad.mlp", "version": 1, "config": {...MLP arguments...},
     "layers": [{"w": [[w^2_11, ...], ...], "b": [b^2_1, ...]}, ...]}

Python writes floats with repr(), the shortest string that reads back to the same float, so a
save/load round trip is exact. Reading checks everything before the caller changes anything.

Saving writes only regular files: a temporary file next to the target, fsync, then os.replace
(atomic), keeping an existing file's mode. A symlink is followed (the link stays a link; its
target, created if the link dangles, gets the new weights). A device, FIFO, socket or folder is
refused, and no temporary file outlives a save, failed or not.

Loading is bounded by the file: at most MAX_FILE_BYTES are read, and the configuration is checked
against the weights' shapes and against MAX_LAYERS and MAX_PARAMETERS before any Value is built.
"""
from __future__ import annotations

import errno as errnos
import json
import math
import numbers
import os
import stat
import tempfile
from typing import Any

from nn.errors import (
    ModelFileError,
    ModelFileNotFound,
    ModelSaveError,
    ModelSaveIsADirectory,
    ModelSaveNotFound,
    ModelSavePermission,
)

FORMAT = "deltagrad.mlp"
VERSION = 1
_CONFIG_KEYS = {"nin", "sizes", "activation", "output_activation", "init", "seed", "elementary"}

# A load reads at most MAX_FILE_BYTES and builds at most MAX_PARAMETERS Values in MAX_LAYERS
# layers (10^6 scalar parameters take seconds and ~300 MB to build). Raise them here if need be.
MAX_FILE_BYTES = 32 * 2**20
MAX_PARAMETERS = 10**6
MAX_LAYERS = 10_000
_MAX_INT_DIGITS = 400  # a number in a model file with more digits in a row is refused unparsed
_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")


def file_error(path: Any, problem: str) -> ModelFileError:
    """The error for a model file that cannot be used (names the file and the problem)."""
    return ModelFileError(os.fspath(path) if isinstance(path, os.PathLike) else path, problem)


def _default_file_mode() -> int:
    """0o666 less the process's umask: the mode open() would have given a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _save_error(path: str, problem: str, code: "int | None" = None) -> ModelSaveError:
    """ModelSaveError naming the path; the FileNotFound/IsADirectory/Permission kind by errno."""
    kind = {errnos.ENOENT: ModelSaveNotFound, errnos.EISDIR: ModelSaveIsADirectory,
            errnos.EACCES: ModelSavePermission, errnos.EPERM: ModelSavePermission}.get(code, ModelSaveError)
    return kind(path, problem, code)


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _check_path(path: Any, where: str) -> str:
    """path as a non-empty str, else TypeError / the operation's error for an empty path."""
    if not isinstance(path, (str, os.PathLike)) or not isinstance(os.fspath(path), str):
        raise TypeError(f"{where}: path must be a str or os.PathLike, got {type(path).__name__} {path!r:.60}")
    return os.fspath(path)


def _resolve_target(target: str) -> tuple[str, "os.stat_result | None"]:
    """(the file to replace, its stat or None if it does not exist yet), a symlink followed.

    Refuses folders, devices, FIFOs and sockets, a symlink cycle, and a missing folder.
    """
    link = os.path.islink(target)
    real = os.path.realpath(target) if link else os.path.abspath(target)
    via = f" (the symlink points to {real!r})" if link else ""
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as e:  # ELOOP: a symlink cycle; ENOTDIR: a file used as a folder
        raise _save_error(target, f"{e.strerror or e}{via}", e.errno) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise _save_error(target, f"it is a folder{via}; give a file name, e.g. "
                                  f"{os.path.join(target, 'model.json')!r}", errnos.EISDIR)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise _save_error(target, f"it is {_file_kind(st.st_mode)}{via}; MLP.save writes only regular files")
    if st is None and os.path.islink(real):
        raise _save_error(target, "it is a symlink in a cycle of symlinks", errnos.ELOOP)
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        raise _save_error(target, f"the folder {folder!r} does not exist{via}", errnos.ENOENT)
    return real, st


def save(path: Any, config: dict, layers: list[dict]) -> None:
    """Write the model file: a temporary file next to the target, fsync, then os.replace (atomic)."""
    target = _check_path(path, "MLP.save")
    if not target:
        raise _save_error(target, "the path is empty; give a file name, e.g. 'model.json'", errnos.ENOENT)
    document = {"format": FORMAT, "version": VERSION, "config": config, "layers": layers}
    try:
        text = json.dumps(document, allow_nan=False, indent=1)
        if len(text) > MAX_FILE_BYTES:  # a very large model: without the indentation it still loads
            text = json.dumps(document, allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise ValueError(f"MLP.save: a weight is nan or infinite; refusing to write {target!r}") from None
    real, st = _resolve_target(target)
    folder = os.path.dirname(real)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".deltagrad-", suffix=".tmp", dir=folder)
    except OSError as e:
        raise _save_error(target, f"cannot create a file in {folder!r} ({e.strerror or e})", e.errno) from None
    try:
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            # mkstemp makes 0600: give the file the mode it had, or that of an ordinary new file
            os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else _default_file_mode())
            if st is not None and hasattr(os, "chown") and (st.st_uid, st.st_gid) != _owner(tmp):
                try:  # root saving a user's file: keep its owner (an ordinary user cannot, and need not)
                    os.chown(tmp, st.st_uid, st.st_gid)
                except OSError:
                    pass
            os.replace(tmp, real)
        except OSError as e:
            raise _save_error(target, f"writing failed ({e.strerror or e}); the file was not changed",
                              e.errno) from None
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:  # already renamed, or gone: the original error is the one to report
            pass
        raise


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


# ---------------------------------------------------------------------------- loading
def _longest_digit_run_over_limit(text: str) -> int:
    """The length (up to 10,000) of the first run of more than _MAX_INT_DIGITS digits, else 0.

    Every digit mapped to 0, then one substring search: linear, and fast (a regex scanning for
    the run from every position is quadratic in the run length).
    """
    zeros = text.translate(_DIGITS_TO_ZERO)
    start = zeros.find("0" * (_MAX_INT_DIGITS + 1))
    if start < 0:
        return 0
    end = start
    while end < len(zeros) and end - start < 10_000 and zeros[end] == "0":
        end += 1
    return end - start


def _parse_constant(name: str) -> float:
    raise ValueError(f"it holds {name}, which is not a finite number")


def _read_text(path: Any) -> str:
    """The file's text: a regular file of at most MAX_FILE_BYTES (a FIFO or device would block or
    never end), decoded as UTF-8."""
    name = os.fspath(path)
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise ModelFileNotFound(path, "no such file") from None
    except OSError as e:
        raise file_error(path, f"it cannot be read ({e.strerror or e})") from None
    if stat.S_ISDIR(st.st_mode):
        raise file_error(path, "it is a directory, not a model file")
    if not stat.S_ISREG(st.st_mode):
        raise file_error(path, f"it is {_file_kind(st.st_mode)}, not a model file")
    if st.st_size > MAX_FILE_BYTES:
        raise file_error(path, f"it has {st.st_size} bytes, more than nn.serialize.MAX_FILE_BYTES = "
                               f"{MAX_FILE_BYTES} (a model of MAX_PARAMETERS = {MAX_PARAMETERS} weights is smaller)")
    try:
        with open(name, "rb") as f:
            chunks, size = [], 0
            while size <= MAX_FILE_BYTES:  # in chunks: read(n) would allocate n bytes up front
                chunk = f.read(2**20)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
    except FileNotFoundError:
        raise ModelFileNotFound(path, "no such file") from None
    except OSError as e:
        raise file_error(path, f"it cannot be read ({e.strerror or e})") from None
    if len(data) > MAX_FILE_BYTES:
        raise file_error(path, f"it has more than nn.serialize.MAX_FILE_BYTES = {MAX_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise file_error(path, "it is not a text (JSON) file") from None


def load(path: Any) -> tuple[dict, list[dict]]:
    """(config, layers) from a model file; ModelFileError for anything missing or malformed.

    The result is checked: config has the right keys and types, and every layer's w is
    n_l × n_{l-1} and b has n_l entries, all finite floats, within MAX_LAYERS and MAX_PARAMETERS.
    """
    _check_path(path, "MLP.load")
    text = _read_text(path)
    if not text.strip():
        raise file_error(path, "the file is empty")
    digits = _longest_digit_run_over_limit(text)
    if digits:  # int("9" * 10**6) is quadratic (and over 4,300 digits an error in 3.11+)
        raise file_error(path, f"it holds a number of {digits}{'+' if digits >= 10_000 else ''} digits "
                               f"(at most {_MAX_INT_DIGITS} in a row)")
    try:
        document = json.loads(text, parse_constant=_parse_constant)
    except json.JSONDecodeError as e:
        raise file_error(path, f"it is not valid JSON (truncated or corrupted?): {e.msg} at line "
                               f"{e.lineno} column {e.colno}") from None
    except RecursionError:
        raise file_error(path, "its JSON is nested too deeply (a model file is 5 levels deep)") from None
    except ValueError as e:  # NaN/Infinity literals, and anything else json refuses
        raise file_error(path, str(e)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise file_error(path, f"it is not a deltagrad model file (no \"format\": \"{FORMAT}\" marker)")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise file_error(path, f"its format version {version!r:.60} is not one this deltagrad reads ({VERSION})")
    config, layers = document.get("config"), document.get("layers")
    if not isinstance(config, dict) or set(config) != _CONFIG_KEYS:
        keys = sorted(config) if isinstance(config, dict) else config
        raise file_error(path, f"its \"config\" should have the keys {sorted(_CONFIG_KEYS)}, got {keys!r:.120}")
    if not isinstance(layers, list) or not all(isinstance(e, dict) and set(e) == {"w", "b"} for e in layers):
        raise file_error(path, "its \"layers\" should be a list of {\"w\": [[...]], \"b\": [...]} entries")
    problem = _config_problem(config) or _layers_problem(config, layers)
    if problem:
        raise file_error(path, problem)
    return config, layers


def _count(n: object) -> bool:
    return type(n) is int and n >= 1


def _config_problem(config: dict) -> "str | None":
    """What is wrong with the config's types and sizes (the rest MLP(...) checks), or None."""
    if not _count(config["nin"]):
        return f"its \"nin\" must be a positive int, got {config['nin']!r:.60}"
    sizes = config["sizes"]
    if not isinstance(sizes, list) or not sizes:
        return f"its \"sizes\" must be a non-empty list of positive ints, got {sizes!r:.60}"
    if len(sizes) > MAX_LAYERS:
        return f"it has {len(sizes)} layers, more than nn.serialize.MAX_LAYERS = {MAX_LAYERS}"
    for n in sizes:
        if not _count(n):
            return f"its \"sizes\" must be positive ints, got {n!r:.60}"
    if type(config["elementary"]) is not bool:
        return f"its \"elementary\" must be true or false, got {config['elementary']!r:.60}"
    if type(config["seed"]) is not int:
        return f"its \"seed\" must be an int, got {config['seed']!r:.60}"
    for key in ("activation", "init"):
        if not isinstance(config[key], str):
            return f"its \"{key}\" must be a string, got {config[key]!r:.60}"
    if config["output_activation"] is not None and not isinstance(config["output_activation"], str):
        return f"its \"output_activation\" must be a string or null, got {config['output_activation']!r:.60}"
    return None


def _layers_problem(config: dict, layers: list[dict]) -> "str | None":
    """Shapes and numbers of the weights against the config, before anything is built, or None."""
    widths = [config["nin"], *config["sizes"]]
    if len(layers) != len(widths) - 1:
        return f"it has {len(layers)} layers of weights, but its \"sizes\" {config['sizes']!r:.60} need {len(widths) - 1}"
    total = 0
    for l, entry in enumerate(layers, start=2):
        n_l, n_prev = widths[l - 1], widths[l - 2]
        total += n_l * (n_prev + 1)
        if total > MAX_PARAMETERS:
            return f"its \"sizes\" need more than nn.serialize.MAX_PARAMETERS = {MAX_PARAMETERS} weights"
        W, b = entry["w"], entry["b"]
        if not isinstance(W, list) or len(W) != n_l:
            got = len(W) if isinstance(W, list) else type(W).__name__
            return f"layer {l} weights: expected {n_l} rows, got {got}"
        for j, row in enumerate(W, start=1):
            if not isinstance(row, list) or len(row) != n_prev:
                got = len(row) if isinstance(row, list) else type(row).__name__
                return f"layer {l} weights: row {j} should have {n_prev} numbers, got {got}"
            bad = _number_problem(row)
            if bad:
                return f"layer {l} weights: row {j} holds {bad}"
        if not isinstance(b, list) or len(b) != n_l:
            got = len(b) if isinstance(b, list) else type(b).__name__
            return f"layer {l} biases: expected {n_l} numbers, got {got}"
        bad = _number_problem(b)
        if bad:
            return f"layer {l} biases: it holds {bad}"
    return None


def _number_problem(values: list) -> "str | None":
    """The first entry that is not a finite real number (a float), described, or None."""
    for v in values:
        if type(v) is float:
            if not math.isfinite(v):
                return f"the non-finite number {v!r}"
            continue
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            return f"{type(v).__name__} {v!r:.40}, not a number"
        try:
            if not math.isfinite(float(v)):
                return f"the non-finite number {v!r:.40}"
        except OverflowError:
            return f"an integer of about {int(v.bit_length() * 0.30103) + 1} digits, too large for a float"
    return None
