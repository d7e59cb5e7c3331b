"""Nothing from another project reaches the store or the terminal raw.

Strings made of text mixed with every C0 and C1 control and with terminal
escape sequences go in by every route: command-line arguments (and the coder
name from --coder and $QUALTUI_CODER), ``merge`` of a crafted project whose
files were written by hand (as an attacker would, bypassing qualtui's own
cleaning), ``import-qdpx`` and ``import-qdc`` of crafted XML.  Afterwards no
stored string holds a control character, and no command prints one.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from click.testing import CliRunner
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from qualtui.cli import main
from qualtui.model import Code, Transcript, Turn
from qualtui.project import Project

C0 = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)]
C1 = [chr(c) for c in range(0x80, 0xA0)]
CONTROLS = [*C0, "\x7f", *C1]
SEQUENCES = ["\x1b[31m", "\x1b]0;title\x07", "\x9b2J", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\x1bP+q\x1b\\",
             "\x1b(0", "\x1bc", "\x9d0;t\x9c", "\x1b[?1049h", "\r\n", "\r", "\t", "\n"]
EVERYTHING = "A" + "".join(CONTROLS) + "B" + "".join(SEQUENCES) + "C"
# Only these can be written in XML 1.0 (C0 controls cannot, not even as &#x1b;).
XML_CONTROLS = ["\x7f", *C1, "\r", "\t", "\n"]
XML_SEQUENCES = ["\x9b2J", "\x9d0;t\x9c", "\x9b31m"]
XML_EVERYTHING = "A" + "".join(XML_CONTROLS) + "B" + "".join(XML_SEQUENCES) + "C"

# Each example runs dozens of commands: shrinking a failure would take minutes (the example is printed anyway).
FAST = (Phase.explicit, Phase.reuse, Phase.generate)
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\udc80-\udcff]")    # \udcXX: a raw non-UTF-8 byte
UNSAFE_STORED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_words = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x24F, exclude_characters="/\x7f"
                               + "".join(C1)), min_size=1, max_size=5)


def hostile(controls: list[str], sequences: list[str]):
    """Text with at least one control or escape sequence in it, and a word that survives cleaning."""
    piece = st.one_of(_words, st.sampled_from(controls), st.sampled_from(sequences))
    return st.tuples(st.lists(piece, max_size=4), st.sampled_from(controls + sequences),
                     st.lists(piece, max_size=4)).map(lambda t: "w " + "".join(t[0]) + t[1] + "".join(t[2]) + " x")


TERMINAL = hostile(CONTROLS, SEQUENCES)
XML = hostile(XML_CONTROLS, XML_SEQUENCES)


def run(*args: str, env: dict | None = None) -> tuple[bytes, bytes]:
    """Run the real command line in-process; return (stdout, stderr) bytes."""
    runner = CliRunner()
    with runner.isolation(env=env) as (out, err, _):
        try:
            main(list(args))
        except SystemExit:
            pass
        return out.getvalue(), err.getvalue()


def assert_clean_output(data: bytes, what) -> None:
    text = data.decode("utf-8", errors="surrogateescape")
    found = UNSAFE.search(text)
    assert found is None, f"{what} printed {found.group()!r}: {text[max(0, found.start() - 60):found.end() + 20]!r}"


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_clean_store(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.suffix == ".json":
            values = list(strings(json.loads(path.read_text("utf-8"))))
        elif path.suffix == ".jsonl":
            values = [v for line in path.read_text("utf-8").splitlines() for v in strings(json.loads(line))]
        elif path.suffix == ".txt":
            values = [path.read_text("utf-8")]
        else:
            continue
        for value in values:
            found = UNSAFE_STORED.search(value)
            assert found is None, f"{path.name} stores {found.group()!r} in {value!r}"


def assert_no_command_prints_controls(root: Path) -> None:
    project = Project.open(root)
    p = ["-p", str(root)]
    commands = [
        ["docs"], ["docs", "--format", "csv"], ["docs", "--format", "json"], ["speakers"],
        ["speakers", "--format", "json"],
        ["attr", "list"], ["attr", "list", "--format", "csv"], ["attr", "list", "--format", "json"],
        ["codes"], ["codes", "--tree"], ["codes", "--format", "csv"], ["codes", "--format", "json"],
        ["codings"], ["codings", "--format", "csv"], ["codings", "--format", "json"],
        ["memos"], ["memos", "--format", "csv"], ["memos", "--format", "json"],
        ["freq"], ["freq", "--format", "json"], ["cooccur"], ["search", "e"], ["search", "e", "--format", "json"],
        ["agreement"], ["agreement", "--format", "json"], ["agreement", "--disagreements"],
        ["export", "md", "--memos"], ["export", "html", "--memos"], ["export", "csv"], ["export", "map"],
        ["framework"], ["framework", "--format", "csv"], ["framework", "--format", "json"], ["check"], ["config"],
    ]
    for doc in project.docs.all():
        commands += [["show", doc.id, "--codes"]]
        commands += [["matrix", key] for key in doc.attributes]
        commands += [["framework", "--by-attr", key] for key in doc.attributes]
    for code in project.codes.all():
        commands += [["retrieve", code.id], ["retrieve", code.id, "--format", "json"],
                     ["retrieve", code.id, "--format", "md"]]
    commands += [["memo", "show", memo.id] for memo in project.memos.all()]
    for args in commands:
        out, err = run(*p, *args)
        assert_clean_output(out, args)
        assert_clean_output(err, args)


# -- the command line -------------------------------------------------------------

@settings(max_examples=4, phases=FAST)
@given(st.lists(TERMINAL, min_size=12, max_size=12))
@example([EVERYTHING] * 12)
def test_command_line_arguments(values):
    values = [v.replace("\x00", "") or "\x1b[31m" for v in values]   # argv cannot carry NUL
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        source = Path(tmp) / "t.txt"
        padding = "Interviewer: " + "so many plain words " * 120 + "\n"   # a few controls do not make it binary
        source.write_text(f"{values[0]}: hello there\n{values[1]}: a reply\n{padding}", "utf-8", newline="")
        env = {"QUALTUI_CODER": values[2]}
        p = ["-p", str(root)]
        steps = [
            lambda: ["init", str(root), "--name", values[3]],
            lambda: [*p, "add", str(source), "--name", values[4], "--attr", f"{values[5]}={values[6]}"],
            lambda: [*p, "codes", "new", values[7], "--description", values[8], "--inclusion", values[8],
                     "--exclusion", values[8], "--example", values[8]],
            lambda: [*p, "--coder", values[9], "code", doc_id(), "x", "--span", "0:5", "--create", "--memo",
                     values[10]],
            lambda: [*p, "memo", "add", values[11], "--title", values[9]],
            lambda: [*p, "attr", "set", doc_id(), f"k={values[6]}"],
            lambda: [*p, "speaker", values[0], "--as", values[1], "--role", values[2]],
        ]

        def doc_id() -> str:
            return Project.open(root).docs.all()[0].id

        for step in steps:
            args = step()
            out, err = run(*args, env=env)
            assert_clean_output(out, args)
            assert_clean_output(err, args)
        project = Project.open(root)
        assert len(project.docs.all()) == 1 and project.codes.all(), "the setup steps did not all work"
        assert_clean_store(root)
        assert_no_command_prints_controls(root)


# -- merge of a crafted project ---------------------------------------------------

def _poison(value, strings_iter):
    """Replace every string in a store record (not ids and references) with the next hostile string."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("id", "document", "code", "target", "parent", "kind", "sha256", "color"):
                out[key] = item
            elif key == "attributes":
                out[key] = {next(strings_iter): next(strings_iter) for _ in item}
            else:
                out[key] = _poison(item, strings_iter)
        return out
    if isinstance(value, list):
        return [_poison(item, strings_iter) for item in value]
    if isinstance(value, str):
        return next(strings_iter)
    return value


def _craft_other(root: Path, values: list[str]) -> None:
    """A project written by hand: every name, title, memo, coder and speaker is hostile."""
    other = Project.init(root, name="other", coder="bob")
    text = "Ann: hello there\nBob: a reply\n"
    doc = other.docs.add(Transcript(text, (Turn(5, 16, "Ann", 0), Turn(22, 29, "Bob", 17)), "txt"), "d1",
                         attributes={"site": "a"})
    dirty = other.docs.add(Transcript("Cy: plain words\n", (Turn(4, 15, "Cy", 0),), "txt"), "d2")
    theme = other.codes.create("theme", description="d")
    code = other.codes.create("code", parent=theme.id, inclusion="i", exclusion="e", example="x")
    first = other.codings.add(doc.id, code.id, 0, 5, memo="m")
    other.codings.add(doc.id, theme.id, 5, 16, memo="m2")
    journal = other.memos.add("project", "journal", title="t")
    other.memos.add("code", "about", target=code.id, title="t2")
    other.memos.add("document", "about", target=doc.id, title="t3")
    other.speakers.set(["Ann"], "Annie", "participant")
    cycle = iter(values * 50)
    meta_file = root / "qualtui.json"
    data = json.loads(meta_file.read_text("utf-8"))
    data = {table: _poison(records, cycle) if table != "meta" else records for table, records in data.items()}
    data["meta"]["project"]["name"] = next(cycle)
    meta_file.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    for path in (root / "documents").glob("*.json"):
        path.write_text(json.dumps(_poison(json.loads(path.read_text("utf-8")), cycle), ensure_ascii=False), "utf-8")
    # One document's text itself carries controls (its sha256 no longer matches: a hand-made file).
    (root / "documents" / f"{dirty.id}.txt").write_text(f"Cy: {next(cycle)} words\n", "utf-8", newline="")
    # And ids: they name files and appear in every listing.
    for old in (doc.id, code.id, first.id, journal.id):
        new = json.dumps(f"{old[:8]}{next(cycle)}".replace("/", "").replace("\x00", ""))[1:-1]
        for path in [root / "qualtui.json", *(root / "documents").iterdir()]:
            if path.suffix == ".json":
                path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
            if old in path.name:
                path.rename(path.with_name(path.name.replace(old, json.loads(f'"{new}"'))))


@settings(max_examples=4, phases=FAST)
@given(st.lists(TERMINAL, min_size=7, max_size=7))
@example([EVERYTHING] * 7)
def test_merge_of_a_crafted_project(values):
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "other"
        _craft_other(other, values)
        ours = Project.init(Path(tmp) / "ours", name="ours", coder="alice")
        # The same first document and the same theme here, so the matching, attribute and definition paths run.
        ours.docs.add(Transcript("Ann: hello there\nBob: a reply\n", (), "txt"), "mine", attributes={"site": "b"})
        theme_id = next(r["id"] for r in json.loads((other / "qualtui.json").read_text("utf-8"))["codes"].values()
                        if r["parent"] is None)
        ours.codes.put([Code(id=theme_id, name="theme here")])
        for args in (["merge", str(other), "--dry-run"], ["merge", str(other), "--dry-run", "--format", "json"],
                     ["merge", str(other), "--dry-run", "--format", "csv"], ["merge", str(other), "--all"],
                     ["merge", str(other), "--all"]):
            out, err = run("-p", str(ours.root), *args)
            assert_clean_output(out, args)
            assert_clean_output(err, args)
        assert Project.open(ours.root).codes.all(), "the merge did not add the codes"
        assert_clean_store(ours.root)
        assert_no_command_prints_controls(ours.root)
        # Listing the crafted project itself (strings stored raw, as by an older version) is clean too.
        assert_no_command_prints_controls(other)


# -- REFI-QDA ---------------------------------------------------------------------

def _attr(value: str) -> str:
    return quoteattr(value, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _text(value: str) -> str:
    return escape(value, {"\r": "&#13;"})


G = [f"{i:08x}-0000-4000-8000-000000000000" for i in range(20)]


def _qde(v: list[str]) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name={_attr(v[0])} origin={_attr(v[1])} creatingUserGUID="{G[0]}">
 <Users><User guid="{G[0]}" name={_attr(v[2])}/><User guid="{G[1]}" name={_attr(v[3])}/></Users>
 <CodeBook><Codes>
  <Code guid="{G[2]}" name={_attr(v[4])} isCodable="true" color="#ff0000"><Description>{_text(v[5])}</Description>
   <Code guid="{G[3]}" name={_attr(v[6])} isCodable="true"/>
  </Code>
  <Code guid="{G[4]}" name={_attr(v[6])} isCodable="false"/>
 </Codes></CodeBook>
 <Variables><Variable guid="{G[5]}" name={_attr(v[7])} typeOfVariable="Text"/></Variables>
 <Cases><Case guid="{G[6]}" name={_attr(v[8])}><SourceRef targetGUID="{G[7]}"/>
  <VariableValue><VariableRef targetGUID="{G[5]}"/><TextValue>{_text(v[9])}</TextValue></VariableValue></Case></Cases>
 <Sources>
  <TextSource guid="{G[7]}" name={_attr(v[10])} creatingUser="{G[1]}"><Description>{_text(v[11])}</Description>
   <PlainTextContent>{_text(v[12])}: hello there friend
Bob: a reply</PlainTextContent>
   <PlainTextSelection guid="{G[8]}" name={_attr(v[13])} startPosition="0" endPosition="5" creatingUser="{G[1]}">
    <Description>{_text(v[14])}</Description>
    <Coding guid="{G[9]}" creatingUser="{G[1]}"><CodeRef targetGUID="{G[3]}"/><NoteRef targetGUID="{G[10]}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{G[11]}" name="x" startPosition="1" endPosition="4"><Description>{_text(v[15])}</Description>
   </PlainTextSelection>
   <VariableValue><VariableRef targetGUID="{G[5]}"/><TextValue>{_text(v[16])}</TextValue></VariableValue>
  </TextSource>
  <TextSource guid="{G[12]}" name={_attr(v[17])} plainTextPath="internal://{G[12]}.txt">
   <Coding guid="{G[13]}" creatingUser="{G[0]}"><CodeRef targetGUID="{G[4]}"/></Coding>
  </TextSource>
 </Sources>
 <Notes>
  <Note guid="{G[10]}" name={_attr(v[18])} creatingUser="{G[0]}"><PlainTextContent>{_text(v[19])}</PlainTextContent>
   <Description>{_text(v[0])}</Description></Note>
  <Note guid="{G[14]}" name={_attr(v[1])}><PlainTextContent>{_text(v[2])}</PlainTextContent></Note>
  <Note guid="{G[15]}" name={_attr(v[3])}><PlainTextContent>{_text(v[4])}</PlainTextContent></Note>
 </Notes>
 <Sets><Set guid="{G[16]}" name={_attr(v[5] + ":" + v[6])}><MemberSource targetGUID="{G[7]}"/></Set>
  <Set guid="{G[17]}" name={_attr(v[7])}><MemberSource targetGUID="{G[12]}"/></Set></Sets>
 <Links><Link guid="{G[18]}" originGUID="{G[15]}" targetGUID="{G[2]}"/></Links>
 <Description>{_text(v[8])}</Description>
</Project>
"""


@settings(max_examples=4, phases=FAST)
@given(st.lists(XML, min_size=20, max_size=20), TERMINAL)
@example([XML_EVERYTHING] * 20, EVERYTHING)
def test_import_qdpx_of_crafted_xml(values, file_text):
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "in.qdpx"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("project.qde", _qde(values).encode("utf-8"))
            zf.writestr(f"sources/{G[12]}.txt", f"{file_text}: spoken words\n".encode("utf-8"))
        root = Path(tmp) / "p"
        out, err = run("import-qdpx", str(archive), str(root), "--coder", file_text.replace("\x00", "") or "x")
        assert_clean_output(out, "import-qdpx")
        assert_clean_output(err, "import-qdpx")
        project = Project.open(root)
        assert len(project.docs.all()) == 2 and len(project.codes.all()) == 3, err
        assert_clean_store(root)
        assert_no_command_prints_controls(root)


def _qdc(v: list[str]) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
 <Code guid="{G[0]}" name={_attr(v[0])} isCodable="true"><Description>{_text(v[1])}</Description>
  <Code guid="{G[1]}" name={_attr(v[2])} isCodable="true"><Description>{_text(v[3])}</Description></Code>
 </Code>
 <Code guid="{G[2]}" name={_attr(v[4])} isCodable="true" color={_attr(v[5])}/>
 <Code guid="{G[3]}" name={_attr(v[4] + "x")} isCodable="true"/>
</Codes></CodeBook>
"""


@settings(max_examples=4, phases=FAST)
@given(st.lists(XML, min_size=6, max_size=6))
@example([XML_EVERYTHING] * 6)
def test_import_qdc_of_crafted_xml(values):
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.init(Path(tmp) / "p", name="p", coder="alice")
        project.codes.create("existing")
        codebook = Path(tmp) / "book.qdc"
        codebook.write_bytes(_qdc(values).encode("utf-8"))
        for _ in range(2):   # the second time, every code matches one already there
            out, err = run("-p", str(project.root), "import-qdc", str(codebook))
            assert_clean_output(out, "import-qdc")
            assert_clean_output(err, "import-qdc")
        assert len(Project.open(project.root).codes.all()) >= 3, err
        assert_clean_store(project.root)
        assert_no_command_prints_controls(project.root)


# -- the store boundary -----------------------------------------------------------

@given(TERMINAL, TERMINAL, TERMINAL)
def test_cleaning_is_idempotent_and_keeps_ids(name, text, coder):
    from qualtui.model import Coding, Document, Memo

    items = [
        Code(id="c\x1b1", name=name, parent="p\x9b", description=text, inclusion=text, created_by=coder),
        Coding(id="k1", document="d1", code="c1", start=0, end=1, coder=coder, memo=text),
        Memo(id="m1", kind="project", text=text, title=name, author=coder),
        Document(id="d1", name=name, speakers=[name, coder], attributes={name: text, "k": coder}, imported_by=coder),
    ]
    for item in items:
        once = item.cleaned()
        assert once.cleaned() == once
        assert type(item).from_record(once.to_record()) == once           # a clean record reads back unchanged
        assert type(item).from_record(item.to_record()) == once           # a raw one (older version) reads cleaned
        for stored in (once, item.safe()):   # safe(): what put() stores, checked fast, cleaned when needed
            assert not any(UNSAFE_STORED.search(s) for s in strings(stored.to_record()) if s not in ("c\x1b1", "p\x9b"))
        assert once.safe() is once
        assert once.id == item.id
    assert items[0].cleaned().parent == "p\x9b"                              # references are never rewritten


def test_put_cleans_what_merge_import_and_undo_store(project, doc):
    from qualtui.model import Coding, Memo

    code = Code(id="c1", name="Tr\x1b[31must", description="line one\r\nline\x9b2J two", color="red; blink")
    project.codes.put([code])
    stored = json.loads((project.root / "qualtui.json").read_text("utf-8"))["codes"]["c1"]
    assert (stored["name"], stored["description"], stored["color"]) == ("Trust", "line one\nline two", "#1f77b4")
    project.codings.put([Coding(id="k1", document=doc.id, code="c1", start=0, end=5, coder="bo\x07b", memo="\x1b]0;x\x07")])
    assert project.codings.get(doc.id, "k1").coder == "bob" and project.codings.get(doc.id, "k1").memo is None
    project.memos.put([Memo(id="m1", kind="project", text="a\x85b\tc\n", title="Ti\x9ftle", author="\x00me")])
    memo = project.memos.get("m1")
    assert (memo.text, memo.title, memo.author) == ("ab\tc\n", "Title", "me")


def test_a_document_text_with_controls_is_not_merged(tmp_path):
    ours = Project.init(tmp_path / "ours", coder="alice")
    other = Project.init(tmp_path / "other", coder="bob")
    d = other.docs.add(Transcript("Jo: fine words\n", (Turn(4, 14, "Jo", 0),), "txt"), "d")
    code = other.codes.create("c")
    other.codings.add(d.id, code.id, 4, 8)
    (other.root / "documents" / f"{d.id}.txt").write_text("Jo: fine \x1b[2Jwords\n", "utf-8")
    out, err = run("-p", str(ours.root), "merge", str(other.root), "--format", "json")
    items = {(i["kind"], i["outcome"]): i for i in json.loads(out)}
    assert "control characters" in items[("document", "conflict")]["detail"]
    assert items[("coding", "conflict")]["detail"] == "its document was not added"
    assert Project.open(ours.root).docs.all() == []


def test_json_output_escapes_c1_and_del(project, doc):
    # A store written by an older version (or by hand) holds a raw U+009B (CSI) and DEL.
    path = project.root / "qualtui.json"
    data = json.loads(path.read_text("utf-8"))
    data["codes"] = {"c\x9b1": {"id": "c\x9b1", "name": "n\x7f", "color": "#123456"}}
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out, _ = run("-p", str(project.root), "codes", "--format", "json")
    assert b"\xc2\x9b" not in out and b"\x7f" not in out
    assert json.loads(out)[0]["id"] == "c\x9b1"                              # escaped, so still the same id
