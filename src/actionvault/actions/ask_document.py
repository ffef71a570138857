"""promomats_document_chat__v / ask_question__v on the built-in engine: answers by retrieval.

Without a model the honest answer to a question is the document's own passages that address it,
each cited by heading or page, so a reader can check it. Passages are ranked with BM25 and
answer only when they hold most of the question's weighted terms; otherwise the reply says
plainly that the document does not appear to answer, and lists its headings to ask about.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from actionvault.actions.context import ActionContext, require_document_text
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed
from actionvault.text.html import DocumentText
from actionvault.text.outline import Heading, outline_of, sentences_of
from actionvault.text.passages import (
    Passage,
    Ranked,
    answering_passages,
    rank_passages,
    split_passages,
    terms,
)

# Longer passages are shown as their best few consecutive sentences.
_MAX_QUOTE_WORDS = 80
_QUOTE_SENTENCES = 3
_MAX_LISTED_HEADINGS = 20


#: A message with no more content words than this, in a chat, is read as a follow-up.
FOLLOW_UP_TERMS = 3


def require_question(context: ActionContext, action_label: str) -> str:
    """The question; a short follow-up in a chat ("and for children?") brings the earlier one.

    Retrieval has no memory, so the previous question's words are added to a follow-up's:
    "what is the dose?" then "and for children?" searches for the dose for children.
    """
    question = (context.execution.user_message or "").strip()
    if question and context.history and len(terms(question)) <= FOLLOW_UP_TERMS:
        earlier = context.history[-1].message.strip()
        if earlier:
            question = f"{earlier} {question}"
    if not question:
        raise ActionFailed(
            f"{action_label} needs a question: send it as user_message along with the agent "
            "and action names."
        )
    return question


def best_quote(passage: Passage, question: str) -> str:
    """The passage, or for a long one the window of sentences sharing most terms with the
    question, so the answer stays short enough to read."""
    text = passage.text
    if len(text.split()) <= _MAX_QUOTE_WORDS:
        return text
    wanted = set(terms(question))
    sentences = [text[s.start : s.end] for s in sentences_of(text)]
    hits = [len(wanted & set(terms(s))) for s in sentences]
    best = max(
        range(max(1, len(sentences) - _QUOTE_SENTENCES + 1)),
        key=lambda i: (sum(hits[i : i + _QUOTE_SENTENCES]), -i),
    )
    return " ".join(sentences[best : best + _QUOTE_SENTENCES])


def _first_of_each_text(ranked: Sequence[Ranked]) -> list[Ranked]:
    """Text repeated on many pages (safety information, footers) is quoted once, at its best
    ranked (and, on a tie, first) place."""
    seen: set[str] = set()
    unique = []
    for candidate in ranked:
        if candidate.passage.text not in seen:
            seen.add(candidate.passage.text)
            unique.append(candidate)
    return unique


def _no_answer(name: str, headings: Sequence[Heading]) -> str:
    reply = f'The document "{name}" does not appear to answer this question.'
    titles = list(dict.fromkeys(h.title for h in headings))
    if not titles:
        return reply + " It has no headings; try asking with words the document uses."
    listed = "; ".join(titles[:_MAX_LISTED_HEADINGS])
    extra = len(titles) - _MAX_LISTED_HEADINGS
    more = f" (and {extra} more)" if extra > 0 else ""
    return f"{reply} Its headings are: {listed}{more}."


def answer_question(document: DocumentText, question: str) -> str:
    name = document.version.document.name
    if not terms(question):
        return (
            f'The question has no words to look for in "{name}"; ask about a topic, '
            "for example the dose or the side effects."
        )
    headings, pages = outline_of(document.version, document.is_html)
    passages = split_passages(document.raw, document.visible, headings, pages)
    answers = answering_passages(_first_of_each_text(rank_passages(question, passages)))
    if not answers:
        return _no_answer(name, headings)
    quotes = [f"{best_quote(a.passage, question)} {a.passage.citation}" for a in answers]
    return f'From "{name}":\n\n' + "\n\n".join(quotes)


async def ask_document(context: ActionContext) -> list[ActionOutput]:
    question = require_question(context, "Ask a Question")
    document = require_document_text(context, "Ask a Question")
    answer = await asyncio.to_thread(answer_question, document, question)
    return [ActionOutput(type="text", value=answer)]
