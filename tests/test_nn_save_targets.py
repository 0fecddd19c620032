"""MLP.save against every kind of target (issue 11, Files): only regular files are written, a
symlink is followed, the mode is kept, no temporary file survives, errors name the path."""
from __future__ import annotations

import errno
import json
import os
import stat

import pytest

from nn import MLP, ModelSaveError, NNError

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file types")


def model(seed=1):
    return MLP(2, [3, 1], seed=seed)


def weights_in(path):
    """The parameters stored in a model file, read independently of MLP.load."""
    document = json.loads(open(path, encoding="utf-8").read())
    return [w for layer in document["layers"] for row in layer["w"] for w in row] + \
           [b for layer in document["layers"] for b in layer["b"]]


def expected(m):
    return [w for l in range(2, len(m.sizes) + 1) for row in m.weights(l) for w in row] + \
           [b for l in range(2, len(m.sizes) + 1) for b in m.biases(l)]


def leftovers(folder):
    return [f for f in os.listdir(folder) if f.startswith(".deltagrad-")]


def test_save_target_regular_file_is_replaced_with_the_new_weights(tmp_path):
    path = tmp_path / "m.json"
    model(1).save(path)
    model(2).save(path)
    assert weights_in(path) == expected(model(2)) and os.listdir(tmp_path) == ["m.json"]


def test_save_target_new_file(tmp_path):
    path = tmp_path / "new.json"
    model().save(path)
    assert stat.S_ISREG(os.lstat(path).st_mode) and weights_in(path) == expected(model())


@posix
def test_save_target_existing_file_keeps_its_mode_0600(tmp_path):
    path = tmp_path / "secret.json"
    model(1).save(path)
    os.chmod(path, 0o600)
    model(2).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and weights_in(path) == expected(model(2))
    os.chmod(path, 0o640)
    model(3).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


@posix
def test_save_target_symlink_to_file_writes_the_target_and_keeps_the_link(tmp_path):
    real_dir = tmp_path / "store"
    real_dir.mkdir()
    target = real_dir / "weights.json"
    model(1).save(target)
    os.chmod(target, 0o600)
    link = tmp_path / "current.json"
    os.symlink(os.path.relpath(target, tmp_path), link)
    model(2).save(link)
    assert os.path.islink(link) and os.readlink(link) == os.path.relpath(target, tmp_path)
    assert weights_in(target) == expected(model(2))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert leftovers(tmp_path) == [] and leftovers(real_dir) == []


@posix
def test_save_target_chain_of_symlinks_is_followed_to_the_end(tmp_path):
    target = tmp_path / "weights.json"
    model(1).save(target)
    os.symlink(target, tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    model(2).save(tmp_path / "b")
    assert os.path.islink(tmp_path / "a") and os.path.islink(tmp_path / "b")
    assert weights_in(target) == expected(model(2))


@posix
def test_save_target_dangling_symlink_creates_its_target(tmp_path):
    # Decided (as open(path, "w") and `>` in a shell do): a dangling link's target is created.
    link = tmp_path / "link.json"
    os.symlink(tmp_path / "made.json", link)
    model().save(link)
    assert os.path.islink(link) and weights_in(tmp_path / "made.json") == expected(model())


@posix
def test_save_target_dangling_symlink_into_a_missing_folder_names_both(tmp_path):
    link = tmp_path / "link.json"
    os.symlink(tmp_path / "gone" / "made.json", link)
    with pytest.raises(FileNotFoundError, match=r"link\.json.*gone.*does not exist.*symlink points to") as info:
        model().save(link)
    assert isinstance(info.value, ModelSaveError) and os.path.islink(link)


@posix
def test_save_target_symlink_cycle_is_an_error_naming_the_path(tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    with pytest.raises(ModelSaveError, match=r"'.*a'"):
        model().save(tmp_path / "a")
    assert os.path.islink(tmp_path / "a") and leftovers(tmp_path) == []


def test_save_target_directory_is_an_error_naming_it(tmp_path):
    (tmp_path / "models").mkdir()
    with pytest.raises(IsADirectoryError, match="models.* is a folder") as info:
        model().save(tmp_path / "models")
    assert isinstance(info.value, ModelSaveError) and isinstance(info.value, NNError)
    assert leftovers(tmp_path) == []


@posix
def test_save_target_symlink_to_a_directory_is_an_error(tmp_path):
    (tmp_path / "models").mkdir()
    os.symlink(tmp_path / "models", tmp_path / "link")
    with pytest.raises(IsADirectoryError, match="link.* is a folder"):
        model().save(tmp_path / "link")
    assert os.path.islink(tmp_path / "link")


@posix
def test_save_target_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ModelSaveError, match=r"pipe.*FIFO.*only regular files"):
        model().save(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and leftovers(tmp_path) == []


@pytest.fixture
def dev_null_guard(monkeypatch):
    """Fail, instead of replacing the machine's /dev/null, if save ever renames a file onto it."""
    real_replace, real_rename = os.replace, os.rename

    def guarded(real):
        def move(src, dst, *args, **kwargs):
            if os.path.realpath(dst) == "/dev/null":
                raise AssertionError(f"save tried to replace /dev/null with {src!r}")
            return real(src, dst, *args, **kwargs)
        return move

    monkeypatch.setattr(os, "replace", guarded(real_replace))
    monkeypatch.setattr(os, "rename", guarded(real_rename))


@posix
def test_save_target_dev_null_is_not_replaced(tmp_path, dev_null_guard):
    before = os.lstat("/dev/null")
    assert stat.S_ISCHR(before.st_mode)
    with pytest.raises(ModelSaveError, match=r"/dev/null.*character device.*only regular files"):
        model().save("/dev/null")  # as root this used to replace the device by a regular file
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert leftovers("/dev") == []


@posix
def test_save_target_symlink_to_dev_null_is_refused(tmp_path, dev_null_guard):
    os.symlink("/dev/null", tmp_path / "null.json")
    with pytest.raises(ModelSaveError, match="character device"):
        model().save(tmp_path / "null.json")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode) and os.path.islink(tmp_path / "null.json")


def test_save_target_in_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.* does not exist") as info:
        model().save(tmp_path / "nowhere" / "m.json")
    assert isinstance(info.value, ModelSaveError) and "m.json" in str(info.value)


def test_save_target_empty_path_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelSaveError, match="path is empty") as info:
        model().save("")
    assert isinstance(info.value, FileNotFoundError) and os.listdir(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_save_target_in_an_unwritable_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(PermissionError, match=r"m\.json.*cannot create a file") as info:
            model().save(ro / "m.json")
        assert isinstance(info.value, ModelSaveError)
    finally:
        ro.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("failing", ["write", "fsync", "replace", "chmod"])
def test_save_failure_leaves_no_temporary_file_and_names_the_path(tmp_path, monkeypatch, failing):
    path = tmp_path / "m.json"
    model(1).save(path)
    old = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    if failing == "write":  # the disk fills up: the file object's write fails
        real_fdopen = os.fdopen

        class FullDisk:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, text):
                raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FullDisk(real_fdopen(fd, *a, **k)))
    else:
        monkeypatch.setattr(os, failing, fail)
    with pytest.raises(ModelSaveError, match=r"m\.json.*Input/output error") as info:
        model(2).save(path)
    monkeypatch.undo()
    assert isinstance(info.value, OSError) and info.value.errno == errno.EIO
    assert info.value.filename == str(path)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["m.json"]


def test_save_interrupted_leaves_no_temporary_file(tmp_path, monkeypatch):
    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        model().save(tmp_path / "m.json")
    assert os.listdir(tmp_path) == []
