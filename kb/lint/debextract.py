"""Debian packages unpacked into a directory that becomes an image's root: a stage runs `apt-get download PKG ...`
and `dpkg --extract DEB DIR` (or `dpkg -x`, `dpkg-deb -x`) for each .deb, and the final stage, often a distroless
one, takes the tree with `COPY --from=STAGE DIR /` (fluent/fluent-bit's production image; the distroless images
themselves are assembled so). The packages' files are then in the final image as if installed, though apt never
ran there: without this, lint would say that the libraries they hold are missing.

Only what the stage downloaded by name is counted (a .deb fetched by URL names no package lint can read), and only
when the whole tree lands on `/`, where the loader finds its libraries."""
from __future__ import annotations

from .shellwords import abspath, expand, positional

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .stageinfo import StageInfo

TOOLS = ("apt-get", "apt", "dpkg", "dpkg-deb")
_APT_VALUES = {"-o", "-t", "-c", "--option", "--target-release", "--config-file"}


def step(info: "StageInfo", argv: list[str], cwd: str, env: dict) -> bool:
    """Record an `apt-get download` or a `dpkg --extract` on the stage; False for any other command of TOOLS."""
    prog = argv[0].rsplit("/", 1)[-1]
    if prog in ("apt-get", "apt"):
        if "download" not in argv[1:]:
            return False
        names = positional(argv[argv.index("download") + 1:], takes_value=_APT_VALUES)
        info.deb_downloads.update(n.split("=", 1)[0].split(":", 1)[0] for n in names if "$" not in n)
        return True
    if not {"-x", "--extract", "-X", "--vextract"} & set(argv[1:]):
        return False
    where = positional(argv[1:], takes_value={"--admindir", "--root", "--instdir"})
    if len(where) == 2 and info.deb_downloads:
        root = expand(where[1], env, "$")
        if "$" not in root:
            info.deb_roots[abspath(root, cwd).rstrip("/") or "/"] = frozenset(info.deb_downloads)
    return True


def copied(info: "StageInfo", source: "StageInfo", src: str, dest: str) -> None:
    """A COPY of `src` from stage `source` to `dest`: a tree of unpacked packages landing on / installs them."""
    packages = source.deb_roots.get(src.rstrip("/") or "/")
    if packages and dest.rstrip("/") == "":
        info.profile.installed.update(packages)
