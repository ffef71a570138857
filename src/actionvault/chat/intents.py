"""What users type, which descriptions do not say: the router's built-in knowledge.

A description such as "Answers a question about the document" says what an action does, not
what users type: "What's the maximum daily dose?" shares no meaning with it that a sentence
model can see, so routing on descriptions alone refuses most real questions. Summaries and
questions about the target are the standard chat actions (Vault's content and record agents
both have them), so the router recognises them from their label and description and also
compares the message with typical requests of that kind (`request_kind` names the kind; the
lexical router also matches the subjects of that kind of question, from its lexicon). For the
other side of the line, it compares the message with things no chat action does (small talk,
errands, general knowledge) and holds requests to change a document or record to actions that
say they make that change.

The examples are generic on purpose: they describe what people ask of life-sciences documents
and records, not the wording of any evaluation message (eval/routing/README.md says which
messages were held out from this tuning). A custom action is matched on its own description.
"""

from __future__ import annotations

import re
from typing import Literal

SUMMARY_EXAMPLES = (
    "Summarize it",
    "Give me a summary",
    "tl;dr",
    "What's the gist of it?",
    "Sum it up in a few sentences",
    "What are the key points?",
    "Give me a brief overview",
    "In a nutshell, what is this about?",
    "Recap the main messages",
    "Make the summary shorter",
)
DOCUMENT_QUESTION_EXAMPLES = (
    "What does it say about the dosage?",
    "How should the medicine be taken?",
    "What are the side effects?",
    "Are there any warnings or precautions?",
    "What are the contraindications?",
    "Does it interact with other medicines?",
    "How is the product stored?",
    "What is the product indicated for?",
    "What were the results of the clinical study?",
    "Which page mentions the safety information?",
    "Can it be used during pregnancy or breastfeeding?",
    "What should a patient do after an overdose?",
    "Who is this material written for?",
    "What claims does it make?",
)
RECORD_QUESTION_EXAMPLES = (
    "Is it still active or closed?",
    "Which trial phase has it reached?",
    "What are its start and end dates?",
    "Who owns it?",
    "Where is it located?",
    "How many participants does it have?",
    "What value does this field have?",
    "Which product is it linked to?",
    "What are the related records?",
    "Who is responsible for it?",
    "When was it last modified?",
)

#: What people type into a chat that no chat action does: small talk, general knowledge,
#: errands, and operations on documents and records that belong to Vault's own screens. A
#: message nearer to one of these than to every candidate is refused.
OFF_TOPIC_EXAMPLES = (
    "Hello there",
    "Thank you!",
    "How are you today?",
    "Say something funny",
    "Who was the first president of the United States?",
    "How far is the Moon from the Earth?",
    "Explain quantum physics to me",
    "What will the weather be this weekend?",
    "Show me today's headlines",
    "What was the score of the game?",
    "What is the dollar exchange rate?",
    "Book a table at a restaurant",
    "Order me a taxi",
    "Buy two tickets for the concert",
    "Schedule a meeting with my team",
    "Remind me to call the doctor",
    "Play my favourite playlist",
    "Write a song about the sea",
    "Compose a birthday message for my friend",
    "Calculate 15 percent of 240",
    "Write a Python function that sorts a list",
    "Delete it",
    "Approve it and move it to the next state",
    "Publish it",
    "Archive it",
    "Change its status to closed",
    "Update the value of this field",
    "Share it with a colleague by email",
    "Assign it to someone else",
    "Upload a new version",
    "Create a new one",
)

#: Verbs that ask to change a document or record. Chat actions read and explain; a message
#: that opens with one of these goes only to an action whose own text names the verb, since a
#: sentence model sees "Change the study phase" as close to "Which phase is the study in?".
CHANGE_VERBS = frozenset(
    (
        "add",
        "amend",
        "approve",
        "archive",
        "assign",
        "cancel",
        "change",
        "create",
        "delete",
        "edit",
        "email",
        "erase",
        "forward",
        "lock",
        "modify",
        "move",
        "publish",
        "reassign",
        "reject",
        "remove",
        "rename",
        "retire",
        "send",
        "set",
        "share",
        "sign",
        "submit",
        "unlock",
        "update",
        "upload",
        "withdraw",
    )
)
_LEAD_IN = re.compile(
    r"^\s*(?:(?:please|kindly|now|just|ok|okay|hey)\b[\s,]*)*"
    r"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?|i\s+(?:want|need)\s+you\s+to\s+)?"
    r"([a-z]+)",
    re.IGNORECASE,
)

_SUMMARY = re.compile(r"\bsummar(?:y|ies|ise|ize|ises|izes|ising|izing)\b", re.IGNORECASE)
_QUESTION = re.compile(r"\b(?:answers?|ask)\b[^.]*\bquestions?\b", re.IGNORECASE)
_RECORD = re.compile(r"\brecords?\b", re.IGNORECASE)
_DOCUMENT = re.compile(r"\bdocuments?\b", re.IGNORECASE)


RequestKind = Literal["summary", "document question", "record question"]
_EXAMPLES: dict[RequestKind, tuple[str, ...]] = {
    "summary": SUMMARY_EXAMPLES,
    "document question": DOCUMENT_QUESTION_EXAMPLES,
    "record question": RECORD_QUESTION_EXAMPLES,
}


def request_kind(action_label: str, action_description: str) -> RequestKind | None:
    """Which standard chat action this is (a summary, a question about a document or a
    record), or None for anything else.

    Only the action's own words decide, not its agent's: a helpdesk agent that "answers
    questions" about the system must not inherit the questions users ask about documents.
    """
    text = f"{action_label}. {action_description}"
    if _SUMMARY.search(action_label):
        return "summary"
    if _QUESTION.search(text):
        if _RECORD.search(text):
            return "record question"
        if _DOCUMENT.search(text):
            return "document question"
    return None


def examples_for(action_label: str, action_description: str) -> tuple[str, ...]:
    """Typical messages for a standard summary or question action; () for anything else."""
    kind = request_kind(action_label, action_description)
    return _EXAMPLES[kind] if kind is not None else ()


def change_verb(message: str) -> str | None:
    """The change verb the message opens with ("Please delete this..." gives "delete"), if any."""
    match = _LEAD_IN.match(message)
    if match is None:
        return None
    verb = match.group(1).lower()
    return verb if verb in CHANGE_VERBS else None
