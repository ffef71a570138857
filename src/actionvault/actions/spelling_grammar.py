"""quick_check__v / spelling_grammar__v on the built-in engine: a real offline proofreader.

Besides the packaged allow-list, the words in the document's `allow_words__c` field are correct
in that document: the names of its product and company, which no dictionary holds. British and
American spellings are both correct unless the document's `spelling_variant__c` field says
`british` or `american` (a UK leaflet, a US label): then the other's spellings are findings.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING

from actionvault.actions.context import ActionContext, json_output
from actionvault.domain.content import DocumentVersion
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed
from actionvault.text.audience import describe, read_context
from actionvault.text.spelling_variants import Spelling, spelling_named

if TYPE_CHECKING:
    from actionvault.text.proofreading import ProofreadingReport


ALLOW_WORDS_FIELD = "allow_words__c"
SPELLING_FIELD = "spelling_variant__c"


def _words(value: object) -> list[str]:
    """A list of words, or one string of words separated by spaces, commas or new lines."""
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, list | tuple):
        return [str(word) for word in value]
    return []


def allowed_words(version: DocumentVersion) -> list[str]:
    return _words(version.document.fields.get(ALLOW_WORDS_FIELD))


def preferred_spelling(version: DocumentVersion) -> Spelling:
    """The spelling the document's `spelling_variant__c` asks for; either when it is empty."""
    value = version.document.fields.get(SPELLING_FIELD)
    if value is None or (isinstance(value, str) and not value.strip()):
        return Spelling.EITHER
    preferred = spelling_named(value) if isinstance(value, str) else None
    if preferred is None:
        raise ActionFailed(
            f"Document {version.document.id} has {SPELLING_FIELD} = {value!r}; use british, "
            "american or either (or leave it empty to accept both spellings)."
        )
    return preferred


def report_payload(report: ProofreadingReport, text: str) -> dict[str, object]:
    """Vault's keys first (`thinking`, the detected industry, regulator and audience, the
    errors), then ours, which a client written for Vault ignores."""
    reading = read_context(text)
    counts = Counter(issue.category for issue in report.errors)
    payload: dict[str, object] = {
        "thinking": describe(reading, report.detected_language, len(text.split()), dict(counts)),
        "detected_industry": reading.industry.value,
        "detected_regulatory_authority": reading.regulatory_authority.value,
        "detected_target_audience": reading.target_audience.value,
        "errors": [
            {
                "text": issue.text,
                "suggestion": issue.suggestion,
                "category": issue.category,
                "sentence": issue.sentence,
                "offset": issue.offset,
            }
            for issue in report.errors
        ],
        "detected_language": report.detected_language,
    }
    if report.omitted:
        payload["errors_omitted"] = report.omitted
    return payload


async def check_spelling_and_grammar(context: ActionContext) -> list[ActionOutput]:
    document = context.document
    if document is None:
        raise ActionFailed("Spelling and Grammar runs on a document; none was given.")
    if not document.text.strip():
        raise ActionFailed(
            f"Document {document.document.id} version {document.version_label} has no text "
            "to check (its file holds no extractable text)."
        )
    # Imported here: the dictionaries load on first use, not when the server starts.
    from actionvault.text.proofreading import default_proofreader

    # Checking is CPU work; a thread keeps the event loop answering status polls meanwhile.
    report = await asyncio.to_thread(
        default_proofreader().check,
        document.text,
        allowed_words(document),
        preferred_spelling(document),
    )
    return [json_output(report_payload(report, document.text))]
