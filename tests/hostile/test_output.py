"""Class: writing output (--output, the chat's save, stdout) onto what is already there. Regular files are replaced
atomically; devices, FIFOs and stdout are written in place, never replaced; a link says what it overwrites;
a failed write leaves nothing behind; a full or closed stdout is exit 2 with a message."""
import io
import os
import stat
import subprocess

import pytest

from .conftest import GO, run_cli, run_proc, snapshot

DOCKERFILE = [*GO, "--format", "dockerfile"]


def _char_device(path):
    if os.geteuid() != 0:
        pytest.skip("mknod needs root")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device of our own, not /dev/null


def test_a_character_device_stays_a_device(tmp_path):
    dev = tmp_path / "null"
    _char_device(dev)
    status, out, err = run_cli(*DOCKERFILE, "--output", dev)
    assert status == 0 and out == "" and err == ""
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]  # no temporary file left either


def test_dev_full_is_exit_2_with_the_reason():
    status, _, err = run_cli(*DOCKERFILE, "--output", "/dev/full")
    assert status == 2 and err == "Error: cannot write /dev/full: No space left on device\n"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_fifo_is_written_in_place_or_refused_without_a_reader(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    proc = run_proc(*DOCKERFILE, "--output", fifo, timeout=30)  # nobody reads: refused at once, not a hang
    assert proc.returncode == 2 and b"a FIFO that nobody reads" in proc.stderr
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader: the FIFO is open before the writer comes
    try:
        proc = run_proc(*DOCKERFILE, "--output", fifo, timeout=30)  # a Dockerfile fits in the pipe's buffer
        os.set_blocking(fd, True)
        data = b""
        while chunk := os.read(fd, 65536):
            data += chunk
    finally:
        os.close(fd)
    assert proc.returncode == 0 and data.startswith(b"# syntax=docker/dockerfile:1"), proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_link_to_stdout_writes_stdout_and_stays_a_link(tmp_path):
    link = tmp_path / "out"
    os.symlink("/proc/self/fd/1", link)
    proc = run_proc(*DOCKERFILE, "--output", link)
    assert proc.returncode == 0 and proc.stdout.startswith(b"# syntax=docker/dockerfile:1")
    assert os.readlink(link) == "/proc/self/fd/1"


def test_a_link_to_a_file_replaces_the_file_and_keeps_the_link(tmp_path):
    (tmp_path / "real").write_text("old\n")
    os.chmod(tmp_path / "real", 0o640)
    os.symlink("real", tmp_path / "Dockerfile")
    status, _, err = run_cli(*DOCKERFILE, "--output", tmp_path / "Dockerfile")
    assert status == 0, err
    assert os.readlink(tmp_path / "Dockerfile") == "real"
    assert (tmp_path / "real").read_text().startswith("# syntax=docker/dockerfile:1")
    assert stat.S_IMODE(os.stat(tmp_path / "real").st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "real"]


def test_a_planted_temporary_name_cannot_redirect_the_write(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    os.symlink(victim, tmp_path / ".Dockerfile.tmp")  # the old fixed temporary name
    status, _, err = run_cli(*DOCKERFILE, "--output", tmp_path / "Dockerfile")
    assert status == 0, err
    assert victim.read_text() == "precious\n"
    assert (tmp_path / "Dockerfile").read_text().startswith("# syntax=docker/dockerfile:1")


def test_a_failed_write_leaves_the_target_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "Dockerfile"
    target.write_text("before\n")
    before = snapshot(tmp_path)

    def fail(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    status, _, err = run_cli(*DOCKERFILE, "--output", target)
    assert status == 2 and err == f"Error: cannot write {target}: No space left on device\n"
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", ["directory", "dangling-link", "socket"])
def test_targets_that_cannot_be_written_are_refused(kind, tmp_path):
    import socket

    path = tmp_path / "target"
    if kind == "directory":
        path.mkdir()
    elif kind == "dangling-link":
        os.symlink(tmp_path / "nowhere", path)
    else:
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        s.close()
    before = snapshot(tmp_path)
    status, _, err = run_cli(*DOCKERFILE, "--output", path)
    assert status == 2 and err.startswith(f"Error: cannot write {path}: ") and "\n" == err[-1:], err
    assert snapshot(tmp_path) == before


def test_stdout_full_or_closed_is_exit_2_and_closed_stdin_is_no_input(tmp_path):
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(_python_shell(*GO), stdout=full, stderr=subprocess.PIPE, timeout=60, env=_env())
    assert proc.returncode == 2 and proc.stderr == b"Error: cannot write to standard output: No space left on device\n"
    proc = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *_python_shell(*GO)], capture_output=False,
                          stderr=subprocess.PIPE, timeout=60, env=_env())
    assert proc.returncode == 2 and proc.stderr == b"Error: cannot write to standard output: it is closed\n"
    proc = subprocess.run(["sh", "-c", 'exec "$@" <&-', "sh", *_python_shell("--format", "json")],
                          capture_output=True, timeout=60, env=_env())
    assert proc.returncode == 1 and b'"no_plan_reason": "language is unknown' in proc.stdout, proc.stderr


def test_all_three_standard_streams_closed():
    for argv, status in ((["--answer", "language=cobol"], 2), (GO, 2)):
        proc = subprocess.run(["sh", "-c", 'exec "$@" <&- >&- 2>&-', "sh", *_python_shell(*argv)],
                              capture_output=True, timeout=60, env=_env())
        assert proc.returncode == status, (argv, proc.returncode)


def test_a_broken_pipe_is_the_usual_quiet_exit():
    proc = subprocess.run(["sh", "-c", '"$@" | head -c 1 >/dev/null', "sh", *_python_shell(*GO, "--format", "json")],
                          capture_output=True, timeout=60, env=_env())
    assert proc.stderr == b""


def _python_shell(*argv):
    import sys

    return [sys.executable, "-m", "shell", *argv]


def _env():
    from .conftest import ROOT

    return dict(os.environ, PYTHONPATH=str(ROOT))


def test_the_chats_save_onto_a_link_says_what_it_overwrites(tmp_path, rb):
    from shell.chat import Chat
    from shell.cli import Env

    class Prompt:
        asked = []

        def prompt(self, message, completer=None):
            self.asked.append(message)
            return "y"

    (tmp_path / "real").write_text("old\n")
    os.symlink(tmp_path / "real", tmp_path / "Dockerfile")
    out = io.StringIO()
    session = rb.session({"language": "java", "native_deps": "no", "named_user": "no", "needs_shell": "no"})
    chat = Chat(rb, session, Env(stdin=io.StringIO(), stdout=out, stderr=io.StringIO(), stdin_isatty=True),
                prompt=Prompt())
    chat.question = None
    chat.handle(f"save {tmp_path / 'Dockerfile'}")
    assert Prompt.asked == [f"{tmp_path / 'Dockerfile'} exists (a symbolic link: this writes the file "
                            f"{tmp_path / 'real'}). Overwrite it? [y/N] "]
    assert f"(a symbolic link: this writes the file {tmp_path / 'real'})" in out.getvalue()
    assert (tmp_path / "real").read_text().startswith("# syntax=docker/dockerfile:1")
    assert os.path.islink(tmp_path / "Dockerfile")
