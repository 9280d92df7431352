"""What the eighth held-out batch (tests/lint/realworld, heldout8-2026-11-30) showed lint missing for Python
environments copied between stages, and a false MI402, as mechanisms (issue 9): pip's general options before
`install` hid a venv filled on glibc and copied into Alpine (MI413); MI471 did not follow paths built from ARGs,
digest-pinned distroless python3 images or stages other than the last; MI402 compared a known final libc with an
unknown builder's and said "static only by default ()". Found on the way: uv's `uv pip install` and `uv sync` were
not read at all, and MI413 judged only the last stage. Each test is a small Dockerfile of our own, not a corpus
file."""
from __future__ import annotations

import pytest

import kb
from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.profiles import profile_for
from kb.lint.shellwords import expand_known, pip_args

DIGEST = "sha256:233de06753d30d120b1a3ce359d8d3be8bda78524cd8f520c99883bfe33964cf"


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


def findings(knowledge, text: str, rule: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"))
    return [f for f in report if rule is None or f.rule == rule]


# ---- words ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("words", "expected"), [
    (["--disable-pip-version-check", "install", "x"], ["install", "--disable-pip-version-check", "x"]),
    (["-q", "--cache-dir", "/c", "install", "-r", "r.txt"], ["install", "-q", "--cache-dir", "/c", "-r", "r.txt"]),
    (["install", "--no-cache-dir", "x"], ["install", "--no-cache-dir", "x"]),
    (["--version"], ["--version"]),
])
def test_pip_general_options_before_the_subcommand_move_after_it(words, expected):
    assert pip_args(words) == expected


def test_an_arg_default_expands_the_args_it_names_and_keeps_the_others():
    scope = {"PY": "3.11"}
    assert expand_known("/usr/local/lib/python${PY}/site-packages", scope) == "/usr/local/lib/python3.11/site-packages"
    assert expand_known("/opt/${UNSET}/$PY", scope) == "/opt/${UNSET}/3.11"


def test_expand_known_is_linear_on_hostile_text():
    word = "${" * 20000 + "$A" * 20000
    assert expand_known(word, {"A": "b"}).endswith("b" * 100)


# ---- digests of images whose name pins the release -----------------------------------------------------------------

@pytest.mark.parametrize(("ref", "known", "release"), [
    (f"gcr.io/distroless/python3-debian13@{DIGEST}", True, "debian13"),
    (f"gcr.io/distroless/python3-debian12@{DIGEST}", True, "debian12"),
    (f"gcr.io/distroless/python3@{DIGEST}", False, None),  # unsuffixed: which Debian depends on the tag's date
    (f"gcr.io/distroless/cc-debian12@{DIGEST}", False, None),  # a :debug tag of it has a shell: the tag decides
    (f"python@{DIGEST}", False, None),
])
def test_a_digest_keeps_the_meaning_its_name_pins(knowledge, ref, known, release):
    prof = profile_for(knowledge, ref)
    assert (prof.known, prof.release) == (known, release)


# ---- MI413: packages installed on one libc, copied to another ------------------------------------------------------

SLIM_TO_ALPINE = """FROM --platform=linux/amd64 python:3.14-slim AS builder
ARG version
RUN python3 -m venv venv && venv/bin/pip3 --disable-pip-version-check install some-exporter==${version}
FROM python:3.14-alpine
COPY --from=builder /venv /venv
ENTRYPOINT ["/venv/bin/python3", "-m", "some_exporter"]
"""


def test_a_venv_filled_on_glibc_with_pip_options_first_is_flagged_on_alpine(knowledge):
    [f] = findings(knowledge, SLIM_TO_ALPINE, "MI413")
    assert (f.line, f.severity) == (5, "warning")
    assert "python:3.14-slim (glibc 2.41)" in f.message and "python:3.14-alpine (musl)" in f.message
    assert "native modules among them will not load" in f.message
    assert "as of today" not in f.message  # glibc against musl does not depend on a tag's date
    assert "stage FROM python:3.14-alpine" in f.fix


def test_the_same_venv_built_on_alpine_is_clean(knowledge):
    assert findings(knowledge, SLIM_TO_ALPINE.replace("python:3.14-slim", "python:3.14-alpine"), "MI413") == []


def test_a_target_tree_names_the_packages_with_compiled_code(knowledge):
    text = ("FROM python:3.12-slim-bookworm AS build\n"
            "RUN python -m pip -q install --target /deps pydantic-core flask orjson\n"
            "FROM python:3.12-alpine\nCOPY --from=build /deps /usr/local/lib/python3.12/site-packages\n"
            'CMD ["python", "-m", "app"]\n')
    [f] = findings(knowledge, text, "MI413")
    assert f.line == 4 and f.message.endswith("; pydantic-core and orjson among them have compiled code")


# ---- MI471: Python environments across Python minor versions -------------------------------------------------------

ARG_BUILT = f"""ARG PYTHON_VERSION=3.11
ARG SITE=/usr/local/lib/python${{PYTHON_VERSION}}/site-packages
FROM python:${{PYTHON_VERSION}}-slim@{DIGEST} AS builder
RUN pip install pydantic
FROM gcr.io/distroless/python3-debian13@{DIGEST} AS slim
ARG SITE
COPY --from=builder ${{SITE}} ${{SITE}}
ENV PYTHONPATH=${{SITE}}
ENTRYPOINT ["python3", "-m", "app"]
FROM python:${{PYTHON_VERSION}}-slim@{DIGEST}
ARG SITE
COPY --from=builder ${{SITE}} ${{SITE}}
CMD ["python", "-m", "app"]
"""


def test_an_arg_built_site_packages_into_a_digest_pinned_distroless_stage_that_is_not_last(knowledge):
    [f] = findings(knowledge, ARG_BUILT, "MI471")
    assert (f.line, f.severity) == (7, "warning")
    assert f.message.startswith("/usr/local/lib/python3.11/site-packages is built with Python 3.11")
    assert "gcr.io/distroless/python3-debian13@" in f.message and "whose Python is 3.13" in f.message
    assert "ABI tag" in f.message and "ModuleNotFoundError" in f.message


def test_the_same_file_on_python_3_13_is_clean(knowledge):
    assert findings(knowledge, ARG_BUILT.replace("PYTHON_VERSION=3.11", "PYTHON_VERSION=3.13"), "MI471") == []


def test_debian12_distroless_is_python_3_11(knowledge):
    assert findings(knowledge, ARG_BUILT.replace("python3-debian13", "python3-debian12"), "MI471") == []


def test_a_stage_without_python_that_only_collects_the_environment_is_not_judged(knowledge):
    text = ("FROM python:3.11-slim AS builder\nRUN python -m venv /venv && /venv/bin/pip install flask\n"
            "FROM alpine:3.20 AS collect\nCOPY --from=builder /venv /out/venv\n"
            "FROM python:3.12-slim AS other\nCOPY --from=builder /venv /venv\n"
            "FROM python:3.11-slim\nCOPY --from=collect /out/venv /venv\nCMD [\"/venv/bin/flask\", \"run\"]\n")
    assert [f.line for f in findings(knowledge, text, "MI471")] == [6]  # the 3.12 stage only


# ---- MI402: a builder whose C library lint does not know -----------------------------------------------------------

UNKNOWN_BUILDER = """FROM golang@sha256:6b6fd1071edb52b61f79aec51281c55050f58dd58e2080b4e24556607c98086f AS build
RUN apk add --no-cache gcc musl-dev
WORKDIR /src
COPY . .
RUN go build -o /out/app .
FROM {final}
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""


def test_an_unknown_builder_into_an_image_with_a_c_library_gets_no_mi402(knowledge):
    assert findings(knowledge, UNKNOWN_BUILDER.format(final="alpine:3.18"), "MI402") == []
    assert [f.rule for f in findings(knowledge, UNKNOWN_BUILDER.format(final="alpine:3.18"))] == ["MI414"]


def test_an_unknown_builder_with_gcc_into_scratch_says_cgo_is_on(knowledge):
    [f] = findings(knowledge, UNKNOWN_BUILDER.format(final="scratch"), "MI402")
    assert (f.line, f.severity) == (5, "warning")
    assert "is built with cgo on (a C compiler is installed; which C library golang@sha256:" in f.message
    assert "()" not in f.message and "static only by default" not in f.message
    assert f.message.endswith("links a C library, which scratch lacks")


def test_an_unknown_builder_without_gcc_is_not_said_to_have_no_compiler(knowledge):
    text = UNKNOWN_BUILDER.format(final="scratch").replace("RUN apk add --no-cache gcc musl-dev\n", "")
    [f] = findings(knowledge, text, "MI402")
    assert "is static only by default (cgo is off by default if golang@sha256:" in f.message
    assert "an image lint does not know, has no C compiler)" in f.message


# ---- uv: `uv pip install` and `uv sync` are read like pip's steps ----------------------------------------------------

UV_LOCK = ('version = 1\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n'
           'dependencies = [\n    { name = "pydantic" },\n]\n\n[[package]]\nname = "pydantic"\nversion = "2.9.2"\n'
           'dependencies = [\n    { name = "pydantic-core" },\n]\n\n[[package]]\nname = "Pydantic_Core"\n'
           'version = "2.23.4"\n\n[package.optional-dependencies]\nname = "not-a-package"\n')

UV_SYNC = """FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS builder
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
FROM {final}
COPY --from=builder /app/.venv /app/.venv
CMD ["/app/.venv/bin/python", "-m", "app"]
"""


def test_uv_lock_gives_every_package_and_nothing_else(tmp_path):
    from kb.lint.uvsteps import uv_locked

    (tmp_path / "uv.lock").write_text(UV_LOCK)
    assert uv_locked(str(tmp_path)) == ["app", "pydantic", "pydantic-core"]
    assert uv_locked(None) == [] and uv_locked(str(tmp_path / "nowhere")) == []


def test_uv_sync_on_glibc_copied_to_alpine_names_the_locked_compiled_package(knowledge, tmp_path):
    (tmp_path / "uv.lock").write_text(UV_LOCK)
    report = lint_report(knowledge, parse_dockerfile_text(UV_SYNC.format(final="python:3.12-alpine"), "Dockerfile"),
                         context_dir=str(tmp_path))
    [f] = [f for f in report if f.rule == "MI413"]
    assert f.line == 6 and f.message.startswith("uv installed packages on ghcr.io/astral-sh/uv:python3.12-bookworm-slim")
    assert f.message.endswith("; pydantic-core among them has compiled code")


def test_uv_sync_into_the_same_libc_is_clean(knowledge, tmp_path):
    (tmp_path / "uv.lock").write_text(UV_LOCK)
    report = lint_report(knowledge, parse_dockerfile_text(UV_SYNC.format(final="python:3.12-slim-bookworm"),
                                                          "Dockerfile"), context_dir=str(tmp_path))
    assert [f.rule for f in report if f.severity != "info"] == []


@pytest.mark.parametrize(("run", "copied", "flagged"), [
    ("uv --no-cache pip install --python /opt/venv/bin/python orjson", "/opt/venv", True),
    ("uv pip install --system orjson", "/usr/local/lib/python3.12/site-packages", True),
    ("uv pip install --target=/deps orjson", "/deps", True),
    ("cd /srv && uv pip install orjson", "/srv/.venv", True),  # no --system, no VIRTUAL_ENV: .venv here
    ("uv pip install --target=/deps orjson", "/elsewhere", False),
])
def test_uv_pip_install_puts_packages_where_uv_does(knowledge, run, copied, flagged):
    text = (f"FROM python:3.12-slim-bookworm AS build\nRUN pip install uv\nRUN {run}\nFROM python:3.12-alpine\n"
            f"COPY --from=build {copied} {copied}\nCMD [\"python\", \"-m\", \"app\"]\n")
    hits = findings(knowledge, text, "MI413")
    assert [(f.line, "orjson among them has compiled code" in f.message) for f in hits] == \
        ([(5, True)] if flagged else [])


# ---- MI413 in a stage that is not the last -------------------------------------------------------------------------

TARGETS = """FROM python:3.12-slim-bookworm AS build
RUN python -m venv /venv && /venv/bin/pip install orjson
FROM {middle} AS {name}
COPY --from=build /venv /venv
FROM python:3.12-slim-bookworm
COPY --from=build /venv /venv
CMD ["/venv/bin/python", "-m", "app"]
"""


def test_a_target_stage_on_alpine_python_is_judged(knowledge):
    [f] = findings(knowledge, TARGETS.format(middle="python:3.12-alpine", name="slim"), "MI413")
    assert f.line == 4 and "copied into python:3.12-alpine (musl)" in f.message


def test_a_stage_that_only_collects_the_packages_is_not(knowledge):
    assert findings(knowledge, TARGETS.format(middle="alpine:3.20", name="collect"), "MI413") == []
