"""What `minimage-ask inspect DIR` observes in a project of each ecosystem, observation by observation (key, value,
file, line, note) and fact by fact, written out in full: a changed line number, a lost note or an observation from
the wrong file shows here. Each tree holds the spellings people use (require blocks, `;`-separated imports,
optional and dev dependencies, lock files, CMake targets)."""
from __future__ import annotations

import kb
from kb.evidence.facts import inspect_path

from tests.evidence.project_files import write

NATIVES = kb.load().knowledge.native_packages


def inspect(root):
    kind, report, facts = inspect_path(str(root), NATIVES)
    assert kind == "project" and report.warnings == ()
    return ([tuple(o) for o in report.observations],
            [(j.fact.name, j.fact.value, j.note.replace(str(root), "ROOT")) for j in facts])


def test_a_go_project(tmp_path):
    write(tmp_path, {
        "go.mod": ('module "example.com/app" // the module\n\ngo 1.22.3rc1\ntoolchain go1.23.1 // pinned\n\nrequire (\n'
                   "\tgithub.com/mattn/go-sqlite3 v1.14.22 // indirect\n\tgolang.org/x/net v0.1.0\n)\n"
                   "require github.com/tecbot/gorocksdb v1.0.0\n"),
        "go.sum": ("github.com/google/gopacket v1.1.19 h1:x\ngithub.com/google/gopacket v1.1.19/go.mod h1:y\n"
                   "github.com/libgit2/git2go/v34 v34.0.0 h1:z\n\n"),
        "main.go": ('package main\n\nimport (\n\t"fmt"\n\tpcap "github.com/google/gopacket/pcap"\n'
                    '\t"net/http/httputil"\n\t"crypto/tls"; "os/user"\n)\nimport "time/tzdata"\n\n'
                    'func main() {\n\tfmt.Println(time.LoadLocation ("UTC"), `https://x`)\n}\n'),
        "util/u.go": 'package util\nimport "plugin"\nimport "example.org/lib"\nimport "github.com/x/y"\n',
        "util/u_test.go": 'package util\nimport "net"\n',
        "testdata/t.go": 'package t\nimport "net/rpc"\n',
        ".cache/c.go": 'package c\nimport "net/smtp"\n',
    })
    observations, facts = inspect(tmp_path)
    assert observations == [
        ("language", "go", ".", None, None),
        ("go.module", "example.com/app", "go.mod", 1, None),
        ("go.version", "1.22.3", "go.mod", 3, None),
        ("go.toolchain", "1.23.1", "go.mod", 4, None),
        ("go.cgo_module", "github.com/mattn/go-sqlite3", "go.mod", 7, NATIVES["go"]["github.com/mattn/go-sqlite3"]["note"]),
        ("go.cgo_module", "github.com/tecbot/gorocksdb", "go.mod", 10, "cgo over RocksDB"),
        ("go.cgo_module", "github.com/libgit2/git2go", "go.sum", 3, "cgo over libgit2"),
        ("go.cgo_module", "github.com/google/gopacket/pcap", "main.go", 5, "cgo over libpcap"),
        ("go.third_party_import", "github.com/google/gopacket/pcap", "main.go", 5, None),
        ("go.imports_net", "net/http/httputil", "main.go", 6, None),
        ("go.tls", "crypto/tls", "main.go", 7, None),
        ("go.imports_os_user", "os/user", "main.go", 7, None),
        ("go.tzdata_embedded", "time/tzdata", "main.go", 9, None),
        ("tz.used", "time.LoadLocation", "main.go", 12, None),
        ("tls.https_url", "https", "main.go", 12, None),
        ("go.imports_plugin", "plugin", "util/u.go", 2, None),
        ("go.third_party_import", "example.org/lib", "util/u.go", 3, None),
    ]
    assert facts == [
        ("language", "go", "ROOT/go.mod (project files)"),
        ("cgo", "yes", "ROOT/go.mod:7 (go.cgo_module github.com/mattn/go-sqlite3)"),
        ("go_net", "yes", "ROOT/main.go:6 (go.imports_net net/http/httputil)"),
        ("tls", "yes", "ROOT/main.go:7 (go.tls crypto/tls)"),
        ("timezones", "yes", "ROOT/main.go:12 (tz.used time.LoadLocation)"),
    ]


def test_a_go_project_whose_only_link_to_net_is_os_user(tmp_path):
    write(tmp_path, {"go.mod": "module m\n", "main.go": 'package main\nimport u "os/user"\nimport "C"\n'})
    _observations, facts = inspect(tmp_path)
    assert facts == [("language", "go", "ROOT/go.mod (project files)"),
                     ("go_net", "yes", "ROOT/main.go:2 (go.imports_os_user os/user)"),
                     ("cgo", "yes", "ROOT/main.go:3 (go.cgo_import C)")]


def test_a_python_project(tmp_path):
    write(tmp_path, {
        "requirements-dev.txt": 'psycopg2==2.9 # db\n  -e .\n--hash=x\nPyYAML>=6 ; python_version>"3"\n\nrequests\n',
        "constraints.txt": "lxml\n",
        "pyproject.toml": ('[project]\nname = "x"\nrequires-python = ">=3.11"\ndependencies = ["numpy>=1.26", "tzdata"]\n'
                           '[project.optional-dependencies]\nimg = ["Pillow"]\n[tool.poetry.dependencies]\n'
                           'python = "^3.11"\ngrpcio = "*"\n[tool.poetry.dev-dependencies]\npytz = "*"\n'),
        "Pipfile.lock": '{"default": {"cryptography": {}}, "develop": {"python-dateutil": {}}}',
        "setup.py": "from setuptools import setup\nsetup(install_requires=[\"cffi>=1\", 'bcrypt'])\n",
        "runtime.txt": "python-3.12.1\n",
        ".python-version": "3.11\n",
        "app.py": 'import os\n  import pytz\nimport ssl\nU = "https://a"\n',
    })
    observations, facts = inspect(tmp_path)
    note = {n: NATIVES["python"][n]["note"] for n in ("cryptography", "lxml", "numpy", "pillow", "grpcio", "psycopg2",
                                                      "pyyaml", "cffi", "bcrypt")}
    assert observations == [
        ("language", "python", ".", None, None),
        ("python.version", "3.11", ".python-version", 1, None),
        ("python.native_package", "cryptography", "Pipfile.lock", 1, note["cryptography"]),
        ("tz.used", "python-dateutil", "Pipfile.lock", 1, None),
        ("tz.used", "pytz", "app.py", 2, None),
        ("tls.https_url", "https", "app.py", 4, None),
        ("tls.library", "python-ssl", "app.py", 3, None),
        ("python.native_package", "lxml", "constraints.txt", 1, note["lxml"]),
        ("python.requires", ">=3.11", "pyproject.toml", 3, None),
        ("python.native_package", "numpy", "pyproject.toml", 4, note["numpy"]),
        ("tz.embedded", "python-tzdata", "pyproject.toml", 4, None),
        ("tz.used", "tzdata", "pyproject.toml", 4, None),
        ("python.native_package", "pillow", "pyproject.toml", 6, note["pillow"]),
        ("python.native_package", "grpcio", "pyproject.toml", 9, note["grpcio"]),
        ("tz.used", "pytz", "pyproject.toml", 11, None),
        ("python.native_package", "psycopg2", "requirements-dev.txt", 1, note["psycopg2"]),
        ("python.native_package", "pyyaml", "requirements-dev.txt", 4, note["pyyaml"]),
        ("python.version", "3.12.1", "runtime.txt", 1, None),
        ("python.native_package", "cffi", "setup.py", 2, note["cffi"]),
        ("python.native_package", "bcrypt", "setup.py", 2, note["bcrypt"]),
    ]
    assert facts == [
        ("language", "python", "ROOT/.python-version (project files)"),
        ("native_deps", "yes", "ROOT/Pipfile.lock:1 (python.native_package cryptography)"),
        ("timezones", "yes", "ROOT/Pipfile.lock:1 (tz.used python-dateutil)"),
        ("tls", "yes", "ROOT/app.py:4 (tls.https_url https)"),
        ("native_libs", "libpq", "ROOT/requirements-dev.txt:1 (python.native_package psycopg2)"),
    ]


def test_a_node_project(tmp_path):
    write(tmp_path, {
        "package.json": ('{\n  "name": "x",\n  "engines": {"node": ">=20"},\n  "gypfile": true,\n'
                         '  "scripts": {"install": "node-gyp rebuild"},\n  "dependencies": {\n    "bcrypt": "^5",\n'
                         '    "express": "^4"\n  },\n  "devDependencies": {"sharp": "^0.33"},\n'
                         '  "peerDependencies": {"@img/sharp-linux-arm64-gnu": "1", "lightningcss-linux-arm-gnueabihf": '
                         '"1"}\n}\n'),
        "package-lock.json": ('{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {"name": "x"},\n'
                              '    "node_modules/sqlite3": {},\n    "node_modules/a/node_modules/sqlite3": {},\n'
                              '    "node_modules/@esbuild/linux-x64": {},\n'
                              '    "node_modules/@rollup/rollup-linux-x64-musl": {}\n  }\n}\n'),
        "yarn.lock": '# yarn\n\n"canvas@^2.0.0", canvas@^2.1:\n  version "2.11"\nbetter-sqlite3@^9:\n  version "9"\n',
        "a.mjs": 'fetch("https://x")\n',
        "b.d.ts": "const u = 'https://y'\n",
        "sub/binding.gyp": "{}\n",
    })
    observations, facts = inspect(tmp_path)
    note = {n: NATIVES["node"][n]["note"] for n in ("sqlite3", "bcrypt", "sharp", "canvas", "better-sqlite3")}
    assert observations == [
        ("language", "node", ".", None, None),
        ("tls.https_url", "https", "a.mjs", 1, None),
        ("node.native_package", "sqlite3", "package-lock.json", 5, note["sqlite3"]),
        ("node.libc_specific_package", "@rollup/rollup-linux-x64-musl", "package-lock.json", 8, "prebuilt for musl"),
        ("node.native_package", "bcrypt", "package.json", 7, note["bcrypt"]),
        ("node.native_package", "sharp", "package.json", 10, note["sharp"] + " (devDependency)"),
        ("node.libc_specific_package", "@img/sharp-linux-arm64-gnu", "package.json", 11, "prebuilt for gnu"),
        ("node.libc_specific_package", "lightningcss-linux-arm-gnueabihf", "package.json", 11, "prebuilt for gnu"),
        ("node.engine", ">=20", "package.json", 3, None),
        ("node.binding_gyp", "gypfile", "package.json", 4, None),
        ("node.binding_gyp", "node-gyp script", "package.json", 5, None),
        ("node.native_package", "canvas", "yarn.lock", 3, note["canvas"]),
        ("node.native_package", "better-sqlite3", "yarn.lock", 5, note["better-sqlite3"]),
        ("node.binding_gyp", "binding.gyp", "sub/binding.gyp", None, None),
    ]
    assert facts == [
        ("language", "node", "ROOT/package-lock.json (project files)"),
        ("tls", "yes", "ROOT/a.mjs:1 (tls.https_url https)"),
        ("native_deps", "yes", "ROOT/package-lock.json:5 (node.native_package sqlite3)"),
    ]


def test_a_rust_project(tmp_path):
    write(tmp_path, {
        "Cargo.toml": ('[package]\nname = "svc"\n\n[dependencies]\n'
                       'reqwest = { version = "0.12", features = ["json", "rustls-tls"] }\n\n[build-dependencies]\n'
                       'cc = "1"\n\n[target.x86_64-unknown-linux-gnu.dependencies]\nlibsqlite3-sys = "0.28"\n\n'
                       '[workspace.dependencies]\nopenssl = "0.10"\n'),
        "Cargo.lock": 'version = 3\n\n[[package]]\nname = "ring"\nversion = "0.17"\n\n[[package]]\nname = "native-tls"\n'
                      'version = "0.2"\n',
        "ABOUT.md": "a file the Rust scan passes over on its way to Cargo.lock\n",
    })
    observations, facts = inspect(tmp_path)
    note = {n: NATIVES["rust"][n]["note"] for n in ("ring", "native-tls", "libsqlite3-sys", "openssl")}
    assert observations == [
        ("language", "rust", ".", None, None),
        ("rust.native_crate", "ring", "Cargo.lock", 4, note["ring"]),
        ("rust.native_crate", "native-tls", "Cargo.lock", 8, note["native-tls"]),
        ("rust.tls", "openssl", "Cargo.lock", 8, "crate native-tls"),
        ("rust.crate", "svc", "Cargo.toml", None, None),
        ("rust.tls", "rustls", "Cargo.toml", 5, "reqwest rustls feature"),
        ("rust.tls", "openssl", "Cargo.toml", 5, "reqwest default features use native-tls (OpenSSL on Linux)"),
        ("rust.native_crate", "libsqlite3-sys", "Cargo.toml", 11, note["libsqlite3-sys"]),
        ("rust.native_crate", "openssl", "Cargo.toml", 14, note["openssl"]),
    ]
    assert facts == [
        ("language", "rust", "ROOT/Cargo.lock (project files)"),
        ("native_deps", "yes", "ROOT/Cargo.lock:4 (rust.native_crate ring)"),
        ("tls", "yes", "ROOT/Cargo.lock:8 (rust.tls openssl)"),
    ]


def test_reqwest_without_default_features_and_rustls_is_rustls_only(tmp_path):
    write(tmp_path, {"Cargo.toml": '[dependencies]\nserde = "1"\nreqwest = { version = "0.12", default-features = '
                                   'false, features = ["rustls-tls-webpki-roots", 3] }\n'})
    observations, _facts = inspect(tmp_path)
    assert observations == [("language", "rust", ".", None, None),
                            ("rust.tls", "rustls", "Cargo.toml", 3, "reqwest rustls feature")]


def test_a_c_and_cpp_project(tmp_path):
    write(tmp_path, {
        "Makefile": ('# LDLIBS = -lcomment\nLDLIBS += -lpq -lm\nCFLAGS = -lfoo\nall:\n\t$(CC) -o app app.o -lsqlite3 -static-pie\n'
                     '\tgcc -o b b.o "-lxml2" -static\n'),
        "rules.am": "app_LDADD = -lcurl\n",
        "CMakeLists.txt": ('cmake_minimum_required(VERSION 3.20)\nfind_package(ZLIB)\nfind_package( CURL REQUIRED)\n'
                           'target_link_libraries(app PRIVATE\n  "OpenSSL::Crypto" debug -lffi unknown::x m)\n'
                           'set(CMAKE_EXE_LINKER_FLAGS "${CMAKE_EXE_LINKER_FLAGS} -static")\n'),
        "app.c": ('#include <stdio.h>\n  # include "curl/curl.h"\n#include <libpq-fe.h>\n'
                  'void f(void){ void *h = dlopen ("x", 0); getpwnam("a"); }\n'),
        "z.h": "#include <zlib.h>\n",
        "g.cc": "int g();\n",
        "h.hpp": "int h();\n",
    })
    observations, facts = inspect(tmp_path)
    assert observations == [
        ("language", "cpp", ".", None, None),
        ("language", "c", ".", None, None),
        ("c.links", "crypto", "CMakeLists.txt", 4, None),
        ("c.links", "ffi", "CMakeLists.txt", 4, None),
        ("c.links", "m", "CMakeLists.txt", 4, None),
        ("c.find_package", "ZLIB", "CMakeLists.txt", 2, None),
        ("c.find_package", "CURL", "CMakeLists.txt", 3, None),
        ("c.static_link", "-static", "CMakeLists.txt", 6, None),
        ("c.links", "pq", "Makefile", 2, None),
        ("c.links", "m", "Makefile", 2, None),
        ("c.links", "sqlite3", "Makefile", 5, None),
        ("c.static_link", "-static", "Makefile", 5, None),
        ("c.links", "xml2", "Makefile", 6, None),
        ("c.includes_lib", "curl", "app.c", 2, None),
        ("c.includes_lib", "pq", "app.c", 3, None),
        ("c.nss_or_dlopen_call", "dlopen", "app.c", 4,
         "static glibc needs the same glibc's shared libraries at run time for this call"),
        ("c.links", "curl", "rules.am", 1, None),
        ("c.includes_lib", "z", "z.h", 1, None),
        ("c.sources", "1", ".", None, "*.c files"),
        ("cpp.sources", "1", ".", None, "*.cpp/*.cc/*.cxx files"),
    ]
    assert facts == [
        ("language", "cpp", "ROOT/CMakeLists.txt (project files)"),
        ("native_deps", "yes", "ROOT/CMakeLists.txt:4 (c.links crypto)"),
        ("native_libs", "libssl", "ROOT/CMakeLists.txt:4 (c.links crypto)"),
        ("native_libs", "libffi", "ROOT/CMakeLists.txt:4 (c.links ffi)"),
        ("native_libs", "libpq", "ROOT/Makefile:2 (c.links pq)"),
        ("native_libs", "libsqlite3", "ROOT/Makefile:5 (c.links sqlite3)"),
        ("native_libs", "libxml2", "ROOT/Makefile:6 (c.links xml2)"),
        ("native_libs", "libcurl", "ROOT/rules.am:1 (c.links curl)"),
    ]


def test_a_c_project_linking_only_the_c_runtime_has_no_native_dependencies(tmp_path):
    write(tmp_path, {"Makefile": "LDLIBS = -lm -lpthread -ldl -lrt -lc -lstdc++ -lgcc_s\n", "a.c": "int main(){}\n"})
    observations, facts = inspect(tmp_path)
    assert [o[1] for o in observations if o[0] == "c.links"] == ["m", "pthread", "dl", "rt", "c", "stdc++", "gcc_s"]
    assert facts == [("language", "c", "ROOT/Makefile (project files)")]
