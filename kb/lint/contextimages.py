"""An image lint does not know, built by the project itself: the Dockerfile of the build context that builds it.

A project often builds its own build image and names it in FROM (advancedtelematic/aktualizr: docker/docker-build.sh
runs `docker build -t advancedtelematic/aktualizr-base -f "$REPO_ROOT/docker/Dockerfile.ubuntu.bionic"`, and
docker/Dockerfile.aktualizr starts FROM advancedtelematic/aktualizr-base). What names the image: a `docker build`
(or buildx, podman, buildah bud) line with `-t/--tag NAME` and `-f/--file FILE` in a script of the build context
(`*.sh`, Makefile), in a comment of one of its Dockerfiles (alicevision/CCTag: Dockerfile_deps says `# docker build
--build-arg CUDA_TAG=8.0 --tag alicevision/cctag-deps:cuda${CUDA_TAG}-ubuntu${OS_TAG} -f Dockerfile_deps .`, and
Dockerfile starts FROM alicevision/cctag-deps:cuda${CUDA_TAG}-ubuntu${OS_TAG}), or in a CI workflow
(.github/workflows/*.yml: a run step's docker build, or a docker/build-push-action step's `file:` and `tags:`). A
tag's `${VAR}`, `$VAR` and `${{ expr }}` parts match anything, as do the FROM reference's ARGs without a default:
the image is the same when the two patterns can name one reference (repository and tag; no tag is `latest`).

The image is FILE's last stage: its C library (and release) is that stage's FROM's (`built_in_context`, MI495), and
what it installs is what the stages FROM it start with (`base_analysis`, `lineage`: FILE analysed as lint analyses
any Dockerfile, its final stage's walk put before theirs, for MI495 and MI496). Several files may build it; the C
library holds only when all their FROMs are known and agree, the walk only when one file builds it. A `-f` path is
taken relative to the context's root after the leading variables ($REPO_ROOT/, ${ROOT}/) are dropped, else relative
to the file naming it. Bounded: MAX_SCRIPTS files read, to MAX_DEPTH directories down, each as read_project_file
reads it (inside the context, no symbolic link out of it, at most 1 MiB); a line is looked at only when it has the
image's name; images built FROM images the context builds are followed MAX_IMAGES deep.

A `docker build --target NAME` of the linted Dockerfile itself builds one of its own stages: a later stage FROM that
image is read as FROM the stage (`target_stage`, used by kb/lint/stages.py)."""
from __future__ import annotations

import os
import posixpath

from .profiles import normalise_ref, profile_for

MAX_SCRIPTS = 300
MAX_DEPTH = 4
MAX_IMAGES = 3
MAX_REF = 256  # characters of a reference compared as a pattern
MAX_TAGS = 64  # tags of one file compared with the reference (each comparison at most MAX_REF squared steps)
_SKIP = {".git", "node_modules", "vendor", "third_party", "3rdparty", "build", "dist", "target", ".venv"}
_BUILDERS = (("docker", "build"), ("docker", "buildx"), ("podman", "build"), ("buildah", "bud"))
_WORKFLOWS = ".github/workflows"


def _is_dockerfile(name: str) -> bool:
    low = name.lower()
    return low.startswith(("dockerfile", "containerfile")) or low.endswith((".dockerfile", ".containerfile"))


def _scripts(root: str) -> list[str]:
    """The build context's scripts, Dockerfiles and CI workflows, in a bounded walk."""
    out: list[str] = []
    for where, dirs, files in os.walk(root):
        rel = os.path.relpath(where, root)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not d.startswith(".")) if depth < MAX_DEPTH else []
        for f in sorted(files):
            if f.endswith(".sh") or f in ("Makefile", "makefile", "GNUmakefile") or _is_dockerfile(f):
                out.append(f if rel == "." else posixpath.join(rel.replace(os.sep, "/"), f))
                if len(out) >= MAX_SCRIPTS:
                    return out
    flows_dir = os.path.realpath(os.path.join(root, _WORKFLOWS))
    if not flows_dir.startswith(os.path.realpath(root) + os.sep):
        return out
    try:
        flows = sorted(e.name for e in os.scandir(flows_dir)
                       if e.name.endswith((".yml", ".yaml")) and e.is_file(follow_symlinks=False))
    except OSError:
        flows = []
    out.extend(posixpath.join(_WORKFLOWS, f) for f in flows[:max(0, MAX_SCRIPTS - len(out))])
    return out


def _repository(ref: str) -> str:
    ref = normalise_ref(ref)
    last = ref.rsplit("/", 1)[-1]
    return ref.rsplit(":", 1)[0] if ":" in last else ref


def _pattern(ref: str) -> str:
    """A reference with its variables ($NAME, ${NAME...}, ${{ expr }}) as `*`, normalised as lint names images."""
    out, i, n = [], 0, len(ref)
    while i < n:
        c = ref[i]
        if c == "$" and ref.startswith("${{", i):
            j = ref.find("}}", i)
            i = n if j < 0 else j + 2
            out.append("*")
        elif c == "$" and ref.startswith("${", i):
            j = ref.find("}", i)
            i = n if j < 0 else j + 1
            out.append("*")
        elif c == "$":
            i += 1
            while i < n and (ref[i].isalnum() or ref[i] == "_"):
                i += 1
            out.append("*")
        else:
            out.append(c)
            i += 1
    return normalise_ref("".join(out))


def _parts(pattern: str) -> tuple[str, str]:
    last = pattern.rsplit("/", 1)[-1]
    if ":" in last:
        repo, _, tag = pattern.rpartition(":")
        return repo, tag
    return pattern, "latest"


def _meet(p: str, q: str) -> bool:
    """Can the patterns `p` and `q` (`*` any run of characters) name one string? Linear in the product of their
    lengths, each at most MAX_REF."""
    if len(p) > MAX_REF or len(q) > MAX_REF:
        return False
    n, m = len(p), len(q)
    seen, todo = {(0, 0)}, [(0, 0)]
    while todo:
        i, j = todo.pop()
        if i == n and j == m:
            return True
        nxt = []
        if i < n and p[i] == "*":
            nxt.append((i + 1, j))
            if j < m:
                nxt.append((i, j + 1))
        if j < m and q[j] == "*":
            nxt.append((i, j + 1))
            if i < n:
                nxt.append((i + 1, j))
        if i < n and j < m and p[i] != "*" and p[i] == q[j]:
            nxt.append((i + 1, j + 1))
        for s in nxt:
            if s not in seen:
                seen.add(s)
                todo.append(s)
    return False


def _same_image(tag: str, ref: str) -> bool:
    (r1, t1), (r2, t2) = _parts(_pattern(tag)), _parts(ref)
    return _meet(r1, r2) and _meet(t1, t2)


def _logical_lines(text: str) -> list[str]:
    """The lines of a script or workflow with backslash continuations joined, a comment's `#` dropped."""
    out, held = [], []
    for line in text.split("\n"):
        s = line.strip()
        if s.startswith("#"):
            s = s.lstrip("#").strip()
        if s.endswith("\\"):
            held.append(s[:-1])
            continue
        held.append(s)
        out.append(" ".join(held))
        held = []
    if held:
        out.append(" ".join(held))
    return out


def _dockerfiles(text: str, repo: str, ref: str | None = None) -> list[str]:
    """The -f files of the `docker build` lines of a script that tag the image `repo` (or, given `ref`, a pattern
    of the FROM reference: `_pattern`, a tag that can name it)."""
    out: list[str] = []
    name = _literal(repo)
    seen: dict[str, bool] = {}
    for line in _logical_lines(text):
        if name not in line.lower():
            continue
        words = [w.strip("\"'") for w in line.replace("=", " ").split()]
        if not any(words[i:i + 2] == list(b) for b in _BUILDERS for i in range(len(words) - 1)):
            continue
        tags = [words[i + 1] for i in range(len(words) - 1) if words[i] in ("-t", "--tag")]
        files = [words[i + 1] for i in range(len(words) - 1) if words[i] in ("-f", "--file")]
        if not files:
            continue
        for t in tags:
            if ref and t not in seen and len(seen) < MAX_TAGS:
                seen[t] = _same_image(t, ref)
            if seen.get(t) if ref else _repository(t) == repo:
                out.append(files[0])
                break
    return out


def _literal(repo: str) -> str:
    """The longest part of a repository pattern's last component without a variable (cctag-deps)."""
    return max(repo.rsplit("/", 1)[-1].split("*"), key=len)


def _action_files(text: str, repo: str, ref: str) -> list[str]:
    """The `file:` of a workflow's docker/build-push-action steps (or a drop-in's) whose `tags:` can name the image
    (the workflow read as YAML, bounded like every YAML file lint reads: kb/yamlfile.py)."""
    if "build-push-action" not in text or _literal(repo) not in text.lower():
        return []
    from ..yamlfile import YamlError, parse_yaml
    from .workflows import builds_and_pushes

    try:
        doc = parse_yaml(text)
    except YamlError:
        return []
    jobs = doc.get("jobs") if isinstance(doc, dict) else None
    out = []
    for job in (jobs.values() if isinstance(jobs, dict) else ()):
        steps = job.get("steps") if isinstance(job, dict) else None
        for step in (steps if isinstance(steps, list) else ()):
            if not builds_and_pushes(step):
                continue
            w = step.get("with")
            if not isinstance(w, dict) or not isinstance(w.get("file"), str):
                continue
            tags = w.get("tags")
            tags = tags if isinstance(tags, list) else str(tags or "").replace(",", "\n").split("\n")
            if any(isinstance(t, str) and t.strip() and _same_image(t.strip(), ref) for t in tags):
                out.append(w["file"])
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


def _last_from(text: str, path: str) -> str | None:
    """The image the last stage of the Dockerfile `text` is built on (through the stages it is FROM), its global
    ARGs' defaults put in; None when it does not parse."""
    from ..evidence.dockerfile_parse import parse_dockerfile_text
    from ..evidence.errors import EvidenceError

    try:
        report = parse_dockerfile_text(text, path)
    except EvidenceError:
        return None
    if not report.stages:
        return None
    stage = report.final_stage
    while stage.base_stage is not None:
        stage = report.stages[stage.base_stage]
    return stage.base_image_resolved or None


def _ref_pattern(a, ref: str, stage) -> str:
    """The FROM reference as a pattern: as written, its global ARGs' defaults put in, the others matching anything."""
    if stage is None or stage.base_image_resolved != ref:
        return _pattern(ref)
    from .shellwords import expand

    return _pattern(expand(stage.base_image, a.global_args, "${}"))


def _how(path: str, script: str) -> str:
    if script == path:
        return f"{path} builds it by the docker build in its comment"
    if _is_dockerfile(posixpath.basename(script)):
        return f"a comment of {script} builds it from {path}"
    return f"{script} builds it from {path}"


def builders(a, ref: str, stage=None) -> dict[str, tuple[str, str]]:
    """Dockerfile of the context -> (the file that builds it under the name `ref`, that Dockerfile's last FROM) for
    the image `ref` (stage: the stage FROM it, whose ARGs without a default match anything)."""
    if not a.context_dir or not ref:
        return {}
    pattern = _ref_pattern(a, ref, stage)
    repo = _parts(pattern)[0]
    key = ("context-built-image", a.context_dir, pattern)
    if key in a.context_cache:
        return a.context_cache[key]
    from ..evidence.errors import read_project_file

    name = _literal(repo)
    found: dict[str, tuple[str, str]] = {}
    for script in _scripts(a.context_dir):
        text = read_project_file(a.context_dir, script)
        if not text or not name or name not in text.lower():
            continue
        paths = _dockerfiles(text, repo, pattern)
        if script.startswith(_WORKFLOWS + "/"):
            paths += _action_files(text, repo, pattern)
        for path in paths:
            for candidate in _resolve(path, script):
                body = read_project_file(a.context_dir, candidate)
                base = _last_from(body, candidate) if body else None
                if base:
                    found.setdefault(candidate, (script, base))
                    break
    a.context_cache[key] = found
    return found


def _libc(a, base: str) -> str | None:
    """The C library of `base`: lint knows the image, or its tag names a release (kb/lint/tagrelease.py)."""
    prof = profile_for(a.kb, base)
    return prof.libc if prof.known or prof.inferred else None


def built_in_context(a, ref: str, stage=None) -> tuple[str, str] | None:
    """(libc, why) for the image `ref` when the build context builds it from Dockerfiles whose last FROM lint knows
    (or whose tag names a release), all with the same C library; None otherwise."""
    found = builders(a, ref, stage)
    libcs = {_libc(a, base) for _s, base in found.values()}
    if not found or len(libcs) != 1 or None in libcs:
        return None
    how = "; ".join(f"{_how(path, script)}, FROM {base}" for path, (script, base) in found.items())
    return libcs.pop(), f"{ref} ({how})"


def base_analysis(a, stage):
    """The analysis of the one Dockerfile of the build context that builds the image `stage` is FROM (its last
    stage is that image), or None (lint knows the image, no file or several build it, it cannot be parsed, it is
    the file being linted)."""
    if stage.base_stage is not None or profile_for(a.kb, stage.base_image_resolved).known:
        return None
    found = builders(a, stage.base_image_resolved, stage)
    if len(found) != 1:
        return None
    [path] = found
    key = ("context-image-analysis", a.context_dir, path)
    if key in a.context_cache:
        return a.context_cache[key]
    a.context_cache[key] = None  # a file whose image is built FROM itself ends here
    own = a.report.path and os.path.realpath(a.report.path)
    if own and own == os.path.realpath(os.path.join(a.context_dir, path)):
        return None
    from ..evidence.dockerfile_parse import parse_dockerfile_text
    from ..evidence.errors import EvidenceError, read_project_file

    text = read_project_file(a.context_dir, path)
    try:
        report = parse_dockerfile_text(text or "", path)
    except EvidenceError:
        return None
    if not report.stages:
        return None
    parent = type(a)(a.kb, report, a.context_dir, a.context_cache)
    a.context_cache[key] = parent
    return parent


def lineage(a, index: int, depth: int = 0) -> list:
    """(analysis, stage info) of stage `index`, the stages it is built FROM, and, before them, the stages of the
    Dockerfile of the context that builds the image the first of them is FROM (MAX_IMAGES deep)."""
    chain = []
    i: int | None = index
    while i is not None:
        chain.append((a, a.stages[i]))
        i = a.stages[i].stage.base_stage
    chain.reverse()
    if depth < MAX_IMAGES and a.context_dir and not chain[0][1].profile.known:
        parent = base_analysis(a, chain[0][1].stage)
        if parent is not None:
            chain = lineage(parent, parent.final.index, depth + 1) + chain
    return chain


def origin(a, stage) -> str:
    """How the Dockerfile of the context that builds the image `stage` is FROM names it, for a finding."""
    found = builders(a, stage.base_image_resolved, stage)
    return "; ".join(_how(path, script) for path, (script, _b) in found.items())


def _script_vars(lines: list[str]) -> dict[str, str]:
    """NAME=value assignments of a script's lines, `${OTHER:-default}` read as its default (opencbdc-tx's
    DOCKER_IMAGE_TAG_BASE=${DOCKER_IMAGE_TAG:-opencbdc-tx-base})."""
    out: dict[str, str] = {}
    for line in lines:
        name, eq, value = line.partition("=")
        if not eq or not name.isidentifier() or " " in value.strip():
            continue
        value = value.strip().strip("\"'")
        if value.startswith("${") and ":-" in value and value.endswith("}"):
            value = value[value.index(":-") + 2:-1]
        out[name] = value
    return out


def target_stage(a, stage) -> int | None:
    """The earlier stage of the Dockerfile being linted that the build context builds under the name `stage` is FROM,
    with `docker build --target NAME -t TAG [-f FILE]`, FILE of this Dockerfile's name: the project pushes that stage
    as its base image and builds FROM it (mit-dci/opencbdc-tx: `FROM $BASE_IMAGE AS builder`, the ARG's default
    ghcr.io/mit-dci/opencbdc-tx-base:latest, which scripts/build-docker.sh builds with `--target base -t
    $DOCKER_IMAGE_TAG_BASE`, opencbdc-tx-base by default). TAG's variables are the script's own assignments; a TAG
    still with a variable names nothing. Compared by the repository's last component and the tag."""
    names = {s.name.lower(): s.index for s in a.report.stages[:stage.index] if s.name}
    ref = stage.base_image_resolved
    if not a.context_dir or not names or stage.base_stage is not None or not ref or "$" in ref:
        return None
    repo, tag = _parts(normalise_ref(ref))
    last = repo.rsplit("/", 1)[-1]
    key = ("target-stage", a.context_dir, a.report.path, ref)
    if key in a.context_cache:
        return a.context_cache[key]
    from ..evidence.errors import read_project_file
    from .shellwords import expand

    own = posixpath.basename(a.report.path or "Dockerfile")
    found = None
    for script in _scripts(a.context_dir):
        text = read_project_file(a.context_dir, script)
        if not text or "--target" not in text or last not in text:
            continue
        lines = _logical_lines(text)
        known = _script_vars(lines)
        for line in lines:
            words = [w.strip("\"'") for w in line.replace("=", " ").split()]
            if not any(words[i:i + 2] == list(b) for b in _BUILDERS for i in range(len(words) - 1)):
                continue
            value = {words[i]: words[i + 1] for i in range(len(words) - 1) if words[i] in ("--target", "-f", "--file")}
            target = value.get("--target", "").lower()
            file = value.get("-f") or value.get("--file") or "Dockerfile"
            if target not in names or posixpath.basename(file) != own:
                continue
            for t in (words[i + 1] for i in range(len(words) - 1) if words[i] in ("-t", "--tag")):
                t = expand(t, known, "$")
                if "$" in t:
                    continue
                r, g = _parts(normalise_ref(t))
                if r.rsplit("/", 1)[-1] == last and g == tag:
                    found = names[target]
    a.context_cache[key] = found
    return found
