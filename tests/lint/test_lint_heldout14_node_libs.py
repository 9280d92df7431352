"""What the fourteenth held-out batch (tests/lint/realworld, heldout14-2026-12-01) showed lint missing, as mechanisms
(issue 9): a COPY of a glob (`backend/package*.json ./backend/`) whose files the npm step in that directory reads
(MI408 had read the context's root instead); a Node addon whose install downloads a binary built on a newer glibc
than the stage's (sqlite3 6.x, MI404); PySide2's wheels, which need the system libGL.so.1 (MI470); a distribution's
program copied out of the stage that installed its package, without its library, into an image named by
repository@digest (curl, MI412). Each test is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import json

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


def _npm_context(tmp_path, sub: str, deps: dict, locked: dict) -> str:
    d = tmp_path / sub if sub else tmp_path
    d.mkdir(parents=True, exist_ok=True)
    (d / "package.json").write_text(json.dumps({"dependencies": deps}))
    packages = {"": {"dependencies": deps}, **{f"node_modules/{n}": {"version": v} for n, v in locked.items()}}
    (d / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3, "packages": packages}))
    return str(tmp_path)


# ---- MI408: the lockfile a glob COPY put in the step's directory ---------------------------------------------------

_ALPINE_BACKEND = """\
FROM node:20-alpine
WORKDIR /app
RUN apk add --no-cache python3 make g++
COPY backend/package*.json ./backend/
WORKDIR /app/backend
RUN npm ci --omit=dev
CMD ["node", "src/server.js"]
"""


def test_glob_copy_into_a_subdirectory_reads_that_directorys_lockfile(knowledge, tmp_path):
    ctx = _npm_context(tmp_path, "backend", {"@huggingface/transformers": "^4.2.0"},
                       {"@huggingface/transformers": "4.2.0", "onnxruntime-node": "1.24.3"})
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"express": "^4"}}))  # the root: pure JS
    [f] = findings(knowledge, _ALPINE_BACKEND, "MI408", ctx)
    assert (f.severity, f.line) == ("warning", 6)
    assert "onnxruntime-node (indirect, from the lockfile)" in f.message and "glibc only" in f.message


def test_glob_copy_of_a_pure_js_backend_says_nothing(knowledge, tmp_path):
    ctx = _npm_context(tmp_path, "backend", {"express": "^4"}, {"express": "4.19.2"})
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"onnxruntime-node": "^1.24"}}))
    assert findings(knowledge, _ALPINE_BACKEND, "MI408", ctx) == []


def test_files_copied_alone_into_the_step_directory_name_their_directory(knowledge, tmp_path):
    ctx = _npm_context(tmp_path, "server", {"onnxruntime-node": "^1.24"}, {"onnxruntime-node": "1.24.3"})
    text = ("FROM node:20-alpine\nWORKDIR /app\nCOPY server/package.json server/package-lock.json ./\n"
            "RUN npm ci\nCMD [\"node\", \"index.js\"]\n")
    [f] = findings(knowledge, text, "MI408", ctx)
    assert f.line == 4 and "onnxruntime-node" in f.message


# ---- MI404: a prebuilt addon built on a newer glibc ----------------------------------------------------------------

_SLIM = """\
FROM node:20-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
{rebuild}CMD ["node", "src/server.js"]
"""


def test_sqlite3_6_prebuilt_needs_glibc_2_38_on_bookworm(knowledge, tmp_path):
    ctx = _npm_context(tmp_path, "", {"sqlite3": "^6.0.1"}, {"sqlite3": "6.0.1"})
    [f] = findings(knowledge, _SLIM.format(rebuild=""), "MI404", ctx)
    assert (f.severity, f.line) == ("error", 5)
    assert "sqlite3 6.0.1" in f.message and "GLIBC_2.38" in f.message and "ubuntu24.04, glibc 2.39" in f.message
    assert "node:20-slim (debian12, glibc 2.36)" in f.message
    assert "npm rebuild NAME --build-from-source" in f.fix


def test_sqlite3_rebuilt_from_source_or_an_older_line_says_nothing(knowledge, tmp_path):
    ctx = _npm_context(tmp_path, "", {"sqlite3": "^6.0.1"}, {"sqlite3": "6.0.1"})
    rebuilt = _SLIM.format(rebuild="RUN npm rebuild sqlite3 --build-from-source\n")
    assert findings(knowledge, rebuilt, "MI404", ctx) == []
    old = _npm_context(tmp_path / "old", "", {"sqlite3": "5.1.7"}, {"sqlite3": "5.1.7"})
    assert findings(knowledge, _SLIM.format(rebuild=""), "MI404", old) == []
    trixie = _SLIM.format(rebuild="").replace("node:20-slim", "node:22-trixie-slim")
    assert findings(knowledge, trixie, "MI404", ctx) == []


def test_sqlite3_range_without_a_lockfile_counts_from_its_floor(knowledge, tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"sqlite3": "^6.0.0"}}))
    text = "FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\n"
    [f] = findings(knowledge, text, "MI404", str(tmp_path))
    assert f.line == 4 and "sqlite3 6.0.0" in f.message


# ---- MI470: PySide2 opens libGL.so.1 ------------------------------------------------------------------------------

_PYRDP = """\
FROM ubuntu:18.04
RUN apt-get update && apt-get install -y python3 python3-pip libdbus-glib-1-dev{gl}
COPY . /app
RUN cd /app && pip3 install -e . -U
"""


def test_pyside2_from_setup_py_needs_libgl(knowledge, tmp_path):
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(name='a', install_requires=['PySide2'])\n")
    [f] = findings(knowledge, _PYRDP.format(gl=""), "MI470", str(tmp_path))
    assert (f.severity, f.line) == ("warning", 4)
    assert "pyside2 opens libGL.so.1" in f.message and "ubuntu:18.04" in f.message
    assert "libgl1" in f.fix and "opencv" not in f.fix
    assert findings(knowledge, _PYRDP.format(gl=" libgl1-mesa-glx"), "MI470", str(tmp_path)) == []


def test_pyside2_without_glib_names_libgthread(knowledge, tmp_path):
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(name='a', install_requires=['PySide2'])\n")
    text = _PYRDP.format(gl=" libgl1").replace(" libdbus-glib-1-dev", "")
    [f] = findings(knowledge, text, "MI470", str(tmp_path))
    assert "libgthread-2.0.so.0" in f.message


# ---- MI412: curl's program copied without libcurl -----------------------------------------------------------------

_DIGEST = "debian@sha256:b32674fb57780ad57d7b0749242d3f585f462f4ec4a60ae0adacd945f9cb9734"
_CURL_COPY = f"""\
FROM {_DIGEST} AS ca-certs
RUN apt update && apt install -y ca-certificates curl && update-ca-certificates
FROM {_DIGEST}
COPY --from=ca-certs "/etc/ssl/certs/ca-certificates.crt" "/etc/ssl/certs/"
COPY --from=ca-certs "/usr/bin/curl" "/usr/bin/curl"
ENTRYPOINT ["/app"]
"""


def test_curl_copied_out_of_its_stage_lacks_libcurl_even_by_digest(knowledge):
    [f] = findings(knowledge, _CURL_COPY, "MI412")
    assert (f.severity, f.line) == ("warning", 5)
    assert "lacks libcurl (/usr/bin/curl, from the curl package that stage installed, links libcurl.so.4)" in f.message
    assert "libcurl4 or libcurl4t64" in f.fix and "install curl itself" in f.fix
    # the digest still hides the release: MI414 says so as before
    assert findings(knowledge, _CURL_COPY, "MI414")


def test_curl_installed_in_the_final_stage_or_its_library_says_nothing(knowledge):
    installed = _CURL_COPY.replace('COPY --from=ca-certs "/usr/bin/curl" "/usr/bin/curl"\n',
                                   "RUN apt-get update && apt-get install -y curl\n")
    assert findings(knowledge, installed, "MI412") == []
    with_lib = _CURL_COPY.replace("ENTRYPOINT", "RUN apt-get update && apt-get install -y libcurl4\nENTRYPOINT")
    assert findings(knowledge, with_lib, "MI412") == []


def test_a_repository_digest_has_a_libc_only_when_all_its_images_agree(knowledge):
    from kb.lint.profiles import profile_for

    debian = profile_for(knowledge, _DIGEST)
    assert (debian.known, debian.libc, debian.libs_floor) == (False, "glibc", True) and "libcurl" not in debian.libs
    python = profile_for(knowledge, "python@sha256:" + "0" * 64)  # python:*-alpine is musl
    assert (python.libc, python.libs, python.libs_floor) == (None, None, False)


def test_mi414_on_a_repository_digest_says_the_libc_it_takes(knowledge):
    """MI414 still says the release is unknown, but no longer that the libc is when every image agrees on it."""
    text = f"FROM golang:1.22-bookworm AS b\nRUN go build -o /app .\nFROM {_DIGEST}\nCOPY --from=b /app /app\n"
    [f] = findings(knowledge, text, "MI414")
    assert "which release (every debian image lint knows has glibc), it names is not written" in f.message
    text = text.replace(_DIGEST, "python@sha256:" + "0" * 64)
    [f] = findings(knowledge, text, "MI414")
    assert "which release and libc, it names is not written" in f.message


def test_glob_sources_and_program_paths_stay_linear_on_hostile_patterns(knowledge, tmp_path):
    from kb.lint.landing import file_entries, files_dir
    from tests.bounded import within

    (tmp_path / "d").mkdir()
    for i in range(50):
        (tmp_path / "d" / ("a" * 60 + str(i))).write_text("")
    hostile = "d/" + "*a" * 40 + "b"
    with within(10):
        assert file_entries(str(tmp_path), "/x", [hostile]) == []
        text = f"FROM {_DIGEST} AS t\nRUN apt-get install -y curl\nFROM {_DIGEST}\nCOPY --from=t /{'*a' * 40}b /x/\n"
        assert findings(knowledge, text, "MI412") == []
    entries = [("/app/package.json", "backend/package.json")]
    assert files_dir(str(tmp_path), entries, "/app") is None  # not a file of the context: nothing claimed



def test_a_glob_under_a_link_out_of_the_context_lists_nothing_there(knowledge, tmp_path):
    """`COPY backend/package*.json` where backend is a symbolic link to a directory outside the context: Docker's
    COPY does not follow it out, and lint neither lists that directory nor reads its lockfile."""
    from kb.lint.landing import file_entries

    outside = tmp_path / "outside"
    _npm_context(outside, "backend", {"onnxruntime-node": "^1.24"}, {"onnxruntime-node": "1.24.3"})
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "backend").symlink_to(outside / "backend")
    assert file_entries(str(ctx), "/app/backend", ["backend/package*.json"]) == []
    assert findings(knowledge, _ALPINE_BACKEND, "MI408", str(ctx)) == []
    (ctx / "backend").unlink()
    (ctx / "backend").mkdir()
    (ctx / "backend" / "package.json").write_text("{}")
    assert file_entries(str(ctx), "/app/backend", ["backend/package*.json"]) == \
        [("/app/backend/package.json", "backend/package.json")]
