"""The synthetic interviews of bench/scale.py: about an hour of talk each, in six transcript layouts."""

from __future__ import annotations

import random

INTERVIEWER_LABELS = ("Interviewer", "I", "INT")
PARTICIPANTS = ("Maria", "Sam", "Aisha", "Tomasz", "Joan", "Priya", "Kwame", "Elena", "Dev", "Ruth", "Oluwaseun",
                "Chloe", "Mateo", "Hannah", "Yusuf", "Grace", "Liam", "Nadia", "Owen", "Zoë", "Ravi", "Bridget",
                "Ahmed", "Ingrid", "Malik", "Siobhan", "Kenji", "Fatima", "Pete", "Leah")
TURNS = 240   # per document, alternating interviewer / participant: 120 codings of each code

_OPENERS = ("So", "Well", "I think", "Honestly", "To be fair", "At first", "Looking back", "Mostly", "Yeah,",
            "I suppose", "In the end", "Sometimes", "The thing is,", "You know,", "Actually")
_WORDS = ("the ward staff were kind but always busy and we waited for hours before anyone came to explain "
          "what was happening with my mother so I started to keep a notebook of every visit and medication "
          "change because nobody else seemed to remember from one shift to the next it was hard at first "
          "then the other patients helped me and we shared food and stories late at night when the lights "
          "were low the doctor said the results would take a week but it took three and that waiting was "
          "worse than the news itself my daughter drove over every weekend café naïve rôle and I felt guilty "
          "about asking her because she has her own children and a job that does not forgive absences").split()
_QUESTIONS = ("Can you tell me more about that?", "How did that make you feel?", "What happened next?",
              "Who helped you most at that point?", "Was that the same on the other ward?",
              "What would you change, looking back?", "And how long did that go on for?")


def _sentence(rng: random.Random, words: int) -> str:
    body = " ".join(rng.choice(_WORDS) for _ in range(max(1, words - 1)))
    return f"{rng.choice(_OPENERS)} {body}{rng.choice('..,?!.')}".replace(",.", ".").rstrip(",") + " "


def _speech(rng: random.Random, words: int, question: bool) -> str:
    parts, left = [], words
    if question:
        parts.append(rng.choice(_QUESTIONS) + " ")
        left -= 6
    while left > 0:
        n = min(left, rng.randint(6, 22))
        parts.append(_sentence(rng, n))
        left -= n
    return "".join(parts).strip()


def _wrap(text: str, width: int = 78) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def transcript(index: int, seed: int) -> tuple[str, str]:
    """(text, participant label) of interview *index*: about an hour of talk in one of six layouts."""
    rng = random.Random(seed * 100_003 + index)
    layout = index % 6
    participant = PARTICIPANTS[rng.randrange(len(PARTICIPANTS))]
    interviewer = INTERVIEWER_LABELS[index % len(INTERVIEWER_LABELS)]
    if layout == 5:
        interviewer, participant = interviewer.upper(), participant.upper()
    out = []
    if index % 4 == 0:
        out.append(f"Project: Ward experiences study\nDate: {1 + index % 28} March 2025\n"
                   f"Location: quiet room, site {'ABC'[index % 3]}\n")
    clock = rng.randint(0, 20)
    for turn in range(TURNS):
        asking = turn % 2 == 0
        name = interviewer if asking else participant
        speech = _speech(rng, rng.randint(6, 24) if asking else rng.randint(35, 78), asking)
        clock += max(2, len(speech) // 14)
        if layout == 0:
            out.append(f"{name}: {speech}\n")
        elif layout == 1:
            out.append(f"{name}: {_wrap(speech)}\n")
        elif layout == 2:
            out.append(f"[{_clock(clock)}] {name}: {speech}\n")
        elif layout == 3:
            out.append(f"**{name}:** {speech}\n")
        elif layout == 4:
            out.append(f"{name}  {clock // 60}:{clock % 60:02d}\n{_wrap(speech)}\n")
        else:
            out.append(f"{name}: {_wrap(speech, 70)}\n")
    return "\n".join(out), participant
