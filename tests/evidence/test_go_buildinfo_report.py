"""The Go build information `minimage-ask inspect --format json` reports (its `go` object): read from the blob Go's
linker writes (inline strings since Go 1.18, two pointers before), in files written here, so that every field,
every encoding and every damaged blob is shown. Layout: Go's debug/buildinfo package
(https://go.dev/src/debug/buildinfo/buildinfo.go) and runtime/debug.BuildInfo's text form."""
from __future__ import annotations

import struct

import pytest

from kb.evidence.elf import inspect_elf

from .elf_writer import BASE, GO_BUILD_ID, write_elf

MAGIC = b"\xff Go buildinf:"
FRAME_START, FRAME_END = "0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6", "\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
MODINFO = ('path\texample.com/cmd/x\nmod\texample.com\tv1.2.3\th1:abc=\ndep\tgolang.org/x/sys\tv0.1.0\th1:x=\n'
           'dep\tgithub.com/a/b\tv1.0.0\n=>\t../b\t\t\ndep\tgithub.com/c/d\tv2\n=>\tgithub.com/e/d\tv2.1\th1:y\n'
           'dep\tnoversion\nbuild\t-buildmode=exe\nbuild\t-compiler=gc\nbuild\t-tags=netgo osusergo,timetzdata\n'
           'build\t"-ldflags"="-X \\"a=b\\""\nbuild\t`weird key`=`raw`\nbuild\tCGO_ENABLED=0\nbuild\tGOARCH=amd64\n'
           'build\tGOOS=linux\nbuild\tvcs.revision=abc\nbuild\t\nunknown\tline\n')
WANT = {
    "go_version": "go1.21.0", "path": "example.com/cmd/x", "main_module": "example.com", "main_version": "v1.2.3",
    "deps": [{"path": "golang.org/x/sys", "version": "v0.1.0"}, {"path": "github.com/a/b", "version": "v1.0.0=>../b"},
             {"path": "github.com/c/d", "version": "v2=>github.com/e/d@v2.1"}, {"path": "noversion", "version": ""}],
    "settings": {"-buildmode": "exe", "-compiler": "gc", "-tags": "netgo osusergo,timetzdata",
                 "-ldflags": '-X "a=b"', "weird key": "raw", "CGO_ENABLED": "0", "GOARCH": "amd64", "GOOS": "linux",
                 "vcs.revision": "abc"},
    "cgo_enabled": False, "tags": ["netgo", "osusergo", "timetzdata"], "ldflags": '-X "a=b"', "goos": "linux",
    "goarch": "amd64",
}


def uvarint(n: int) -> bytes:
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def inline_blob(version: bytes = b"go1.21.0", modinfo: str = MODINFO, framed: bool = True) -> bytes:
    mod = (FRAME_START + modinfo + FRAME_END if framed else modinfo).encode("latin-1")
    return MAGIC + bytes([8, 2]) + bytes(16) + uvarint(len(version)) + version + uvarint(len(mod)) + mod


def go_report(tmp_path, blob: bytes, **kw):
    r = inspect_elf(write_elf(tmp_path / "app", notes=(GO_BUILD_ID,), writable=blob, sections=False, **kw))
    return r, (r.to_dict()["go"])


def test_the_inline_form_in_full(tmp_path):
    r, go = go_report(tmp_path, inline_blob() + bytes(64))
    assert go == WANT and r.warnings == ()


def test_the_blob_is_found_only_at_a_16_byte_boundary(tmp_path):
    blob = bytes(3) + MAGIC + bytes(15) + inline_blob()              # a stray magic at 3, the real one at 32
    r, go = go_report(tmp_path, blob)
    assert go["go_version"] == "go1.21.0"
    r, go = go_report(tmp_path, bytes(3) + inline_blob())            # only at 3: not build information
    assert go is None and r.is_go and r.warnings == ()


def test_a_magic_too_near_the_end_to_hold_a_header_is_not_build_information(tmp_path):
    r, go = go_report(tmp_path, bytes(16) + MAGIC + bytes(10))      # 24 bytes from the magic to the end of the file
    assert go is None and r.warnings == ()
    r, go = go_report(tmp_path, bytes(16) + MAGIC + bytes([8, 2]) + bytes(16))    # 32 bytes: a header, no strings
    assert go is None and r.warnings == ("Go build info header found but its strings are corrupt",)


def test_module_information_longer_than_the_64_kib_window_is_read_whole(tmp_path):
    deps = "".join(f"dep\texample.com/m{i:05d}\tv1.0.{i}\th1:x=\n" for i in range(2500))
    r, go = go_report(tmp_path, bytes(16) + inline_blob(modinfo="path\tp\n" + deps) + bytes(16))  # the blob at 16
    assert len(go["deps"]) == 2500 and go["deps"][-1] == {"path": "example.com/m02499", "version": "v1.0.2499"}
    r, go = go_report(tmp_path, inline_blob(modinfo="path\tp\n" + deps)[:-100])   # cut inside the strings
    assert go is None and r.warnings == ("Go build info strings run past the end of the data",)


def test_module_information_without_its_framing_is_left_out(tmp_path):
    r, go = go_report(tmp_path, inline_blob(modinfo=MODINFO, framed=False) + bytes(16))
    assert go["go_version"] == "go1.21.0" and go["path"] is None and go["deps"] == [] and go["settings"] == {}
    assert go["cgo_enabled"] is None


def test_an_empty_go_version_is_a_warning(tmp_path):
    r, go = go_report(tmp_path, inline_blob(version=b"") + bytes(16))
    assert go is None and r.warnings == ("Go build info header found but the Go version is empty",)


def pointer_blob(ptr: int, big: bool, base: int) -> bytes:
    """Go <= 1.17: the header holds pointers to two Go strings {data pointer, length}, in the target's byte order."""
    w = (">" if big else "<") + ("I" if ptr == 4 else "Q")
    vers, mod = b"go1.16.15", (FRAME_START + MODINFO + FRAME_END).encode("latin-1")
    hdr = 32
    vs, ms = hdr, hdr + 2 * ptr                           # the two string headers
    vd, md = ms + 2 * ptr, ms + 2 * ptr + len(vers)       # the string data
    out = bytearray(md + len(mod))
    out[0:16] = MAGIC + bytes([ptr, 1 if big else 0])
    struct.pack_into(w, out, 16, base + vs)
    struct.pack_into(w, out, 16 + ptr, base + ms)
    struct.pack_into(w + w[1], out, vs, base + vd, len(vers))
    struct.pack_into(w + w[1], out, ms, base + md, len(mod))
    out[vd:vd + len(vers)] = vers
    out[md:md + len(mod)] = mod
    return bytes(out)


@pytest.mark.parametrize("ptr,big", [(8, False), (4, False), (8, True), (4, True)])
def test_the_pointer_form_of_go_1_17_and_before(tmp_path, ptr, big):
    path = tmp_path / "probe"
    write_elf(path, notes=(GO_BUILD_ID,), writable=b"\xaa" * 64, sections=False)
    start = path.read_bytes().index(b"\xaa" * 64)                      # where .data lands in the file
    r, go = go_report(tmp_path, pointer_blob(ptr, big, BASE + start))
    assert r.warnings == () and go == dict(WANT, go_version="go1.16.15")


def test_a_pointer_form_with_a_bad_pointer_size_is_a_warning(tmp_path):
    blob = bytearray(pointer_blob(8, False, 0))
    blob[14] = 3
    r, go = go_report(tmp_path, bytes(blob))
    assert go is None and r.warnings == ("Go build info header has pointer size 3",)


def test_pointers_to_nowhere_give_no_version(tmp_path):
    blob = MAGIC + bytes([8, 0]) + struct.pack("<QQ", 0x10, 0x20) + bytes(32)   # addresses outside every PT_LOAD
    r, go = go_report(tmp_path, blob)
    assert go is None and r.warnings == ("Go build info header found but the Go version is empty",)


def test_a_version_string_at_an_unmapped_address_is_empty(tmp_path):
    """The string header is mapped, the bytes it points to are not (whatever their length): no version."""
    path = tmp_path / "probe"
    write_elf(path, notes=(GO_BUILD_ID,), writable=b"\xaa" * 64, sections=False)
    start = BASE + path.read_bytes().index(b"\xaa" * 64)
    blob = (MAGIC + bytes([8, 0]) + struct.pack("<QQ", start + 32, start + 32) + struct.pack("<QQ", 0x10, 4)
            + bytes(16))
    r, go = go_report(tmp_path, blob)
    assert go is None and r.warnings == ("Go build info header found but the Go version is empty",)


@pytest.mark.parametrize("quoted, value", [('""', ""), ('"-s -w"', "-s -w"), ("``", ""), ('"\\x41"', "A"),
                                           ("plain", "plain")])
def test_a_quoted_setting_reads_as_its_value_even_when_empty(quoted, value):
    """Go's build information quotes a setting's value (strconv.Quote); an empty one is `""`, which means empty."""
    from kb.evidence.elf_go import _go_unquote

    assert _go_unquote(quoted) == value
