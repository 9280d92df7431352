"""What an apt-get or apt install brings besides the packages it names: their Recommends, which apt installs by
default (unless --no-install-recommends, or -o APT::Install-Recommends=false, on that command).

Only the recommendations lint's checks read are listed: Debian's and Ubuntu's Go toolchain (golang, golang-go,
golang-1.NN, golang-1.NN-go) recommends g++, gcc, libc6-dev and pkg-config (`apt-cache show golang-1.19-go` on
Debian 12: "Recommends: g++, gcc, libc6-dev, pkg-config"; golang-go and golang-1.NN depend on golang-1.NN-go), so an
`apt-get install golang` has a C compiler and cgo is on by default (MI402, MI401).
"""
from __future__ import annotations

from ..lazyre import lazy

_GO_TOOLCHAIN = lazy(r"golang(?:-go|-1\.\d+(?:-go)?)?")
#: a word of the command that turns Recommends off: the option, or `-o APT::Install-Recommends=false` (its value)
_NO_RECOMMENDS = lazy(r"--no-install-recommends|Install-Recommends[= ]*[\"']?(?:false|0|no)\b")
GO_RECOMMENDS = ("gcc", "g++", "libc6-dev", "pkg-config")


def apt_installs(prog: str, argv: list[str], pkgs: list[str]) -> set:
    """The packages an install command puts in the image, as lint counts them: the names it gives (without a
    =VERSION), and for apt-get/apt without Recommends turned off, what the Go toolchain recommends."""
    names = {p.split("=")[0] for p in pkgs}
    if prog in ("apt-get", "apt") and any(_GO_TOOLCHAIN.fullmatch(n) for n in names) and \
            not any(_NO_RECOMMENDS.search(w) for w in argv):
        names.update(GO_RECOMMENDS)
    return names
