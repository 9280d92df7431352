"""What `minimage-ask inspect` reports for a script: the whole shebang report (interpreter, what env runs, the
language family, the shell it needs) and every problem in the words the user reads, for the shebangs people
write. The expected reports are written out here, not computed by the parser."""
from __future__ import annotations

import pytest

from kb.evidence.errors import EvidenceError
from kb.evidence.facts import inspect_path
from kb.evidence.script import inspect_script, parse_shebang

ONE_WORD = "'#!/usr/bin/env prog arg' passes 'prog arg' as one word on Linux; use 'env -S'"
ENV_S = "'env -S' needs GNU coreutils env >= 8.30; busybox env (alpine, busybox images) does not support -S"
CRLF = ("CRLF line ending: the kernel looks for an interpreter whose name ends in '\\r' ('no such file or "
        "directory' / 'bad interpreter'); convert the file to LF")
BOM = "UTF-8 BOM before '#!': the kernel does not recognise the shebang ('exec format error')"


def report(line: bytes) -> dict:
    d = parse_shebang(line).to_dict()
    del d["path"]
    return d


def R(shebang, interpreter, args, program, program_args, family, needs_shell, *problems, uses_env=False,
      env_split=False, crlf=False, bom=False) -> dict:
    return {"shebang": shebang, "interpreter": interpreter, "interpreter_args": list(args), "uses_env": uses_env,
            "env_split": env_split, "program": program, "program_args": list(program_args), "family": family,
            "needs_shell": needs_shell, "crlf": crlf, "bom": bom, "problems": list(problems)}


@pytest.mark.parametrize("line,want", [
    (b"#!/bin/sh\n", R("/bin/sh", "/bin/sh", (), "/bin/sh", (), "shell", "/bin/sh")),
    (b"#!/bin/sh -e\n", R("/bin/sh -e", "/bin/sh", ("-e",), "/bin/sh", ("-e",), "shell", "/bin/sh")),
    (b"#! /bin/bash -eu -o pipefail\n", R(" /bin/bash -eu -o pipefail", "/bin/bash", ("-eu -o pipefail",),
                                          "/bin/bash", ("-eu -o pipefail",), "shell", "bash")),
    (b"#!/bin/ash\n", R("/bin/ash", "/bin/ash", (), "/bin/ash", (), "shell", "/bin/ash")),
    (b"#!/usr/bin/env bash\n", R("/usr/bin/env bash", "/usr/bin/env", ("bash",), "bash", (), "shell", "bash",
                                 uses_env=True)),
    (b"#!/usr/bin/env sh\n", R("/usr/bin/env sh", "/usr/bin/env", ("sh",), "sh", (), "shell", "sh", uses_env=True)),
    (b"#!/usr/bin/env python3\n", R("/usr/bin/env python3", "/usr/bin/env", ("python3",), "python3", (), "python",
                                    None, uses_env=True)),
    (b"#!/usr/bin/python3.12 -I\n", R("/usr/bin/python3.12 -I", "/usr/bin/python3.12", ("-I",),
                                      "/usr/bin/python3.12", ("-I",), "python", None)),
    (b"#!/usr/bin/env nodejs\n", R("/usr/bin/env nodejs", "/usr/bin/env", ("nodejs",), "nodejs", (), "node", None,
                                   uses_env=True)),
    (b"#!/usr/bin/perl5.36\n", R("/usr/bin/perl5.36", "/usr/bin/perl5.36", (), "/usr/bin/perl5.36", (), "perl",
                                 None)),
    (b"#!/usr/bin/pythonx\n", R("/usr/bin/pythonx", "/usr/bin/pythonx", (), "/usr/bin/pythonx", (), None, None)),
    (b"#!/usr/bin/shx\n", R("/usr/bin/shx", "/usr/bin/shx", (), "/usr/bin/shx", (), None, None)),
    (b"#!/usr/bin/env Rscript\n", R("/usr/bin/env Rscript", "/usr/bin/env", ("Rscript",), "Rscript", (), "r", None,
                                    uses_env=True)),
    (b"#!/usr/bin/env -i PATH=/bin FOO=1 -u BAR python3\n",
     R("/usr/bin/env -i PATH=/bin FOO=1 -u BAR python3", "/usr/bin/env", ("-i PATH=/bin FOO=1 -u BAR python3",),
       "python3", (), "python", None, ONE_WORD, uses_env=True)),
    (b"#!/usr/bin/env PYTHONUNBUFFERED=1 python3\n",      # env sets PYTHONUNBUFFERED to "1 python3", runs nothing
     R("/usr/bin/env PYTHONUNBUFFERED=1 python3", "/usr/bin/env", ("PYTHONUNBUFFERED=1 python3",), "python3", (),
       "python", None, ONE_WORD, uses_env=True)),
    (b"#!/usr/bin/env --chdir /srv node app.js\n",
     R("/usr/bin/env --chdir /srv node app.js", "/usr/bin/env", ("--chdir /srv node app.js",), "node", ("app.js",),
       "node", None, ONE_WORD, uses_env=True)),
    (b"#!/usr/bin/env /opt/py/bin/python3\n",
     R("/usr/bin/env /opt/py/bin/python3", "/usr/bin/env", ("/opt/py/bin/python3",), "/opt/py/bin/python3", (),
       "python", None, uses_env=True)),
    (b"#!/usr/bin/env -S python3 -u -X dev\n",
     R("/usr/bin/env -S python3 -u -X dev", "/usr/bin/env", ("-S python3 -u -X dev",), "python3", ("-u", "-X", "dev"),
       "python", None, ENV_S, uses_env=True, env_split=True)),
    (b"#!/usr/bin/env -Snode --inspect\n",
     R("/usr/bin/env -Snode --inspect", "/usr/bin/env", ("-Snode --inspect",), "node", ("--inspect",), "node", None,
       ENV_S, uses_env=True, env_split=True)),
    (b"#!/usr/bin/env --split-string bash -e\n",
     R("/usr/bin/env --split-string bash -e", "/usr/bin/env", ("--split-string bash -e",), "bash", ("-e",), "shell",
       "bash", ENV_S, uses_env=True, env_split=True)),
    (b"#!/bin/sh\r\n", R("/bin/sh", "/bin/sh", (), "/bin/sh", (), "shell", "/bin/sh", CRLF, crlf=True)),
    (b"#!/usr/bin/env python3\r\n", R("/usr/bin/env python3", "/usr/bin/env", ("python3",), "python3", (), "python",
                                      None, CRLF, uses_env=True, crlf=True)),
    (b"\xef\xbb\xbf#!/bin/sh\n", R("/bin/sh", "/bin/sh", (), "/bin/sh", (), "shell", "/bin/sh", BOM, bom=True)),
    (b"#!bash\n", R("bash", "bash", (), "bash", (), "shell", "bash",
                    "the interpreter 'bash' is not an absolute path; the kernel will not search PATH")),
    (b"#!/bin/sh", R("/bin/sh", "/bin/sh", (), "/bin/sh", (), "shell", "/bin/sh")),         # no newline at all
    (b"#!\t/bin/sh\t-x \t\n", R("\t/bin/sh\t-x \t", "/bin/sh", ("-x",), "/bin/sh", ("-x",), "shell", "/bin/sh")),
])
def test_the_shebang_report(line, want):
    assert report(line) == want


def test_bytes_that_are_not_utf8_are_shown_replaced_not_an_error():
    """The kernel takes the #! line as bytes; a Latin-1 name in it is reported with U+FFFD, never a crash."""
    got = report(b"#!/opt/caf\xe9/bin/python3\n")
    assert (got["interpreter"], got["family"]) == ("/opt/caf\ufffd/bin/python3", "python")


def test_long_shebang_lines_are_cut_by_the_kernel():
    exact = b"#!/bin/sh " + b"x" * (256 - 10)                          # 256 bytes, no newline yet
    assert report(exact)["problems"] == ["the #! line is longer than 256 bytes; the kernel truncates it"]
    assert report(exact[:-1])["problems"] == []                        # 255 bytes: whole, as far as read
    old = b"#!/bin/sh " + b"x" * (129 - 10) + b"\n"                     # the newline at offset 129
    assert report(old)["problems"] == ["the #! line is longer than 128 bytes; Linux before 5.1 truncates it"]
    fits = b"#!/bin/sh " + b"x" * (128 - 10) + b"\n"                    # the newline at offset 128
    assert report(fits)["problems"] == []


@pytest.mark.parametrize("line,message", [
    (b"#!\n", "empty shebang line: '#!' names no interpreter"),
    (b"#! \t\r\n", "empty shebang line: '#!' names no interpreter"),
    (b"#!/usr/bin/env\n", "shebang uses env but names no program"),
    (b"#!/usr/bin/env -S\n", "shebang uses env but names no program"),
    (b"#!/usr/bin/env -u NAME\n", "shebang uses env but names no program"),
    (b"#!/usr/bin/env A=1 -i\n", "shebang uses env but names no program"),
    (b"echo hi\n", "not a script: the file does not start with '#!'"),
    (b"\xef\xbb\xbfecho hi\n", "not a script: the file does not start with '#!'"),
])
def test_shebangs_that_name_nothing_to_run(line, message):
    with pytest.raises(EvidenceError) as ei:
        parse_shebang(line, "/srv/run")
    assert (ei.value.message, ei.value.path) == (message, "/srv/run")
    assert ei.value.reason == ("not-elf" if message.startswith("not a script") else "malformed")


def test_an_empty_file_is_no_script(tmp_path):
    p = tmp_path / "empty"
    p.write_bytes(b"")
    with pytest.raises(EvidenceError) as ei:
        inspect_script(p)
    assert (ei.value.reason, ei.value.message) == ("empty", "empty file, not a script")


def test_only_the_first_line_is_read(tmp_path):
    p = tmp_path / "tool"
    p.write_bytes(b"#!/bin/sh\n" + b"#!/usr/bin/env python3\n" * 10000)
    r = inspect_script(p)
    assert (r.path, r.program, r.family) == (str(p), "/bin/sh", "shell")


@pytest.mark.parametrize("line,facts", [
    (b"#!/usr/bin/env python3\n", {("language", "python")}),
    (b"#!/usr/bin/env node\n", {("language", "node")}),
    (b"#!/bin/bash\n", {("needs_shell", "yes")}),
    (b"#!/usr/bin/perl\n", set()),
    (b"#!/usr/bin/env deno run\n", set()),
])
def test_what_a_script_tells_the_rule_base(tmp_path, line, facts):
    p = tmp_path / "tool"
    p.write_bytes(line + b"body\n")
    kind, _report, evidence = inspect_path(str(p))
    assert kind == "script"
    assert {(j.fact.name, j.fact.value) for j in evidence} == facts
    assert {j.note for j in evidence} <= {f"{p}:1 (#!{line[2:].decode().strip()})"}
