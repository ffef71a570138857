"""Who a life-sciences text is for, under which regulator, in which industry: read from signals.

Vault's Quick Check reports `detected_industry`, `detected_regulatory_authority` and
`detected_target_audience` beside its findings, so that a reviewer sees how the check read the
document. Here each comes from phrases that a reviewer would take as evidence (an Important
Safety Information section points to the FDA, an SmPC to the EMA, "Dear Doctor" to healthcare
professionals, "ask your doctor" to patients), counted over the whole text; the strongest
wins, and with no evidence at all the answer says so rather than guess. The evidence found is
returned too, for the `thinking` summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

NOT_DETERMINED = "Not determined"


@dataclass(frozen=True, slots=True)
class Reading:
    """One conclusion and the phrases it rests on, as they appear in the text."""

    value: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentContext:
    industry: Reading
    regulatory_authority: Reading
    target_audience: Reading


def _signals(*patterns: str) -> re.Pattern[str]:
    # The word boundary most patterns open with is tested once per position, not once per
    # pattern: on a long document that is most of the scan's cost.
    bounded = [p.removeprefix(r"\b") for p in patterns if p.startswith(r"\b")]
    parts = [f"(?:{p})" for p in patterns if not p.startswith(r"\b")]
    if bounded:
        parts.insert(0, r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")")
    return re.compile("|".join(parts), re.IGNORECASE)


# Each candidate answer with the phrases that point to it. Case-insensitive unless a pattern
# says otherwise: acronyms that are also words (ISI) are matched in capitals only.
_INDUSTRIES = {
    "Pharmaceutical (Veterinary)": _signals(
        r"\bveterinar\w*", r"\b(?:dogs?|cats?|cattle|horses?|livestock|puppies|kittens)\b",
        r"\bfor animal use\b", r"\bpets?\b",
    ),
    "Medical Device": _signals(
        r"\b510\(k\)", r"\bmedical device\b", r"\bCE[- ]mark\w*", r"\bimplant(?:s|able|ed)?\b",
        r"\bcatheters?\b", r"\binstructions for use\b", r"\bstents?\b", r"\bpacemakers?\b",
        r"\bsterile\b", r"\bdiagnostic (?:test|kit|assay)s?\b",
    ),
    "Pharmaceutical (Human)": _signals(
        r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|mL|IU|units?)\b", r"\btablets?\b", r"\bcapsules?\b",
        r"\binjections?\b", r"\bdos(?:e|es|age|ing)\b", r"\bprescri\w+", r"\bmedicines?\b",
        r"\bmedications?\b", r"\bdrugs?\b", r"\bside effects?\b",
        r"\badverse (?:events?|reactions?)\b",
        r"\btreatment\b", r"\bpatients?\b", r"\bvaccin\w*", r"\bclinical (?:trial|stud)\w*",
        r"\bpharmac\w+",
    ),
}  # fmt: skip
_AUTHORITIES = {
    "FDA": _signals(
        r"\bFDA\b", r"\bImportant Safety Information\b", r"(?-i:\bISI\b)", r"\bboxed warning\b",
        r"\bRx only\b", r"\bMedWatch\b", r"1-800-FDA-1088", r"\bfull Prescribing Information\b",
        r"\bNDC\b", r"\bMedication Guide\b", r"\bBLA\b", r"\bNDA\b",
    ),
    "EMA": _signals(
        r"\bEMA\b", r"\bEMEA\b", r"\bSmPC\b", r"\bSummary of Product Characteristics\b",
        r"\bmarketing authori[sz]ation holder\b", r"\bpackage leaflet\b", r"\u25bc",
        r"\bEuropean Medicines Agency\b", r"\bEudraVigilance\b",
    ),
    "MHRA": _signals(r"\bMHRA\b", r"\bYellow Card\b"),
    "Health Canada": _signals(r"\bHealth Canada\b", r"\bDIN\b", r"\bProduct Monograph\b"),
    "TGA": _signals(r"\bTGA\b", r"\bTherapeutic Goods Administration\b", r"\bARTG\b"),
    "PMDA": _signals(r"\bPMDA\b", r"\bMHLW\b"),
}  # fmt: skip
_AUDIENCES = {
    "Healthcare Professional": _signals(
        r"\bDear (?:Doctor|Dr\.?|Healthcare Professional|HCP|Colleague|Pharmacist)",
        r"\bhealth ?care professionals?\b", r"(?-i:\bHCPs?\b)", r"\bprescribers?\b",
        r"\bclinicians?\b", r"\byour patients\b",
        r"\bfor (?:US )?health ?care professionals only\b",
        r"\bprescribing information\b", r"\bpharmacokinetic\w*", r"\bcontraindicat\w+",
        r"\bmechanism of action\b", r"\bformulary\b",
    ),
    "Patient": _signals(
        r"\b(?:ask|tell|talk to|speak (?:to|with)|check with|see) your (?:doctor|pharmacist|nurse)",
        r"\byour (?:doctor|pharmacist|nurse|healthcare provider)\b", r"\bif you\b",
        r"\bpatient (?:information )?leaflet\b", r"\bbefore you (?:take|use|start)\b",
        r"\bwhile (?:you are )?taking\b", r"\bcaregivers?\b",
    ),
    "Payer": _signals(
        r"\bpayers?\b", r"\bP&T committee\b", r"\breimbursement\b", r"\bcost[- ]effective\w*",
        r"\bbudget impact\b", r"\bHTA\b", r"\bhealth technology assessment\b",
    ),
}  # fmt: skip


def _strongest(text: str, candidates: dict[str, re.Pattern[str]]) -> Reading:
    """The candidate with the most signals in the text; ties go to the one listed first."""
    best = NOT_DETERMINED
    best_found: list[str] = []
    for value, pattern in candidates.items():
        found = [m.group() for m in pattern.finditer(text)]
        if len(found) > len(best_found):
            best, best_found = value, found
    return Reading(best, _distinct(best_found))


def _distinct(phrases: Iterable[str], limit: int = 3) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for phrase in phrases:
        seen.setdefault(" ".join(phrase.split()).lower(), " ".join(phrase.split()))
    return tuple(list(seen.values())[:limit])


def read_context(text: str) -> DocumentContext:
    """The document's industry, regulator and audience, each with the phrases behind it."""
    industry = _strongest(text, _INDUSTRIES)
    if industry.value == NOT_DETERMINED:
        industry = Reading("General")
    return DocumentContext(
        industry=industry,
        regulatory_authority=_strongest(text, _AUTHORITIES),
        target_audience=_strongest(text, _AUDIENCES),
    )


def describe(context: DocumentContext, language: str, words: int, findings: dict[str, int]) -> str:
    """`thinking`: in a few sentences, how the check read the document."""

    def because(reading: Reading) -> str:
        if not reading.evidence:
            return "no clear signal"
        return "from " + ", ".join(f'"{phrase}"' for phrase in reading.evidence)

    parts = [
        f"Document language: {language}; {words:,} words read.",
        f"Industry: {context.industry.value} ({because(context.industry)}).",
        f"Regulatory authority: {context.regulatory_authority.value} "
        f"({because(context.regulatory_authority)}).",
        f"Target audience: {context.target_audience.value} ({because(context.target_audience)}).",
    ]
    total = sum(findings.values())
    if total:
        counted = ", ".join(f"{n} {category.replace('_', ' ')}" for category, n in findings.items())
        parts.append(f"Found {total} issue{'s' if total != 1 else ''}: {counted}.")
    else:
        parts.append("Found no spelling or grammar issues.")
    return " ".join(parts)
