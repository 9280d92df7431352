"""What lint knows of one stage once walked (kb.lint.stages.Analysis walks them)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..evidence.dockerfile_model import Stage
    from .profiles import Profile


class StageInfo:
    """One stage as walked: its profile, the programs it holds (built or copied in) and what its steps use.

    A plain class, not a dataclass: a one-file lint process pays for every generated method at import."""

    __slots__ = ("index", "stage", "profile", "files", "arrivals", "env", "context_sources", "pip_npm", "apk_adds",
                 "shell_uses", "users", "pkg_installs", "pkg_arrivals", "lib_bundles", "compiles", "cwd", "virtual",
                 "cmake", "context_dirs", "texts", "pkg_copied", "shell", "lost_env", "image", "deb_downloads",
                 "deb_roots")

    def __init__(self, index: int, stage: "Stage", profile: Profile, files: dict | None = None,
                 arrivals: list | None = None, env: dict | None = None):
        self.index, self.stage, self.profile = index, stage, profile
        # the image it starts from (a stage FROM a stage: its parent's); as written when an ARG without a value
        # leaves the reference empty (`FROM $IMAGE`), so that a finding names it
        self.image: str = stage.base_image_resolved or stage.base_image
        self.files: dict = files if files is not None else {}  # path -> BuiltFile
        self.arrivals: list = arrivals if arrivals is not None else []  # (BuiltFile, COPY line, source stage)
        self.env: dict = env if env is not None else {}
        self.context_sources: list = []  # COPY/ADD sources from the build context
        self.pip_npm: list = []  # (line, tool, packages, cwd)
        self.apk_adds: list = []  # (line, packages)
        self.shell_uses: list = []  # (line, what, shell argv0, whether a package install before it brought that shell)
        self.shell: tuple = ("/bin/sh",)  # the SHELL in force so far (a stage FROM this one inherits it)
        self.users: list = []  # (line, user)
        self.pkg_installs: list = []  # (line, tool, dirs): where pip/npm/poetry put packages
        self.pkg_arrivals: list = []  # (COPY line, tool, stage that installed them): packages copied in
        self.pkg_copied: list = []  # (where in this stage, tool, stage that installed them): kb/lint/pkgflow.py
        self.lib_bundles: set = set()  # directories a RUN filled with the libraries ldd listed
        self.compiles: list = []  # (line, what): steps that run a C compiler (cc, make, cgo, ...)
        self.cwd = "/"  # the WORKDIR in force at the end (a stage FROM this one starts there)
        self.virtual: dict = {}  # apk add --virtual NAME: the packages it groups
        self.cmake: dict = {}  # build directory -> what its cmake/meson configure step set (kb/lint/cmake.py)
        self.context_dirs: list = []  # (directory or file in the image, the build-context path COPY put there)
        self.texts: dict = {}  # RUN line -> its text with the scripts it runs and lists it reads (kb/lint/hidden.py)
        self.lost_env: list = []  # (RUN line, build command, {name: assignment}): shell variables it never sees
        self.deb_downloads: set = set()  # packages `apt-get download` fetched (kb/lint/debextract.py)
        self.deb_roots: dict = {}  # directory -> the packages `dpkg --extract` unpacked there
