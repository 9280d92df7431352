"""What the sixth and seventh held-out batches (tests/lint/realworld, heldout6/heldout7-2026-11-30) showed lint missing
for Node and Python, as mechanisms: the Chromium puppeteer downloads opens system libraries it does not ship (MI470),
yarn.lock and pnpm-lock.yaml were not read (MI408/MI442), glibc-only prebuilds of sodium-native on musl (MI408), a
library deleted with an apk virtual group or with the compiler (MI440), Alpine's mariadb-client without libmariadb
(MI412), and a RUN whose here-document feeds Python hiding the pip line before it. Each test is a small Dockerfile of
our own, not a corpus file."""
from __future__ import annotations

import json

import pytest

from kb.lint.context import node_locked
from tests.lint.context_files import findings_of, write_context


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    return findings_of(knowledge, text, rule, context)


context = write_context


# ---- lockfiles: yarn v1, yarn berry, pnpm -------------------------------------------------------------------------

YARN_V1 = ('# yarn lockfile v1\n\n\n"@polkadot/api@^8.0.0":\n  version "8.8.1"\n  dependencies:\n'
           '    websocket "^1.0.34"\n\nbufferutil@^4.0.1, bufferutil@^4.0.3:\n  version "4.0.3"\n\n'
           'websocket@^1.0.34:\n  version "1.0.34"\n')
YARN_BERRY = ('__metadata:\n  version: 6\n  cacheKey: 8\n\n"@scope/pkg@npm:^2.0.0":\n  version: 2.1.0\n'
              '  resolution: "@scope/pkg@npm:2.1.0"\n\n"sodium-native@npm:^4.0.0, sodium-native@npm:^4.1.0":\n'
              '  version: 4.1.1\n')
PNPM_V6 = "lockfileVersion: '6.0'\n\npackages:\n\n  /bufferutil@4.0.8:\n    resolution: {integrity: x}\n" \
          "\n  /@scope/pkg@2.1.0(peer@1.0.0):\n    dev: false\n"
PNPM_V5 = "lockfileVersion: 5.4\n\npackages:\n\n  /bufferutil/4.0.6:\n    resolution: {integrity: x}\n" \
          "\n  /@scope/pkg/2.1.0_peer@1.0.0:\n    dev: false\n"


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("yarn.lock", YARN_V1, [("@polkadot/api", "8.8.1"), ("bufferutil", "4.0.3"), ("websocket", "1.0.34")]),
    ("yarn.lock", YARN_BERRY, [("@scope/pkg", "2.1.0"), ("sodium-native", "4.1.1")]),
    ("pnpm-lock.yaml", PNPM_V6, [("bufferutil", "4.0.8"), ("@scope/pkg", "2.1.0")]),
    ("pnpm-lock.yaml", PNPM_V5, [("bufferutil", "4.0.6"), ("@scope/pkg", "2.1.0")]),
])
def test_node_lockfiles_give_every_package_with_its_version(tmp_path, name, text, expected):
    assert node_locked(context(tmp_path, {name: text}), "yarn" if name == "yarn.lock" else "pnpm") == expected


YARN_APP = "FROM node:22-alpine\nCOPY . /app\nWORKDIR /app\nRUN yarn install\nCMD [\"node\", \"index.js\"]\n"


def test_yarn_lock_is_read_so_an_indirect_native_addon_on_alpine_is_named_and_no_lockfile_info(knowledge, tmp_path):
    ctx = context(tmp_path, {"package.json": json.dumps({"dependencies": {"@polkadot/api": "^8.0.0"}}),
                             "yarn.lock": YARN_V1})
    assert findings(knowledge, YARN_APP, "MI442", ctx) == []
    [f] = findings(knowledge, YARN_APP, "MI408", ctx)
    assert f.line == 4 and f.message.startswith("yarn installs bufferutil (indirect, from the lockfile) on "
                                                "node:22-alpine (musl): there is no compiler in this stage")


def test_without_a_lockfile_yarn_still_gets_the_info(knowledge, tmp_path):
    ctx = context(tmp_path, {"package.json": json.dumps({"dependencies": {"@polkadot/api": "^8.0.0"}})})
    [f] = findings(knowledge, YARN_APP, "MI442", ctx)
    assert "with no lockfile lint can read" in f.message


# ---- sodium-native: glibc prebuilds, musl ones only in 4.0.0-4.2.0 --------------------------------------------------

NPM_CI = "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCMD [\"node\", \"s.js\"]\n"


def lock(version: str) -> dict:
    return {"package.json": json.dumps({"dependencies": {"hypercore": "10.0.0"}}),
            "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {
                "": {}, "node_modules/hypercore": {"version": "10.0.0"},
                "node_modules/sodium-native": {"version": version}}})}


@pytest.mark.parametrize("version", ["2.4.9", "3.4.1", "4.2.1", "5.1.0"])
def test_sodium_native_without_musl_prebuilds_is_said_to_load_a_glibc_binary(knowledge, tmp_path, version):
    [f] = findings(knowledge, NPM_CI, "MI408", context(tmp_path, lock(version)))
    assert "sodium-native (indirect, from the lockfile)" in f.message
    assert 'loads a prebuilt binary built for glibc' in f.message and "ld-linux-x86-64.so.2" in f.message


@pytest.mark.parametrize("version", ["4.0.0", "4.1.1", "4.2.0"])
def test_sodium_native_versions_with_musl_prebuilds_are_left_alone(knowledge, tmp_path, version):
    assert findings(knowledge, NPM_CI, "MI408", context(tmp_path, lock(version))) == []


MATRIX = "@matrix-org/matrix-sdk-crypto-nodejs"


def matrix_lock(version: str) -> dict:
    return {"package.json": json.dumps({"dependencies": {"matrix-bot-sdk": "0.6.7"}}),
            "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {
                "": {}, "node_modules/matrix-bot-sdk": {"version": "0.6.7"},
                f"node_modules/{MATRIX}": {"version": version}}})}


@pytest.mark.parametrize("version, found", [("0.1.0-beta.11", 1), ("0.4.0", 1), ("0.5.1", 0), ("0.6.6", 0)])
def test_matrix_crypto_musl_builds_linked_against_glibc(knowledge, tmp_path, version, found):
    """matrix-org/conference-bot#201, matrix-appservice-discord#828 (heldout28): the linux-x64-musl build its
    postinstall downloads was linked on a glibc host until matrix-rust-sdk-crypto-nodejs#64 (0.5.1 on)."""
    got = findings(knowledge, NPM_CI, "MI408", context(tmp_path, matrix_lock(version)))
    assert len(got) == found
    if found:
        assert f"{MATRIX} (indirect, from the lockfile)" in got[0].message
        assert "ships prebuilt binaries linked against glibc only" in got[0].message


def test_a_glibc_shim_lets_the_glibc_prebuild_load(knowledge):
    text = "FROM node:22-alpine\nRUN apk add --no-cache libc6-compat\nRUN npm install secure-password\n"
    assert findings(knowledge, text, "MI408") == []
    [f] = findings(knowledge, text.replace("libc6-compat", "curl"), "MI408")
    assert f.message.startswith("npm installs secure-password on node:22-alpine (musl): secure-password loads a "
                                "prebuilt binary built for glibc")


def locked(name: str, version: str) -> dict:
    return {"package.json": json.dumps({"dependencies": {"app-lib": "1.0.0"}}),
            "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {
                "": {}, "node_modules/app-lib": {"version": "1.0.0"}, f"node_modules/{name}": {"version": version}}})}


@pytest.mark.parametrize("name,version", [("sharp", "0.33.5"), ("sharp", "0.27.0"), ("esbuild", "0.19.0")])
def test_packages_that_publish_musl_binaries_need_no_compiler_on_alpine(knowledge, tmp_path, name, version):
    """sharp's linuxmusl-x64 builds (from 0.27.0) and esbuild's static Go binary install on Alpine as they are."""
    assert findings(knowledge, NPM_CI, "MI408", context(tmp_path, locked(name, version))) == []


def test_sharp_before_its_musl_builds_still_needs_a_compiler_on_alpine(knowledge, tmp_path):
    [f] = findings(knowledge, NPM_CI, "MI408", context(tmp_path, locked("sharp", "0.26.3")))
    assert f.message.startswith("npm installs sharp (indirect, from the lockfile) on node:22-alpine (musl): there is "
                                "no compiler in this stage")


# ---- puppeteer's Chromium (MI470) ----------------------------------------------------------------------------------

CHROME = ("FROM node:20-slim\nRUN apt-get update && apt-get install -y {flags}google-chrome-stable {extra}\n"
          "WORKDIR /app\n{env}RUN {assign}npm install puppeteer\nCMD [\"node\", \"index.js\"]\n")


def test_chrome_without_recommends_leaves_libxtst_out_and_the_warning_names_it(knowledge):
    [f] = findings(knowledge, CHROME.format(flags="--no-install-recommends ", extra="libxss1", env="", assign=""),
                   "MI470")
    assert f.severity == "warning" and f.line == 4
    assert f.message.startswith("puppeteer runs the Chromium build it downloaded, which opens libXtst.so.6 from the "
                                "system when it starts")
    assert 'expect "error while loading shared libraries: libXtst.so.6: cannot open shared object file"' in f.message
    assert "libxtst6" in f.fix and "PUPPETEER_SKIP_DOWNLOAD" in f.fix


def test_chrome_with_recommends_brings_libxtst_but_not_libxss(knowledge):
    [f] = findings(knowledge, CHROME.format(flags="", extra="", env="", assign=""), "MI470")
    assert "opens libXss.so.1 from the system" in f.message and "libXtst" not in f.message
    assert findings(knowledge, CHROME.format(flags="", extra="libxss1", env="", assign=""), "MI470") == []


def test_a_bare_slim_image_misses_nss_first(knowledge):
    [f] = findings(knowledge, "FROM node:20-slim\nRUN npm install puppeteer\n", "MI470")
    assert "opens libnss3.so, libnspr4.so, libatk-1.0.so.0" in f.message
    assert "libnss3 libnspr4 libatk1.0-0" in f.fix


def test_on_alpine_the_downloaded_chromium_cannot_start_and_the_fix_is_alpines_chromium(knowledge):
    # the browser Puppeteer downloads is linked against glibc: on musl no library list makes it start
    [f] = findings(knowledge, "FROM node:20-alpine\nRUN npm install puppeteer\n", "MI470")
    assert "Failed to launch the browser process" in f.message and "cannot open shared object" not in f.message
    assert f.fix.startswith("on Alpine the browser Puppeteer downloads is a glibc build")
    assert "apk add chromium" in f.fix and "PUPPETEER_SKIP_DOWNLOAD=true" in f.fix


@pytest.mark.parametrize(("env", "assign", "quiet"), [
    ("ENV PUPPETEER_SKIP_DOWNLOAD=true\n", "", True),
    ("", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 ", True),
    ("ENV PUPPETEER_SKIP_DOWNLOAD=false\n", "", False),
])
def test_skipping_the_download_keeps_it_quiet(knowledge, env, assign, quiet):
    text = CHROME.format(flags="--no-install-recommends ", extra="libxss1", env=env, assign=assign)
    assert (findings(knowledge, text, "MI470") == []) is quiet


# ---- MI440: apk virtual groups, libraries the compiler brings -------------------------------------------------------

SKLEARN = ("FROM python:3.8-alpine\nRUN apk add --no-cache {keep}\\\n"
           " && apk add --no-cache --virtual .builddeps build-base openblas-dev \\\n"
           " && pip install {pkgs} \\\n && apk del .builddeps\n")


def test_libgomp_leaves_with_build_base_after_an_openmp_package_was_compiled(knowledge):
    [f] = findings(knowledge, SKLEARN.format(keep="openblas ", pkgs="scikit-learn"), "MI440")
    assert f.message.startswith("libgomp (build-base): deleted with the build dependencies after this stage built "
                                "against it")
    assert findings(knowledge, SKLEARN.format(keep="openblas libgomp ", pkgs="scikit-learn"), "MI440") == []
    assert findings(knowledge, SKLEARN.format(keep="openblas ", pkgs="numpy"), "MI440") == []


def test_on_glibc_the_wheel_bundles_libgomp(knowledge):
    text = ("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y build-essential \\\n"
            " && pip install scikit-learn && apt-get purge -y --auto-remove build-essential\n")
    assert findings(knowledge, text, "MI440") == []


def test_mysqlclient_links_the_mariadb_library_the_virtual_group_takes(knowledge):
    text = ("FROM python:3.12-alpine\nRUN apk add --virtual .build-deps mariadb-dev gcc musl-dev \\\n"
            " && pip install mysqlclient==1.3.7 && apk del .build-deps\n")
    [f] = findings(knowledge, text, "MI440")
    assert f.message.startswith("libmariadb (mariadb-dev): deleted with the build dependencies")
    assert "mariadb-connector-c" in f.fix


# ---- MI412: a pip --prefix tree copied into an image without the library, a here-document after the pip line ------

DSMR = ("FROM python:3.12-alpine3.22 AS builder\nRUN apk add --no-cache build-base mariadb-connector-c-dev\n"
        "RUN pip install --prefix=/install mysqlclient && python - <<'PY'\nimport compileall\nPY\n"
        "FROM python:3.12-alpine3.22\nRUN apk add --no-cache {final}\nCOPY --from=builder /install /usr/local\n")


def test_alpine_mariadb_client_does_not_bring_libmariadb(knowledge):
    [f] = findings(knowledge, DSMR.format(final="mariadb-client"), "MI412")
    assert f.line == 8 and f.message.startswith("python:3.12-alpine3.22 lacks libmariadb")
    assert findings(knowledge, DSMR.format(final="mariadb-client mariadb-connector-c"), "MI412") == []


def test_debian_mariadb_client_brings_libmariadb(knowledge):
    text = DSMR.replace("python:3.12-alpine3.22", "python:3.12-slim-bookworm").replace(
        "apk add --no-cache build-base mariadb-connector-c-dev", "apt-get install -y build-essential libmariadb-dev"
    ).format(final="x").replace("apk add --no-cache x", "apt-get install -y mariadb-client")
    assert findings(knowledge, text, "MI412") == []


def test_an_unknown_alpine_derived_image_counts_as_musl_for_the_compilers_libraries(knowledge):
    text = SKLEARN.format(keep="openblas ", pkgs="scikit-learn").replace("python:3.8-alpine", "acme/python:3.7-alpine")
    [f] = findings(knowledge, text, "MI440")
    assert f.message.startswith("libgomp (build-base)")
    assert findings(knowledge, text.replace("acme/python:3.7-alpine", "acme/python:3.7"), "MI440") == []


YARN_LOCK_MATRIX = ('"@matrix-org/matrix-sdk-crypto-nodejs@^0.1.0-beta.1":\n  version "0.1.0-beta.1"\n\n'
                    'matrix-bot-sdk@^0.6.1:\n  version "0.6.1"\n  dependencies:\n'
                    '    "@matrix-org/matrix-sdk-crypto-nodejs" "^0.1.0-beta.1"\n')


@pytest.mark.parametrize("run", ["cd /tmp/src && yarn", "cd /tmp/src && yarn --frozen-lockfile",
                                 "yarn --cwd /tmp/src install", "yarn --cwd /tmp/src --production"])
def test_a_bare_yarn_installs_and_a_compiler_does_not_save_a_musl_build_linked_on_glibc(knowledge, tmp_path, run):
    """matrix-org/matrix-appservice-discord#828 (heldout26): `cd /tmp/src && yarn` (yarn with no command is yarn
    install) on node:16-alpine with g++ there: the crypto addon compiles nothing, so its glibc-linked musl build stays."""
    text = (f"FROM node:16-alpine AS build\nCOPY . /tmp/src\nRUN apk add --no-cache make gcc g++ python3\nRUN {run}\n"
            "FROM node:16-alpine\nCOPY --from=build /tmp/src/node_modules /node_modules\nCMD [\"node\", \"/b.js\"]\n")
    ctx = context(tmp_path, {"package.json": json.dumps({"dependencies": {"matrix-bot-sdk": "^0.6.1"}}),
                             "yarn.lock": YARN_LOCK_MATRIX})
    [f] = findings(knowledge, text, "MI408", ctx)
    assert f.line == 4 and f"{MATRIX} (indirect, from the lockfile)" in f.message
    assert "compiles nothing, so the install succeeds and require() fails" in f.message


@pytest.mark.parametrize("run", ["yarn workspaces focus app worker --production", "yarn workspaces focus --all"])
def test_yarn_workspaces_focus_installs_from_the_lockfile(knowledge, tmp_path, run):
    """cds-snc/platform-forms-client (heldout34): Yarn 2's `yarn workspaces focus gcforms flag_initialization`
    installs those workspaces' dependencies; the words after focus are workspaces, never packages."""
    text = f"FROM node:16-alpine\nCOPY . /tmp/src\nWORKDIR /tmp/src\nRUN {run}\nCMD [\"node\", \"b.js\"]\n"
    ctx = context(tmp_path, {"package.json": json.dumps({"dependencies": {"matrix-bot-sdk": "^0.6.1"}}),
                             "yarn.lock": YARN_LOCK_MATRIX})
    [f] = findings(knowledge, text, "MI408", ctx)
    assert f.line == 4 and f"{MATRIX} (indirect, from the lockfile)" in f.message
    assert "app" not in f.message.split(" on ")[0].split(", ") and "worker" not in f.message


@pytest.mark.parametrize("run", ["yarn --version", "yarn -v", "yarn build", "yarn run build", "yarn workspaces list"])
def test_yarn_commands_that_install_nothing_are_not_installs(knowledge, tmp_path, run):
    text = f"FROM node:16-alpine\nCOPY . /tmp/src\nWORKDIR /tmp/src\nRUN {run}\nCMD [\"node\", \"b.js\"]\n"
    ctx = context(tmp_path, {"package.json": json.dumps({"dependencies": {"matrix-bot-sdk": "^0.6.1"}}),
                             "yarn.lock": YARN_LOCK_MATRIX})
    assert findings(knowledge, text, "MI408", ctx) == []


@pytest.mark.parametrize("extra", ["", "RUN apk add --no-cache python3 make g++\n", "RUN apk add --no-cache gcompat\n"])
def test_tfjs_node_fails_on_musl_whatever_the_stage_has(knowledge, extra):
    """camicroscope/Caracal#44 (heldout29), tensorflow/tfjs#1425: @tensorflow/tfjs-node downloads libtensorflow, a glibc
    build; neither a compiler nor gcompat makes it load (__memcpy_chk: symbol not found)."""
    text = f"FROM node:12-alpine\n{extra}WORKDIR /app\nRUN npm install @tensorflow/tfjs-node@2.0.1\nCMD [\"node\", \"a.js\"]\n"
    [f] = findings(knowledge, text, "MI408")
    assert "@tensorflow/tfjs-node ships prebuilt binaries linked against glibc only" in f.message
    assert findings(knowledge, text.replace("node:12-alpine", "node:12-slim"), "MI408") == []
