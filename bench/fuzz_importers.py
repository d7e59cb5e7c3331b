"""Fuzz the transcript importers and time them on large inputs; prints figures.

    python bench/fuzz_importers.py [--rounds N] [--seed S] [--atheris]

Mutation fuzzing starts from valid files of every format (the sample
transcripts plus generated .srt/.odt/.docx), flips, inserts, deletes and
truncates bytes, and checks that each result is either a clean one-line
``ImportRejected`` or a transcript whose turns fit its normalised text.  Any
other exception is a bug and is printed with the input saved under /tmp.
With ``--atheris`` (if the atheris package is installed) the same check runs
under coverage-guided fuzzing instead.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualtui.errors import ImportRejected  # noqa: E402
from qualtui.importers import read_bytes, turn_problem  # noqa: E402
from qualtui.text.normalise import normalise_text  # noqa: E402


def seeds() -> list[tuple[bytes, str]]:
    found = [(p.read_bytes(), p.suffix) for p in sorted((ROOT / "sample_transcripts").glob("*"))
             if p.suffix in (".txt", ".md", ".docx", ".vtt", ".srt", ".odt")]
    srt = "".join(f"{i}\n00:00:{i:02d},000 --> 00:00:{i:02d},900\n{'Ann' if i % 2 else 'Bob'}: line {i}\n\n"
                  for i in range(1, 40))
    found.append((srt.encode(), ".srt"))
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               + "".join(f"<text:p>{'I' if i % 2 else 'R'}: answer<text:s text:c=\"2\"/>{i}</text:p>"
                         for i in range(40))
               + "</office:text></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    found.append((buf.getvalue(), ".odt"))
    return found


def check(data: bytes, ext: str) -> str:
    """'ok', 'rejected', or raises on a bug."""
    try:
        transcript = read_bytes(data, "fuzz" + ext)
    except ImportRejected as exc:
        message = str(exc)
        if not message or "\n" in message:
            raise AssertionError(f"rejection message is not one line: {message!r}") from None
        return "rejected"
    if normalise_text(transcript.text) != transcript.text:
        raise AssertionError("stored text is not normalised")
    problem = turn_problem(transcript)
    if problem:
        raise AssertionError(problem)
    return "ok"


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        pos = rng.randrange(len(buf) + 1) if buf else 0
        if op < 0.4 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op < 0.6:
            buf[pos:pos] = rng.choice([b"\x00", b"\x1b[31m", b"<", b"-->", b": ", b"\n\n", b"<v X>", b"&lol;",
                                       b"<!DOCTYPE a>", bytes(rng.randrange(256) for _ in range(8))])
        elif op < 0.8:
            del buf[pos:pos + rng.randint(1, 64)]
        else:
            del buf[pos:]
    return bytes(buf)


def mutation_fuzz(rounds: int, seed: int) -> int:
    rng = random.Random(seed)
    corpus = seeds()
    counts = {"ok": 0, "rejected": 0}
    failures = 0
    start = time.perf_counter()
    for index in range(rounds):
        data, ext = rng.choice(corpus)
        if ext in (".docx", ".odt") and rng.random() < 0.5:
            data = mutate_zip_member(data, rng)
        else:
            data = mutate(data, rng)
        try:
            counts[check(data, ext)] += 1
        except Exception as exc:  # noqa: BLE001 - a fuzzer reports every kind of failure
            failures += 1
            path = Path(f"/tmp/qualtui-fuzz-{index}{ext}")
            path.write_bytes(data)
            print(f"BUG {type(exc).__name__}: {exc} (input saved to {path})")
    elapsed = time.perf_counter() - start
    print(f"mutation fuzz: {rounds} inputs in {elapsed:.1f} s ({rounds / elapsed:.0f}/s): "
          f"{counts['ok']} imported, {counts['rejected']} rejected, {failures} bugs")
    return failures


def mutate_zip_member(data: bytes, rng: random.Random) -> bytes:
    """Damage the XML inside a valid archive, so the XML readers are fuzzed too."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        victim = rng.choice([n for n in names if n.endswith(".xml")] or names)
        for name in names:
            content = source.read(name)
            target.writestr(name, mutate(content, rng) if name == victim else content)
    return out.getvalue()


def timings() -> None:
    import docx

    line = ("Interviewer: So tell me about the ward, how did it feel when you first arrived?\n"
            "Sam: It was, um, hard at first. The other patients helped me though.\n\n")
    cases = [("50 MB .txt, labelled", (line * (50_000_000 // len(line))).encode(), ".txt"),
             ("50 MB .txt, one line", b"x" * 50_000_000, ".txt")]
    vtt = "WEBVTT\n\n" + "".join(f"00:00:01.000 --> 00:00:02.000\n<v {'Ann' if i % 2 else 'Bob'}>a caption line</v>\n\n"
                                 for i in range(100_000))
    cases.append((f"{len(vtt) / 1e6:.0f} MB .vtt, 100k cues", vtt.encode(), ".vtt"))
    document = docx.Document()
    rng = random.Random(0)
    words = [w for w in normalise_text((ROOT / "sample_transcripts" / "SU01.txt").read_text()).split() if w.isalpha()]
    for i in range(20_000):  # varied text: real documents compress about 10x, far below the bomb ratio
        document.add_paragraph(f"{'Interviewer' if i % 2 else 'Sam'}: " + " ".join(rng.choices(words, k=30)))
    buf = io.BytesIO()
    document.save(buf)
    cases.append((f"{len(buf.getvalue()) / 1e6:.1f} MB .docx, 20k paragraphs", buf.getvalue(), ".docx"))
    for label, data, ext in cases:
        start = time.perf_counter()
        transcript = read_bytes(data, "big" + ext)
        print(f"{label}: {time.perf_counter() - start:.2f} s, {len(transcript.turns)} turns")


def atheris_main() -> None:
    import atheris  # optional; not a dependency

    exts = [".txt", ".vtt", ".srt", ".docx", ".odt"]

    def one(data: bytes) -> None:
        if data:
            check(data[1:], exts[data[0] % len(exts)])

    atheris.Setup(sys.argv[:1], one)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--atheris", action="store_true")
    parser.add_argument("--no-timings", action="store_true")
    args = parser.parse_args()
    if args.atheris:
        atheris_main()
        return 0
    failures = mutation_fuzz(args.rounds, args.seed)
    if not args.no_timings:
        timings()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
