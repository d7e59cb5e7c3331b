"""Shared REFI-QDA vocabulary: namespaces, GUIDs, and how code definitions fold into a description."""

from __future__ import annotations

import re
import uuid
from functools import lru_cache

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMA_LOCATION = "urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# Fixed namespace for GUIDs qualtui derives (users, variables, selections,
# coding notes): the same input always gives the same GUID, in every project.
QUALTUI_NS = uuid.UUID("6f1d3a52-8c1e-5b7a-9a63-2f0c1e7d4b10")

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")


def derived_guid(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(QUALTUI_NS, "\x1f".join((kind, *parts))))


@lru_cache(maxsize=1024)
def user_guid(coder: str) -> str:
    return derived_guid("user", coder)


def normalise_guid(value: str | None) -> str | None:
    """'{ABC...}' or 'abc...' -> 'abc...'; None for anything that is not a GUID."""
    if not value:
        return None
    match = _GUID.match(value.strip())
    if not match or (value.strip().startswith("{") != value.strip().endswith("}")):
        return None
    return match.group(1).lower()


def is_guid(value: str) -> bool:
    return normalise_guid(value) is not None


# Code definitions: qualtui keeps inclusion/exclusion/example apart; REFI-QDA
# has one Description.  They are folded into labelled paragraphs and unfolded
# on import (which also picks up the same labels written by people by hand).
DEFINITION_LABELS = (("inclusion", "Include when: "), ("exclusion", "Exclude when: "), ("example", "Example: "))


def fold_definition(description: str, inclusion: str = "", exclusion: str = "", example: str = "") -> str:
    values = {"inclusion": inclusion, "exclusion": exclusion, "example": example}
    parts = [description] if description else []
    parts += [label + values[key] for key, label in DEFINITION_LABELS if values[key]]
    return "\n\n".join(parts)


def unfold_definition(text: str) -> dict[str, str]:
    """The inverse of ``fold_definition``: trailing labelled paragraphs, in order."""
    fields = {"description": text, "inclusion": "", "exclusion": "", "example": ""}
    rest = text
    for key, label in reversed(DEFINITION_LABELS):
        if rest.startswith(label) and "\n\n" + label not in rest:
            fields[key], rest = rest[len(label):], ""
            break
        cut = rest.rfind("\n\n" + label)
        if cut >= 0:
            fields[key], rest = rest[cut + 2 + len(label):], rest[:cut]
    fields["description"] = rest
    return fields
