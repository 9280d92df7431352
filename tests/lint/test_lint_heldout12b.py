"""Three mechanisms of heldout12's misses, on Dockerfiles and build contexts of our own:

- psycopg 3 without its [binary] extra is pure Python and opens the system's libpq.so.5 with ctypes at import
  (WGDashboard/WGDashboard#997): MI470 on an image without libpq, read through a venv built with
  `. venv/bin/activate` and a requirements file copied under another path; psycopg[binary] or psycopg-binary (whose
  wheels carry their own libpq) or the system libpq keeps it quiet;
- onnxruntime-node ships glibc builds only and compiles nothing (richardr1126/openreader#97): MI408 names it on
  Alpine, whatever the stage installs (a compiler, gcompat);
- a build stage that downloads the project's own release (the build context's Cargo.toml names the binary) and
  copies it into scratch without a CA bundle (rustic-rs/rustic#1777): MI411, with what Cargo.toml requires as the
  evidence; a third party's downloaded tool is not reported.
"""
from __future__ import annotations

from tests.lint.context_files import lint_with_files

VENV = ("FROM python:3.14-alpine AS pip-builder\n"
        "RUN apk add --no-cache build-base && python3 -m venv /opt/app/venv\n"
        "COPY ./src/requirements.txt /opt/app/src\n"
        "RUN . /opt/app/venv/bin/activate && pip3 install -r /opt/app/src/requirements.txt\n"
        "FROM python:3.14-alpine\n"
        "{extra}"
        "COPY --from=pip-builder /opt/app/venv /opt/app/venv\n"
        "CMD [\"/opt/app/venv/bin/python\", \"-m\", \"app\"]\n")


def _req(psycopg: str) -> dict:
    return {"src/requirements.txt": f"Flask==3.1.2\nsqlalchemy==2.0.44\n{psycopg}\nPyMySQL==1.1.2\n"}


def test_pure_python_psycopg_in_a_venv_copied_into_alpine_is_mi470_naming_libpq(knowledge, tmp_path):
    found = lint_with_files(knowledge, VENV.format(extra=""), _req("psycopg==3.2.12"), tmp_path)
    assert [(f.rule, f.severity, f.line) for f in found] == [("MI470", "warning", 6)]
    msg = found[0].message
    assert msg.startswith("psycopg opens libpq.so.5 from the system when imported")
    assert "python:3.14-alpine lacks it" in msg and "no pq wrapper available" in msg
    assert "libpq library not found" in msg
    assert "apk add --no-cache libpq" in found[0].fix and "psycopg[binary]" in found[0].fix


def test_psycopg_binary_extra_or_package_or_the_system_libpq_is_clean(knowledge, tmp_path):
    for i, req in enumerate(("psycopg[binary]==3.2.12", "psycopg[binary,pool]==3.2.12",
                             "psycopg==3.2.12\npsycopg-binary==3.2.12")):
        d = tmp_path / str(i)
        d.mkdir()
        assert lint_with_files(knowledge, VENV.format(extra=""), _req(req), d) == [], req
    extra = "RUN apk add --no-cache libpq\n"
    assert lint_with_files(knowledge, VENV.format(extra=extra), _req("psycopg==3.2.12"), tmp_path) == []


def test_psycopg_c_still_needs_the_system_libpq(knowledge, tmp_path):
    """psycopg[c] builds psycopg-c against libpq: it links the system's copy, and the fallback opens it too."""
    text = "FROM python:3.12-slim\nRUN pip install --no-cache-dir \"psycopg[c]\"\nCMD [\"python\", \"-m\", \"app\"]\n"
    found = lint_with_files(knowledge, text, {}, tmp_path)
    assert [(f.rule, f.line) for f in found] == [("MI470", 2)]
    assert "apt-get install -y --no-install-recommends libpq5" in found[0].fix


ORT = ("FROM node:lts-alpine AS app-builder\n"
       "{extra}"
       "WORKDIR /app\n"
       "COPY package.json package-lock.json ./\n"
       "RUN npm ci\n"
       "FROM node:lts-alpine\n"
       "WORKDIR /app\n"
       "COPY --from=app-builder /app ./\n"
       "CMD [\"node\", \"worker.js\"]\n")
ORT_PKG = {"package.json": '{"dependencies": {"onnxruntime-node": "^1.26.0", "express": "^4.19.2"}}'}


def test_onnxruntime_node_on_alpine_is_mi408_naming_its_glibc_only_binaries(knowledge, tmp_path):
    for i, extra in enumerate(("", "RUN apk add --no-cache build-base python3 gcompat\n")):
        d = tmp_path / str(i)
        d.mkdir()
        found = [f for f in lint_with_files(knowledge, ORT.format(extra=extra), ORT_PKG, d) if f.rule == "MI408"]
        assert [(f.severity, f.line) for f in found] == [("warning", 4 + bool(extra))], extra
        msg = found[0].message
        assert msg.startswith("npm installs onnxruntime-node on node:lts-alpine (musl): onnxruntime-node ships "
                              "prebuilt binaries linked against glibc only"), msg
        assert "Error loading shared library ld-linux-x86-64.so.2" in msg and "gcompat does not help" in msg


def test_onnxruntime_node_on_slim_is_clean(knowledge, tmp_path):
    text = ORT.format(extra="").replace("node:lts-alpine", "node:lts-slim")
    assert [f for f in lint_with_files(knowledge, text, ORT_PKG, tmp_path) if f.severity != "info"] == []


RELEASE = ("FROM alpine AS builder\n"
           "ARG VERSION\n"
           "RUN {extra}wget https://github.com/example/{repo}/releases/download/${{VERSION}}/{asset} && \\\n"
           "    tar -xzf {asset} && mkdir /etc_files && touch /etc_files/passwd\n"
           "FROM scratch\n"
           "COPY --from=builder /{prog} /\n"
           "COPY --from=builder /etc_files/ /etc/\n"
           "{copy_ca}"
           "ENTRYPOINT [\"/{prog}\"]\n")
CARGO = ('[package]\nname = "fetcher-rs"\nversion = "0.9.0"\n\n[[bin]]\nname = "fetcher"\npath = "src/main.rs"\n\n'
         '[dependencies]\nreqwest = { version = "0.13.4", default-features = false, features = ["rustls", "blocking"] }\n')


def _release(prog="fetcher", repo="fetcher", extra="", copy_ca=""):
    return RELEASE.format(prog=prog, repo=repo, asset=f"{prog}-${{VERSION}}-x86_64-unknown-linux-musl.tar.gz",
                          extra=extra, copy_ca=copy_ca)


def test_the_projects_own_release_downloaded_into_scratch_is_mi411(knowledge, tmp_path):
    found = lint_with_files(knowledge, _release(), {"Cargo.toml": CARGO}, tmp_path)
    assert [(f.rule, f.severity, f.line) for f in found] == [("MI411", "warning", 6)]
    msg = found[0].message
    assert msg.startswith("scratch has no CA bundle, and the Rust program /fetcher (downloaded in stage builder from "
                          "https://github.com/example/fetcher/releases/download/"), msg
    assert "the project's own release, named by Cargo.toml's [[bin]] fetcher" in msg
    assert "makes TLS calls (Cargo.toml: rustls)" in msg  # the context is the release's source


def test_with_the_ca_bundle_copied_in_it_is_clean(knowledge, tmp_path):
    text = _release(extra="apk add --no-cache ca-certificates && ",
                    copy_ca="COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n")
    assert lint_with_files(knowledge, text, {"Cargo.toml": CARGO}, tmp_path) == []


def test_a_third_partys_tool_or_a_context_without_tls_clients_is_not_reported(knowledge, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    other = _release(prog="tool", repo="tool")  # not a binary the context's Cargo.toml names
    assert lint_with_files(knowledge, other, {"Cargo.toml": CARGO}, tmp_path / "a") == []
    quiet = CARGO.split("[dependencies]")[0] + '[dependencies]\nclap = "4"\n'
    main = 'fn main() {\n    println!("{}", std::env::args().count());\n}\n'  # the release's source: no TLS
    assert lint_with_files(knowledge, _release(), {"Cargo.toml": quiet, "src/main.rs": main}, tmp_path / "b") == []


def test_the_download_must_name_the_program(knowledge, tmp_path):
    elsewhere = _release(repo="mirror").replace("/{}".format("fetcher-${VERSION}"), "/archive-${VERSION}")
    assert "fetcher" not in elsewhere.split("\n")[2]
    assert lint_with_files(knowledge, elsewhere, {"Cargo.toml": CARGO}, tmp_path) == []
