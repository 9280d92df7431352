"""Issue 12, items 2 and 3: the languages and images users bring (.NET, Java jlink and native-image, Ruby, PHP, Bun,
Deno; distroless :debug, java-base, the .NET and Ubuntu chiseled images), as a user sees them through the CLI."""
import io
import json

from shell.cli import Env, main

QUIET = {"tls": "no", "timezones": "no", "named_user": "no", "needs_shell": "no"}


def run(*argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), Env(stdin=io.StringIO(stdin), stdout=out, stderr=err, stdin_isatty=False))
    return status, out.getvalue(), err.getvalue()


def consult(fmt="json", **answers):
    argv = [a for fact, value in {**QUIET, **answers}.items() for a in ("--answer", f"{fact}={value}")]
    status, out, err = run(*argv, "--format", fmt)
    assert status == 0, err
    return json.loads(out) if fmt == "json" else out


def rejection(data, image):
    return [r for r in data["rejected"] if r["image"] == image]


# -- .NET ------------------------------------------------------------------------------------------------------------


def test_an_aspnet_app_in_invariant_mode_goes_on_the_chiseled_aspnet_image_whose_entrypoint_is_dotnet():
    dockerfile = consult("dockerfile", language="dotnet", dotnet_deploy="framework", aspnet="yes",
                         globalization="no")
    assert "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build" in dockerfile
    assert "-p:AssemblyName=app -p:UseAppHost=false" in dockerfile
    assert "FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled\n" in dockerfile
    assert "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true" in dockerfile
    # the chiseled image's ENTRYPOINT is /usr/bin/dotnet: CMD holds only the app
    assert dockerfile.rstrip().endswith('CMD ["/app/app.dll"]')
    assert "ENTRYPOINT" not in dockerfile


def test_a_console_app_on_the_full_runtime_image_runs_dotnet_itself():
    data = consult(language="dotnet", dotnet_deploy="framework", aspnet="no", globalization="yes", needs_shell="yes")
    best = data["plans"][0]
    assert best["final_image"] == "mcr.microsoft.com/dotnet/runtime:10.0"
    assert best["cmd"] == ["/usr/bin/dotnet", "/app/app.dll"]
    assert all(p["final_image"].startswith("mcr.microsoft.com/dotnet/runtime:") for p in data["plans"])


def test_culture_data_rejects_the_chiseled_images_without_icu_and_keeps_the_extra_ones():
    data = consult(language="dotnet", dotnet_deploy="framework", aspnet="no", globalization="yes")
    assert data["plans"][0]["final_image"] == "mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled-extra"
    (rejected,) = rejection(data, "mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled")
    assert rejected["rule_id"] == "MI165"
    assert rejected["reason"] == "needs ICU culture data (libicu); the image has none"
    assert not any("INVARIANT" in c["instruction"] for c in data["plans"][0]["changes"])


def test_a_self_contained_app_runs_on_runtime_deps_or_distroless_cc_but_not_on_base():
    data = consult(language="dotnet", dotnet_deploy="self-contained", globalization="no", named_user="yes")
    images = [p["final_image"] for p in data["plans"]]
    assert images[0] == "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled"
    assert "gcr.io/distroless/cc-debian13" in images
    (base,) = [r for r in rejection(data, "gcr.io/distroless/base-debian13") if r["strategy"] == "dotnet-self-contained"]
    assert "libgcc_s.so.1" in base["reason"] and "libstdc++.so.6" in base["reason"]
    best = data["plans"][0]
    assert best["cmd"] == ["/app/app"] and best["user"] == "app"
    assert any("--self-contained -p:PublishTrimmed=true" in s["instruction"] for s in best["changes"])


def test_native_aot_needs_a_glibc_as_new_as_the_sdk_images_ubuntu():
    data = consult(language="dotnet", dotnet_deploy="native-aot", globalization="no", needs_shell="yes")
    (old,) = rejection(data, "debian:bookworm-slim")
    assert old["rule_id"] == "MI151" and old["reason"] == "needs glibc 2.39, but the image has 2.36"
    assert "debian:trixie-slim" in [p["final_image"] for p in data["plans"]]
    dockerfile = consult("dockerfile", language="dotnet", dotnet_deploy="native-aot", globalization="no")
    assert "apt-get install -y --no-install-recommends clang zlib1g-dev" in dockerfile
    assert "-p:PublishAot=true" in dockerfile


def test_dotnet_time_zones_are_copied_into_a_chiseled_image():
    dockerfile = consult("dockerfile", language="dotnet", dotnet_deploy="native-aot", globalization="no",
                         timezones="yes")
    assert "FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled\n" in dockerfile
    assert "COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo" in dockerfile


# -- Java ------------------------------------------------------------------------------------------------------------


def test_a_jar_runs_on_its_release_or_a_later_one_and_its_own_release_goes_first():
    data = consult(language="java", java_runtime="jar", java_version="21", native_deps="no", needs_shell="no")
    images = [p["final_image"] for p in data["plans"]]
    # the same size: Java 21's own image first, though DHI's name sorts before it
    assert images[:3] == ["gcr.io/distroless/java21-debian13", "dhi.io/eclipse-temurin:25-debian13",
                          "gcr.io/distroless/java25-debian13"]
    assert "eclipse-temurin:25-jre" in images and not any("17" in image for image in images)
    (old,) = [r for r in rejection(data, "eclipse-temurin:17-jre") if r["strategy"] == "java-jre"]
    assert (old["rule_id"], old["reason"]) == ("MI153", "needs the java21 runtime or newer; it has java17")
    (dhi,) = [p for p in data["plans"] if p["final_image"] == "dhi.io/eclipse-temurin:25-debian13"]
    assert {"rule_id": "MI153", "conclusion": "dhi.io/eclipse-temurin:25-debian13 is the java25 runtime, which runs "
            "java21 programs"}.items() <= next(j for j in dhi["justification"] if j["rule_id"] == "MI153").items()


def test_a_java_25_jar_is_not_offered_an_older_jre():
    data = consult(language="java", java_runtime="jar", java_version="25", native_deps="yes", needs_shell="no")
    assert [p["final_image"] for p in data["plans"]] == ["dhi.io/eclipse-temurin:25-debian13",
                                                         "gcr.io/distroless/java25-debian13",
                                                         "eclipse-temurin:25-jre-ubi10-minimal", "eclipse-temurin:25-jre"]
    (old,) = [r for r in rejection(data, "gcr.io/distroless/java21-debian13") if r["strategy"] == "java25-jre-glibc"]
    assert old["reason"] == "needs the java25 runtime or newer; it has java21"


# -- Java beyond a fat JAR -------------------------------------------------------------------------------------------


def test_a_jlink_runtime_is_copied_onto_a_glibc_image_and_run_from_opt_java():
    data = consult(language="java", java_runtime="jlink", native_deps="no")
    plans = {p["final_image"]: p for p in data["plans"]}
    java_base = plans["gcr.io/distroless/java-base-debian13"]
    assert java_base["cmd"] == ["/opt/java/bin/java", "-jar", "/app/app.jar"]
    dockerfile = consult("dockerfile", language="java", java_runtime="jlink", native_deps="no")
    assert "--print-module-deps" in dockerfile and "jlink --add-modules" in dockerfile
    assert "COPY --from=build /out/jre /opt/java" in dockerfile
    assert "alpine:3.24" not in plans  # Temurin's glibc build cannot run on musl
    assert any(c.startswith("jdeps cannot see modules") for c in java_base["caveats"])


def test_graalvm_native_image_static_goes_to_scratch_and_mostly_static_needs_glibc():
    static = consult(language="java", java_runtime="native-image", static_ok="yes", native_deps="no")
    assert static["plans"][0]["final_image"] == "scratch"
    assert "--static --libc=musl" in consult("dockerfile", language="java", java_runtime="native-image",
                                             static_ok="yes", native_deps="no")
    mostly = consult(language="java", java_runtime="native-image", static_ok="no", native_deps="no")
    assert {p["final_image"] for p in mostly["plans"]} >= {"gcr.io/distroless/base-nossl-debian13"}
    assert all(p["provides"]["libc"].startswith("glibc") for p in mostly["plans"])


# -- Ruby, PHP, Bun, Deno --------------------------------------------------------------------------------------------


def test_ruby_with_native_gems_stays_on_the_slim_image_built_with_build_essential():
    data = consult(language="ruby", native_deps="yes", musl_builds="no", needs_shell="yes")
    assert [p["final_image"] for p in data["plans"]] == ["ruby:4.0-slim"]
    best = data["plans"][0]
    assert best["build_image"] == "ruby:4.0-slim-trixie"
    assert best["cmd"] == ["/usr/local/bin/bundle", "exec", "ruby", "app.rb"]
    pure = consult(language="ruby", native_deps="no", needs_shell="yes")
    assert pure["plans"][0]["final_image"] == "ruby:4.0-alpine"


def test_php_vendor_comes_from_composer_and_runs_on_the_alpine_cli_image():
    dockerfile = consult("dockerfile", language="php", needs_shell="yes")
    assert "FROM composer:2 AS build" in dockerfile
    assert "FROM php:8.5-cli-alpine\n" in dockerfile
    assert dockerfile.rstrip().endswith('CMD ["/usr/local/bin/php", "index.php"]')


def test_a_deno_executable_needs_libgcc_s_and_a_bun_executable_does_not():
    deno = consult(language="deno")
    (base,) = rejection(deno, "gcr.io/distroless/base-debian13")
    assert base["reason"] == "lacks libgcc_s.so.1, and has no package manager to add them"
    assert "gcr.io/distroless/cc-debian13" in [p["final_image"] for p in deno["plans"]]
    bun = consult(language="bun")
    assert "gcr.io/distroless/base-nossl-debian13" in [p["final_image"] for p in bun["plans"]]
    for data in (deno, bun):
        assert rejection(data, "scratch")[0]["rule_id"] == "MI150"  # glibc executables, not static


# -- images ----------------------------------------------------------------------------------------------------------


def test_a_debug_shell_costs_a_few_mb_on_distroless_cc_debug_not_a_debian_slim():
    data = consult(language="rust", static_ok="no", native_deps="no", needs_shell="yes")
    plans = {p["final_image"]: p for p in data["plans"]}
    debug = plans["gcr.io/distroless/cc-debian13:debug"]
    assert debug["size_mb"] < plans["debian:trixie-slim"]["size_mb"] - 15
    assert debug["provides"]["shell"] == "busybox"
    # its ENTRYPOINT is /busybox/sh, so the plan replaces it with the program
    assert debug["entrypoint"] == ["/app"]
    assert 'ENTRYPOINT ["/app"]' in debug["dockerfile"]
    # its busybox lives in /busybox with no /bin/sh: the plan links one, in exec form (there is no /bin/sh yet)
    assert '\nRUN ["/busybox/sh", "-c", "ln -s /busybox/sh /bin/sh"]\n' in debug["dockerfile"]
    no_shell = consult(language="rust", static_ok="no", native_deps="no", needs_shell="no")
    assert no_shell["plans"] and all("/busybox/sh" not in p["dockerfile"] for p in no_shell["plans"])


def test_the_new_images_answer_by_their_other_names():
    status, out, err = run("rules", "MI165")
    assert status == 0 and "final-image-has-icu" in out
    data = consult(language="dotnet", dotnet_deploy="framework", aspnet="yes", globalization="yes", needs_shell="yes")
    assert data["plans"][0]["final_image"] == "mcr.microsoft.com/dotnet/aspnet:10.0"
    status, out, err = run("--answer", "language=c#", "--answer", "dotnet_deploy=aot", "--answer", "globalization=no",
                           *[a for f, v in QUIET.items() for a in ("--answer", f"{f}={v}")], "--format", "json")
    assert status == 0 and json.loads(out)["plans"][0]["strategy"] == "dotnet-native-aot"


def test_follow_up_questions_are_asked_only_for_their_language():
    status, out, err = run(stdin="go\nno\nno\nno\nno\nno\nno\n")
    assert status == 0
    assert ".NET" not in out and "Java program be shipped" not in out
    status, out, err = run(stdin="dotnet\nself-contained\nno\nno\nno\nno\nno\n")
    assert status == 0
    asked = [line for line in out.splitlines() if line.startswith("? ")]
    assert asked[1] == "? How is the .NET app published? self-contained"
    assert asked[2].startswith("? Does the .NET app need culture data")
    assert not any("ASP.NET Core" in line for line in asked)  # aspnet matters only when framework-dependent
    assert "Recommended: mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled" in out


# -- today's Python and Node.js --------------------------------------------------------------------------------------


def test_python_and_node_default_to_today_s_versions_and_say_so():
    status, out, err = run("--answer", "language=python", "--answer", "native_deps=yes", "--answer", "musl_builds=no",
                           *[a for f, v in QUIET.items() for a in ("--answer", f"{f}={v}")])
    assert status == 0, err
    assert "Recommended: python:3.15-slim" in out
    assert "python_version = 3.15: 3.15 is the newest stable Python" in out
    assert "FROM python:3.15-slim-trixie AS build" in out
    node = consult(language="node", native_deps="yes", musl_builds="no", needs_shell="yes")
    assert [p["final_image"] for p in node["plans"]] == ["cgr.dev/chainguard/node", "node:26-trixie-slim"]
    assert {a["fact"]: a["assumed"] for a in node["assumptions"]}["node_version"] == "26"


def test_distroless_python_is_offered_only_for_debian_s_python_3_13():
    old = consult(language="python", python_version="3.13", native_deps="yes", musl_builds="no")
    assert old["plans"][0]["final_image"] == "gcr.io/distroless/python3-debian13"
    new = consult(language="python", python_version="3.14", native_deps="yes", musl_builds="no")
    assert "gcr.io/distroless/python3-debian13" not in [p["final_image"] for p in new["plans"]]
    (why,) = [r for r in rejection(new, "python:3.13-slim") if r["strategy"] == "python314-official-glibc"]
    assert why["reason"] == "needs the python3.14 runtime; it has python3.13"


def test_node_24_has_its_own_distroless_and_trixie_slim_images():
    data = consult(language="node", node_version="24", native_deps="yes", musl_builds="no", needs_shell="no")
    assert data["plans"][0]["final_image"] == "gcr.io/distroless/nodejs24-debian13"
    assert data["plans"][0]["cmd"] == ["server.js"]  # distroless nodejs runs node itself
    shell = consult(language="node", node_version="24", native_deps="yes", musl_builds="no", needs_shell="yes")
    images = [p["final_image"] for p in shell["plans"]]
    assert images[:2] == ["node:24-trixie-slim", "node:24-slim"]  # the current Debian release first
    assert next(p for p in shell["plans"] if p["final_image"] == "node:24-trixie-slim")["build_image"] == \
        "node:24-trixie-slim"


def test_lint_knows_the_chiseled_images_have_no_shell(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled\nRUN apt-get update\n"
                          "COPY app /app\nCMD [\"/app/app.dll\"]\n")
    status, out, err = run("lint", str(dockerfile))
    assert status == 1
    assert "MI405 error: RUN in shell form runs /bin/sh, but mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled " \
           "has no shell" in out
    # a tag the catalogue does not list is known by its family
    dockerfile.write_text("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nRUN dotnet publish -o /out\n"
                          "FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-resolute-chiseled\n"
                          "COPY --from=build /out /app\nRUN chmod +x /app/app\nCMD [\"/app/app\"]\n")
    status, out, err = run("lint", str(dockerfile))
    assert "has no shell" in out and "MI414" not in out


def test_python_3_15_is_what_python_3_slim_means_and_older_versions_stay_answerable(rb):
    status, out, err = run("--answer", "language=python", "--answer", "python_version=3.15", "--answer",
                           "native_deps=no", *[a for f, v in {**QUIET, "needs_shell": "yes"}.items()
                                               for a in ("--answer", f"{f}={v}")])
    assert status == 0, err
    assert "Recommended: python:3.15-alpine" in out
    assert "FROM python:3.15-alpine AS build" in out
    assert rb.knowledge.image("python:3-slim").ref == "python:3.15-slim"
    older = consult(language="python", python_version="3.14", native_deps="yes", musl_builds="no", needs_shell="yes")
    assert older["plans"][0]["final_image"] == "python:3.14-slim"
    (why,) = [r for r in rejection(older, "python:3.15-slim") if r["strategy"] == "python314-official-glibc"]
    assert why["reason"] == "needs the python3.14 runtime; it has python3.15"


def test_node_26_lts_has_trixie_slim_alpine_and_distroless_images_and_24_stays_answerable():
    data = consult(language="node", node_version="26", native_deps="yes", musl_builds="no", needs_shell="no")
    (distroless,) = [p for p in data["plans"] if p["final_image"] == "gcr.io/distroless/nodejs26-debian13"]
    assert distroless["cmd"] == ["server.js"]  # distroless nodejs runs node itself
    assert "FROM node:26-trixie-slim AS build" in distroless["dockerfile"]
    pure = consult(language="node", native_deps="no", needs_shell="yes")
    assert pure["plans"][0]["final_image"] == "node:26-alpine"
    assert pure["plans"][0]["build_image"] == "node:26-alpine"
    older = consult(language="node", node_version="24", native_deps="yes", musl_builds="no", needs_shell="no")
    assert older["plans"][0]["final_image"] == "gcr.io/distroless/nodejs24-debian13"
