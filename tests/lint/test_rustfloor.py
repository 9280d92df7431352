"""MI426 / MI404's floor for Rust (kb/lint/rustfloor.py): the floor is what a real rustc link asks for, and the
warning replaces the error only where Cargo.lock shows no crate that compiles C."""
import os
import subprocess

import pytest

from kb.evidence.elf import inspect_elf
from kb.lint import rustfloor
from kb.lint.builds import BuiltFile
from kb.versions import parse_version
from lab.build import find_rustc

PROGRAM = """
fn main() {
    let worker = std::thread::spawn(|| 1 + 1);
    let _ = worker.join();
    let _ = std::net::TcpStream::connect("localhost:9");
    let _ = std::fs::read_dir("/");
    let _ = std::fs::metadata("/etc/passwd");
    let _ = std::process::Command::new("true").output();
    println!("ok");
}
"""


def test_std_floor_is_what_rustc_links_on_this_glibc(tmp_path):
    """A program using threads, net, fs and std::process, linked here, asks for no newer GLIBC_x.y than std_floor
    says for this machine's glibc (the measurement the floor rests on)."""
    rustc = find_rustc()
    if not rustc:
        pytest.skip("rustc not found: the floor's measurement needs it")
    src, exe = tmp_path / "main.rs", tmp_path / "main"
    src.write_text(PROGRAM)
    subprocess.run([rustc, "-O", str(src), "-o", str(exe)], check=True, capture_output=True, timeout=300)
    here = os.confstr("CS_GNU_LIBC_VERSION").split()[-1]
    needed = inspect_elf(exe).glibc_version
    assert needed and parse_version(needed) <= parse_version(rustfloor.std_floor(here)) < parse_version("2.35")
    assert subprocess.run([str(exe)], capture_output=True, text=True, timeout=60).stdout == "ok\n"


@pytest.mark.parametrize("built, floor", [("2.41", "2.39"), ("2.39", "2.39"), ("2.38", "2.34"), ("2.36", "2.34"),
                                          ("2.34", "2.34"), ("2.33", "2.33"), ("2.32", "2.32"), ("2.31", "2.31"),
                                          ("2.28", "2.28")])
def test_std_floor_by_builder_glibc(built, floor):
    assert rustfloor.std_floor(built) == floor


def _art(**kw) -> BuiltFile:
    fields = dict(path="/usr/local/bin/tool", lang="rust", linkage="glibc", stage=0, line=4, builder="rust:1-bookworm",
                  builder_release="debian12", builder_glibc="2.36")
    fields.update(kw)
    return BuiltFile(**fields)


LOCK = 'version = 3\n\n[[package]]\nname = "tool"\nversion = "0.1.0"\ndependencies = ["{dep}"]\n\n' \
       '[[package]]\nname = "{dep}"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n'
MANIFEST = '[package]\nname = "tool"\nversion = "0.1.0"\n'


@pytest.mark.parametrize("dep, files, art, floor", [
    ("serde", ("Cargo.toml", "Cargo.lock"), {}, "2.34"),
    ("cc", ("Cargo.toml", "Cargo.lock"), {}, None),  # a crate compiles C: the builder's glibc
    ("cmake", ("Cargo.toml", "Cargo.lock"), {}, None),
    ("serde", ("Cargo.toml",), {}, None),  # no lock: lint cannot tell
    ("serde", ("Cargo.lock",), {}, "2.34"),  # the lock's own package names the program
    ("serde", ("Cargo.toml", "Cargo.lock"), {"path": "/usr/local/bin/renamed"}, None),  # another program
    ("serde", ("Cargo.toml", "Cargo.lock"), {"glibc_pin": "2.17"}, None),  # cargo zigbuild's pin decides
    ("serde", ("Cargo.toml", "Cargo.lock"), {"lang": "go"}, None),
])
def test_std_only_floor_reads_the_lock(tmp_path, dep, files, art, floor):
    texts = {"Cargo.toml": MANIFEST, "Cargo.lock": LOCK.replace("{dep}", dep)}
    for name in files:
        (tmp_path / name).write_text(texts[name])
    assert rustfloor.std_only_floor(str(tmp_path), _art(**art)) == floor


def test_a_lock_that_is_not_toml_tells_nothing(tmp_path):
    (tmp_path / "Cargo.toml").write_text(MANIFEST)
    (tmp_path / "Cargo.lock").write_text("[[package]\nname = ")
    assert rustfloor.std_only_floor(str(tmp_path), _art()) is None
    assert rustfloor.std_only_floor(None, _art()) is None
