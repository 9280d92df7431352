"""MI4xx lint rules: every example in rules.yaml (catches / doesn't catch), the article's Dockerfiles, stage flow."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import kb
from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.detectors import DETECTORS
from kb.lint import lint_paths, lint_report, lint_text, profile_for

FIXTURES = Path(__file__).parent / "fixtures"
UNFILLED = re.compile(r"(?<!\$)\{[a-z_]*\}")  # a template field a message left unfilled


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


def _examples():
    knowledge = kb.load().knowledge
    for rule in knowledge.lints.values():
        for i, ex in enumerate(rule.examples):
            yield pytest.param(rule.id, i, id=f"{rule.id}-{'flagged' if ex.flagged else 'clean'}-{i}")


@pytest.mark.parametrize("rule_id,index", list(_examples()))
def test_rule_examples(knowledge, tmp_path, rule_id, index):
    rule = knowledge.lints[rule_id]
    ex = rule.examples[index]
    for name, content in ex.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    findings = lint_report(knowledge, parse_dockerfile_text(ex.dockerfile, "Dockerfile"), context_dir=str(tmp_path))
    mine = [f for f in findings if f.rule == rule_id]
    if ex.flagged:
        assert mine, f"{rule_id} should flag (rules.yaml:{ex.line}):\n{ex.dockerfile}"
        if ex.at is not None:
            assert ex.at in [f.line for f in mine], [(f.line, f.message) for f in mine]
        for f in mine:
            # no template field left unfilled ("{image}"); a Dockerfile's own "${BASE}", quoted, is not one
            assert not UNFILLED.search(f.message) and not UNFILLED.search(f.fix), f.message
            assert f.severity == rule.severity and f.sources == rule.sources
    else:
        assert not mine, f"{rule_id} should not flag (rules.yaml:{ex.line}): {[f.message for f in mine]}"


def test_every_rule_has_a_check_and_every_check_a_rule(knowledge):
    from kb.lint import ON_DEMAND

    names = {r.name for r in knowledge.lints.values() if r.status == "active"}
    on_demand = {n for checks, _needed in ON_DEMAND.values() for n in checks}
    assert names == set(DETECTORS["lint"]) | on_demand
    assert all(r.id.startswith("MI4") for r in knowledge.lints.values())


# ---- the article's Dockerfiles ---------------------------------------------------------------------------------


def _lint_fixture(knowledge, name):
    [result] = lint_paths(knowledge, [str(FIXTURES / name / "Dockerfile")])
    assert result.error is None
    return result.findings


def test_article_c_with_plain_gcc_into_scratch_fails_for_libc(knowledge):
    """A4: plain gcc in `gcc`, copied to scratch: needs libc.so.6 (the loader), which scratch lacks."""
    [f] = _lint_fixture(knowledge, "article-c-dynamic")
    assert (f.rule, f.severity, f.line) == ("MI401", "error", 5)
    assert "glibc" in f.message and "scratch" in f.message and "-static" in f.fix
    assert "A4" in f.sources


def test_article_go_net_program_into_scratch_fails_for_cgo(knowledge):
    """A7: net in golang:1.15.6 (gcc present, cgo on) links glibc; scratch has none. Fix A9: CGO_ENABLED=0."""
    [f] = _lint_fixture(knowledge, "article-go-net")
    assert (f.rule, f.severity, f.line) == ("MI401", "error", 6)
    assert "imports net" in f.message and "CGO_ENABLED=0" in f.fix
    assert {"A7", "A9"} <= set(f.sources)


def test_article_go_hello_world_only_warns(knowledge):
    """A2: fmt only, so the binary is static even with cgo on; but CGO_ENABLED is left to chance."""
    [f] = _lint_fixture(knowledge, "article-go-hello")
    assert (f.rule, f.severity, f.line) == ("MI402", "warning", 4)


@pytest.mark.parametrize("name", ["article-c-static", "article-go-cgo-disabled", "article-golang-alpine",
                                  "article-alpine-build-base"])
def test_article_fixes_are_clean(knowledge, name):
    assert _lint_fixture(knowledge, name) == ()


def test_without_the_build_context_an_unset_cgo_is_an_error(knowledge):
    """Without the sources, lint cannot know the imports: it assumes the worst (A7)."""
    [result] = lint_paths(knowledge, [str(FIXTURES / "article-go-hello" / "Dockerfile")], use_context=False,
                          ignore=ORTHOGONAL)
    assert [f.rule for f in result.findings] == ["MI401"]


# ---- following artefacts and knowing images ---------------------------------------------------------------------


# the libc checks are tested apart from the CA-bundle warning and info (MI411, MI416) and the unknown-image info (MI414)
ORTHOGONAL = ("MI411", "MI414", "MI416")


def rules_of(knowledge, text, **kw):
    kw["ignore"] = tuple(kw.get("ignore", ())) + ORTHOGONAL
    return [(f.rule, f.line) for f in lint_text(knowledge, text, **kw)]


def test_artefacts_follow_copies_through_intermediate_stages_and_cp(knowledge):
    text = """\
FROM rust:1.85-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release && mkdir -p /out && cp target/release/api /out/
FROM debian:bookworm-slim AS stage
COPY --from=build /out /opt/bin
FROM stage AS almost
FROM scratch
COPY --from=almost /opt/bin/api /api
ENTRYPOINT ["/api"]
"""
    assert rules_of(knowledge, text) == [("MI401", 9)]


def test_copying_the_loader_and_libc_along_is_not_flagged(knowledge):
    text = """\
FROM gcc:14 AS build
RUN gcc -o /hello /hello.c
FROM scratch
COPY --from=build /lib64/ld-linux-x86-64.so.2 /lib64/
COPY --from=build /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/
COPY --from=build /hello /hello
CMD ["/hello"]
"""
    assert rules_of(knowledge, text) == []


def test_gcompat_on_alpine_counts_as_a_glibc_loader(knowledge):
    text = "FROM gcc:14 AS b\nRUN gcc -o /h h.c\nFROM alpine:3.20\nRUN apk add gcompat\nCOPY --from=b /h /h\n"
    assert rules_of(knowledge, text) == []


def test_global_arg_in_from_is_resolved(knowledge):
    text = 'ARG GO=1.22\nFROM golang:${GO} AS b\nRUN go build -o /app .\nFROM alpine\nCOPY --from=b /app /app\n'
    assert rules_of(knowledge, text) == [("MI401", 5)]


def test_cgo_off_inline_and_via_arg(knowledge):
    for build in ("RUN CGO_ENABLED=0 go build -o /app .", "ARG CGO_ENABLED=0\nRUN go build -o /app .",
                  "RUN export CGO_ENABLED=0 && go build -o /app ."):
        text = f"FROM golang:1.22 AS b\n{build}\nFROM scratch\nCOPY --from=b /app /app\n"
        assert rules_of(knowledge, text) == [], build


def test_go_pie_is_dynamic_even_without_cgo(knowledge):
    text = ("FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN go build -buildmode=pie -o /app .\n"
            "FROM scratch\nCOPY --from=b /app /app\n")
    assert rules_of(knowledge, text) == [("MI401", 5)]


def test_go_skew_golang_latest_into_debian12_distroless(knowledge):
    """distroless#1859: a cgo binary from golang:1.24 (trixie) on base-debian12."""
    text = ("FROM golang:1.24 AS b\nENV CGO_ENABLED=1\nRUN go build -o /app .\n"
            "FROM gcr.io/distroless/base-debian12\nCOPY --from=b /app /app\n")
    assert rules_of(knowledge, text) == [("MI404", 5)]


def test_rust_musl_target_to_scratch_is_clean_and_gnu_is_not(knowledge):
    musl = ("FROM rust:1.85 AS b\nWORKDIR /s\nRUN cargo build --release --target x86_64-unknown-linux-musl\n"
            "FROM scratch\nCOPY --from=b /s/target/x86_64-unknown-linux-musl/release/app /app\n")
    assert rules_of(knowledge, musl) == []
    assert rules_of(knowledge, musl.replace(" --target x86_64-unknown-linux-musl", "")
                    .replace("x86_64-unknown-linux-musl/", "")) == [("MI401", 5)]


def test_shell_form_in_distroless_debug_needs_busybox_path(knowledge):
    base = "FROM gcr.io/distroless/static-debian13:debug\n"
    assert rules_of(knowledge, base + "CMD /app\n") == [("MI405", 2)]
    assert rules_of(knowledge, base + 'SHELL ["/busybox/sh", "-c"]\nCMD /app\n') == []
    assert rules_of(knowledge, base + 'RUN ["/busybox/mkdir", "/x"]\n') == []


def test_image_references_are_normalised(knowledge):
    for ref in ("docker.io/library/alpine:3.20", "alpine@sha256:" + "0" * 64, "library/alpine"):
        assert profile_for(knowledge, ref).libc == "musl", ref
    assert profile_for(knowledge, "golang:1.15.6").release == "debian10"
    assert profile_for(knowledge, "golang:1.24").release == "debian13"
    assert profile_for(knowledge, "golang:1.23-bookworm").glibc == "2.36"
    assert profile_for(knowledge, "busybox").libc == "glibc"
    assert profile_for(knowledge, "busybox:1.31").libc == "none"
    assert not profile_for(knowledge, "registry.example.test/unknown:1").known


def test_the_official_images_public_mirrors_are_the_official_images(knowledge):
    # scopedb/scopeql names debian:bullseye-slim through AWS's ECR Public mirror; the CA check must run on it
    for ref in ("public.ecr.aws/docker/library/debian:bullseye-slim", "mirror.gcr.io/library/debian:bullseye-slim",
                "registry.hub.docker.com/library/debian:bullseye-slim"):
        prof = profile_for(knowledge, ref)
        assert (prof.known, prof.release, prof.ca_certificates) == (True, "debian11", False), ref
    assert not profile_for(knowledge, "public.ecr.aws/someone/debian:bullseye-slim").known
    text = ("FROM public.ecr.aws/docker/library/golang:1.22-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
            "RUN CGO_ENABLED=0 go build -o /app .\nFROM public.ecr.aws/docker/library/alpine:3.20\n"
            "COPY --from=build /app /app\nUSER nonroot\nCMD [\"/app\"]\n")
    assert ("MI407", 7) in [(f.rule, f.line) for f in lint_text(knowledge, text)]


def test_go_point_releases_superseded_before_trixie_became_the_default_stay_bookworm(knowledge):
    """golang:1.24.5 was never rebuilt after 2025-08-12: a build on it runs on bookworm's glibc, with no MI404."""
    for ref in ("golang:1.24.5", "golang:1.24.0", "golang:1.24rc2", "golang:1.25rc3"):
        prof = profile_for(knowledge, ref)
        assert (prof.release, prof.glibc, prof.floating) == ("debian12", "2.36", ""), ref
    for ref in ("golang:1.24.6", "golang:1.24.10", "golang:1.24", "golang:1.25.3"):
        assert profile_for(knowledge, ref).release == "debian13", ref
    text = ("FROM golang:{} AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
            "FROM debian:bookworm-slim\nCOPY --from=build /app /app\nCMD [\"/app\"]\n")
    assert "MI404" not in [f.rule for f in lint_text(knowledge, text.format("1.24.5"))]
    assert ("MI404", "error") in [(f.rule, f.severity) for f in lint_text(knowledge, text.format("1.24.6"))]


def test_a_digest_without_a_tag_is_unknown_where_the_tag_decides_the_release_or_libc(knowledge):
    digest = "@sha256:" + "4" * 64
    for ref in ("python" + digest, "debian" + digest, "ubuntu" + digest, "node" + digest):
        assert not profile_for(knowledge, ref).known, ref  # not read as :latest
    assert profile_for(knowledge, "python:3.12-slim-bookworm" + digest).glibc == "2.36"
    assert profile_for(knowledge, "alpine" + digest).libc == "musl"  # every alpine tag is musl
    text = f"FROM golang:1.22-bookworm AS b\nRUN go build -o /app .\nFROM debian{digest}\nCOPY --from=b /app /app\n"
    [f] = lint_text(knowledge, text)
    assert (f.rule, f.line, f.severity) == ("MI414", 3, "info") and "a digest without a tag" in f.message


def test_uv_derived_images_are_the_python_image_their_tag_names(knowledge):
    assert profile_for(knowledge, "ghcr.io/astral-sh/uv:python3.12-bookworm-slim").glibc == "2.36"
    assert profile_for(knowledge, "ghcr.io/astral-sh/uv:python3.13-trixie-slim").glibc == "2.41"
    assert profile_for(knowledge, "ghcr.io/astral-sh/uv:python3.12-alpine").libc == "musl"
    assert profile_for(knowledge, "ghcr.io/astral-sh/uv:python3.12-bookworm").has_compiler


def test_unknown_images_are_never_flagged_but_said_unchecked(knowledge):
    text = "FROM gcc:14 AS b\nRUN gcc -o /h h.c\nFROM my.registry/base:1\nCOPY --from=b /h /h\nCMD /h\nUSER bob\n"
    assert rules_of(knowledge, text) == []
    [f] = lint_text(knowledge, text)
    assert (f.rule, f.line, f.severity) == ("MI414", 3, "info") and "cannot check libc of my.registry/base:1" in f.message


def test_a_layered_rule_file_adds_an_image_family():
    knowledge = kb.load(str(Path(__file__).parent / "rulefiles" / "my-family.yaml"), cache=False).knowledge
    text = "FROM gcc:14 AS b\nRUN gcc -o /h h.c\nFROM registry.acme.test/runtime:7\nCOPY --from=b /h /h\nCMD /h\n"
    assert [(f.rule, f.line) for f in lint_text(knowledge, text)] == [("MI401", 4), ("MI405", 5)]


def test_ignore_by_id_or_name(knowledge):
    text = "FROM scratch\nCOPY a /a\nUSER nobody\nCMD /a\n"
    assert rules_of(knowledge, text) == [("MI407", 3), ("MI405", 4)]
    assert rules_of(knowledge, text, ignore=["MI405", "named-user-without-passwd"]) == []


def test_native_requirements_are_read_from_the_context(knowledge, tmp_path):
    (tmp_path / "requirements.txt").write_text("flask==3.0\nscikit-learn>=1.3  # models\n")
    text = "FROM python:3.12-alpine\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    [f] = lint_text(knowledge, text, context_dir=str(tmp_path))
    assert (f.rule, f.line) == ("MI408", 3) and "scikit-learn" in f.message and "flask" not in f.message


def test_a_missing_library_and_glibc_skew_are_each_reported(knowledge, tmp_path):
    """Issue 9 item 7: the reason must be the real one, and when several hold each is reported: a Rust program
    built on trixie (glibc 2.41) that links libssl (openssl-sys in Cargo.lock) goes to bookworm-slim (2.36, no
    libssl) - both the skew (MI404) and the missing libssl.so.3 (MI412) are findings at the COPY line."""
    (tmp_path / "Cargo.lock").write_text('[[package]]\nname = "app"\n\n[[package]]\nname = "openssl-sys"\n')
    text = """\
FROM rust:1.85-trixie AS build
WORKDIR /src
COPY . .
RUN cargo build --release
FROM debian:bookworm-slim
COPY --from=build /src/target/release/app /usr/local/bin/app
CMD ["app"]
"""
    findings = lint_text(knowledge, text, context_dir=str(tmp_path), ignore=ORTHOGONAL)
    assert [(f.rule, f.line) for f in findings] == [("MI404", 6), ("MI412", 6)]
    [missing] = [f for f in findings if f.rule == "MI412"]
    assert "lacks libssl (the crate openssl-sys in Cargo.lock)" in missing.message
    assert "libssl.so" in missing.message and "libssl3" in missing.fix
    fixed = text.replace("FROM debian:bookworm-slim", "FROM debian:trixie-slim\nRUN apt-get update && "
                                                       "apt-get install -y libssl3t64")
    assert rules_of(knowledge, fixed, context_dir=str(tmp_path)) == []


@pytest.mark.parametrize("build", [
    "RUN cargo build --release --target={t}",
    "RUN cargo --config build.target='{t}' build --release",
    "ENV CARGO_BUILD_TARGET={t}\nRUN cargo build --release",
])
def test_every_spelling_of_a_rust_target_is_read(knowledge, build):
    """The artefact is found under target/TARGET/release whichever way the target is given: a musl one runs on
    scratch, a gnu one does not (MI401 at the COPY)."""
    for target, found in (("x86_64-unknown-linux-musl", []), ("x86_64-unknown-linux-gnu", ["MI401"])):
        text = (f"FROM rust:1.85 AS b\nWORKDIR /s\n{build.format(t=target)}\n"
                f"FROM scratch\nCOPY --from=b /s/target/{target}/release/app /app\n")
        assert [rule for rule, _ in rules_of(knowledge, text)] == found, target


def test_a_cargo_target_option_without_its_value_is_no_target(knowledge):
    text = "FROM rust:1.85 AS b\nWORKDIR /s\nRUN cargo build --release --target\nFROM scratch\nCOPY --from=b /s/target/release/app /app\n"
    assert rules_of(knowledge, text) == [("MI401", 5)]
    [finding] = [f for f in lint_text(knowledge, text) if f.rule == "MI401"]
    assert "the Rust program /app is linked dynamically against glibc (the gnu target links glibc dynamically)" \
        in finding.message


@pytest.mark.parametrize("flag", ["-shared", "-S", "-c", "-E"])
def test_a_compiler_run_that_makes_no_program_is_no_program(knowledge, flag):
    """gcc -shared makes a library, -S assembly, -c an object, -E preprocessed source: none is a program that
    scratch would have to run (the same command without the flag is, MI401)."""
    text = "FROM gcc:14 AS b\nRUN gcc {} -o /out/app main.c\nFROM scratch\nCOPY --from=b /out/app /app\n"
    assert rules_of(knowledge, text.format(flag)) == []
    assert rules_of(knowledge, text.format("-O2")) == [("MI401", 4)]


def test_a_ca_bundle_copied_under_etc_ssl_counts_whatever_its_file_is_called(knowledge):
    base = "FROM golang:1.24 AS b\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n"
    assert "MI416" in [f.rule for f in lint_text(knowledge, base)]  # scratch has no CA bundle
    own = base + "COPY --from=b /tmp/corporate-roots.pem /etc/ssl/certs/corporate-roots.pem\n"
    assert "MI416" not in [f.rule for f in lint_text(knowledge, own)]


def test_a_go_build_with_cgo_off_runs_no_c_compiler(knowledge):
    """gcc without musl-dev fails the first compile (MI406); a Go build with cgo off compiles no C, so it is none."""
    text = ("FROM golang:1.24-alpine AS b\nRUN apk add --no-cache gcc\nRUN CGO_ENABLED=0 go build -o /app .\n"
            "FROM alpine:3.22\nCOPY --from=b /app /app\n")
    assert rules_of(knowledge, text) == []
    assert rules_of(knowledge, text.replace("CGO_ENABLED=0", "CGO_ENABLED=1")) == [("MI406", 2)]


def test_headers_deleted_after_the_compile_were_there_for_it(knowledge):
    """`apk add alpine-sdk gcc && pip wheel && apk del alpine-sdk gcc`: the stage ends without musl-dev, but the
    compile had it (renku-python's builder): no MI406. With gcc alone the same compile has no headers: MI406."""
    text = ("FROM python:3.12-alpine AS b\nENV DEPS \"alpine-sdk gcc libxslt-dev\"\nRUN apk add --no-cache $DEPS\n"
            "RUN pip wheel -w /w . && pip install --root=/p /w/*.whl && apk del --purge $DEPS\n"
            "FROM python:3.12-alpine\nCOPY --from=b /p/ /\n")
    assert "MI406" not in [r for r, _ in rules_of(knowledge, text)]
    gcc_only = text.replace("alpine-sdk gcc", "gcc")
    assert ("MI406", 3) in rules_of(knowledge, gcc_only)


@pytest.mark.parametrize("final_step", [
    "RUN apk add --no-cache g++\n", "RUN apk add --no-cache libstdc++ libgcc\n",
    "COPY --from=b /usr/lib/libstdc++.so.6 /usr/lib/libgcc_s.so.1 /usr/lib/\n",
])
def test_a_cxx_program_on_alpine_needs_libstdcxx_however_the_final_stage_gets_it(knowledge, final_step):
    text = ("FROM alpine:3.22 AS b\nRUN apk add --no-cache g++ musl-dev\nRUN g++ -o /app main.cpp\nFROM alpine:3.22\n"
            "{}COPY --from=b /app /app\n")
    assert rules_of(knowledge, text.format("")) == [("MI403", 5)]
    assert rules_of(knowledge, text.format(final_step)) == []


def test_a_missing_library_is_fixed_with_the_final_images_package_manager(knowledge):
    text = ("FROM {b} AS build\nRUN {install} cmake {dev}\nCOPY . /src\nRUN cmake -S /src -B /b && cmake --build /b\n"
            "FROM {b}\nCOPY --from=build /b/app /app\nENTRYPOINT [\"/app\"]\n")
    alpine = text.format(b="alpine:3.22", install="apk add --no-cache build-base", dev="postgresql-dev")
    debian = text.format(b="debian:bookworm", install="apt-get update && apt-get install -y build-essential",
                         dev="libssl-dev")
    [musl] = [f for f in lint_text(knowledge, alpine) if f.rule == "MI412"]
    assert musl.fix.startswith("apk add the run-time packages in the final stage: apk add --no-cache libpq;")
    [glibc] = [f for f in lint_text(knowledge, debian) if f.rule == "MI412"]
    assert glibc.fix.startswith("install the run-time packages in the final stage: apt-get install "
                                "--no-install-recommends libssl3;")  # Debian 12's name (libssl3t64 in 13)


def test_a_program_installed_by_cmake_is_found_under_its_prefix(knowledge):
    text = ("FROM debian:bookworm AS b\nRUN apt-get update && apt-get install -y build-essential cmake\nCOPY . /src\n"
            "WORKDIR /src\nRUN cmake -S . -B build && cmake --build build && cmake --install build --prefix /opt/app\n"
            "FROM scratch\nCOPY --from=b /opt/app/bin/app /app\n")
    assert rules_of(knowledge, text) == [("MI401", 7)]  # glibc-linked, and scratch has no glibc
    assert rules_of(knowledge, text.replace("/opt/app/bin/app", "/opt/other/app")) == []  # not what cmake made


@pytest.mark.parametrize("final_step", ["RUN apk add --no-cache rust\n", "RUN apk add --no-cache cargo\n",
                                        "RUN apk add --no-cache libgcc\n"])
def test_alpines_own_rust_program_needs_libgcc_however_the_final_stage_gets_it(knowledge, final_step):
    text = ("FROM alpine:3.22 AS b\nRUN apk add --no-cache cargo\nWORKDIR /s\nRUN cargo build --release\n"
            "FROM alpine:3.22\n{}COPY --from=b /s/target/release/app /app\n")
    assert rules_of(knowledge, text.format("")) == [("MI403", 6)]
    assert rules_of(knowledge, text.format(final_step)) == []


def test_a_final_image_set_by_an_unresolvable_arg_is_said_so(knowledge):
    text = ("ARG BASE=${X}\nFROM golang:1.24 AS b\nRUN CGO_ENABLED=0 go build -o /app .\nFROM ${BASE}\n"
            "COPY --from=b /app /app\n")
    [f] = [f for f in lint_text(knowledge, text) if f.rule == "MI414"]
    assert f.message.endswith("cannot check libc of ${X} (the final image): it is set by an ARG lint cannot resolve")


def test_an_arg_with_no_value_is_named_as_written(knowledge):
    """`ARG BASE` with no default leaves `FROM $BASE` empty: the finding names `$BASE` and says why."""
    text = ("ARG BASE\nFROM golang:1.24 AS b\nRUN CGO_ENABLED=0 go build -o /app .\nFROM $BASE\n"
            "COPY --from=b /app /app\n")
    [f] = [f for f in lint_text(knowledge, text) if f.rule == "MI414"]
    assert f.message.endswith("cannot check libc of $BASE (the final image): it is set by an ARG lint cannot resolve")


@pytest.mark.parametrize("spelling", ["make -C src", "make --directory src", "make --directory=src", "make -Csrc",
                                      "make -C src -f Makefile", "make --directory=src --file=Makefile"])
def test_make_dash_c_reads_the_makefile_of_that_directory(knowledge, tmp_path, spelling):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Makefile").write_text("app: main.c\n\tgcc -o /out/app main.c\n")
    text = (f"FROM gcc:14 AS b\nCOPY . /w\nWORKDIR /w\nRUN {spelling}\nFROM scratch\n"
            "COPY --from=b /out/app /app\n")
    assert rules_of(knowledge, text, context_dir=str(tmp_path)) == [("MI401", 6)]  # the recipe's gcc, glibc-linked
    assert rules_of(knowledge, text.replace(spelling, "make"), context_dir=str(tmp_path)) == []  # no ./Makefile


def test_a_go_flag_value_is_not_taken_for_a_package(knowledge):
    """`go build -gcflags all=-N ./cmd/app` builds one package, named app in the working directory."""
    text = ("FROM golang:1.24 AS b\nWORKDIR /src\nENV CGO_ENABLED=1\nRUN go build -gcflags all=-N ./cmd/app\n"
            "FROM scratch\nCOPY --from=b /src/app /app\n")
    assert rules_of(knowledge, text) == [("MI401", 6)]


@pytest.mark.parametrize("base,shell,found", [
    ("gcr.io/distroless/static-debian13:debug", "sh", [("MI405", 4)]),  # its shell is /busybox/sh alone
    ("alpine:3.22", "sh", []), ("alpine:3.22", "dash", [("MI405", 4)]), ("debian:trixie-slim", "dash", []),
])
def test_a_shell_named_by_shell_must_be_in_the_image(knowledge, base, shell, found):
    text = f'FROM {base}\nCOPY app /app\nSHELL ["{shell}", "-c"]\nCMD /app\n'
    assert rules_of(knowledge, text) == found


def test_a_shell_counts_from_the_shell_instruction_on_and_once_the_stage_installed_it(knowledge):
    # heldout12's WGDashboard: apk add bash, then SHELL ["/bin/bash", ...]: the RUN lines after both work, those
    # before SHELL run /bin/sh, and one that runs bash before bash is installed fails
    text = ("FROM python:3.14-alpine\nRUN apk add --no-cache bash curl\nRUN echo one\n"
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN echo two | cat\nCMD echo three\n')
    assert rules_of(knowledge, text) == []
    early = 'FROM alpine:3.22\nSHELL ["/bin/bash", "-c"]\nRUN echo one\nRUN apk add bash\nRUN echo two\n'
    assert rules_of(knowledge, early) == [("MI405", 3), ("MI405", 4)]
    # a stage FROM this one inherits the SHELL in force
    inherited = 'FROM alpine:3.22 AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nRUN echo x\n'
    assert rules_of(knowledge, inherited) == [("MI405", 4)]


def test_chainguard_development_variants_have_a_shell(knowledge):
    # heldout12's surrealmcp: glibc-dynamic:latest-dev ships bash, busybox and apk; :latest has no shell
    assert rules_of(knowledge, "FROM cgr.dev/chainguard/glibc-dynamic:latest-dev\nRUN mkdir /data\n") == []
    assert rules_of(knowledge, "FROM cgr.dev/chainguard/glibc-dynamic:latest\nRUN mkdir /data\n") == [("MI405", 2)]


def test_only_apk_del_removes_what_apk_add_installed(knowledge):
    text = ("FROM alpine:3.22 AS b\nRUN apk add --no-cache cargo\nWORKDIR /s\nRUN cargo build --release\n"
            "FROM alpine:3.22\nRUN apk add --no-cache libgcc && apk {} libgcc\nCOPY --from=b /s/target/release/app /app\n")
    assert rules_of(knowledge, text.format("info -e")) == []
    assert rules_of(knowledge, text.format("del")) == [("MI403", 7)]
