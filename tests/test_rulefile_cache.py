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
from kb.loader import default_rules_path, filecache, load_knowledge

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


def _problems(paths, **kw) -> list[str]:
    with pytest.raises(kb.RuleFileError) as err:
        load_knowledge(paths, **kw)
    return [str(p) for p in err.value.problems]


def test_every_path_gives_the_same_knowledge_consultation_and_lint(tmp_path):
    cold = load_knowledge()
    d = tmp_path / "c"
    first = load_knowledge(file_cache=d)   # reads every file and keeps what each added
    again = load_knowledge(file_cache=d)   # replays every file
    assert len([n for n in os.listdir(d) if n.endswith(filecache.SUFFIX)]) == 19
    whole = kb.load(cache_dir=d).knowledge  # the knowledge cache on top
    for k in (first, again, whole):
        assert k == cold
        assert list(k.rules) == list(cold.rules) and list(k.images) == list(cold.images)
        assert [f.id for f in k.image_families] == [f.id for f in cold.image_families]
        assert list(k.native_packages["system"]) == list(cold.native_packages["system"])
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
    assert kb.load(layer, cache_dir=d).knowledge == k  # kb.load's miss goes through the same layer
    assert parsed.names == []


def test_an_edit_in_the_middle_reads_that_file_and_those_after_it(tmp_path, parsed):
    top = _tree(tmp_path)
    d = tmp_path / "c"
    load_knowledge([top / "rules.yaml"], base=False, file_cache=d)
    images = top / "knowledge" / "images.yaml"
    images.write_text(images.read_text().replace("size_mb:", "size_mb:  ", 1))
    order = [Path(f).name for f in load_knowledge([top / "rules.yaml"], base=False).files if f.endswith(".yaml")]
    parsed.know(*top.glob("knowledge/*.yaml"), top / "rules.yaml")
    del parsed.names[:]
    k = load_knowledge([top / "rules.yaml"], base=False, file_cache=d)
    assert order[0] == "rules.yaml"  # listed before its includes, its own sections read after them
    # rules.yaml's own sections are read again too (its includes read on another state), so it is parsed again
    assert parsed.names == order[order.index("images.yaml"):] + ["rules.yaml"]
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


def test_planted_or_torn_entries_are_read_again_from_the_files(tmp_path):
    d = tmp_path / "c"
    cold = load_knowledge()
    load_knowledge(file_cache=d)
    entries = sorted(d.glob(f"*{filecache.SUFFIX}"))
    bad = [marshal.dumps(compile("open('PWNED', 'w')", "x", "exec")),
           marshal.dumps(("/x", "y", "z", None, "", ())),
           b"\x00not marshal"]
    for i, entry in enumerate(entries):
        payload = bad[i % len(bad)]
        if i % 4 == 3:  # torn: the checksum no longer matches
            entry.write_bytes(entry.read_bytes()[:-10])
        else:
            entry.write_bytes(filecache.FORMAT + cache._checksum(payload).encode() + b"\n" + payload)
    assert load_knowledge(file_cache=d) == cold
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()
    assert load_knowledge(file_cache=d) == cold  # rewritten by the load before


def test_a_record_of_the_wrong_shape_in_an_entry_is_refused(tmp_path):
    d = tmp_path / "c"
    load_knowledge(file_cache=d)
    entry = max(d.glob(f"*{filecache.SUFFIX}"), key=lambda p: p.stat().st_size)
    payload = filecache.read_payload(str(entry), filecache.FORMAT, filecache.MAX_ENTRY)
    path, display, content, include, expect, delta = marshal.loads(payload)
    records = {name: {k: v[:-1] for k, v in added.items()} for name, added in delta[0].items()}
    with pytest.raises(cache.BadEntry):
        filecache._decode_delta((records, *delta[1:]))
    with pytest.raises(cache.BadEntry):
        filecache._decode_delta(delta[:7])
    assert filecache._decode_delta(delta)[0].keys() == delta[0].keys()


def test_no_cache_and_an_unwritable_directory_write_nothing_and_still_load(tmp_path, monkeypatch):
    cold = load_knowledge()
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    assert load_knowledge(file_cache=not_a_dir) == cold
    monkeypatch.setenv("MINIMAGE_NO_CACHE", "1")
    assert load_knowledge(file_cache=tmp_path / "c") == cold
    assert not (tmp_path / "c").exists()


def test_entries_are_pruned_to_the_most_recently_used(tmp_path, parsed):
    d = tmp_path / "c"
    layer = tmp_path / "mine.yaml"
    for n in range(1, 6):
        layer.write_text(IMAGE.format(n=n))
        load_knowledge([layer], file_cache=d)
    names = {p.name for p in d.glob(f"*{filecache.SUFFIX}")}
    assert len(names) == 19 + 5
    filecache.prune(str(d), keep=20)
    kept = {p.name for p in d.glob(f"*{filecache.SUFFIX}")}
    assert len(kept) == 20 and kept < names
    del parsed.names[:]
    load_knowledge([layer], file_cache=d)  # the shipped files' entries, used by every load, were kept
    assert parsed.names == []
