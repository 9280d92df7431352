"""Target platform (issue 12 item 1): the question, inspect's evidence from the ELF machine, the images' published
platforms (MI158), cross builds in the generated Dockerfile, and what a plan says it serves."""
import io
import json
import os
import shutil
import subprocess

import pytest

from kb.evidence.facts import inspect_path
from shell.cli import Env, main

GO = ["--answer", "language=go", "--answer", "cgo=no", "--answer", "go_net=no", "--answer", "tls=no",
      "--answer", "timezones=no", "--answer", "named_user=no", "--answer", "needs_shell=yes"]
QUIET = ["--answer", "needs_shell=no", "--answer", "named_user=no", "--answer", "tls=no", "--answer", "timezones=no"]


def run(*argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, stdin_isatty=False))
    return status, out.getvalue(), err.getvalue()


def go_binary(tmp_path, goarch, **extra):
    """A pure-Go hello world cross-compiled by the local toolchain for `goarch` (no C compiler involved)."""
    if not shutil.which("go"):
        pytest.skip("go not installed (apt-get install golang-go)")
    (tmp_path / "go.mod").write_text("module example.com/hello\n\ngo 1.19\n")
    (tmp_path / "main.go").write_text('package main\nimport "fmt"\nfunc main(){fmt.Println(1)}\n')
    env = dict(os.environ, CGO_ENABLED="0", GOARCH=goarch, GOFLAGS="-mod=mod", GOPROXY="off", HOME=str(tmp_path),
               GOCACHE=str(tmp_path / "cache"), GOPATH=str(tmp_path / "gopath"), **extra)
    out = tmp_path / f"hello-{goarch}"
    subprocess.run(["go", "build", "-o", str(out), "."], check=True, cwd=tmp_path, env=env, capture_output=True)
    return out


def test_unanswered_platform_is_assumed_amd64_and_said_so():
    status, out, _ = run(*GO, "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert {"fact": "platform", "assumed": "amd64", "reason": data["assumptions"][0]["reason"]} \
        in data["assumptions"] and "linux/amd64" in data["assumptions"][0]["reason"]
    best = data["plans"][0]
    assert best["platform"] == "amd64" and best["build_platform"] == ""
    assert "FROM golang:1-trixie AS build" in best["dockerfile"]  # the classic builder's form: no $BUILDPLATFORM


def test_an_image_not_published_for_the_platform_is_rejected_with_its_list():
    status, out, _ = run(*GO, "--answer", "platform=ppc64le", "--format", "json")
    data = json.loads(out)
    [uclibc] = [r for r in data["rejected"] if r["image"] == "busybox:uclibc"]
    assert uclibc["rule_id"] == "MI158"
    assert uclibc["reason"].startswith("is not published for linux/ppc64le; it publishes linux/amd64")
    assert "linux/ppc64le" not in uclibc["reason"].split(";")[1]
    assert data["plans"][0]["final_image"] == "busybox:musl"  # the next smallest with a shell that has ppc64le
    assert all("ppc64le" in p["platforms"] for p in data["plans"])


def test_chainguard_images_serve_amd64_and_arm64_only():
    no_shell = GO[:-1] + ["needs_shell=no"]
    status, out, _ = run(*no_shell, "--answer", "platform=s390x", "--format", "json")
    data = json.loads(out)
    reasons = {r["image"]: r["reason"] for r in data["rejected"] if r["rule_id"] == "MI158"}
    assert reasons["cgr.dev/chainguard/static"] == ("is not published for linux/s390x; it publishes linux/amd64, "
                                                    "linux/arm64")
    assert data["plans"][0]["final_image"] == "scratch"


def test_a_build_stage_on_the_target_platform_needs_its_build_image_there():
    rust = ["--answer", "language=rust", "--answer", "static_ok=yes", "--answer", "native_deps=no",
            "--answer", "needs_shell=no", "--answer", "tls=no", "--answer", "timezones=no", "--answer", "named_user=no"]
    status, out, _ = run(*rust, "--answer", "platform=s390x", "--format", "json")
    data = json.loads(out)
    [musl] = [r for r in data["rejected"] if r["image"] == "scratch" and r["strategy"] == "rust-static-musl"]
    assert musl["rule_id"] == "MI158" and musl["reason"] == (
        "its build image is not published for linux/s390x (it is for linux/amd64, linux/arm64, linux/ppc64le), and "
        "this build runs on the target platform")
    status, out, _ = run(*rust, "--format", "json")
    best = json.loads(out)["plans"][0]
    assert (best["final_image"], best["platforms"]) == ("scratch", ["amd64", "arm64", "ppc64le"])


def test_go_cross_compiles_on_the_build_platform_for_another_target():
    status, out, _ = run(*GO, "--answer", "platform=arm64", "--format", "dockerfile")
    assert status == 0
    lines = out.splitlines()
    assert "# build for linux/arm64: docker buildx build --platform linux/arm64 ." in lines
    assert "FROM --platform=$BUILDPLATFORM golang:1-trixie AS build" in lines
    build = lines.index("RUN go build -trimpath -ldflags='-s -w' -o /out/app .")
    assert lines.index("ARG TARGETOS TARGETARCH") < lines.index("ENV GOOS=$TARGETOS GOARCH=$TARGETARCH") < build
    assert "GOARM" not in out
    status, out, _ = run(*GO, "--answer", "platform=arm/v7", "--format", "dockerfile")
    assert "ENV GOARM=7" in out.splitlines()


def test_a_cgo_build_for_another_platform_is_emulated_and_says_so():
    status, out, _ = run("--answer", "language=go", "--answer", "cgo=yes", "--answer", "platform=arm64",
                         "--format", "json")
    plan = json.loads(out)["plans"][0]
    assert plan["build_platform"] == "" and "--platform=$BUILDPLATFORM" not in plan["dockerfile"]
    assert any("runs on the target platform" in c and "QEMU" in c for c in plan["caveats"])


def test_plans_say_which_platforms_they_serve_in_text_and_dockerfile():
    status, out, _ = run(*GO, "--answer", "platform=riscv64")
    assert status == 0
    assert "Recommended: busybox:uclibc" in out  # it has riscv64 (not ppc64le or s390x)
    served = "linux/amd64, linux/arm64, linux/arm/v7, linux/riscv64"  # among the platforms asked about
    assert f"platform: linux/riscv64 (the Dockerfile serves {served})" in " ".join(out.split())  # wrapped at 100
    assert f"    # platforms: {served}" in out


def test_platform_aliases_are_docker_names():
    status, out, _ = run(*GO, "--answer", "platform=linux/arm64", "--format", "json")
    assert json.loads(out)["plans"][0]["platform"] == "arm64"
    status, _, err = run(*GO, "--answer", "platform=mips", "--format", "json")
    assert status == 2 and "'mips' is not an answer to platform" in err and "arm/v7" in err


def test_inspect_reads_the_platform_from_the_elf_machine(tmp_path):
    exe = go_binary(tmp_path, "arm64")
    facts = {(j.fact.name, j.fact.value): j.note for j in inspect_path(str(exe))[2]}
    assert ("binary_arch", "aarch64") in facts
    assert facts[("platform", "arm64")] == f"{exe} (ELF machine EM_AARCH64: 64-bit ARM)"
    status, out, _ = run("inspect", str(exe), *QUIET, "--format", "json")
    data = json.loads(out)
    prebuilt = [p for p in data["plans"] if p["strategy"] == "prebuilt-binary"]
    assert prebuilt and all(p["platforms"] == ["arm64"] for p in prebuilt)
    assert "FROM --platform=linux/arm64 scratch" in prebuilt[0]["dockerfile"]
    # rebuilds are for the binary's platform too, never silently for the build machine's
    assert all(p["platform"] == "arm64" for p in data["plans"])
    assert "platform" not in [a["fact"] for a in data["assumptions"]]


def test_an_answer_that_contradicts_the_binary_platform_is_reported_and_rejects_it_as_is(tmp_path):
    exe = go_binary(tmp_path, "s390x")
    status, out, _ = run("inspect", str(exe), *QUIET, "--answer", "platform=amd64", "--format", "json")
    data = json.loads(out)
    assert any(w.startswith("your answer platform = amd64 overrides platform = s390x shown by " + str(exe))
               for w in data["warnings"])
    as_is = [r for r in data["rejected"] if r["strategy"] == "prebuilt-binary"]
    assert as_is and all(r["rule_id"] == "MI158" for r in as_is)
    assert "built for linux/s390x (s390), not linux/amd64" in as_is[0]["reason"]
    assert not [p for p in data["plans"] if p["strategy"] == "prebuilt-binary"]
    status, text, _ = run("inspect", str(exe), *QUIET, "--answer", "platform=amd64")
    assert "Warning: your answer platform = amd64 overrides platform = s390x" in text


def test_a_32_bit_arm_binary_is_taken_as_arm_v7(tmp_path):
    exe = go_binary(tmp_path, "arm", GOARM="7")
    facts = {(j.fact.name, j.fact.value): j.note for j in inspect_path(str(exe))[2]}
    assert "taken as ARMv7" in facts[("platform", "arm/v7")]


def test_a_binary_for_a_cpu_outside_the_choices_is_never_offered_as_it_is(tmp_path):
    exe = go_binary(tmp_path, "386")
    status, out, _ = run("inspect", str(exe), *QUIET, "--format", "json")
    data = json.loads(out)
    as_is = [r for r in data["rejected"] if r["strategy"] == "prebuilt-binary"]
    assert as_is and {r["reason"] for r in as_is} == {
        "the inspected binary is built for i386, a CPU minimage-ask does not plan for, not linux/amd64; it is not "
        "rebuilt behind your back: build it for linux/amd64"}
    assert data["warnings"] == ["the inspected binary is built for i386, a CPU minimage-ask does not plan for: it is "
                                "not offered as it is, and plans that rebuild it are for linux/amd64 (assumed)"]
