"""MI444: pip on musl told to take wheels from piwheels.org (knowledge/rules-lint-wheelindex.yaml): on the command line
(--extra-index-url, --index-url, -i, in either spelling) or through PIP_EXTRA_INDEX_URL or PIP_INDEX_URL in the stage's
environment. piwheels' wheels are glibc builds tagged linux_armv6l/linux_armv7l, which pip on musl cannot tell apart
from its own."""
from __future__ import annotations

from ..detectors import detector
from ..model import LintRule
from .results import Hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stages import Analysis

HOST = "piwheels.org"
_OPTIONS = ("--extra-index-url", "--index-url", "-i")
_VARIABLES = ("PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL")
_OTHER_PLATFORMS = ("linux/amd64", "linux/arm64", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64")


def piwheels_option(args) -> str | None:
    """The pip option that names piwheels.org as an index (as written), or None."""
    for before, arg in zip(("", *args), args):
        if HOST not in arg:
            continue
        if before in _OPTIONS:
            return f"{before} {arg}"
        if arg.startswith(tuple(f"{o}=" for o in _OPTIONS[:2])) or arg.startswith("-i") and not arg.startswith("--"):
            return arg
    return None


@detector("lint", "glibc-wheel-index-on-musl")
def check_wheel_index(a: "Analysis", rule: LintRule):
    for info in a.stages:
        platform = (info.stage.platform or "").lower()
        if info.profile.libc != "musl" or platform in _OTHER_PLATFORMS:
            continue
        variable = next((f"{v}={info.env[v]} in the environment" for v in _VARIABLES
                         if HOST in str(info.env.get(v, ""))), None)
        for line, tool, args, _cwd in info.pip_npm:
            how = piwheels_option(args) if tool == "pip" else None
            how = how or (variable if tool == "pip" else None)
            if how:
                yield Hit(line, {"how": how, "image": info.image})
