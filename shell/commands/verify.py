"""`minimage-ask verify BINARY [--image IMAGE] [--engine docker|podman]`: build the recommended Dockerfile around a
binary and run it.

It needs a reachable container engine: Docker, or Podman (the same build and run commands). Without one it says so,
shows how to verify by hand, and exits 69: it never claims a verification it did not do. (The test suite proves the knowledge itself with emulated image roots; see
lab/ and docs/matrix.md.)
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile

from kb.files import safe_text

from ..common import Env, ExitStatus, UsageError, add_common, load_rulebase, open_session

NAME = "verify"
HELP = "build the recommended Dockerfile around a binary and run it (needs Docker or Podman)"
ENGINES = ("docker", "podman")
API = ("inspect", "session")

EXAMPLES = """\
examples:
  minimage-ask verify ./server                      build and run the best plan for this binary
  minimage-ask verify ./server --image alpine:3.24  try one image, whatever the rule base expects
  minimage-ask verify ./server --engine podman      build and run with podman instead of docker

exit status: 0 it ran (or was still running at --timeout), 1 it failed or no image can run it, 2 usage error,
69 no container engine is reachable, so nothing was verified
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="minimage-ask verify", epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                description="Run a binary in the image minimage-ask recommends for it (docker build + "
                                            "docker run), to see that it really starts there.")
    p.add_argument("binary", help="an ELF binary")
    p.add_argument("--image", help="the final image to try instead of the recommended one")
    p.add_argument("--answer", "-a", action="append", default=[], metavar="FACT=VALUE",
                   help="what the binary does not show (tls, timezones, named_user, needs_shell)")
    p.add_argument("--engine", choices=ENGINES,
                   help="the engine's client: docker or podman (default: docker if an engine answers it, else podman)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S",
                   help="a program still running after S seconds counts as started (default 10)")
    add_common(p)
    return p


def docker_engine(env: Env, wanted: str | None = None) -> tuple[str | None, str]:
    """(the client's path, "") when an engine answers `wanted` (docker or podman; by default docker, else podman),
    else (None, why not)."""
    whys = []
    for name in (wanted,) if wanted else ENGINES:
        client, why = _probe(env, name)
        if client:
            return client, ""
        whys.append(why)
    return None, "; ".join(whys)


def _probe(env: Env, name: str) -> tuple[str | None, str]:
    client = shutil.which(name, path=env.environ.get("PATH"))
    if client is None:
        return None, f"there is no {name} command on PATH"
    version = "{{.ServerVersion}}" if name == "docker" else "{{.Version.Version}}"
    try:
        probe = subprocess.run([client, "info", "--format", version], capture_output=True, text=True,
                               timeout=30, env=env.environ)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"`{name} info` did not answer ({e})"
    if probe.returncode != 0:
        detail = (probe.stderr or probe.stdout).strip().splitlines()
        return None, f"no {name} engine is reachable (`{name} info`: {detail[-1] if detail else 'failed'})"
    return client, ""


def choose_plan(session, image: str | None, env: Env):
    """The plan to verify: the binary as it is, on --image or on the best image for it."""
    if image:
        from kb.errors import UnknownImage

        try:
            judged = session.judge([image])
        except UnknownImage as e:
            env.stdout.write(f"{safe_text(image)} is not in the catalogue, so the rule base cannot say whether it "
                             f"runs this binary ({len(e.legal)} images are). Trying anyway.\n")
            return None
        plan = next((p for p in judged.plans if p.strategy == "prebuilt-binary"), None)
        if plan is None:
            rejection = next((r for r in judged.rejected if r.strategy == "prebuilt-binary"), None)
            if rejection:
                env.stdout.write(f"The rule base expects it to fail on {rejection.image}: {rejection.rule_id} "
                                 f"{rejection.reason}. Trying anyway.\n")
        return plan
    return next((p for p in session.result().plans if p.strategy == "prebuilt-binary"), None)


def run(args, env: Env) -> int:
    rb = load_rulebase(args.rules)
    seen = rb.inspect(args.binary)  # an EvidenceError (a MinimageError) says what is wrong with the path
    if seen.kind != "binary":
        raise UsageError(f"{safe_text(args.binary)}: verify runs ELF binaries; this is a {seen.kind}")
    session = open_session(rb, args, evidence=seen.evidence)
    plan = choose_plan(session, args.image, env)
    name = os.path.basename(args.binary)
    if plan is not None:
        dockerfile, image = plan.dockerfile, plan.final_image
    elif args.image:
        image = args.image
        dockerfile = f"FROM {image}\nCOPY {name} /app\nCMD [\"/app\"]\n"
    else:
        env.stdout.write("No image in the catalogue can run this binary as it is; `minimage-ask inspect` shows why.\n")
        return ExitStatus.NO_PLAN
    docker, why_not = docker_engine(env, args.engine)
    if docker is None:
        cli = args.engine or "docker"
        env.stdout.write(f"Cannot verify {name} on {image}: {why_not}.\n"
                         f"To verify by hand, put {name} next to this Dockerfile and run\n"
                         f"  {cli} build -t {name}-check . && {cli} run --rm {name}-check\n\n{dockerfile}")
        return ExitStatus.CANNOT_VERIFY
    return _build_and_run(docker, args, env, name, image, dockerfile, rb)


def _build_and_run(docker: str, args, env: Env, name: str, image: str, dockerfile: str, rb) -> int:
    tag = f"minimage-verify-{os.getpid()}"
    with tempfile.TemporaryDirectory() as context:
        _copy_regular(args.binary, os.path.join(context, name))
        with open(os.path.join(context, "Dockerfile"), "w", encoding="utf-8") as f:
            f.write(dockerfile)
        build = subprocess.run([docker, "build", "--quiet", "--tag", tag, context], capture_output=True, text=True,
                               env=env.environ)
        if build.returncode != 0:
            env.stdout.write(f"Cannot verify: `{os.path.basename(docker)} build` failed:\n"
                             f"{(build.stderr or build.stdout).strip()}\n")
            return ExitStatus.CANNOT_VERIFY
    try:
        try:
            run = subprocess.run([docker, "run", "--rm", "--network", "none", tag], capture_output=True, text=True,
                                 timeout=args.timeout, env=env.environ)
        except subprocess.TimeoutExpired:
            env.stdout.write(f"Verified: {name} started on {image} and was still running after {args.timeout:g} s.\n")
            return ExitStatus.OK
        if run.returncode == 0:
            env.stdout.write(f"Verified: {name} runs on {image} (exit 0).\n")
            return ExitStatus.OK
        output = (run.stderr or run.stdout).strip()
        env.stdout.write(f"Failed: {name} on {image} exited with status {run.returncode}.\n{output}\n")
        for match in rb.diagnose(output)[:1]:  # what `minimage-ask diagnose` makes of the failure
            env.stdout.write(f"Diagnosis ({match.id} {match.name}): {match.cause}\nFix: {match.fix}\n")
        return ExitStatus.NO_PLAN
    finally:
        subprocess.run([docker, "rmi", "--force", tag], capture_output=True, env=env.environ)


def _copy_regular(source: str, target: str) -> None:
    """Copy the binary into the build context; a path swapped for a FIFO or device since it was inspected is refused
    (opened non-blocking and checked with fstat), never waited on."""
    import stat

    try:
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise UsageError(f"cannot read {safe_text(source)}: {e.strerror or e}") from None
    with os.fdopen(fd, "rb") as src:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{safe_text(source)}: no longer a regular file")
        os.set_blocking(fd, True)
        with open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
    os.chmod(target, stat.S_IMODE(st.st_mode) | 0o500)
