"""quick_check__v / phrase_assessment__v on the built-in engine: promotional claims.

The rules and their lexicon live in `actionvault.text.claims`; this handler reads the document,
adds a site's own lexicon (`options.extra_lexicon`, a YAML file in the same format), and
answers the findings with a summary by category.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from actionvault.actions.context import (
    ActionContext,
    add_capped,
    json_output,
    require_document_text,
)
from actionvault.domain.executions import ActionOutput
from actionvault.text.claims import CATEGORIES, Finding, assess, load_lexicon


def findings_payload(
    findings: Sequence[Finding], categories: Iterable[str] = CATEGORIES
) -> dict[str, object]:
    counts = Counter(f.category for f in findings)
    by_category = {c: counts.get(c, 0) for c in categories} | dict(counts)
    payload: dict[str, object] = {
        "findings": [],
        "summary": {"total": len(findings), "by_category": by_category},
    }
    add_capped(payload, "findings", findings, Finding.as_dict)
    return payload


async def assess_promotional_phrases(context: ActionContext) -> list[ActionOutput]:
    document = require_document_text(context, "Phrase Assessment")
    extra = context.action.options.get("extra_lexicon")
    lexicon = load_lexicon(Path(extra) if extra else None)
    findings = await asyncio.to_thread(assess, document.visible, lexicon)
    categories = dict.fromkeys([*CATEGORIES, *(rule.category for rule in lexicon.rules)])
    return [json_output(findings_payload(findings, categories))]
