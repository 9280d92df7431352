"""MI433: apk pointed at a newer Alpine than the image's own, installing packages without upgrading the system.

A package from Alpine edge (or a later v3.X) is built against that release's musl and libraries. `apk add` installs
it and the new libraries it depends on, but keeps what the image already has, musl first: `apk add` upgrades nothing
installed unless told (`apk upgrade`, `apk add -u`). The package then calls a symbol the old musl lacks and stops at
start with "Error relocating /usr/lib/libnspr4.so: gettid: symbol not found" (claabs/epicgames-freegames-node#151:
edge's chromium and nspr on node:14-alpine; gettid came with musl 1.2.2).

Read from the final stage and the stages it is FROM: a RUN that writes edge or a later release into
/etc/apk/repositories (echo, sed) sends every later `apk add` there; `apk add --repository URL` (-X) only that one.
Quiet on alpine:edge and when an `apk upgrade` or `apk add -u` runs after the change. An image lint does not know
whose RUN steps run apk is Alpine's, of a release lint cannot tell: only edge is surely ahead of it.
"""
from __future__ import annotations

from ..detectors import detector
from ..lazyre import lazy
from ..model import LintRule
from .profiles import alpine_release
from .results import Hit
from .apkdel import package_name
from .shellwords import APK_ADD_VALUE, apk_argv, positional, simple_commands

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

_REPO = lazy(r"/alpine/(edge|v\d+\.\d+)/")  # http://dl-cdn.alpinelinux.org/alpine/edge/community
_REPO_FILE = "/etc/apk/repositories"
_UPGRADES = ("-u", "--upgrade", "-a", "--available")


def _ahead(repo: str, release: str) -> bool:
    """Is repository release `repo` ("edge", "v3.15") newer than the image's `release` ("3.12", "floating")?"""
    if repo == "edge":
        return True
    if release in ("floating", "unknown"):
        return False  # a floating alpine is the newest release, and an unknown one may be: only edge is ahead
    return tuple(map(int, repo[1:].split("."))) > tuple(map(int, release.split(".")))


def _repo_of(text: str, release: str) -> str | None:
    """The newer release a RUN's text names in a repository URL (or `edge` in a sed of the repositories file)."""
    for m in _REPO.finditer(text):
        if _ahead(m.group(1), release):
            return m.group(1)
    if "sed" in text and "edge" in text.replace(_REPO_FILE, ""):
        return "edge"
    return None


@detector("lint", "apk-repository-ahead-of-image")
def check_apk_repository_ahead(a: "Analysis", rule: LintRule):
    from .runtime import _lineage

    final = a.final
    runs = [(run, info.texts.get(run.line) or run.command or "") for info in _lineage(a) for run in info.stage.runs]
    if final.profile.libc == "musl":
        release = alpine_release(final.image or "")
    elif not final.profile.known and any(_apk_argvs(text) for _run, text in runs):
        release = "unknown"  # an image lint does not know, whose RUN steps run apk: Alpine's, of some release
    else:
        release = None
    if release is None or (final.image or "").lower().rstrip("/").endswith(":edge"):
        return
    changed: tuple[int, str] | None = None  # (line, release) of the RUN that rewrote the repositories file
    found: list[tuple[int, str, list[str]]] = []
    for run, text in runs:
        if changed is None and _REPO_FILE in text and (repo := _repo_of(text, release)):
            changed = (run.line, repo)
        for argv in _apk_argvs(text):
            if argv[1:2] == ["upgrade"] or (argv[1:2] == ["add"] and set(argv) & set(_UPGRADES)):
                changed, found = None, []  # the whole system moves to the new release
            elif argv[1:2] == ["add"]:
                named = [v for k, v in zip(argv, argv[1:]) if k in ("-X", "--repository")] + \
                    [w.split("=", 1)[1] for w in argv if w.startswith("--repository=")]
                own = next((r for r in map(lambda url: _repo_of(url, release), named) if r), None)
                repo = own or (changed[1] if changed and not named else None)  # a release of its own: only that
                pkgs = [package_name(w) for w in positional(argv[2:], takes_value=APK_ADD_VALUE)
                        if "/" not in w and "$" not in w]
                if repo and pkgs:
                    found.append((run.line, repo, pkgs))
    if found:
        line, repo, pkgs = found[0]
        named = [p for _l, _r, ps in found for p in ps]
        said = ", ".join(dict.fromkeys(named[:6])) + (", ..." if len(named) > 6 else "")
        yield Hit(line, {"image": final.image, "release": _RELEASE_SAID.get(release, f"Alpine {release}"),
                         "repo": repo, "packages": said})


_RELEASE_SAID = {"floating": "a floating Alpine release",
                 "unknown": "Alpine of a release lint cannot tell (an image outside its catalogue, whose RUN steps "
                            "run apk)"}


def _apk_argvs(text: str) -> list[list[str]]:
    """The apk commands of a RUN's text, each as apk_argv gives it."""
    if "apk" not in text:
        return []
    return [apk_argv(argv) for argv in simple_commands(text) if argv and argv[0].rsplit("/", 1)[-1] == "apk"]
