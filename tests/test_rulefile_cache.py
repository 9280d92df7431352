"""The per-file layer under the knowledge cache (kb/loader/filecache.py): a load after one rule file was edited reads
only what changed, and gives exactly what a load without any cache gives: the same knowledge, the same consultation
and lint output, the same problems at the same file:line."""
import marshal
import os
import shutil
from pathlib import Path

import pytest

import kb
from kb import cache, yamlfile
from kb.loader import default_rules_path, filecache, filedelta, load_knowledge

ROOT = Path(default_rules_path()).parent
ANSWERS = {"language": "go", "cgo": "no", "go_net": "yes", "tls": "yes"}
DOCKERFILE = "FROM golang:1 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\n"
IMAGE = """images:
  - ref: mine/app:{n}
    title: mine
    libc: none
    release: debian13
    size_mb: {n}
    sources: [A1]
"""


@pytest.fixture
def parsed(monkeypatch):
    """The base names of the files parsed, in order."""
    names = []
    real = yamlfile.parse_yaml
    texts = {}

    def parse(text):
        names.append(texts.get(text, "?"))
        return real(text)

    def know(*paths):
        for p in paths:
            texts[Path(p).read_text(encoding="utf-8")] = Path(p).name

    monkeypatch.setattr(yamlfile, "parse_yaml", parse)
    parse.know = know
    parse.names = names
    return parse


def _tree(tmp_path: Path) -> Path:
    """A copy of rules.yaml and knowledge/ to edit."""
    top = tmp_path / "kbase"
    top.mkdir()
    shutil.copy(ROOT / "rules.yaml", top / "rules.yaml")
    shutil.copytree(ROOT / "knowledge", top / "knowledge")
    return top


RULE_FILES = 1 + len(list(ROOT.glob("knowledge/*.yaml")))  # rules.yaml includes every knowledge file


def _problems(paths, **kw) -> list[str]:
    with pytest.raises(kb.RuleFileError) as err:
        load_knowledge(paths, **kw)
    return [str(p) for p in err.value.problems]


def test_every_path_gives_the_same_knowledge_consultation_and_lint(tmp_path):
    cold = load_knowledge()
    d = tmp_path / "c"
    first = load_knowledge(file_cache=d)   # reads every file and keeps what each added
    again = load_knowledge(file_cache=d)   # replays every file
    [pack] = d.glob(f"*{filecache.SUFFIX}")
    assert len(filecache._read_pack(str(pack))) == RULE_FILES  # what reading each file added
    whole = kb.load(cache_dir=d).knowledge  # the knowledge cache on top
    for k in (first, again, whole):
        assert k == cold
        assert list(k.rules) == list(cold.rules) and list(k.images) == list(cold.images)
        assert [f.id for f in k.image_families] == [f.id for f in cold.image_families]
        assert list(k.native_packages["system"]) == list(cold.native_packages["system"])
    assert kb.load(cache_dir=d).knowledge == cold  # the knowledge cache's entry, written from the replayed forms
    results = [kb.RuleBase(k).consult(ANSWERS) for k in (cold, again)]
    assert results[0] == results[1] and results[0].plans
    lints = [[f for r in kb.RuleBase(k).lint(text=DOCKERFILE) for f in r.findings] for k in (cold, again)]
    assert lints[0] == lints[1]


def test_an_edited_user_layer_is_the_only_file_parsed(tmp_path, parsed):
    d = tmp_path / "c"
    layer = tmp_path / "mine.yaml"
    layer.write_text(IMAGE.format(n=1))
    load_knowledge([layer], file_cache=d)
    layer.write_text(IMAGE.format(n=2))
    parsed.know(layer)
    del parsed.names[:]
    k = load_knowledge([layer], file_cache=d)
    assert parsed.names == ["mine.yaml"]
    assert k == load_knowledge([layer]) and k.images["mine/app:2"].size_mb == 2.0
    del parsed.names[:]
    # the entries of the user's own file are not worth writing the pack for (it is edited again and again):
    # kb.load's miss reads it alone again, the knowledge cache serves the next run
    assert kb.load(layer, cache_dir=d).knowledge == k
    assert parsed.names == ["mine.yaml"]
    assert kb.load(layer, cache_dir=d).knowledge == k
    assert parsed.names == ["mine.yaml"]


def test_an_edit_in_the_middle_parses_that_file_alone(tmp_path, parsed):
    top = _tree(tmp_path)
    d = tmp_path / "c"
    load_knowledge([top / "rules.yaml"], base=False, file_cache=d)
    images = top / "knowledge" / "images.yaml"
    images.write_text(images.read_text().replace("size_mb:", "size_mb:  ", 1))
    parsed.know(*top.glob("knowledge/*.yaml"), top / "rules.yaml")
    del parsed.names[:]
    k = load_knowledge([top / "rules.yaml"], base=False, file_cache=d)
    assert parsed.names == ["images.yaml"]
    assert k == load_knowledge([top / "rules.yaml"], base=False)
    del parsed.names[:]
    load_knowledge([top / "rules.yaml"], base=False, file_cache=d)
    assert parsed.names == []


def test_an_error_in_the_edited_file_names_its_line_with_the_others_cached(tmp_path):
    d = tmp_path / "c"
    layer = tmp_path / "mine.yaml"
    layer.write_text(IMAGE.format(n=1))
    load_knowledge([layer], file_cache=d)
    layer.write_text(IMAGE.format(n=1).replace("libc: none", "libc: none\n    colour: blue").replace(
        "size_mb: 1", "size_mb: big"))
    cached = _problems([layer], file_cache=d)
    assert cached == _problems([layer])
    assert cached[0].startswith(f"{layer}:5: mine/app:1: unknown key 'colour'")
    assert f"{layer}:7: mine/app:1: 'size_mb' must be a number" in cached
    layer.write_text("images: [\n")
    assert _problems([layer], file_cache=d) == _problems([layer]) == [
        f"{layer}:2: yaml: did not find expected node content"]


def test_an_error_only_a_check_across_files_finds_is_reported_with_the_others_cached(tmp_path):
    d = tmp_path / "c"
    layer = tmp_path / "mine.yaml"
    layer.write_text(IMAGE.format(n=1))
    load_knowledge([layer], file_cache=d)
    # an id the shipped images already define (found while reading, against the files read before)
    layer.write_text(IMAGE.format(n=1).replace("mine/app:1", "scratch"))
    line = load_knowledge().images["scratch"].line
    assert _problems([layer], file_cache=d) == _problems([layer]) == [
        f"{layer}:2: scratch: duplicate image id 'scratch' (already defined at knowledge/images.yaml:{line})"]
    # a fact no file provides (found by the cross-checks, once every file is read)
    layer.write_text((ROOT / "tests" / "rulefiles" / "unknown-fact.yaml").read_text())
    assert _problems([layer], file_cache=d) == _problems([layer]) == [
        f"{layer}:4: MI902: unknown fact 'langauge': no question or rule provides it (did you mean 'language'?)"]


def test_an_edit_that_breaks_a_later_file_is_reported_there_although_that_file_did_not_change(tmp_path):
    top = _tree(tmp_path)
    d = tmp_path / "c"
    assert load_knowledge([top / "rules.yaml"], base=False, file_cache=d)
    releases = top / "knowledge" / "releases.yaml"
    releases.write_text(releases.read_text().replace("  fedora44:", "  fedora44x:", 1))
    expected = _problems([top / "rules.yaml"], base=False)  # found while reading image-families.yaml
    assert expected and all(p.split(":")[0].endswith("knowledge/image-families.yaml") and
                            p.endswith("fedora: release 'fedora44' is not under 'releases'") for p in expected)
    assert _problems([top / "rules.yaml"], base=False, file_cache=d) == expected
    assert _problems([top / "rules.yaml"], base=False, file_cache=d) == expected  # and from what that load kept


def _pack(directory: Path) -> Path:
    [pack] = directory.glob(f"*{filecache.SUFFIX}")
    return pack


def _write_pack(pack: Path, entries) -> None:
    payload = marshal.dumps(entries)
    pack.write_bytes(filecache.FORMAT + cache._checksum(payload).encode() + b"\n" + payload)


def test_planted_or_torn_entries_are_read_again_from_the_files(tmp_path):
    d = tmp_path / "c"
    cold = load_knowledge()
    load_knowledge(file_cache=d)
    pack = _pack(d)
    entries = filecache._read_pack(str(pack))
    code = compile("open('PWNED', 'w')", "x", "exec")
    bad = [marshal.dumps(code), marshal.dumps(("/x", "y", "z", None, "", ())), b"\x00not marshal", ("a", "b")]
    _write_pack(pack, {key: bad[i % len(bad)] for i, key in enumerate(entries)})
    assert load_knowledge(file_cache=d) == cold
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()
    assert filecache._read_pack(str(pack)).keys() == entries.keys()  # written again by that load
    _write_pack(pack, code)  # a pack that is not a mapping
    assert load_knowledge(file_cache=d) == cold
    pack.write_bytes(pack.read_bytes()[:-10])  # torn: the checksum no longer matches
    assert load_knowledge(file_cache=d) == cold
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


def test_a_record_of_the_wrong_shape_in_an_entry_is_refused(tmp_path):
    d = tmp_path / "c"
    load_knowledge(file_cache=d)
    entries = filecache._read_pack(str(_pack(d)))
    path, display, content, include, looked_at, added, delta = marshal.loads(max(entries.values(), key=len))
    records = {name: {k: v[:-1] for k, v in added.items()} for name, added in delta[0].items()}
    with pytest.raises(cache.BadEntry):
        filedelta.decode_delta((records, *delta[1:]))
    with pytest.raises(cache.BadEntry):
        filedelta.decode_delta(delta[:7])
    assert filedelta.decode_delta(delta)[0].keys() == delta[0].keys()


def test_no_cache_and_an_unwritable_directory_write_nothing_and_still_load(tmp_path, monkeypatch):
    cold = load_knowledge()
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    assert load_knowledge(file_cache=not_a_dir) == cold
    monkeypatch.setenv("MINIMAGE_NO_CACHE", "1")
    assert load_knowledge(file_cache=tmp_path / "c") == cold
    assert not (tmp_path / "c").exists()


def test_one_pack_per_set_of_rule_files_and_the_oldest_are_pruned(tmp_path, parsed):
    d = tmp_path / "c"
    layer = tmp_path / "mine.yaml"
    layer.write_text(IMAGE.format(n=1))
    load_knowledge(file_cache=d)
    load_knowledge([layer], file_cache=d)
    assert len(list(d.glob(f"*{filecache.SUFFIX}"))) == 2
    del parsed.names[:]
    load_knowledge(file_cache=d)  # the pack of the shipped files alone is still there
    assert parsed.names == []
    for n in range(filecache.KEEP + 2):
        other = tmp_path / f"other{n}.yaml"
        other.write_text(IMAGE.format(n=n))
        load_knowledge([other], file_cache=d)
    assert len(list(d.glob(f"*{filecache.SUFFIX}"))) == filecache.KEEP


def test_a_layer_that_replaces_what_a_cached_file_defined_is_stored_as_read(tmp_path):
    d = tmp_path / "c"
    layer = tmp_path / "mine.yaml"
    layer.write_text("releases:\n  debian13: {glibc: '2.99', debian: trixie}\n")
    kb.load(layer, cache_dir=d)
    layer.write_text("releases:\n  debian13: {glibc: '2.98', debian: trixie}\n")
    cold = load_knowledge([layer])
    assert cold.releases["debian13"]["glibc"] == "2.98"
    assert kb.load(layer, cache_dir=d).knowledge == cold  # the shipped files replayed, the layer read
    assert kb.load(layer, cache_dir=d).knowledge == cold  # the knowledge cache's entry that load wrote


def test_entries_of_other_code_are_not_used(tmp_path, parsed, monkeypatch):
    d = tmp_path / "c"
    load_knowledge(file_cache=d)
    monkeypatch.setattr(filecache, "_code_stamp", lambda: b"kb/yamlfile.py:1:2")  # as if the code were edited
    parsed.know(*ROOT.glob("knowledge/*.yaml"), ROOT / "rules.yaml")
    del parsed.names[:]
    assert load_knowledge(file_cache=d) == load_knowledge()
    assert len(parsed.names) == 2 * RULE_FILES  # every file parsed, by both loads


@pytest.fixture
def read(monkeypatch):
    """The base names of the files whose sections were read (not replayed), in order."""
    from kb import loader

    names = []
    real = loader._Reader.read

    def reading(self, doc):
        names.append(Path(self.file).name)
        return real(self, doc)

    monkeypatch.setattr(loader._Reader, "read", reading)
    return names


def test_files_after_an_edit_are_read_again_only_if_they_look_at_what_it_changed(tmp_path, read):
    top = _tree(tmp_path)
    d = tmp_path / "c"
    rules = top / "rules.yaml"
    load_knowledge([rules], base=False, file_cache=d)
    for name, old, new, again in [
            ("images.yaml", "size_mb: ", "size_mb:  ", ["images.yaml"]),  # nothing after it looks at the images
            ("releases.yaml", 'glibc: "2.36"', 'glibc: "2.37"', ["releases.yaml", "image-families.yaml"])]:
        path = top / "knowledge" / name
        path.write_text(path.read_text().replace(old, new, 1))
        del read[:]
        k = load_knowledge([rules], base=False, file_cache=d)
        assert read == again
        assert k == load_knowledge([rules], base=False)


def test_a_file_that_looked_at_where_an_id_was_defined_is_read_again_after_any_edit_before_it(tmp_path, read):
    top = _tree(tmp_path)
    d = tmp_path / "c"
    layer = tmp_path / "mine.yaml"
    # a duplicate native package: its message names the line of the first definition, which is on no record
    layer.write_text("native_packages:\n  python:\n    - {name: psycopg2, note: again}\n")
    natives = top / "knowledge" / "native-packages.yaml"
    first = _problems([top / "rules.yaml", layer], base=False, file_cache=d)
    natives.write_text("# a line more\n" + natives.read_text())
    del read[:]
    moved = _problems([top / "rules.yaml", layer], base=False, file_cache=d)
    assert read == ["native-packages.yaml", "mine.yaml"]
    assert moved == _problems([top / "rules.yaml", layer], base=False) != first
    line = 1 + next(i for i, text in enumerate(natives.read_text().splitlines()) if "name: psycopg2" in text)
    assert f"{layer}:3: psycopg2: duplicate native_packages python id 'psycopg2' (already defined at {natives}:{line})" \
        in moved


def _outcome(paths, **kw):
    """The knowledge a load gives, or the problems it reports."""
    try:
        return load_knowledge(paths, base=False, **kw)
    except kb.RuleFileError as e:
        return [str(p) for p in e.problems]


def test_renaming_an_id_or_key_of_any_shipped_file_gives_what_the_uncached_load_gives(tmp_path):
    top = _tree(tmp_path)
    d = tmp_path / "c"
    rules = [top / "rules.yaml"]
    assert _outcome(rules, file_cache=d) == _outcome(rules)
    import re

    for path in sorted((top / "knowledge").glob("*.yaml")):
        text = path.read_text()
        # the first id (image ref, package name) of a list, then the first key of a section's mapping (a release,
        # a library, an ecosystem): what files after it check against breaks, and the new name may clash
        for pattern, replace in [(r"\b(id|ref|name): (\"?)([\w./:-]+)", r"\1: \2\3x"), (r"(?m)^  ([\w.-]+):", r"  \1x:")]:
            renamed = re.sub(pattern, replace, text, count=1)
            if renamed == text:
                continue
            path.write_text(renamed)
            assert _outcome(rules, file_cache=d) == _outcome(rules), path.name
        path.write_text(text)
        assert _outcome(rules, file_cache=d) == _outcome(rules), path.name
