"""Fixes for heldout35's misses and its false error, each a mechanism with its own small cases: an install at the
root of an npm/yarn workspace installs the workspaces' dependencies (code100x/daily-code: Prisma in packages/db,
MI441), and tonistiigi/xx's cross compilers take their headers from the target's sysroot (crazy-max/docker-unbound:
no MI406)."""
from __future__ import annotations

import json

import pytest

from tests.lint.context_files import lint_with_files

INSTALL = "FROM node:20-alpine\nWORKDIR /usr/src/app\nCOPY . .\nRUN yarn install\nCMD [\"yarn\", \"start\"]\n"


@pytest.mark.parametrize("workspaces", [["apps/*", "packages/*"], {"packages": ["packages/*"]}, ["packages/db"]])
def test_a_workspace_packages_dependencies_are_installed_at_the_root(knowledge, tmp_path, workspaces):
    files = {"package.json": json.dumps({"name": "root", "private": True, "workspaces": workspaces}),
             "packages/db/package.json": json.dumps({"name": "db", "dependencies": {"@prisma/client": "5.12.0"}}),
             "apps/web/package.json": json.dumps({"name": "web", "dependencies": {"next": "14.1.0"}})}
    [f] = [f for f in lint_with_files(knowledge, INSTALL, files, tmp_path) if f.rule == "MI441"]
    assert f.line == 4 and f.message.startswith("@prisma/client finds libssl through the openssl package at run time")


@pytest.mark.parametrize("workspaces", [None, ["../outside/*"], "packages/*", ["missing/*"]])
def test_no_workspace_no_dependency(knowledge, tmp_path, workspaces):
    root = {"name": "root"} if workspaces is None else {"name": "root", "workspaces": workspaces}
    files = {"package.json": json.dumps(root),
             "packages/db/package.json": json.dumps({"name": "db", "dependencies": {"@prisma/client": "5.12.0"}})}
    assert [f for f in lint_with_files(knowledge, INSTALL, files, tmp_path) if f.rule == "MI441"] == []


XX = """FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.1.2 AS xx
FROM --platform=$BUILDPLATFORM alpine:3.16 AS base
COPY --from=xx / /
RUN apk add --no-cache clang make
FROM base AS build
ARG TARGETPLATFORM
RUN {xx}
COPY . /src
RUN xx-clang --setup-target-triple && cd /src && CC=xx-clang ./configure && make
FROM alpine:3.16
COPY --from=build /src/app /app
CMD ["/app"]
"""


@pytest.mark.parametrize("xx, flagged", [("xx-apk add --no-cache gcc g++ openssl-dev", False),
                                         ("echo no target packages", True)])
def test_xx_compilers_use_the_target_sysroot(knowledge, tmp_path, xx, flagged):
    text = XX.format(xx=xx)
    hits = [f for f in lint_with_files(knowledge, text, {"Dockerfile": text}, tmp_path) if f.rule == "MI406"]
    assert [f.line for f in hits] == ([4] if flagged else [])


LDAP = ("FROM alpine:3.20\nRUN apk add --no-cache python3 py3-pip{keep}\n"
        "RUN apk add --no-cache --virtual .build-deps gcc musl-dev python3-dev openldap-dev \\\n"
        " && pip install --break-system-packages {package} \\\n && apk del .build-deps\n"
        "CMD [\"python3\", \"-m\", \"app\"]\n")


@pytest.mark.parametrize("package", ["python-ldap==3.4.4", "django-auth-ldap==4.8.0"])
def test_python_ldap_is_compiled_against_openldap_which_apk_del_takes(knowledge, tmp_path, package):
    """maxking/docker-mailman#703: python-ldap publishes no wheels, so pip compiles it (through django-auth-ldap
    too) against openldap-dev; `apk del .build-deps` then takes libldap. Alpine's libldap or openldap package keeps it."""
    text = LDAP.format(keep="", package=package)
    [f] = [f for f in lint_with_files(knowledge, text, {}, tmp_path / "gone") if f.rule == "MI440"]
    assert f.line == 3 and "(openldap-dev): deleted with the build dependencies" in f.message
    for keep in (" libldap", " openldap"):
        kept = LDAP.format(keep=keep, package=package)
        assert [f for f in lint_with_files(knowledge, kept, {}, tmp_path / keep.strip()) if f.rule == "MI440"] == []
