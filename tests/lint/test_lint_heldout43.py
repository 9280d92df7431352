"""What the held-out batch 43 (tests/lint/realworld, heldout43-2026-12-04) showed lint saying wrong or missing, as
mechanisms (issue 9): an environment on uv's managed Python under /root, run by another USER, fails on permissions,
not on the Python version (MI471's message); Red Hat's ubi7 minimal image is RHEL 7, not 9; a manual page copied
from a build stage brings no program (MI412); Prisma's libssl linked into /lib by hand on Alpine (MI441). Each test
is a small Dockerfile of our own, not a corpus file."""
from __future__ import annotations

import pytest

from kb.lint.profiles import profile_for
from tests.lint.context_files import findings_of, write_context

# ---- MI471: uv's managed Python under /root, out of a later USER's reach ------------------------------------------

_UV_USER = """\
FROM python:3.14-slim-bookworm
COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/
WORKDIR /app
COPY . /app
RUN uv sync --frozen
USER {user}
ENTRYPOINT ["uv", "run", "-m", "app"]
"""


def test_a_managed_python_under_root_run_by_another_user_fails_on_permissions(knowledge, tmp_path):
    ctx = write_context(tmp_path, {".python-version": "3.13\n"})
    [f] = findings_of(knowledge, _UV_USER.format(user="pwuser"), "MI471", ctx)
    assert f.line == 5
    assert "USER pwuser runs it" in f.message and '"Permission denied"' in f.message
    assert "ModuleNotFoundError" not in f.message and "does not look under" not in f.message


def test_root_reaches_its_own_managed_python(knowledge, tmp_path):
    ctx = write_context(tmp_path, {".python-version": "3.13\n"})
    assert findings_of(knowledge, _UV_USER.format(user="root"), "MI471", ctx) == []


def test_an_environment_copied_across_versions_still_says_the_version_skew(knowledge):
    text = ("FROM python:3.13-slim AS build\nRUN python -m venv /venv\nFROM python:3.14-slim\n"
            "COPY --from=build /venv /venv\nCMD [\"/venv/bin/python\", \"-m\", \"app\"]\n")
    [f] = findings_of(knowledge, text, "MI471")
    assert "but runs on python:3.14-slim, whose Python is 3.14: Python 3.14 does not look under lib/python3.13" \
        in f.message and f.message.endswith('expect "ModuleNotFoundError"')


# ---- ubi7's minimal image is RHEL 7 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("ref, release", [("registry.redhat.io/ubi7/ubi-minimal", "rhel7"),
                                          ("registry.access.redhat.com/ubi7/ubi-minimal:7.9", "rhel7"),
                                          ("registry.access.redhat.com/ubi8/ubi-minimal", "rhel8"),
                                          ("registry.access.redhat.com/ubi9/ubi-minimal:9.4", "rhel9")])
def test_the_minimal_ubi_image_is_the_release_its_repository_names(knowledge, ref, release):
    assert profile_for(knowledge, ref).release == release


_TO_UBI = """\
FROM debian:buster AS builder
RUN apt-get update && apt-get install -y gcc libssl-dev
COPY app.c /src/
RUN gcc -o /bin/app /src/app.c -lssl -lcrypto
FROM {image}
COPY --from=builder /bin/app /bin/app
CMD ["/bin/app"]
"""


def test_openssl_of_rhel9_is_not_claimed_of_ubi7(knowledge):
    assert findings_of(knowledge, _TO_UBI.format(image="registry.redhat.io/ubi7/ubi-minimal"), "MI450") == []
    [f] = findings_of(knowledge, _TO_UBI.format(image="registry.redhat.io/ubi9/ubi-minimal"), "MI450")
    assert "rhel9" in f.message


# ---- MI412: a manual page is text -----------------------------------------------------------------------------------

_MAN = """\
FROM debian:bookworm AS builder
RUN apt-get update && apt-get install -y gcc libpng-dev go-md2man
COPY . /src
RUN gcc -o /app /src/app.c -lpng && go-md2man -in /src/help.md -out /{page}
FROM debian:bookworm-slim
COPY --from=builder "/{page}" /
CMD ["/bin/true"]
"""


@pytest.mark.parametrize("page", ["help.1", "tool-x.8.gz"])
def test_a_manual_page_from_a_build_stage_needs_no_library(knowledge, page):
    assert findings_of(knowledge, _MAN.format(page=page), "MI412") == []


def test_a_program_whose_name_ends_in_a_version_still_needs_its_libraries(knowledge):
    [f] = findings_of(knowledge, _MAN.format(page="app").replace("-o /app", "-o /app-1.2.3")
                      .replace('"/app"', '"/app-1.2.3"'), "MI412")
    assert "libpng" in f.message


# ---- MI441: libssl linked by hand into /lib, where Prisma's detection reads on Alpine -------------------------------

_PRISMA = """\
FROM node:22.12-alpine AS base
{link}
FROM base AS build
WORKDIR /app
COPY . .
RUN yarn install --frozen-lockfile && yarn build
FROM base
WORKDIR /app
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/node_modules/.prisma ./node_modules/.prisma
CMD ["node", "server.js"]
"""


@pytest.mark.parametrize("link", ["RUN ln -s /usr/lib/libssl.so.3 /lib/libssl.so.3",
                                  "RUN apk add --no-cache libc6-compat && ln -sf /usr/lib/libssl.so.3 /lib/",
                                  "RUN sh -c '[ ! -e /lib/libssl.so.3 ] && ln -s /usr/lib/libssl.so.3 /lib/libssl.so.3 || true'"])
def test_libssl_linked_into_lib_satisfies_prisma_on_alpine(knowledge, link):
    assert findings_of(knowledge, _PRISMA.format(link=link), "MI441") == []


@pytest.mark.parametrize("link", ["RUN true", "RUN ln -s /usr/lib/libssl.so.3 /usr/local/lib/libssl.so.3",
                                  "RUN ln -s /usr/lib/libcrypto.so.3 /lib/libcrypto.so.3",
                                  "RUN cp /usr/lib/libssl.so.3 /tmp/ && ln /a /lib/libssl.so.3"])
def test_a_link_elsewhere_or_of_another_library_does_not(knowledge, link):
    [f] = findings_of(knowledge, _PRISMA.format(link=link), "MI441")
    assert "openssl package" in f.message


# ---- MI412: libraries built from source into /usr/local/lib of a build stage, left there -----------------------------

_SOURCE_LIBS = """\
FROM debian:{release}-slim AS builder
RUN apt-get update && apt-get install -y build-essential wget xz-utils
RUN wget -q https://gmplib.org/download/gmp/gmp-6.1.2.tar.xz && tar xf gmp-6.1.2.tar.xz && cd gmp-6.1.2 \\
 && ./configure && make && make install
COPY . /src
RUN cd /src && ./configure --prefix=/opt/app && make && make install
FROM debian:{release}-slim
COPY --from=builder /opt/app/ /usr/local/
CMD ["/usr/local/bin/app"]
"""


def test_gmp_built_from_source_and_left_in_the_builder_is_missing_from_stretch(knowledge):
    [f] = findings_of(knowledge, _SOURCE_LIBS.format(release="stretch"), "MI412")
    assert f.line == 8 and "lacks libgmp (libgmp.so.10 of gmp, built from source" in f.message
    assert "/usr/local/lib/libgmp.so.* /usr/local/lib/" in f.fix


def test_bookworm_has_libgmp_through_coreutils(knowledge):
    assert findings_of(knowledge, _SOURCE_LIBS.format(release="bookworm"), "MI412") == []


def test_a_copy_of_usr_local_brings_what_was_built_from_source(knowledge):
    text = _SOURCE_LIBS.format(release="stretch").replace("COPY --from=builder /opt/app/ /usr/local/",
                                                          "COPY --from=builder /usr/local /usr/local")
    assert findings_of(knowledge, text, "MI412") == []


def test_stretch_lacks_libgmp_and_bullseye_has_it(knowledge):
    assert "libgmp" not in profile_for(knowledge, "debian:stretch-slim").libs
    assert "libgmp" in profile_for(knowledge, "debian:bullseye-slim").libs


def test_a_release_whose_lacks_is_not_a_list_is_refused_with_its_line(tmp_path):
    from tests.rulefile_problems import rule_file_problems

    bad = tmp_path / "releases.yaml"
    bad.write_text("releases:\n  debian8:\n    glibc: \"2.19\"\n    lacks: libgmp\n")
    [problem] = rule_file_problems(bad)
    assert problem == "releases.yaml:4: debian8: lacks is a list of library stems"


# ---- MI432: a Node addon built for one Node ABI, run by another -------------------------------------------------------

_ABI = """\
FROM {builder} AS deps
WORKDIR /app
COPY package.json ./
RUN {install}
FROM {final}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
CMD ["node", "index.js"]
"""


def _abi(knowledge, tmp_path, builder, install, final, deps='{"better-sqlite3": "^12.4.1"}'):
    ctx = write_context(tmp_path, {"package.json": '{"dependencies": %s}' % deps})
    return findings_of(knowledge, _ABI.format(builder=builder, install=install, final=final), "MI432", ctx)


def test_bun_install_without_node_builds_for_buns_abi(knowledge, tmp_path):
    [f] = _abi(knowledge, tmp_path, "oven/bun:1", "bun install", "node:22-bookworm-slim")
    assert (f.line, f.severity) == (7, "warning")
    assert f.message.startswith("better-sqlite3, installed by bun install in oven/bun:1, carries an addon built for "
                                "Bun's own ABI") and "node:22-bookworm-slim runs Node 22" in f.message
    assert "npm rebuild better-sqlite3" in f.fix


def test_another_node_major_is_another_abi(knowledge, tmp_path):
    [f] = _abi(knowledge, tmp_path, "node:20-bookworm", "npm install", "node:22.12-bookworm-slim")
    assert "built for Node 20's ABI, and node:22.12-bookworm-slim runs Node 22" in f.message


@pytest.mark.parametrize("builder, install, final", [
    ("node:22-bookworm", "npm install", "node:22-bookworm-slim"),  # the same major
    ("node:22-alpine", "npm i -g bun && bun install", "node:22-alpine"),  # bun with node there runs the scripts in node
    ("oven/bun:1", "bun install", "oven/bun:1-slim"),  # bun runs what bun installed
    ("oven/bun:1", "bun install -g better-sqlite3", "node:22-bookworm-slim"),  # a global install is not node_modules
])
def test_the_abi_that_installs_is_the_abi_that_runs(knowledge, tmp_path, builder, install, final):
    assert _abi(knowledge, tmp_path, builder, install, final) == []


def test_node_api_addons_load_on_every_node(knowledge, tmp_path):
    assert _abi(knowledge, tmp_path, "node:20-bookworm", "npm install", "node:22-bookworm-slim",
                deps='{"better-sqlite3": "13.0.0", "bcrypt": "^5.1.1"}') == []


@pytest.mark.parametrize("rebuild, quiet", [
    ("RUN npm rebuild better-sqlite3 --build-from-source", True),  # Nadeshiko's fix (PR #385)
    ("RUN npm rebuild", True),  # every addon
    ("RUN npm rebuild bcrypt", False),  # another package
])
def test_a_rebuild_in_the_final_stage_builds_for_its_node(knowledge, tmp_path, rebuild, quiet):
    dockerfile = _ABI.format(builder="oven/bun:1", install="bun install", final="node:24-slim")
    dockerfile = dockerfile.replace("./node_modules\n", f"./node_modules\n{rebuild}\n")
    ctx = write_context(tmp_path, {"package.json": '{"dependencies": {"better-sqlite3": "^12.4.1"}}'})
    assert (findings_of(knowledge, dockerfile, "MI432", ctx) == []) is quiet
