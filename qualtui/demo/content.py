"""What the demo project holds: six fictional interviews, a starter codebook, coded passages, memos.

``qualtui.demo.build.create_demo`` imports the transcripts, sets their attributes, creates a small
starter codebook for reflexive thematic analysis and codes a few dozen
passages as two coders (with some double-coding of SU01 so agreement has
something to show), plus a reflexive journal entry and a code memo.

Coded passages are found by searching the imported text for their first and
last words, never by offsets, so a wording change in a sample fails loudly
instead of coding the wrong text.  Everything is read and located before the
project folder is touched; a failure half-way removes what was created.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_NAME = "Peer support in inpatient rehabilitation (demo)"
ALICE = "demo-alice"
BOB = "demo-bob"


@dataclass(frozen=True)
class Sample:
    name: str
    file: str
    group: str
    role: str


SAMPLES = (
    Sample("SU01", "SU01.txt", "service user", "patient"),
    Sample("SU02", "SU02.docx", "service user", "patient"),
    Sample("SU03", "SU03.txt", "service user", "patient"),
    Sample("ST01", "ST01.vtt", "staff", "nurse"),
    Sample("ST02", "ST02.vtt", "staff", "occupational therapist"),
    Sample("ST03", "ST03.docx", "staff", "peer support worker"),
)


@dataclass(frozen=True)
class CodeSpec:
    name: str
    color: str
    description: str
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""


@dataclass(frozen=True)
class Theme:
    """A candidate theme: a non-codable grouping of codes."""

    name: str
    color: str
    description: str
    codes: tuple[CodeSpec, ...]


THEMES = (
    Theme("Someone who's been there", "#800000",
          "Candidate theme: peer support works because it rests on shared experience, which makes "
          "understanding, hope and friendship credible in a way professional care is not.", (
              CodeSpec("Shared experience", "#e6194b",
                       "Being understood without having to explain; lived experience as the source of trust "
                       "and credibility.",
                       inclusion="Talk of someone 'knowing' because they have been through it (voices, side-effects, "
                                 "admission); not having to translate or edit what you say.",
                       exclusion="Hope drawn from someone else's recovery (use Hope and role models).",
                       example="SU01: 'You can't know that unless you've had it.'"),
              CodeSpec("Hope and role models", "#3cb44b",
                       "Recovery made visible: peers who got out and stayed out, 'living proof', and the weight "
                       "of carrying other people's hope.",
                       inclusion="The peer worker or a discharged patient as evidence that recovery is possible; "
                                 "expectations raised or lowered.",
                       exclusion="General optimism about one's own discharge (use Discharge and moving on).",
                       example="SU02 on Lee: 'You can nearly touch it.'"),
              CodeSpec("Friendship and loneliness", "#4363d8",
                       "Friendships between patients and the loneliness of ward life; patients looking after "
                       "each other.",
                       inclusion="Mutual help between patients, companionship, being alone among people, losing "
                                 "friends at discharge.",
                       exclusion="Relationships with the peer support worker (use Shared experience or Boundaries)."),
          )),
    Theme("Neither staff nor patient", "#000075",
          "Candidate theme: the peer role sits inside a hierarchy of keys, notes and risk; its value depends on "
          "having little power, which also limits what it can change.", (
              CodeSpec("Boundaries", "#f58231",
                       "Where the peer relationship stops: numbers, friendship, confidentiality, what gets shared "
                       "with the team.",
                       inclusion="Negotiating what is passed on, personal contact, disclosure rules.",
                       exclusion="Power held by nursing staff in general (use Power and control)."),
              CodeSpec("Power and control", "#911eb4",
                       "Keys, leave, obs, notes and ward round: the asymmetry between staff and patients and how "
                       "it shapes what people say.",
                       inclusion="Permission-seeking, being watched, editing what you tell staff, advocacy.",
                       example="ST01: 'We hold the keys. Literally.'"),
              CodeSpec("Peer role tensions", "#42d4f4",
                       "Being in between: not staff enough, not patient enough; gap-filling, isolation, pressure.",
                       inclusion="Role confusion, being used to cover staffing, being the only peer worker, "
                                 "the cost of saying no.",
                       exclusion="How other staff judge the role (use Staff attitudes to peer support)."),
              CodeSpec("Staff attitudes to peer support", "#f032e6",
                       "Scepticism, protectionism and championing of the peer role among staff.",
                       inclusion="Accounts of how nurses, doctors and therapists responded to the role, including "
                                 "self-reflection by staff."),
              CodeSpec("Organisational barriers", "#bfef45",
                       "Funding, contracts, staffing, risk assessments and induction that limit peer support.",
                       inclusion="Cancelled groups, fixed-term funding, inpatient-only remits, delays for approval.",
                       exclusion="Individual staff attitudes (use Staff attitudes to peer support)."),
          )),
    Theme("Waiting for a life", "#808000",
          "Candidate theme: ward life as waiting (for meds, leave, a placement) and the fear and hope of "
          "moving on.", (
              CodeSpec("Boredom and ward routine", "#9a6324",
                       "Long days, nothing to do, cancelled groups and activities that feel patronising.",
                       inclusion="Descriptions of routine, occupational deprivation, 'poor engagement' labels."),
              CodeSpec("Medication and side-effects", "#469990",
                       "Weight gain, sedation, clozapine bloods, depots; having (or not having) a say.",
                       inclusion="Side-effects, trade-offs, questions for ward round, covert non-adherence."),
              CodeSpec("Stigma", "#dcbeff",
                       "Public, institutional and self-stigma about psychosis.",
                       inclusion="Job loss, being followed or filmed, the diagnosis seen first, hidden lived "
                                 "experience among staff."),
              CodeSpec("Discharge and moving on", "#ffe119",
                       "Leaving the ward: placements, the 'cliff edge', losing friends and routine, relapse fears.",
                       inclusion="Hopes and fears about discharge, transition support, people coming back.",
                       exclusion="Role models who have moved on (use Hope and role models)."),
          )),
)


# Pinned to the keys 1, 2, 3 when `qualtui demo` opens the coding screen (kept per project and coder).
PINNED = ("Shared experience", "Power and control", "Stigma")


@dataclass(frozen=True)
class Passage:
    """A coded passage: from the start of ``first`` to the end of the next ``last`` (or of ``first``)."""

    document: str
    coder: str
    code: str
    first: str
    last: str | None = None
    memo: str | None = None


def _p(document: str, coder: str, code: str, first: str, last: str | None = None, memo: str | None = None):
    return Passage(document, coder, code, first, last, memo)


A, B = ALICE, BOB
PASSAGES = (
    # SU01: coded by both coders (double-coding), mostly the same passages, some different boundaries or codes.
    _p("SU01", A, "Shared experience", "But the thing with Jo is, she's been through it.", "She actually knows."),
    _p("SU01", A, "Shared experience", "With Jo I don't have to explain myself.", "She doesn't reach for the pen."),
    _p("SU01", A, "Power and control", "Well. There's us and there's them, isn't there.", "But there's sides."),
    _p("SU01", A, "Boundaries", "I asked for her number once.", "she's on that side and I'm on this side."),
    _p("SU01", A, "Friendship and loneliness", "When I had a bad patch last year", "That meant a lot, that."),
    _p("SU01", A, "Hope and role models", "She's living proof, I suppose.", "But she knew what I meant."),
    _p("SU01", A, "Boredom and ward routine", "But a lot of the time it's just, you're sat in the lounge",
       "Really long."),
    _p("SU01", A, "Medication and side-effects", "So it's like, do you want to be fat or do you want to be mad?",
       "But that's how it feels."),
    _p("SU01", A, "Stigma", "You say schizophrenia and they think", "That's what people think of me."),
    _p("SU01", A, "Organisational barriers", "she had to do a risk assessment", "what box to put her in."),
    _p("SU01", A, "Discharge and moving on", "Scared. Excited. Scared.", "the voices come back."),
    _p("SU01", B, "Shared experience", "But the thing with Jo is, she's been through it.", "She actually knows."),
    _p("SU01", B, "Shared experience", "With Jo I don't have to explain myself.", "She doesn't panic."),
    _p("SU01", B, "Power and control", "They've got the keys.", "that get watched."),
    _p("SU01", B, "Peer role tensions", "She's got the keys. But she's been on our side.",
       "She went and sat with him after.",
       memo="Jo has to stand back during restraint, then goes to him afterwards: the in-between position "
            "made concrete. Compare ST03 on sitting with people after a restraint."),
    _p("SU01", B, "Friendship and loneliness", "When I had a bad patch last year", "That meant a lot, that."),
    _p("SU01", B, "Hope and role models", "She's living proof, I suppose.", "She's done it."),
    _p("SU01", B, "Medication and side-effects", "So it's like, do you want to be fat or do you want to be mad?",
       "But that's how it feels."),
    _p("SU01", B, "Boredom and ward routine", "You forget how to start things.",
       "Like you've forgotten how to be a person."),
    _p("SU01", B, "Discharge and moving on", "Scared. Excited. Scared.", "Being on my own."),
    # SU02
    _p("SU02", A, "Stigma", "And when I got ill the first time and I went back",
       "I was the only one who got restructured."),
    _p("SU02", A, "Friendship and loneliness", "It's lonely in here.", "But it's different to sitting on your own."),
    _p("SU02", A, "Shared experience", "And in the group I said the actual words", "Because it wasn't just me."),
    _p("SU02", A, "Power and control", "You're a grown man asking permission to shave.",
       "You start to feel like a kid."),
    _p("SU02", A, "Hope and role models", "There was a lad here, Lee", "People get out and they stay out."),
    _p("SU02", A, "Hope and role models", "Lee was here last year.", "You can nearly touch it.",
       memo="A recent peer feels reachable in a way Jo's recovery ('ten years out') does not. "
            "Tom (ST02) says the same about 'recent' role models."),
    _p("SU02", A, "Organisational barriers", "The walking group's been cancelled", "You cancelled it."),
    _p("SU02", A, "Peer role tensions", "She's not in the, um, the meetings.", "Who reads the notes?"),
    _p("SU02", A, "Medication and side-effects", "I'm on a depot.", "And then nothing."),
    # SU03
    _p("SU03", B, "Friendship and loneliness", "She's the only other girl my age on here.", "Someone like me."),
    _p("SU03", B, "Peer role tensions", "But she's still staff, isn't she.", "But how do I know that?"),
    _p("SU03", B, "Shared experience", "Shanice is in the same boat.", "used to be the same boat."),
    _p("SU03", B, "Medication and side-effects", "I've put on four stone on olanzapine.",
       "They don't say it but that's what they mean."),
    _p("SU03", B, "Power and control", "She said she believed me.", "I don't think I'd have gone on my own."),
    _p("SU03", B, "Boredom and ward routine", "There's the groups, but they're a bit, like.",
       "I don't need to colour in a mandala."),
    _p("SU03", B, "Stigma", "When I got taken in, the first time", "hasn't messaged me since. Eight months."),
    _p("SU03", B, "Discharge and moving on", "Shanice isn't coming.", "I hate being the new girl."),
    _p("SU03", B, "Friendship and loneliness", "It's like the ward runs on it and nobody sees it."),
    # ST01
    _p("ST01", A, "Staff attitudes to peer support", "There was some, uh, some scepticism.",
       "no discussion about what she would and wouldn't do."),
    _p("ST01", A, "Hope and role models", "Maybe we should be expecting more for our patients than we are."),
    _p("ST01", A, "Boundaries", "early on there was an issue where a patient told Jo",
       "it caused a bit of a falling out in the team."),
    _p("ST01", A, "Power and control", "We hold the keys. Literally.", "So they can be more honest with her."),
    _p("ST01", A, "Staff attitudes to peer support", "I think there's a fear of losing control.",
       "She doesn't do things the way we do things."),
    _p("ST01", A, "Organisational barriers", "We're down to the bone most days.", "That's just containment."),
    _p("ST01", A, "Peer role tensions", "people have asked Jo to do things that aren't her role.",
       "some people think she's not pulling her weight."),
    _p("ST01", A, "Organisational barriers", "She's on a fixed-term contract.", "So she could just be gone."),
    _p("ST01", A, "Discharge and moving on", "That's a cliff edge.", "The first three months after discharge."),
    _p("ST01", A, "Friendship and loneliness", "When a friend does it, it's, it's care."),
    # Overlapping codings (one passage, two codes), so co-occurrence has real results to show.
    _p("SU01", A, "Stigma", "do you want to be fat or do you want to be mad?"),
    _p("SU02", A, "Power and control", "Who reads the notes?"),
    _p("ST01", A, "Peer role tensions", "We hold the keys. Literally."),
    # ST02
    _p("ST02", B, "Boredom and ward routine", "And the ward itself is, um, it's an occupationally deprived",
       "There's just not enough to do."),
    _p("ST02", B, "Shared experience", "When Jo says, I know you feel like you can't be bothered",
       "Credible evidence."),
    _p("ST02", B, "Organisational barriers", "Nobody ever got in trouble for saying no.",
       "Nobody writes an incident report for a life not lived."),
    _p("ST02", B, "Staff attitudes to peer support", "professional protectionism.", "get over yourself."),
    _p("ST02", B, "Peer role tensions", "sometimes she gets used as a, uh, as a kind of gap-filler.",
       "she's not a team player."),
    _p("ST02", B, "Discharge and moving on", "And he was back in six weeks.", "That really stuck with me."),
    _p("ST02", B, "Stigma", "the security guard followed us round the whole shop.", "They always notice."),
    _p("ST02", B, "Hope and role models", "Peer role models. Recent ones.", "really motivating."),
    # ST03
    _p("ST03", A, "Peer role tensions", "I'm not staff enough for some of the staff", "my nan would have said."),
    _p("ST03", A, "Hope and role models", "One of them said to me, if you can go back in, what chance have I got?",
       "that's a lot."),
    _p("ST03", A, "Boundaries", "I say, yeah, I work for the Trust.", "that's the deal I offer."),
    _p("ST03", A, "Organisational barriers", "I turned up on my first day and nobody knew I was coming.",
       "There wasn't a plan."),
    _p("ST03", A, "Staff attitudes to peer support", "it must be nice to sit and drink tea all day.",
       "That sitting there is the work."),
    _p("ST03", A, "Stigma", "there's a lot of, um, hidden lived experience in the NHS.",
       "If even the staff are scared."),
    _p("ST03", A, "Discharge and moving on", "We built him up and then dropped him off a cliff."),
    _p("ST03", A, "Power and control", "The patients trust me because I haven't got power over them.",
       "but I can't make anyone listen."),
    _p("ST03", A, "Medication and side-effects", "He thought I was, um, encouraging people to come off",
       "ask a question about their own medication."),
)

JOURNAL_TITLE = "Reflexive journal: after familiarisation"
JOURNAL = """\
I have now read all six transcripts twice and listened back to the two staff recordings.

**My position.** I worked as an occupational therapist on an acute ward before this study, so Tom's account
(ST02) reads as common sense to me. I need to notice when I am agreeing with staff rather than analysing them,
and give the service user accounts the same slow reading.

**Setting.** The staff were interviewed on Teams and Zoom from their offices; the service users in the quiet
room on Elm Ward, with staff outside the door. What could they say in that room? SU03 asked whether she is
allowed to see her own notes; I did not know the answer.

**Early patterns (tentative).** "Living proof" turns up in SU01, ST02 and ST03, across all three groups. It
would be easy to make a neat theme of hope, but SU02 (a *recent* peer feels more reachable than Jo) and SU03
(Jo's story "is not my story"; "she's still staff") complicate it. The ambivalence may be the finding.

Several people say the same thing in different words: "the ward runs on it and nobody sees it" (SU03, ST03).
Peer support between patients may be bigger than the formal role we set out to study.

**Next.** Bob and I both coded SU01 to compare how we read "sides" and boundaries, not to chase an agreement
score. Discuss at Thursday's meeting: is "Neither staff nor patient" one theme or two?
"""

CODE_MEMO_CODE = "Peer role tensions"
CODE_MEMO = """\
Boundary with *Staff attitudes*: I code here what it is like to be in the role (being used to fill gaps, the
cost of saying no, being the only one); how others judge the role goes under Staff attitudes.

Jo (ST03) and Grace (ST01) tell the same story about the hidden medication from two sides: "I felt like I was
on trial" / "I don't think we handled that very well". Worth a paired extract in the write-up.
"""
