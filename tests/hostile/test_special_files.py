"""Class: a path the user gives that is not a regular file (FIFO, device, directory, socket, link, missing,
unreadable), for every path argument. Each ends within seconds, exit 2, with a message naming the path and what
it is; nothing in the directory changes. FIFO and /dev/zero cases run as processes: before the fix they hung or
read for ever."""
import os
import socket

import pytest

from .conftest import GO, as_nobody, run_cli, run_proc, snapshot

# every argument that names a file to read: (argv before the path, argv after it)
READ_ARGS = {
    "--rules": (["--rules"], GO),
    "--answers": (["--answers"], []),
    "inspect": (["inspect"], []),
    "verify": (["verify"], []),
    "lint": (["lint"], []),
    "rules --rules": (["rules", "--rules"], []),
}


def special(kind: str, d) -> str:
    path = os.path.join(d, f"the-{kind}")
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(path)
        s.close()
    elif kind == "link-to-fifo":
        os.mkfifo(path + ".target")
        os.symlink(path + ".target", path)
    elif kind == "dangling-link":
        os.symlink(os.path.join(d, "nothing-here"), path)
    elif kind == "directory" :
        os.mkdir(path)
    elif kind == "missing":
        pass
    elif kind in ("/dev/zero", "/dev/null"):
        return kind
    return path


WHAT = {"fifo": "FIFO", "socket": "socket", "link-to-fifo": "FIFO", "dangling-link": "no such file",
        "/dev/zero": "device", "/dev/null": "device", "missing": "no such file"}


@pytest.mark.parametrize("kind", ["fifo", "link-to-fifo", "/dev/zero", "socket", "dangling-link", "missing",
                                  "/dev/null"])
@pytest.mark.parametrize("arg", list(READ_ARGS))
def test_reading_a_special_file_is_a_clear_error(arg, kind, tmp_path):
    before_args, after_args = READ_ARGS[arg]
    path = special(kind, tmp_path)
    before = snapshot(tmp_path)
    if kind in ("fifo", "link-to-fifo", "/dev/zero"):
        proc = run_proc(*before_args, path, *after_args, cwd=tmp_path, timeout=30)
        status, err = proc.returncode, proc.stderr.decode()
    else:
        status, _, err = run_cli(*before_args, path, *after_args)
    assert status == 2, (status, err)
    assert path in err and WHAT[kind] in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("arg", list(READ_ARGS))
def test_a_directory_is_a_clear_error_except_for_inspect(arg, tmp_path):
    before_args, after_args = READ_ARGS[arg]
    d = tmp_path / "dir"
    d.mkdir()
    status, out, err = run_cli(*before_args, d, *after_args)
    if arg == "inspect":  # a project directory
        assert status in (0, 1) and "Evidence from project" in out
    else:
        assert status == 2 and "directory" in (err + out), err


def _as_nobody_cli(*argv):
    import io

    from shell.cli import Env, main

    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in argv], Env(stdin=io.StringIO(""), stdout=out, stderr=err, stdin_isatty=False,
                                              environ={"MINIMAGE_NO_CACHE": "1", "PATH": os.environ["PATH"]}))
    return f"{status}\n{err.getvalue()}{out.getvalue()}"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to nobody")
@pytest.mark.parametrize("arg", list(READ_ARGS))
def test_an_unreadable_file_is_a_clear_error(arg, tmp_path_factory):
    import tempfile

    d = tempfile.mkdtemp(prefix="minimage-hostile-")
    try:
        os.chmod(d, 0o755)
        path = os.path.join(d, "secret")
        with open(path, "wb") as f:
            f.write(b"\x7fELF" + b"\0" * 60)
        os.chmod(path, 0)
        before_args, after_args = READ_ARGS[arg]
        status, _, text = as_nobody(_as_nobody_cli, *before_args, path, *after_args).partition("\n")
        assert status == "2", text
        assert "Permission denied" in text and path in text and "Traceback" not in text, text
    finally:
        os.chmod(d, 0o755)
        import shutil

        shutil.rmtree(d)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to nobody")
def test_inspect_of_an_unreadable_directory_is_exit_2():
    import shutil
    import tempfile

    d = tempfile.mkdtemp(prefix="minimage-hostile-")
    try:
        os.chmod(d, 0o755)
        project = os.path.join(d, "project")
        os.mkdir(project)
        with open(os.path.join(project, "go.mod"), "w") as f:
            f.write("module x\n")
        os.mkdir(os.path.join(project, "locked"))
        with open(os.path.join(project, "locked", "main.go"), "w") as f:
            f.write('package main\nimport "C"\n')
        os.chmod(os.path.join(project, "locked"), 0)
        status, _, text = as_nobody(_as_nobody_cli, "inspect", project).partition("\n")
        assert status in ("0", "1") and "warning: locked: unreadable directory" in text, text  # shown, not silent
        os.chmod(project, 0)
        status, _, text = as_nobody(_as_nobody_cli, "inspect", project).partition("\n")
        assert status == "2" and "cannot read the directory" in text and "Permission denied" in text, text
    finally:
        for root, dirs, _ in os.walk(d):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o755)
        os.chmod(d, 0o755)
        shutil.rmtree(d)


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "directory"])
def test_a_history_file_that_is_not_a_file_is_not_opened(kind, tmp_path):
    import io

    pytest.importorskip("prompt_toolkit")
    from prompt_toolkit.history import InMemoryHistory

    from shell.chat import open_history

    path = special(kind, tmp_path) if kind != "directory" else str(tmp_path / "hist")
    if kind == "directory":
        os.mkdir(path)
    err = io.StringIO()
    history = open_history(path, err)  # a FIFO here blocked in open() for ever
    assert isinstance(history, InMemoryHistory) and "history is kept in memory" in err.getvalue()


def test_verify_copies_only_a_regular_file_into_the_build_context(tmp_path):
    """The binary is inspected, then copied: a path swapped for a FIFO in between is refused, not waited on."""
    from shell.cli import UsageError
    from shell.commands.verify import _copy_regular

    fifo = special("fifo", tmp_path)
    with pytest.raises(UsageError, match="no longer a regular file"):
        _copy_regular(fifo, str(tmp_path / "copy"))
    _copy_regular("/bin/sh", str(tmp_path / "sh"))
    with open("/bin/sh", "rb") as a, open(tmp_path / "sh", "rb") as b:
        assert a.read() == b.read()
