"""inspect_project on small synthetic trees."""

from __future__ import annotations

import os

import pytest

from kb.evidence import project as projmod
from kb.evidence.errors import EvidenceError
import kb
from kb.evidence import project as _project

NATIVES = kb.load().knowledge.native_packages


def native_packages():
    return NATIVES


def inspect_project(directory):
    return _project.inspect_project(directory, NATIVES)


def write(root, rel, text):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_native_table_loads():
    t = native_packages()
    assert {"python", "node", "go", "rust"} <= set(t)
    assert "psycopg2" in t["python"] and "psycopg2-binary" not in t["python"]
    assert "github.com/mattn/go-sqlite3" in t["go"] and "openssl-sys" in t["rust"] and "sharp" in t["node"]


def test_go_project(tmp_path):
    write(tmp_path, "go.mod", "module example.com/app\n\ngo 1.22\n\ntoolchain go1.22.3\n\nrequire (\n"
                              "\tgithub.com/mattn/go-sqlite3 v1.14.22 // indirect\n)\n")
    write(tmp_path, "go.sum", "github.com/mattn/go-sqlite3 v1.14.22 h1:abc=\n")
    write(tmp_path, "main.go", 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nimport (\n\t"net/http"\n'
                               '\t_ "time/tzdata"\n\tu "os/user"\n)\n\nfunc main() {\n'
                               '\ttime.LoadLocation("Europe/Paris")\n\thttp.Get("https://example.com")\n}\n')
    write(tmp_path, "main_test.go", 'package main\nimport "crypto/tls"\n')
    write(tmp_path, "vendor/x/y.go", 'package y\nimport "plugin"\n')
    r = inspect_project(tmp_path)
    assert r.language == "go"
    assert r.values("go.version") == ("1.22",) and r.values("go.toolchain") == ("1.22.3",)
    cgo = r.find("go.cgo_import")
    assert cgo and cgo[0].file == "main.go" and cgo[0].line == 4
    assert r.has("go.imports_net", "net/http") and r.has("go.imports_os_user")
    assert r.has("go.tzdata_embedded") and r.has("tz.used") and r.has("tls.https_url")
    assert not r.has("go.tls")            # only imported from a _test.go file
    assert not r.has("go.imports_plugin")  # vendor/ is skipped
    mods = r.find("go.cgo_module")
    assert {o.file for o in mods} == {"go.mod", "go.sum"} and mods[0].value == "github.com/mattn/go-sqlite3"


def test_rust_openssl_vs_rustls(tmp_path):
    write(tmp_path, "Cargo.toml", '[package]\nname = "svc"\n\n[dependencies]\nreqwest = "0.12"\n')
    write(tmp_path, "Cargo.lock", 'version = 3\n\n[[package]]\nname = "openssl-sys"\nversion = "0.9"\n\n'
                                  '[[package]]\nname = "svc"\nversion = "0.1.0"\n')
    r = inspect_project(tmp_path)
    assert r.language == "rust"
    assert "openssl" in r.values("rust.tls") and r.has("rust.native_crate", "openssl-sys")
    lock = [o for o in r.find("rust.native_crate") if o.file == "Cargo.lock"][0]
    assert lock.line == 4

    other = tmp_path / "b"
    write(other, "Cargo.toml", '[package]\nname = "svc"\n\n[dependencies]\n'
                               'reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }\n')
    write(other, "Cargo.lock", '[[package]]\nname = "rustls"\nversion = "0.23"\n')
    r2 = inspect_project(other)
    assert r2.values("rust.tls") == ("rustls",)


def test_python_native_packages(tmp_path):
    write(tmp_path, "requirements.txt", "# deps\npsycopg2==2.9.9\npsycopg2-binary\nrequests>=2\nPillow\n"
                                        "-r other.txt\nlxml ; python_version > '3'\n")
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\nrequires-python = ">=3.11"\n'
                                      'dependencies = ["numpy>=1.26", "tzdata"]\n')
    write(tmp_path, "Pipfile", '[packages]\ngrpcio = "*"\n')
    write(tmp_path, "app.py", "from zoneinfo import ZoneInfo\nURL = 'https://api.example.com'\n")
    r = inspect_project(tmp_path)
    assert r.language == "python"
    natives = r.values("python.native_package")
    assert set(natives) >= {"psycopg2", "pillow", "lxml", "numpy", "grpcio"}
    assert "psycopg2-binary" not in natives
    ps = [o for o in r.find("python.native_package") if o.value == "psycopg2"][0]
    assert ps.file == "requirements.txt" and ps.line == 2
    assert r.has("python.requires", ">=3.11") and r.has("tz.used", "zoneinfo") and r.has("tz.embedded")
    assert r.has("tls.https_url")


def test_node_native(tmp_path):
    write(tmp_path, "package.json", '{"name":"x","engines":{"node":">=20"},"dependencies":{"bcrypt":"^5",'
                                    '"express":"^4"},"devDependencies":{"sharp":"^0.33"},'
                                    '"optionalDependencies":{"@swc/core-linux-x64-musl":"1"}}')
    write(tmp_path, "native/binding.gyp", "{}")
    r = inspect_project(tmp_path)
    assert r.language == "node"
    assert set(r.values("node.native_package")) == {"bcrypt", "sharp"}
    assert r.has("node.binding_gyp") and r.has("node.engine", ">=20")
    assert r.has("node.libc_specific_package", "@swc/core-linux-x64-musl")


def test_c_cpp(tmp_path):
    write(tmp_path, "src/main.c", '#include <openssl/ssl.h>\n#include <zlib.h>\nint main(){getaddrinfo(0,0,0,0);}\n')
    write(tmp_path, "src/util.cpp", "int f(){return 1;}\n")
    write(tmp_path, "Makefile", "LDLIBS = -lssl -lcrypto -lz\n\ntest:\n\tls -la\napp: main.o\n\t$(CC) -static -o app main.o $(LDLIBS)\n")
    write(tmp_path, "CMakeLists.txt", "find_package(OpenSSL REQUIRED)\n"
                                      "target_link_libraries(app PRIVATE OpenSSL::SSL ZLIB::ZLIB Threads::Threads)\n")
    r = inspect_project(tmp_path)
    assert set(r.languages) == {"c", "cpp"}
    links = set(r.values("c.links"))
    assert {"ssl", "crypto", "z", "pthread"} <= links and "a" not in links
    assert r.has("c.static_link") and r.has("c.includes_lib", "ssl") and r.has("c.nss_or_dlopen_call", "getaddrinfo")
    assert r.values("c.sources") == ("1",) and r.values("cpp.sources") == ("1",)


def test_bad_files_become_warnings(tmp_path):
    write(tmp_path, "package.json", "{not json")
    write(tmp_path, "Cargo.toml", "[[[")
    os.mkfifo(tmp_path / "requirements.txt")
    (tmp_path / "link").symlink_to("/dev/zero")
    r = inspect_project(tmp_path)
    text = "\n".join(r.warnings)
    assert "package.json" in text and "Cargo.toml" in text and "requirements.txt" in text


def test_caps(tmp_path, monkeypatch):
    monkeypatch.setattr(projmod, "MAX_FILES", 10)
    monkeypatch.setattr(projmod, "MAX_FILE_BYTES", 100)
    for i in range(30):
        write(tmp_path, f"f{i:02}.py", "x = 1\n")
    write(tmp_path, "big.py", "#" * 500)
    r = inspect_project(tmp_path)
    assert r.truncated and r.files_seen == 10 and any("more than 10 files" in w for w in r.warnings)


def test_file_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(projmod, "MAX_FILE_BYTES", 100)
    write(tmp_path, "big.py", "#" * 500 + "\nimport zoneinfo\n")
    r = inspect_project(tmp_path)
    assert any("larger than 100 bytes" in w for w in r.warnings) and not r.has("tz.used")


def _inspect_summary(directory):
    r = inspect_project(directory)
    return f"cgo={bool(r.find('go.cgo_import'))} warnings={list(r.warnings)}"


def test_unreadable_dir_is_warning_not_crash():
    """A directory the user cannot read is a warning naming it, and nothing in it is read (as nobody when root)."""
    from pathlib import Path

    from tests.nobody import as_nobody, reachable_tmpdir

    with reachable_tmpdir() as top:
        root = Path(top)
        write(root, "go.mod", "module x\n")
        d = root / "secret"
        d.mkdir()
        write(d, "a.go", 'package a\nimport "C"\n')
        os.chmod(d, 0)
        out = as_nobody(_inspect_summary, str(root))
        assert out.startswith("cgo=False warnings=[") and "secret: unreadable directory" in out, out
        os.chmod(d, 0o755)
        assert as_nobody(_inspect_summary, str(root)) == "cgo=True warnings=[]"


def test_not_a_directory(tmp_path):
    f = write(tmp_path, "x", "")
    with pytest.raises(EvidenceError):
        inspect_project(f)
    with pytest.raises(EvidenceError):
        inspect_project(tmp_path / "missing")


def test_to_dict(tmp_path):
    write(tmp_path, "go.mod", "module m\n\ngo 1.21\n")
    d = inspect_project(tmp_path).to_dict()
    assert d["language"] == "go" and d["observations"][0] == {"key": "language", "value": "go", "file": ".",
                                                               "line": None, "note": None}


def test_a_root_marker_names_the_language_before_file_counts(tmp_path):
    python = tmp_path / "py"
    write(python, "requirements.txt", "flask\n")
    write(python, "static/app.js", "x\n")
    write(python, "static/lib.js", "y\n")
    assert inspect_project(python).language == "python"
    rust = tmp_path / "rs"  # no Cargo.toml: the sources alone
    write(rust, "src/main.rs", "fn main() {}\n")
    assert inspect_project(rust).language == "rust"


def test_a_go_string_literal_is_read_to_its_closing_quote():
    from kb.evidence.textscan import _go_string

    assert _go_string('"net/http" // comment') == ("net/http", " // comment")
    assert _go_string('""rest') == ("", "rest")
    assert _go_string("`os/user`)") == ("os/user", ")")
    assert _go_string('"unclosed') == (None, '"unclosed')


def test_python_native_packages_of_poetry_and_pipfile_dev_packages(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.11"\n'
                                      'psycopg2 = "^2.9"\n')
    write(tmp_path, "Pipfile", '[packages]\nrequests = "*"\n[dev-packages]\nlxml = "*"\n')
    natives = inspect_project(tmp_path).values("python.native_package")
    assert set(natives) >= {"psycopg2", "lxml"}


def test_a_native_crate_under_a_target_table_and_a_gypfile_package_are_seen(tmp_path):
    rust = tmp_path / "rs"
    write(rust, "Cargo.toml", "[package]\nname = \"svc\"\n\n[target.'cfg(unix)'.dependencies]\nopenssl-sys = \"0.9\"\n")
    assert inspect_project(rust).has("rust.native_crate", "openssl-sys")
    node = tmp_path / "js"
    write(node, "package.json", '{"name": "addon",\n "gypfile": true}\n')
    [gyp] = inspect_project(node).find("node.binding_gyp")
    assert (gyp.value, gyp.file, gyp.line) == ("gypfile", "package.json", 2)


def test_go_mod_directives_separated_by_tabs_are_read_with_their_lines(tmp_path):
    write(tmp_path, "go.mod", "module\texample.com/app\n\ngo 1.22\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n")
    r = inspect_project(tmp_path)
    [module] = r.find("go.module")
    assert (module.value, module.file, module.line) == ("example.com/app", "go.mod", 1)
    [cgo] = [o for o in r.find("go.cgo_module") if o.file == "go.mod"]
    assert (cgo.value, cgo.line) == ("github.com/mattn/go-sqlite3", 5)
    write(tmp_path, "go.sum", "golang.org/x/text v0.3.0 h1:x=\ngithub.com/mattn/go-sqlite3 v1.14.22 h1:y=\n")
    [locked] = [o for o in inspect_project(tmp_path).find("go.cgo_module") if o.file == "go.sum"]
    assert (locked.value, locked.line) == ("github.com/mattn/go-sqlite3", 2)


def test_a_static_link_in_cmake_and_an_include_in_a_header_are_seen(tmp_path):
    write(tmp_path, "CMakeLists.txt", 'project(app C)\nadd_executable(app main.c)\n'
                                      'set(CMAKE_EXE_LINKER_FLAGS "${CMAKE_EXE_LINKER_FLAGS} -static")\n')
    write(tmp_path, "main.c", '#include "app.h"\nint main(){return 0;}\n')
    write(tmp_path, "app.h", "#include <zlib.h>\n")
    r = inspect_project(tmp_path)
    assert [(o.file, o.line) for o in r.find("c.static_link")] == [("CMakeLists.txt", 3)]
    assert [(o.file, o.line) for o in r.find("c.includes_lib") if o.value == "z"] == [("app.h", 1)]


def test_python_time_zone_packages_are_seen_with_their_lines(tmp_path):
    write(tmp_path, "requirements.txt", "flask\npytz==2024.1\n")
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\ndependencies = ["python-dateutil"]\n')
    r = inspect_project(tmp_path)
    assert sorted((o.value, o.file, o.line) for o in r.find("tz.used")) == [
        ("python-dateutil", "pyproject.toml", 3), ("pytz", "requirements.txt", 2)]


def test_every_usual_dockerfile_name_is_found(tmp_path):
    for rel in ("Dockerfile", "deploy/api.Dockerfile", "Dockerfile.prod", "docs/dockerfile-notes.md"):
        write(tmp_path, rel, "FROM scratch\n")
    found = sorted(inspect_project(tmp_path).values("dockerfile"))
    assert found == sorted(["Dockerfile", os.path.join("deploy", "api.Dockerfile"), "Dockerfile.prod"])


def test_the_first_third_party_go_import_of_a_file_is_noted(tmp_path):
    """A package path whose first element has a dot is a module outside the standard library (and outside the
    main module's own packages, like myapp/pkg.v2); the first one per file is where the note points."""
    write(tmp_path, "main.go", 'package main\n\nimport (\n\t"myapp/pkg.v2"\n\t"github.com/a/b"\n'
                               '\t"golang.org/x/sys/unix"\n)\n')
    r = inspect_project(tmp_path)
    assert [(o.value, o.line) for o in r.find("go.third_party_import")] == [("github.com/a/b", 5)]


def test_a_broken_cargo_toml_does_not_hide_the_next_crate(tmp_path):
    write(tmp_path, "a/Cargo.toml", "[package\nname = broken\n")
    write(tmp_path, "b/Cargo.toml", '[package]\nname = "b"\n\n[dependencies]\nopenssl-sys = "0.9"\n')
    assert inspect_project(tmp_path).has("rust.native_crate", "openssl-sys")
