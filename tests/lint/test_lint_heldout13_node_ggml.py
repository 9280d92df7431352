"""What the heldout13 misses taught lint, in findings a user reads: yarn/npm options that take a value are not package
names (so the lockfile is read: onnxruntime-node on Alpine, MI408), a Node addon that opens a system library
(@livekit/rtc-node's GLib/GIO, MI470), and a ggml project cloned and built at build time, which links the compiler's
OpenMP run-time (libgomp with gcc, libomp with clang, MI412). Each Dockerfile is a small one of our own."""
from __future__ import annotations

import json

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report
from kb.lint.shellwords import NODE_VALUE, positional


def findings(knowledge, text: str, context: str | None = None, rule: str | None = None) -> list:
    out = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in out if rule is None or f.rule == rule]


def project(tmp_path, files: dict) -> str:
    for name, body in files.items():
        (tmp_path / name).write_text(body)
    return str(tmp_path)


@pytest.mark.parametrize("args, names", [
    (["--frozen-lockfile", "--network-timeout", "600000"], []),
    (["--omit", "dev"], []),
    (["--filter", "web", "sharp"], ["sharp"]),
    (["--network-timeout=600000", "bcrypt"], ["bcrypt"]),
])
def test_the_value_of_a_node_install_option_is_not_a_package(args, names):
    assert positional(args, takes_value=NODE_VALUE) == names


YARN_LOCK = ('"@xenova/transformers@^2.17.2":\n  version "2.17.2"\n  optionalDependencies:\n'
             '    onnxruntime-node "1.14.0"\n\nonnxruntime-node@1.14.0:\n  version "1.14.0"\n')
PERPLEXICA = ("FROM node:20.18.0-alpine AS builder\nWORKDIR /app\nCOPY package.json yarn.lock ./\n"
              "RUN yarn install --frozen-lockfile --network-timeout 600000\nRUN yarn build\n"
              "FROM node:20.18.0-alpine\nWORKDIR /app\nCOPY --from=builder /app/.next/standalone ./\n"
              'CMD ["node", "server.js"]\n')


def test_yarns_network_timeout_leaves_the_lockfile_read_and_onnxruntime_node_named_on_alpine(knowledge, tmp_path):
    ctx = project(tmp_path, {"package.json": json.dumps({"dependencies": {"@xenova/transformers": "^2.17.2"}}),
                             "yarn.lock": YARN_LOCK})
    out = findings(knowledge, PERPLEXICA, ctx)
    [f] = [f for f in out if f.rule == "MI408"]
    assert (f.severity, f.line) == ("warning", 4)
    assert f.message.startswith("yarn installs onnxruntime-node (indirect, from the lockfile) on node:20.18.0-alpine "
                                "(musl): onnxruntime-node ships prebuilt binaries linked against glibc only")
    assert not any("600000" in g.message for g in out)
    slim = PERPLEXICA.replace("alpine", "slim")
    assert [g for g in findings(knowledge, slim, ctx) if g.severity == "error" or g.rule == "MI408"] == []


LIVEKIT = ("FROM node:22-slim\nWORKDIR /app\n{apt}COPY package.json ./\n"
           "RUN npm install -g yarn@1.22.22 && yarn install --frozen-lockfile || yarn install\n"
           'CMD ["yarn", "start"]\n')
LIVEKIT_JSON = json.dumps({"dependencies": {"@livekit/rtc-node": "^0.13.24", "@livekit/agents": "^1.0.42"}})


def test_livekit_rtc_node_on_node_slim_is_told_it_opens_libgio(knowledge, tmp_path):
    ctx = project(tmp_path, {"package.json": LIVEKIT_JSON})
    [f] = findings(knowledge, LIVEKIT.format(apt=""), ctx, "MI470")
    assert (f.severity, f.line) == ("warning", 4)
    assert f.message.startswith("@livekit/rtc-node opens libgio-2.0.so.0, libglib-2.0.so.0 from the system at "
                                "require() (no copy is bundled), and node:22-slim lacks it")
    assert "libgio-2.0.so.0: cannot open shared object file" in f.message
    assert f.fix.startswith("apt-get install -y --no-install-recommends libglib2.0-0 in the final stage")
    assert "opencv" not in f.fix


def test_livekit_rtc_node_with_libglib_installed_is_quiet(knowledge, tmp_path):
    ctx = project(tmp_path, {"package.json": LIVEKIT_JSON})
    apt = ("RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libglib2.0-0 "
           "&& rm -rf /var/lib/apt/lists/*\n")
    assert findings(knowledge, LIVEKIT.format(apt=apt), ctx, "MI470") == []


LLAMA = ("FROM {builder} AS build\nWORKDIR /srv\nRUN apt-get update && apt-get install -y {tools} git\n"
         "RUN git clone https://github.com/ggerganov/llama.cpp.git \\\n  && cd llama.cpp \\\n  && {build}\n"
         "FROM debian:12-slim\n{extra}COPY --from=build /srv/llama.cpp/llama-server /usr/local/bin/llama-server\n"
         'ENTRYPOINT ["/usr/local/bin/llama-server"]\n')


def test_a_cloned_llama_cpp_built_with_gcc_needs_libgomp(knowledge):
    text = LLAMA.format(builder="debian:12", tools="build-essential", build="make -j", extra="")
    [f] = findings(knowledge, text, rule="MI412")
    assert (f.severity, f.line) == ("warning", 8)
    assert f.message.startswith("debian:12-slim lacks libgomp (GCC's OpenMP run-time: llama.cpp, cloned at line 4 "
                                "and built with gcc, links it by ggml's default GGML_OPENMP)")
    assert "libgomp1" in f.fix


def test_a_cloned_llama_cpp_built_with_clang_needs_libomp(knowledge):
    text = LLAMA.format(builder="debian:12-slim", tools="make clang-16 libomp-16-dev",
                        build="make -j CC=clang-16 CXX=clang++-16", extra="")
    [f] = findings(knowledge, text, rule="MI412")
    assert f.line == 8 and f.message.startswith("debian:12-slim lacks libomp (LLVM's OpenMP run-time: llama.cpp")
    assert "libomp5" in f.fix and "libgomp" not in f.message


@pytest.mark.parametrize("build, extra", [
    ("make -j GGML_NO_OPENMP=1", ""),  # OpenMP turned off
    ("cmake -B build -DGGML_OPENMP=OFF && cmake --build build", ""),
    ("make -j", "RUN apt-get update && apt-get install -y --no-install-recommends libgomp1\n"),
    ("make -j", "COPY --from=build /usr/lib/x86_64-linux-gnu/libgomp.so.1 /usr/lib/x86_64-linux-gnu/libgomp.so.1\n"),
    ("echo cloned only", ""),  # cloned, not built here
])
def test_a_cloned_ggml_project_without_openmp_or_with_its_runtime_is_quiet(knowledge, build, extra):
    text = LLAMA.format(builder="debian:12", tools="build-essential cmake", build=build, extra=extra)
    assert findings(knowledge, text, rule="MI412") == []


def test_a_clone_of_another_project_is_not_ggml(knowledge):
    text = LLAMA.format(builder="debian:12", tools="build-essential", build="make -j", extra="").replace(
        "ggerganov/llama.cpp.git", "example/llama-tools.git").replace("cd llama.cpp", "cd llama-tools")
    assert findings(knowledge, text, rule="MI412") == []


def test_a_cloned_whisper_cpp_configured_for_clang_with_cmake_needs_libomp(knowledge):
    text = LLAMA.format(builder="debian:12", tools="cmake clang libomp-dev", extra="",
                        build="cmake -B build -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "
                              "&& cmake --build build -j").replace("ggerganov/llama.cpp", "ggml-org/whisper.cpp")
    [f] = findings(knowledge, text, rule="MI412")
    assert f.message.startswith("debian:12-slim lacks libomp (LLVM's OpenMP run-time: whisper.cpp, cloned at line 4")


def test_without_a_lockfile_onnxruntime_node_is_named_as_what_transformers_brings(knowledge, tmp_path):
    ctx = project(tmp_path, {"package.json": json.dumps({"dependencies": {"@huggingface/transformers": "^3.0.0"}})})
    text = "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json ./\nRUN npm install --omit dev\nCMD [\"node\", \"a.js\"]\n"
    [f] = findings(knowledge, text, ctx, "MI408")
    assert (f.severity, f.line) == ("warning", 4)
    assert f.message.startswith("npm installs onnxruntime-node (a dependency of @huggingface/transformers) on "
                                "node:22-alpine (musl)")
    assert findings(knowledge, text.replace("alpine", "slim"), ctx, "MI408") == []

