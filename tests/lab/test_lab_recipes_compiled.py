"""The golang images' module proxy (lab/recipes_compiled.py): module zips as `go mod download` reads them, and
Debian's go-sqlite3 made to link SQLite into the program as the real module does."""
import io
import zipfile

import pytest

from lab import recipes_compiled as RC

LIBSQLITE3_GO = ("package sqlite3\n\n/*\n#cgo CFLAGS: -DUSE_LIBSQLITE3\n#cgo linux LDFLAGS: -lsqlite3\n"
                 "#cgo darwin,amd64 LDFLAGS: -L/usr/local/opt/sqlite/lib -lsqlite3\n*/\nimport \"C\"\n")


def test_a_module_zip_holds_its_files_under_module_at_version(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/m\n")
    (tmp_path / "a.go").write_text("package m\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.go").write_text("package sub\n")
    (tmp_path / "nested").mkdir()  # another module: not part of this one's zip
    (tmp_path / "nested" / "go.mod").write_text("module example.com/m/nested\n")
    (tmp_path / "nested" / "c.go").write_text("package nested\n")
    files = RC._module_files(tmp_path)
    assert sorted(files) == ["a.go", "go.mod", "sub/b.go"]
    names = zipfile.ZipFile(io.BytesIO(RC.module_zip("example.com/m", "v1.0.0", files))).namelist()
    assert names == ["example.com/m@v1.0.0/a.go", "example.com/m@v1.0.0/go.mod", "example.com/m@v1.0.0/sub/b.go"]


def test_go_sqlite3_links_libsqlite3_statically_on_linux_only():
    files = {"sqlite3_libsqlite3.go": LIBSQLITE3_GO.encode()}
    RC._fit_go_sqlite3(files)
    text = files["sqlite3_libsqlite3.go"].decode()
    assert "#cgo linux LDFLAGS: -l:libsqlite3.a -lm\n" in text
    assert "#cgo darwin,amd64 LDFLAGS: -L/usr/local/opt/sqlite/lib -lsqlite3\n" in text


def test_a_go_sqlite3_without_the_line_to_fit_is_an_error_that_says_so():
    with pytest.raises(RC.ProxyBuildError, match="no '#cgo linux LDFLAGS: -lsqlite3' line"):
        RC._fit_go_sqlite3({"sqlite3_libsqlite3.go": b"package sqlite3\n"})
