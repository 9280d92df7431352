"""The project a stage builds lives in a subdirectory of the build context that a COPY put where the build runs
(heldout14: datahaven's ./operator, ZetaZero's vendored llama.cpp), and a source install into /usr/local/lib of a
project not named like a library that another build then links (deepdetect's curlpp). What a user sees: the rule,
its severity, its line and a message naming the library and why it is needed."""
from __future__ import annotations

import pytest

from tests.bounded import within
from tests.lint.context_files import lint_with_files

CARGO_TOML = '[package]\nname = "node"\nversion = "0.1.0"\n\n[dependencies]\npq-sys = "0.7"\n'
CARGO_LOCK = ('[[package]]\nname = "node"\nversion = "0.1.0"\ndependencies = ["pq-sys"]\n\n'
              '[[package]]\nname = "pq-sys"\nversion = "0.7.4"\n')
RUST = """FROM ubuntu:22.04 AS builder
RUN apt install --assume-yes git clang curl libpq-dev pkg-config
RUN curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
ENV PATH="/root/.cargo/bin:$PATH"
COPY ./operator /node
WORKDIR /node
RUN cargo build {build}
FROM debian:stable-slim
{final}COPY --from=builder /node/target/{out}/node /node/node
ENTRYPOINT ["/node/node"]
"""


def _mi412(findings):
    return [f for f in findings if f.rule == "MI412"]


@pytest.mark.parametrize("build, out", [("--profile=production", "production"), ("--profile production", "production"),
                                        ("--release", "release"), ("--profile release", "release"), ("", "debug"),
                                        ("--profile dev", "debug")])
def test_a_cargo_project_copied_from_a_subdirectory_links_its_locked_crates(knowledge, tmp_path, build, out):
    text = RUST.format(build=build, final="", out=out)
    [f] = _mi412(lint_with_files(knowledge, text, {"operator/Cargo.toml": CARGO_TOML,
                                                   "operator/Cargo.lock": CARGO_LOCK}, tmp_path))
    assert (f.severity, f.line) == ("warning", 9)
    assert f.message.startswith("debian:stable-slim lacks libpq (the crate pq-sys in Cargo.lock)")
    assert "libpq5" in f.fix


def test_the_fixed_file_installs_libpq5(knowledge, tmp_path):
    text = RUST.format(build="--profile=production", out="production",
                       final="RUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*\n")
    findings = lint_with_files(knowledge, text, {"operator/Cargo.toml": CARGO_TOML, "operator/Cargo.lock": CARGO_LOCK},
                               tmp_path)
    assert _mi412(findings) == [] and not [f for f in findings if f.severity == "error"]


def test_the_context_top_still_wins(knowledge, tmp_path):
    """A Cargo.lock at the context's top is read as before, even when the build runs in a copied subdirectory."""
    text = RUST.format(build="--release", final="", out="release")
    top = CARGO_LOCK.replace('dependencies = ["pq-sys"]\n', "").split("\n\n[[package]]")[0] + "\n"
    files = {"Cargo.toml": CARGO_TOML.replace('pq-sys = "0.7"\n', ""), "Cargo.lock": top,
             "operator/Cargo.toml": CARGO_TOML, "operator/Cargo.lock": CARGO_LOCK}
    assert _mi412(lint_with_files(knowledge, text, files, tmp_path)) == []


LLAMA = """FROM nvidia/cuda:12.2.0-devel-ubuntu22.04 AS builder
RUN apt-get update && apt-get install -y build-essential cmake git
WORKDIR /app
COPY llama.cpp /app/llama.cpp
WORKDIR /app/llama.cpp
RUN cmake -B build -DGGML_CUDA=ON -DBUILD_SHARED_LIBS=OFF{flags} && cmake --build build --target zeta-server
FROM ubuntu:22.04
{final}COPY --from=builder /app/llama.cpp/build/bin/zeta-server /app/zeta-server
ENTRYPOINT ["/app/zeta-server"]
"""
LLAMA_LISTS = "project(llama.cpp C CXX)\nif (NOT TARGET ggml)\n    add_subdirectory(ggml)\nendif()\n"


def test_a_vendored_ggml_project_links_libgomp(knowledge, tmp_path):
    findings = lint_with_files(knowledge, LLAMA.format(flags="", final=""),
                               {"llama.cpp/CMakeLists.txt": LLAMA_LISTS}, tmp_path)
    [f] = _mi412(findings)
    assert (f.severity, f.line) == ("warning", 8)
    assert f.message.startswith("ubuntu:22.04 lacks libgomp (ggml, built with OpenMP by default, in "
                                "llama.cpp/CMakeLists.txt)")
    assert "libgomp1" in f.fix


@pytest.mark.parametrize("flags, final", [(" -DGGML_OPENMP=OFF", ""),
                                          ("", "RUN apt-get update && apt-get install -y libgomp1\n")])
def test_openmp_off_or_libgomp1_installed(knowledge, tmp_path, flags, final):
    findings = lint_with_files(knowledge, LLAMA.format(flags=flags, final=final),
                               {"llama.cpp/CMakeLists.txt": LLAMA_LISTS}, tmp_path)
    assert _mi412(findings) == []


def test_find_package_openmp_in_a_copied_source_directory(knowledge, tmp_path):
    text = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y g++ cmake\nCOPY engine /src/engine\n"
            "RUN cmake -S /src/engine -B /out && cmake --build /out\nFROM debian:bookworm-slim\n"
            "COPY --from=b /out/app /app\nCMD [\"/app\"]\n")
    lists = "project(engine CXX)\nfind_package(OpenMP REQUIRED)\nadd_executable(app main.cpp)\n"
    [f] = _mi412(lint_with_files(knowledge, text, {"engine/CMakeLists.txt": lists}, tmp_path))
    assert f.line == 6 and "libgomp (OpenMP in engine/CMakeLists.txt (find_package(OpenMP)" in f.message


CURLPP = """FROM ubuntu:16.04
RUN apt-get update && apt-get install -y git cmake build-essential libcurl4-openssl-dev
WORKDIR /opt
RUN git clone https://github.com/jpbarrette/curlpp.git
WORKDIR /opt/curlpp
RUN cmake .
RUN make install
{after}WORKDIR /opt
RUN git clone https://github.com/beniz/deepdetect.git && cd deepdetect && mkdir build
WORKDIR /opt/deepdetect/build
RUN cmake .. -DUSE_XGBOOST=ON
RUN make
CMD ./dede -host 0.0.0.0
"""


def test_a_dependency_installed_before_another_build_needs_ldconfig(knowledge):
    [f] = [f for f in lint_with_files(knowledge, CURLPP.format(after="")) if f.rule == "MI495"]
    assert (f.severity, f.line) == ("warning", 7)
    assert f.message.startswith("make install installs curlpp (installed before the build configured in "
                                "/opt/deepdetect/build, which links what it installed) into /usr/local/lib of "
                                "ubuntu:16.04 and nothing after it runs ldconfig")


@pytest.mark.parametrize("after", ["RUN cp /usr/local/lib/libcurlpp.* /usr/lib/\n", "RUN ldconfig\n",
                                   "RUN cp -a /usr/local/lib/* /usr/lib/x86_64-linux-gnu/\n",
                                   "RUN apt-get install -y wget\n"])
def test_the_library_copied_to_a_trusted_directory_or_cached(knowledge, after):
    findings = lint_with_files(knowledge, CURLPP.format(after=after))
    assert [f for f in findings if f.rule == "MI495"] == []


@pytest.mark.parametrize("after", ["RUN cp /usr/local/lib/libjsoncpp.so.1 /usr/lib/\n",
                                   "RUN cp /usr/local/lib/libcurlpp.so.1 /opt/lib/\n"])
def test_another_library_or_an_untrusted_directory_is_no_fix(knowledge, after):
    findings = lint_with_files(knowledge, CURLPP.format(after=after))
    assert [f.line for f in findings if f.rule == "MI495"] == [7]


@pytest.mark.parametrize("tool", ["cmake-3.28.1", "Python-3.12.1", "ninja"])
def test_a_build_tool_installed_first_is_no_library(knowledge, tool):
    text = (f"FROM ubuntu:20.04\nRUN apt-get update && apt-get install -y build-essential\n"
            f"RUN cd /tmp/{tool} && ./configure && make && make install\nWORKDIR /src/build\n"
            "RUN cmake .. && make\nCMD [\"./app\"]\n")
    assert [f for f in lint_with_files(knowledge, text) if f.rule == "MI495"] == []


def test_nothing_configured_after_the_install_says_nothing(knowledge):
    """A program installed last (no other build after it) is not read as a library."""
    text = ("FROM ubuntu:20.04\nRUN apt-get update && apt-get install -y build-essential git cmake\n"
            "RUN git clone https://github.com/example/tool /opt/tool && cd /opt/tool && cmake . && make install\n"
            "CMD [\"tool\"]\n")
    assert [f for f in lint_with_files(knowledge, text) if f.rule == "MI495"] == []


def test_many_installs_and_a_long_copy_stay_linear(knowledge):
    """Thousands of installs of projects not named like libraries, each a dependency of a build configured after
    it, and a cp of thousands of files to /usr/lib: one pass, within a generous limit."""
    n = 2000
    installs = "".join(f"RUN cd /opt/p{i} && cmake . && make install\n" for i in range(n))
    text = ("FROM ubuntu:22.04\n" + installs + "RUN cp " + " ".join(f"/usr/local/lib/libq{i}.so" for i in range(n))
            + " /usr/lib/\nWORKDIR /src/build\nRUN cmake .. && make\nCMD [\"./app\"]\n")
    with within(30):
        findings = [f for f in lint_with_files(knowledge, text) if f.rule == "MI495"]
    assert len(findings) == n


def test_two_dockerfiles_of_one_context_each_read_their_own_project(knowledge, tmp_path):
    """One lint run shares what it read of a context between its Dockerfiles: the project each stage builds is kept by
    where it was built from, so a second Dockerfile building another subdirectory reads that one's Cargo.lock."""
    from kb.lint import lint_paths

    for name, lock in (("operator", CARGO_LOCK), ("tools", CARGO_LOCK.replace('dependencies = ["pq-sys"]\n', "")
                                                  .split("\n\n[[package]]")[0] + "\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Cargo.toml").write_text(CARGO_TOML if name == "operator" else
                                                    CARGO_TOML.replace('pq-sys = "0.7"\n', ""))
        (tmp_path / name / "Cargo.lock").write_text(lock)
    text = RUST.format(build="--release", final="", out="release")
    (tmp_path / "Dockerfile.tools").write_text(text.replace("./operator", "./tools"))
    (tmp_path / "Dockerfile.operator").write_text(text)
    for order in (["Dockerfile.tools", "Dockerfile.operator"], ["Dockerfile.operator", "Dockerfile.tools"]):
        results = lint_paths(knowledge, [str(tmp_path / f) for f in order], context=str(tmp_path))
        libpq = {r.file.rsplit(".", 1)[1]: bool(_mi412(r.findings)) for r in results}
        assert libpq == {"operator": True, "tools": False}, order
