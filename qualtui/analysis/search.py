"""Search across transcripts: plain or regex, case, whole words, by speaker.

Python's regex engine cannot be interrupted, so a pathological pattern is
contained rather than stopped: each document (or each turn, when restricted to
speakers) is searched separately, zero-length matches are skipped, and the
search stops after ``limit`` hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qualtui.analysis.corpus import Corpus, DocumentView
from qualtui.text.units import turn_extent
from qualtui.errors import QualtuiError
from qualtui.text.normalise import clean_label

DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class SearchQuery:
    pattern: str
    regex: bool = False
    case_sensitive: bool = False
    whole_word: bool = False
    speakers: tuple[str, ...] = ()   # only in turns of these speakers (case-insensitive, canonical names)
    limit: int = DEFAULT_LIMIT
    exclude_roles: tuple[str, ...] = ()  # never in turns whose speaker has one of these roles ("interviewer")

    def compile(self) -> re.Pattern[str]:
        """The compiled pattern; a bad regex is a one-line QualtuiError."""
        if not self.pattern:
            raise QualtuiError("the search pattern is empty")
        if self.limit < 1:
            raise QualtuiError("the hit limit must be at least 1")
        body = self.pattern if self.regex else re.escape(self.pattern)
        if self.whole_word:
            # Lookarounds rather than \b, so patterns that start or end with punctuation still work.
            body = rf"(?<!\w)(?:{body})(?!\w)"
        flags = re.MULTILINE | (0 if self.case_sensitive else re.IGNORECASE)
        try:
            return re.compile(body, flags)
        except re.error as exc:
            where = f" at position {exc.pos}" if exc.pos is not None and not self.whole_word else ""
            raise QualtuiError(f"bad regular expression {clean_label(self.pattern, 80)!r}: {exc.msg}{where}") from None
        except (OverflowError, RecursionError):
            raise QualtuiError("the regular expression is too large") from None


@dataclass(frozen=True)
class Hit:
    document_id: str
    document: str
    start: int
    end: int
    text: str
    first_line: int
    last_line: int
    speaker: str | None   # speaker of the turn the hit starts in
    before: str           # context: a snippet of the hit's line, or whole lines when asked for
    after: str

    @property
    def lines(self) -> str:
        return str(self.first_line) if self.first_line == self.last_line else f"{self.first_line}-{self.last_line}"


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    hits: tuple[Hit, ...]
    truncated: bool        # stopped at query.limit; there are more hits
    documents: int         # documents searched


def _regions(view: DocumentView, speakers: frozenset[str],
             excluded: frozenset[str]) -> Iterator[tuple[int, int, str | None]]:
    """(start, end, speaker) ranges to search: the whole text, or the speech of the chosen speakers' turns,
    without the turns of speakers whose role is *excluded* (labels included)."""
    role = view.corpus.project.speakers.role
    if not speakers:
        pos = 0
        for turn in view.turns if excluded else ():
            if turn.speaker and role(turn.speaker) in excluded:
                start = turn_extent(turn)[0]
                if start > pos:
                    yield pos, start, None
                pos = max(pos, turn.end)
        if pos < len(view.text) or pos == 0:
            yield pos, len(view.text), None
        return
    for turn in view.turns:
        if turn.speaker and turn.speaker.casefold() in speakers and turn.end > turn.start \
                and role(turn.speaker) not in excluded:
            yield turn.start, turn.end, turn.speaker


class Search:
    """The hits of *query* in the corpus's documents, by document then offset, as they are found.

    Iterate it once: a streaming corpus lets go of each document when its hits are made.  Each hit
    carries *context* whole lines either side, or with ``context=0`` up to *snippet* characters of its
    own line(s).  ``truncated`` is true once the iteration stopped at ``query.limit`` with more hits left.
    """

    def __init__(self, corpus: Corpus, query: SearchQuery, *, context: int = 0, snippet: int = 40) -> None:
        self.pattern = query.compile()   # a bad pattern is an error before anything is read
        self.corpus, self.query, self.context, self.snippet = corpus, query, context, snippet
        self.truncated = False

    def __iter__(self) -> Iterator[Hit]:
        corpus, query, pattern, context = self.corpus, self.query, self.pattern, self.context
        canonical = corpus.project.speakers.canonical
        speakers = frozenset((canonical(s) or s).casefold() for s in query.speakers)
        excluded = frozenset(r.casefold() for r in query.exclude_roles)
        count = 0
        for view in corpus.visit():
            text = view.text
            for region_start, region_end, region_speaker in _regions(view, speakers, excluded):
                for match in pattern.finditer(text, region_start, region_end):
                    start, end = match.span()
                    if start == end:
                        continue
                    if count == query.limit:
                        self.truncated = True
                        return
                    if context > 0:
                        before, after = view.context(start, end, context)
                    else:
                        before, after = view.snippet(start, end, self.snippet)
                    speaker = region_speaker
                    if speaker is None:
                        touched = view.turns_overlapping(start, start)
                        speaker = touched[0].speaker if touched else None
                    first, last = view.lines(start, end)
                    count += 1
                    yield Hit(view.id, view.name, start, end, match.group(), first, last, speaker, before, after)


def search(corpus: Corpus, query: SearchQuery, *, context: int = 0, snippet: int = 40) -> SearchResult:
    """Every hit at once (``Search`` gives them as they are found)."""
    found = Search(corpus, query, context=context, snippet=snippet)
    hits = tuple(found)
    return SearchResult(query, hits, found.truncated, len(corpus.documents))
