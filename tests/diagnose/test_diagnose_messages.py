"""`minimage-ask diagnose`: every example in rules.yaml, the real-world message variants, the CLI and its exits."""
from __future__ import annotations

import io
import json
import sys
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kb
from kb.diagnose import DiagnoseInputError, diagnose
from shell.cli import Env, main


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


def _examples():
    for d in kb.load().knowledge.diagnoses.values():
        for i, ex in enumerate(d.examples):
            yield pytest.param(d.id, ex, id=f"{d.id}-{i}")


@pytest.mark.parametrize("did,text", list(_examples()))
def test_every_example_is_recognised_as_its_own_diagnosis(knowledge, did, text):
    matches = diagnose(knowledge, text)
    assert did in [m.id for m in matches]
    # another explanation of the same text may be offered, but never as a certain one
    assert all(m.confidence != "certain" for m in matches if m.id != did), [(m.id, m.confidence) for m in matches]


def _negative_examples():
    for d in kb.load().knowledge.diagnoses.values():
        for i, ex in enumerate(d.negative_examples):
            yield pytest.param(d.id, ex, id=f"{d.id}-not-{i}")


@pytest.mark.parametrize("did,text", list(_negative_examples()))
def test_no_negative_example_is_diagnosed_as_its_diagnosis(knowledge, did, text):
    assert did not in [m.id for m in diagnose(knowledge, text)]


def test_every_diagnosis_has_examples_for_every_pattern_and_a_known_confidence(knowledge):
    import re

    for d in knowledge.diagnoses.values():
        assert d.confidence in ("certain", "likely", "possible")
        for p in d.patterns:
            assert any(re.search(p, ex, re.IGNORECASE) for ex in d.examples), (d.id, p)


@pytest.mark.parametrize("text,did", [
    # missing loader, old and new runtime wordings
    ("exec /app: no such file or directory", "MI501"),
    ("standard_init_linux.go:228: exec user process caused: no such file or directory", "MI501"),
    ('standard_init_linux.go:211: exec user process caused "no such file or directory"', "MI501"),
    ("[8] System error: no such file or directory", "MI501"),
    ("sh: ./app: not found", "MI501"),
    ("/bin/sh: 1: ./hello: not found", "MI501"),
    ("bash: line 1: ./app: cannot execute: required file not found", "MI501"),
    # missing shell wins over missing loader
    ("exec /bin/sh: no such file or directory", "MI502"),
    ('OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "/bin/sh": '
     "stat /bin/sh: no such file or directory: unknown", "MI502"),
    ('exec: "sh": executable file not found in $PATH', "MI502"),
    ("Error relocating /usr/lib/libfoo.so: __res_init: symbol not found", "MI504"),
    ("error while loading shared libraries: libstdc++.so.6: cannot open shared object file", "MI505"),
    ("./app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.39' not found (required by ./app)", "MI506"),
    ("version `CXXABI_1.3.15' not found", "MI507"),
    ("tls: failed to verify certificate: x509: certificate signed by unknown authority", "MI508"),
    ("requests.exceptions.SSLError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "MI508"),
    ("unknown time zone Europe/Paris", "MI509"),
    ("ZoneInfoNotFoundError", "MI510"),
    ("unable to find user app: no matching entries in passwd file", "MI511"),
    ("Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub", "MI512"),
    ("exec /app: exec format error", "MI513"),
])
def test_message_variants(knowledge, text, did):
    assert [m.id for m in diagnose(knowledge, text)] == [did]


def test_facts_take_the_named_groups(knowledge):
    [m] = diagnose(knowledge, "/app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found")
    assert m.facts == {"binary_libc": "glibc", "binary_glibc": "2.34"}
    assert [t.rule for t in m.trail] == ["MI151", "MI404", "MI303"]
    # each step of the trail says what its rule means (the JSON output's "trail")
    assert (m.trail[0].name, m.trail[0].summary) == (
        "final-image-glibc-is-new-enough", "A glibc program needs a glibc at least as new as the one it was built against.")
    [m] = diagnose(knowledge, "error while loading shared libraries: libgcc_s.so.1: cannot open shared object file")
    assert m.facts == {"binary_needs": "libgcc_s.so.1"} and m.answers == {}


def test_a_log_with_several_errors_gives_each_once_in_order(knowledge):
    log = ("starting...\nGet https://x: x509: certificate signed by unknown authority\n"
           "panic: unknown time zone Asia/Tokyo\nagain: x509: certificate signed by unknown authority\n")
    matches = diagnose(knowledge, log)
    assert [(m.id, m.line) for m in matches] == [("MI508", 2), ("MI509", 3)]
    assert {k: v for m in matches for k, v in m.answers.items()} == {"tls": "yes", "language": "go",
                                                                     "timezones": "yes"}


@pytest.mark.parametrize("text", ["", "   \n", "a\0b", "x" * ((1 << 20) + 1)])
def test_bad_input_raises(knowledge, text):
    with pytest.raises(DiagnoseInputError):
        diagnose(knowledge, text)


@settings(max_examples=200, deadline=500)
@given(st.text(max_size=500))
def test_any_text_is_handled(text):
    knowledge = kb.load().knowledge
    try:
        diagnose(knowledge, text)
    except DiagnoseInputError:
        pass


def test_long_lines_are_bounded(knowledge):
    import time

    t0 = time.perf_counter()
    diagnose(knowledge, ("exec " + "a" * 200_000 + ": ") * 4)
    assert time.perf_counter() - t0 < 2


# ---- the command ----------------------------------------------------------------------------------------------------


def run(*argv, stdin="", tty=False):
    env = Env(stdin=io.StringIO(stdin), stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=tty,
              stdout_isatty=tty, environ={})
    code = main(["diagnose", *argv], env)
    return code, env.stdout.getvalue(), env.stderr.getvalue()


def test_text_output_and_the_continue_command_when_not_a_terminal():
    code, out, err = run("Get https://x: x509: certificate signed by unknown authority")
    assert code == 0 and err == ""
    assert out.startswith("MI508 missing-ca-certificates (line 1:")
    assert "cause:" in out and "fix:" in out and "rules:  MI101 tls-needs-ca-certificates -> MI154" in out
    assert out.rstrip().endswith("minimage-ask --answer tls=yes")


def test_stdin_is_read_when_no_text_is_given():
    code, out, _ = run(stdin="panic: unknown time zone America/Los_Angeles\n")
    assert code == 0 and "MI509" in out and "--answer language=go --answer timezones=yes" in out


def test_json_output():
    code, out, _ = run("--format", "json", "version `GLIBC_2.34' not found")
    doc = json.loads(out)
    assert code == 0 and doc["matches"][0]["id"] == "MI506" and doc["matches"][0]["facts"]["binary_glibc"] == "2.34"
    assert doc["continue"] == "minimage-ask"


def test_nothing_recognised_exits_1():
    code, out, _ = run("everything is fine")
    assert code == 1 and out.startswith("Not recognised")


def test_bad_input_exits_2():
    code, _, err = run(stdin="")
    assert code == 2
    assert err == "Error: no text to diagnose: give the error message as an argument or on standard input\n"
    code, _, err = run(stdin="a\0b")
    assert code == 2
    assert err == "Error: the text contains NUL bytes: it looks like binary data, not an error message\n"


def test_in_a_terminal_it_offers_to_continue_and_runs_the_chat(monkeypatch):
    seen = {}

    def fake_run_chat(rb, session, args, env):
        seen["answers"] = dict(session.answers)
        return 0

    monkeypatch.setitem(sys.modules, "shell.chat", types.SimpleNamespace(run_chat=fake_run_chat))
    code, out, _ = run("x509: certificate signed by unknown authority", stdin="\n", tty=True)
    assert code == 0 and "Continue the consultation with what this tells us? [Y/n]" in out
    assert seen["answers"] == {"tls": "yes"}


def test_in_a_terminal_no_means_no(monkeypatch):
    monkeypatch.setitem(sys.modules, "shell.chat", types.SimpleNamespace(run_chat=lambda *a: pytest.fail("ran")))
    code, out, _ = run("x509: certificate signed by unknown authority", stdin="n\n", tty=True)
    assert code == 0 and out.rstrip().endswith("[Y/n]")


def test_without_the_chat_module_it_prints_the_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "shell.chat", None)  # import fails
    code, out, _ = run("unknown time zone UTC+1", stdin="y\n", tty=True)
    assert code == 0 and "minimage-ask --answer language=go --answer timezones=yes" in out


def test_help():
    code, out, _ = run("--help")
    assert code == 0 and "examples:" in out and "exit status" in out


def test_facts_beyond_answers_enter_the_continued_consultation_as_evidence(monkeypatch):
    seen = {}

    def fake_run_chat(rb, session, args, env):
        seen["evidence"] = {(j.fact.name, j.fact.value): j.note for j in session.evidence}
        seen["plans"] = [p.strategy for p in session.result().plans]
        return 0

    monkeypatch.setitem(sys.modules, "shell.chat", types.SimpleNamespace(run_chat=fake_run_chat))
    message = "/app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /app)"
    code, _, _ = run(message, stdin="y\n", tty=True)
    assert code == 0
    assert seen["evidence"][("binary_glibc", "2.38")].startswith("the error message (MI5")
    assert "prebuilt-binary" in seen["plans"]  # the binary as it is, on images with glibc >= 2.38


# ---- issue 14: mechanisms, confidence and the fix for the situation --------------------------------------------------


@pytest.mark.parametrize("text,did,confidence,fix_key", [
    # paraphrases of known mechanisms
    ("panic: time: missing Location in call to Time.In", "MI509", "likely", "tzdata"),
    ("Error getting user: user: lookup userid 0: no such file or directory", "MI511", "likely", "passwd-entry"),
    ("bash: /opt/jdk/bin/java: No such file or directory", "MI501", "likely", "glibc-image"),
    ("ImportError: libGL.so.1: cannot open shared object file: No such file or directory", "MI505", "certain",
     "install-lib"),
    ("Error: spawnSync /bin/bash ENOENT", "MI502", "likely", "use-sh"),
    ("Expected directory: node-v57-linux-x64-musl\nFound: [node-v46-linux-x64-glibc]", "MI503", "certain",
     "reinstall-deps"),
    ("Couldn't find a valid ICU package installed on the system.", "MI522", "certain", "install-icu"),
    ("ERROR: Job failed: /bin/sh not found in $PATH", "MI502", "certain", "exec-form"),
    ("Get \"https://x\": tls: failed to verify certificate: x509: certificate signed by unknown authority", "MI508",
     "likely", "ca-bundle"),
    # build time
    ("unable to execute 'gcc': No such file or directory", "MI517", "certain", "install-compiler"),
    ("/usr/bin/ld: cannot find crt1.o: No such file or directory", "MI518", "certain", "install-libc-dev"),
    ("src/x.c:1:10: fatal error: errno.h: No such file or directory", "MI518", "certain", "install-libc-dev"),
    ("fatal error: Python.h: No such file or directory", "MI519", "certain", "install-python-dev"),
    ('Error: java.io.IOException: Cannot run program "objcopy": error=2, No such file or directory', "MI520",
     "certain", "install-binutils"),
    # segfaults: possible, likely with a musl hint
    ("Segmentation fault (core dumped)", "MI521", "possible", "thread-stack"),
    ("FROM python:3.12-alpine\nSegmentation fault (core dumped)", "MI521", "likely", "thread-stack"),
    # scripts are not ELF programs
    ("/bin/sh^M: bad interpreter: No such file or directory", "MI514", "certain", "crlf"),
    ("exec /entrypoint.sh: no such file or directory", "MI514", "likely", "crlf"),
    ("env: 'bash': No such file or directory", "MI515", "certain", "use-sh"),
    ("sh: ./run.sh: not found", "MI515", "likely", "use-sh"),
    # Python without its standard library (checked: python3.11 alone in an empty chroot, and PYTHONHOME=/nowhere)
    ("Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding\n"
     "Python runtime state: core initialized\nModuleNotFoundError: No module named 'encodings'", "MI525", "likely",
     "python-stdlib"),
    ("Python path configuration:\n  PYTHONHOME = '/opt/python'\n  PYTHONPATH = (not set)\n"
     "Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding", "MI525",
     "likely", "python-home"),
    # curl or git with no CA bundle file at all (the file named is missing): certain
    ("curl: (77) error setting certificate verify locations:  CAfile: /etc/ssl/certs/ca-certificates.crt CApath: none",
     "MI508", "certain", "ca-bundle"),
    # QEMU's user-mode emulation without the program's loader (message checked with qemu-x86_64-static in an empty
    # chroot): another CPU's image, or no glibc; the image named decides the first fix
    ("qemu-x86_64: Could not open '/lib64/ld-linux-x86-64.so.2': No such file or directory", "MI526", "likely",
     "platform"),
    ("FROM node:20-alpine\nqemu-x86_64: Could not open '/lib64/ld-linux-x86-64.so.2': No such file or directory",
     "MI526", "likely", "glibc-image"),
    # the Docker host, not the image
    ("failed to register layer: Error processing tar file(exit status 1): no space left on device", "MI524",
     "certain", "host-fix"),
    ("Error response from daemon: Get https://registry-1.docker.io/v2/: x509: certificate signed by unknown authority",
     "MI524", "certain", "host-fix"),
    # the first fix fits the situation
    ("exec /app: no such file or directory", "MI501", "likely", "static-build"),
    ("Error relocating /opt/vendor/bin/tool: __fprintf_chk: symbol not found", "MI504", "certain", "glibc-image"),
    ("/app: error while loading shared libraries: libssl.so.1.1: cannot open shared object file", "MI505", "certain",
     "same-release"),
    ("docker: Error response from daemon: unable to find user app: no matching entries in passwd file.", "MI511",
     "likely", "numeric-user"),
    ("user: unknown userid 1000680000", "MI511", "likely", "passwd-entry"),
])
def test_mechanisms(knowledge, text, did, confidence, fix_key):
    first = diagnose(knowledge, text)[0]
    assert (first.id, first.confidence, first.fix_key) == (did, confidence, fix_key)


def test_a_cgo_program_is_not_told_to_disable_cgo(knowledge):
    [m] = diagnose(knowledge, "exec /app: no such file or directory\n(built with go-sqlite3)")
    assert m.fix_key == "static-build" and "CGO_ENABLED=0 is not an option" in m.fix
    [m] = diagnose(knowledge, "exec /app: no such file or directory")
    assert "CGO_ENABLED=0" in m.fix and "not an option" not in m.fix


def test_exact_packages_per_family_and_release(knowledge):
    [m] = diagnose(knowledge, "app: error while loading shared libraries: libssl.so.3: cannot open shared object file")
    assert "libssl3t64" in m.fix and "bookworm" in m.fix and "apk add libssl3" in m.fix
    [m] = diagnose(knowledge, "Error loading shared library libstdc++.so.6: No such file or directory (needed by /app)")
    assert "apk add libstdc++ libgcc" in m.fix


def test_one_match_per_mechanism_a_missing_libstdcxx_is_not_also_a_glibc_object(knowledge):
    log = ("Error loading shared library libstdc++.so.6: No such file or directory (needed by ./tool)\n"
           "Error relocating ./tool: _ZSt9terminatev: symbol not found\n"
           "Error relocating ./tool: __cxa_guard_acquire: symbol not found\n")
    assert [m.id for m in diagnose(knowledge, log)] == ["MI505"]


def test_an_ambiguous_script_error_gets_both_causes_likelier_first_and_none_certain(knowledge):
    matches = diagnose(knowledge, "exec /docker-entrypoint.sh: no such file or directory")
    assert [(m.id, m.confidence) for m in matches] == [("MI514", "likely"), ("MI515", "likely")]
    matches = diagnose(knowledge, "exec /docker-entrypoint.sh: exec format error")
    assert [(m.id, m.confidence) for m in matches] == [("MI513", "likely"), ("MI516", "likely")]


@pytest.mark.parametrize("text", [
    "zoneinfo._common.ZoneInfoNotFoundError: 'No time zone found with key \"Europe/Berlin\"'",  # quoted TZ value
    "Get https://10.0.0.5:5000/v2/: x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: "
    "verification error\" while trying to verify candidate authority certificate \"registry\")",
    "ImportError: Error relocating /usr/lib/x.so: (null): initial-exec TLS resolves to dynamic definition in /usr/lib/x.so",
    'Cannot run program "objcopy": error=0, Failed to exec spawn helper: pid: 37, exit value: 1',
    "src/main.c:3:10: fatal error: curl/curl.h: No such file or directory",
])
def test_look_alikes_get_no_confident_wrong_diagnosis(knowledge, text):
    assert all(m.confidence != "certain" for m in diagnose(knowledge, text))


def test_patterns_ignore_case(knowledge):
    """A log that shouts (or a tool that capitalises) is recognised the same."""
    [m] = diagnose(knowledge, "/APP: /LIB/X86_64-LINUX-GNU/LIBC.SO.6: VERSION `GLIBC_2.38' NOT FOUND")
    assert m.id == "MI506" and m.facts == {"binary_libc": "glibc", "binary_glibc": "2.38"}
