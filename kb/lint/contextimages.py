"""An image lint does not know, built by the project itself: its C library from the Dockerfile that builds it.

A project often builds its own build image and names it in FROM (advancedtelematic/aktualizr: docker/docker-build.sh
runs `docker build -t advancedtelematic/aktualizr-base -f "$REPO_ROOT/docker/Dockerfile.ubuntu.bionic"`, and
docker/Dockerfile.aktualizr starts FROM advancedtelematic/aktualizr-base). When a script of the build context
(`*.sh`, Makefile) builds the image under that name with `docker build` (or buildx, podman) and `-f FILE`, and FILE
is in the context, the image is FILE's last FROM plus what FILE installs: its C library (and release) is that
FROM's, which is all this module tells (what the image ships beyond its base is FILE's business and stays
unknown). Several scripts may build it from different files; the answer holds only when all their FROMs are known
and agree on the C library. A `-f` path is taken relative to the context's root after the leading variables
($REPO_ROOT/, ${ROOT}/) are dropped, else relative to the script. Bounded: MAX_SCRIPTS files read, to MAX_DEPTH
directories down, each as read_project_file reads it; the image's name is looked for before a line is split."""
from __future__ import annotations

import os
import posixpath

from .profiles import normalise_ref, profile_for

MAX_SCRIPTS = 300
MAX_DEPTH = 4
_SKIP = {".git", "node_modules", "vendor", "third_party", "3rdparty", "build", "dist", "target", ".venv"}
_BUILDERS = (("docker", "build"), ("docker", "buildx"), ("podman", "build"), ("buildah", "bud"))


def _scripts(root: str) -> list[str]:
    out: list[str] = []
    for where, dirs, files in os.walk(root):
        rel = os.path.relpath(where, root)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not d.startswith(".")) if depth < MAX_DEPTH else []
        for f in sorted(files):
            if f.endswith(".sh") or f in ("Makefile", "makefile", "GNUmakefile"):
                out.append(f if rel == "." else posixpath.join(rel.replace(os.sep, "/"), f))
                if len(out) >= MAX_SCRIPTS:
                    return out
    return out


def _repository(ref: str) -> str:
    ref = normalise_ref(ref)
    last = ref.rsplit("/", 1)[-1]
    return ref.rsplit(":", 1)[0] if ":" in last else ref


def _dockerfiles(text: str, repo: str) -> list[str]:
    """The -f files of the `docker build` lines of a script that tag the image `repo`."""
    out = []
    for line in text.split("\n"):
        if repo not in line.lower():
            continue
        words = [w.strip("\"'") for w in line.replace("=", " ").split()]
        if not any(words[i:i + 2] == list(b) for b in _BUILDERS for i in range(len(words) - 1)):
            continue
        tags = [words[i + 1] for i in range(len(words) - 1) if words[i] in ("-t", "--tag")]
        files = [words[i + 1] for i in range(len(words) - 1) if words[i] in ("-f", "--file")]
        if files and any(_repository(t) == repo for t in tags):
            out.append(files[0])
    return out


def _resolve(path: str, script: str) -> list[str]:
    """Where `path` (with leading variables) may be in the build context: dropped leading variables, from the root,
    and relative to the script's directory."""
    parts = path.split("/")
    while parts and (parts[0].startswith("$") or parts[0] in ("", ".")):
        parts = parts[1:]
    rest = "/".join(parts)
    if not rest or "$" in rest:
        return []
    here = posixpath.dirname(script)
    return list(dict.fromkeys([posixpath.normpath(rest), posixpath.normpath(posixpath.join(here, path))]))


def _last_from(text: str) -> str | None:
    image = None
    for line in text.split("\n"):
        words = line.split()
        if words and words[0].upper() == "FROM":
            args = [w for w in words[1:] if not w.startswith("--")]
            image = args[0] if args else None
    return image


def built_in_context(a, ref: str) -> tuple[str, str] | None:
    """(libc, why) for the image `ref` when the build context's scripts build it from Dockerfiles whose last FROM
    lint knows, all with the same C library; None otherwise."""
    if not a.context_dir or "$" in ref:
        return None
    repo = _repository(ref)
    key = ("context-built-image", a.context_dir, repo)
    if key in a.context_cache:
        return a.context_cache[key]
    from ..evidence.errors import read_project_file

    found: dict[str, tuple[str, str]] = {}  # Dockerfile -> (script, FROM)
    for script in _scripts(a.context_dir):
        text = read_project_file(a.context_dir, script)
        if not text or repo not in text.lower():
            continue
        for path in _dockerfiles(text, repo):
            for candidate in _resolve(path, script):
                body = read_project_file(a.context_dir, candidate)
                base = _last_from(body) if body else None
                if base:
                    found.setdefault(candidate, (script, base))
                    break
    libcs = {profile_for(a.kb, base).libc if profile_for(a.kb, base).known else None for _s, base in found.values()}
    answer = None
    if found and len(libcs) == 1 and None not in libcs:
        libc = libcs.pop()
        how = "; ".join(f"{script} builds it from {path}, FROM {base}" for path, (script, base) in found.items())
        answer = (libc, f"{ref} ({how})")
    a.context_cache[key] = answer
    return answer
