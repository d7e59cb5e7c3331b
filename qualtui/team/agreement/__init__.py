"""Inter-coder agreement: statistics (``stats``), interval arithmetic (``units``), project reports (``compute``).

    material = load(project, ["alice", "bob"], unit="char")
    result = report(material)            # AgreementReport: per code, pooled, mean
    spans = disagreements(material)      # [Disagreement]: where the coders differ
    for d in iter_disagreements(material): ...   # the same, a document at a time
"""

from qualtui.team.agreement.compute import (
    UNITS, AgreementReport, CodeAgreement, Disagreement, Material, disagreements, iter_disagreements, load,
    report,
)
from qualtui.team.agreement.stats import Agreement, MeanAgreement, Tally, agreement

__all__ = [
    "UNITS", "Agreement", "AgreementReport", "CodeAgreement", "Disagreement", "Material", "MeanAgreement",
    "Tally", "agreement", "disagreements", "iter_disagreements", "load", "report",
]
