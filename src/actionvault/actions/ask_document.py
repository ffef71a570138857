"""promomats_document_chat__v / ask_question__v on the built-in engine: answers by retrieval.

Without a model the honest answer to a question is the document's own passages that address it,
each cited by heading or page, so a reader can check it. Passages are ranked with BM25 and
answer only when they hold most of the question's weighted terms; otherwise the reply says
plainly that the document does not appear to answer, and lists its headings to ask about.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from typing import Protocol

from actionvault.actions.context import ActionContext, require_document_text
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed
from actionvault.text.answer_types import (
    asks_purpose,
    fits_age,
    question_age,
    restates_enquiry,
    states_purpose,
    without_ages,
)
from actionvault.text.html import DocumentText
from actionvault.text.lay_terms import with_document_words
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


class TextEmbedder(Protocol):
    """A sentence-embedding model (actionvault.chat.embeddings' MiniLM is one): cosine
    similarity of each query to each text."""

    def similarities(self, queries: Sequence[str], texts: Sequence[str]) -> list[list[float]]: ...


def _no_model() -> TextEmbedder | None:
    return None


_embedder_source: Callable[[], TextEmbedder | None] = _no_model
_passage_model_source: Callable[[], TextEmbedder | None] = _no_model


def use_embedder(
    source: Callable[[], TextEmbedder | None],
    passage_model: Callable[[], TextEmbedder | None] = _no_model,
) -> None:
    """Answer by meaning with the model `source` gives (None: by shared words), its shortlist
    re-read by the larger `passage_model` when that gives one. The layer that builds the server
    passes the chat package's loaders: actions may not import chat."""
    global _embedder_source, _passage_model_source
    _embedder_source = source
    _passage_model_source = passage_model


def loaded_models() -> tuple[TextEmbedder | None, TextEmbedder | None]:
    """The small model and the passage model this process answers with (None: not installed),
    loading them on first use, which takes seconds: call it off the event loop."""
    embedder = _embedder_source()
    return embedder, _passage_model_source() if embedder is not None else None


#: A passage answers by meaning when its cosine similarity to the question reaches this; below
#: it, the document is taken not to answer (the embedding model's scale, not a probability).
SIMILARITY_FLOOR = 0.2
#: The small model reads about 70 short texts a second on one core. A document with more texts
#: than this to read (its passages and their sentences: about 15 pages) is first narrowed to the
#: NARROWED passages most like the question as whole passages, and only those are read closely.
MAX_EMBEDDED_TEXTS = 200
#: Past this many passages (a document of some 60 pages) even reading each passage whole costs
#: too much (7 s or more), so the passages sharing the question's words or sitting under the
#: headings most like it are the ones read whole: the first question on a document of any
#: length is answered within about 10 s, later ones mostly from the cache.
MAX_EMBEDDED_PASSAGES = 500
#: How many passages of a long document are read closely (with their sentences).
NARROWED = 24
#: The headings of a very long document most like the question, whose passages are read whole.
LIKELY_HEADINGS = 8
#: The passage model re-reads this many of the small model's best passages. On the dev
#: questions the right passage was always among the small model's best 8, so re-reading more
#: only costs time (the passage model reads about 23 texts a second).
SHORTLIST = 8
#: Passages within this much similarity of the best are quoted after it.
SIMILARITY_MARGIN = 0.05
_MAX_ANSWERS = 3


def _is_title(passage: Passage) -> bool:
    """A lone line with no heading above it and no sentence in it names the document; it
    resembles every question about the document and answers none."""
    text = passage.text.strip()
    return passage.heading is None and "\n" not in text and not text.endswith((".", "?", "!"))


def _views(passage: Passage) -> list[str]:
    """What a passage says, as the model reads it: the whole passage under its heading, then
    each sentence under it, since a question is usually answered by one sentence."""
    heading = f"{passage.heading}: " if passage.heading else ""
    text = passage.text
    return [heading + text] + [heading + text[s.start : s.end] for s in sentences_of(text)]


def rank_by_meaning(
    question: str,
    passages: Sequence[Passage],
    embedder: TextEmbedder,
    passage_model: TextEmbedder | None = None,
    bonus: Callable[[Passage], float] | None = None,
) -> list[Ranked]:
    """Passages ranked by similarity to the question, best first: the mean of the whole
    passage's similarity and its best sentence's, so a passage about the subject that also
    says the one thing asked wins. A Ranked's coverage holds that similarity; `bonus` adds to
    a passage's score what the caller knows of it (a record field's kind of value).

    The question is read with the document-side words of its everyday phrases added
    ("expecting" brings "pregnancy"), since leaflets name things clinically.
    """
    candidates, views = list(passages), [_views(p) for p in passages]
    if sum(map(len, views)) > MAX_EMBEDDED_TEXTS:
        kept = _narrowed(question, candidates, views, embedder)
        candidates, views = [candidates[i] for i in kept], [views[i] for i in kept]
    if sum(map(len, views)) > MAX_EMBEDDED_TEXTS:
        views = [group[:1] for group in views]  # a long document: whole passages only
    flat = [view for group in views for view in group]
    if not flat:
        return []
    row = embedder.similarities([with_document_words(question)], flat)[0]
    ranked, position = [], 0
    for passage, group in zip(candidates, views, strict=True):
        scores = row[position : position + len(group)]
        position += len(group)
        similarity = (scores[0] + max(scores[1:] or scores[:1])) / 2
        ranked.append(Ranked(passage, similarity, similarity))
    ranked = [_with_answer_type(question, r) for r in ranked]
    if bonus is not None:
        ranked = [Ranked(r.passage, r.score + bonus(r.passage), r.coverage) for r in ranked]
    ranked.sort(key=lambda r: (-r.score, r.passage.offset))
    if passage_model is None or len(ranked) <= 1:
        return ranked
    # The small model's best few, ranked again by the passage model on its own scale; the rest
    # stay below them, unread, with no similarity to offer. A question asking whom to contact
    # is answered by any passage showing a contact, however far down the small model put it.
    asks_contact = _CONTACT_QUESTION.search(question) is not None
    shortlist = [
        r.passage
        for index, r in enumerate(ranked)
        if index < SHORTLIST or (asks_contact and _CONTACT.search(r.passage.text))
    ]
    rest = [Ranked(r.passage, -1.0, -1.0) for r in ranked if r.passage not in shortlist]
    return rank_by_meaning(question, shortlist, passage_model, bonus=bonus) + rest


def _narrowed(
    question: str, passages: Sequence[Passage], views: Sequence[list[str]], embedder: TextEmbedder
) -> list[int]:
    """Of a long document's passages, the indices of those worth reading closely: the NARROWED
    most like the question read whole (their first view), and, for a question asking whom to
    contact, every passage showing a contact; in document order.

    A very long document is first cut to the passages that share the question's words or sit
    under the headings most like it, since a paraphrased question may share no word with its
    answer but usually resembles the section it is in."""
    query = with_document_words(question)
    indices = list(range(len(passages)))
    if len(passages) > MAX_EMBEDDED_PASSAGES:
        indices = _likely_passages(query, passages, embedder)
    row = embedder.similarities([query], [views[i][0] for i in indices])[0]
    best = sorted(range(len(indices)), key=lambda k: -row[k])[:NARROWED]
    kept = {indices[k] for k in best}
    if _CONTACT_QUESTION.search(question):
        kept |= {i for i in indices if _CONTACT.search(passages[i].text)}
    return sorted(kept)


def _likely_passages(query: str, passages: Sequence[Passage], embedder: TextEmbedder) -> list[int]:
    """The indices of at most MAX_EMBEDDED_PASSAGES passages, in document order: those under the
    headings most like the question, then those sharing most of its words."""
    titles = list(dict.fromkeys(p.heading for p in passages if p.heading))[:MAX_EMBEDDED_PASSAGES]
    chosen: set[int] = set()
    if titles:
        row = embedder.similarities([query], titles)[0]
        order = sorted(range(len(titles)), key=lambda i: -row[i])
        likely = {titles[i] for i in order[:LIKELY_HEADINGS]}
        for index, passage in enumerate(passages):
            if passage.heading in likely and len(chosen) < MAX_EMBEDDED_PASSAGES // 2:
                chosen.add(index)
    index_of = {id(passage): index for index, passage in enumerate(passages)}
    for ranked in rank_passages(query, passages):
        if len(chosen) >= MAX_EMBEDDED_PASSAGES:
            break
        chosen.add(index_of[id(ranked.passage)])
    return sorted(chosen)


#: Added to a passage's similarity when it holds the kind of answer the question asks for: an
#: age limit that the age in the question falls within, or a medicine's purpose for "what is it
#: for?". Chosen on the dev questions, where the right passage trailed a nearby one by up to
#: 0.13 and a bonus from 0.13 to 0.2 or more answered the same questions.
ANSWER_TYPE_BONUS = 0.2


def _with_answer_type(question: str, ranked: Ranked) -> Ranked:
    """`ranked` with the bonus when its passage holds the asked-for kind of answer: similarity
    finds the passages on the subject, the answer's form picks the one among them that says
    it ("my 10-year-old": "under 12 years", not "12 years and over")."""
    passage = ranked.passage
    age = question_age(question)
    fits = age is not None and fits_age(age, passage.text)
    heading = f"{passage.heading}: " if passage.heading else ""
    purpose = asks_purpose(question) and states_purpose(heading + passage.text)
    if not (fits or purpose):
        return ranked
    return Ranked(passage, ranked.score + ANSWER_TYPE_BONUS, ranked.coverage)


#: Questions whose answer has a form a passage must show: a price needs a currency or "free",
#: "how many weeks" needs weeks. Similarity cannot tell a passage about the subject from one
#: that answers, so a document that never states the asked-for thing declines instead.
_PRICE_QUESTION = re.compile(r"\b(?:cost|costs|price|priced|charge|charged)\b", re.IGNORECASE)
_PRICE = re.compile(r"[£$€¥]|\b(?:free|USD|EUR|GBP|pounds|dollars|euros)\b", re.IGNORECASE)
_COUNTED_UNIT = re.compile(r"\bhow many (year|month|week|day|hour|minute)s\b", re.IGNORECASE)


def _shows_answer_form(question: str, passage: Passage) -> bool:
    if _PRICE_QUESTION.search(question) and not _PRICE.search(passage.text):
        return False
    unit = _COUNTED_UNIT.search(question)
    span = rf"\b{unit.group(1)}s?\b" if unit else ""
    return not unit or re.search(span, without_ages(passage.text), re.IGNORECASE) is not None


#: "Who do I call?", "how can I contact ...": the answer is a way to reach someone, which a
#: passage shows by a telephone number or an email address. Such questions share little meaning
#: with a contact line ("contact Medical Information on 0800 ..."), so the floor is lower there.
_CONTACT_QUESTION = re.compile(
    r"\b(?:who|whom)\b.*\b(?:call|phone|ring|contact|ask|speak|talk|write)\b"
    r"|\b(?:phone|telephone)\s+number\b|\bhow\s+(?:can|do|should)\s+\w+\s+(?:contact|reach)\b",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"\+?\d[\d ()-]{7,}\d|\b[\w.+-]+@[\w-]+\.[\w.]+\b")
#: The floor for a passage that shows a contact, for a question asking for one.
CONTACT_FLOOR = 0.1


def _contact_first(ranked: Sequence[Ranked], question: str) -> tuple[list[Ranked], float]:
    """For a question asking whom to contact, the passages that show a contact, when any does,
    and the lower floor they are held to; otherwise the ranking and the usual floor."""
    if _CONTACT_QUESTION.search(question):
        contacts = [r for r in ranked if _CONTACT.search(r.passage.text)]
        if contacts:
            return contacts, CONTACT_FLOOR
    return list(ranked), SIMILARITY_FLOOR


def answers_by_meaning(ranked: Sequence[Ranked], question: str = "") -> list[Ranked]:
    """The best passages at or above the similarity floor, close to the best one, among those
    that show the form the question's answer takes (a price, a count of weeks, a contact).
    A passage restating the reader's enquiry ("You asked whether ...") is never an answer,
    though it resembles the question most."""
    shown = [
        r
        for r in ranked
        if _shows_answer_form(question, r.passage)
        and not restates_enquiry(r.passage.heading, r.passage.text)
    ]
    ranked, floor = _contact_first(shown, question)
    if not ranked or ranked[0].score < floor:
        return []
    best = ranked[0].score
    return [r for r in ranked[:_MAX_ANSWERS] if r.score >= best - SIMILARITY_MARGIN]


def find_answers(
    document: DocumentText,
    question: str,
    embedder: TextEmbedder | None = None,
    passage_model: TextEmbedder | None = None,
) -> tuple[list[Ranked], list[Heading]]:
    """The passages that answer `question`, best first (none when nothing answers), and the
    document's headings. By meaning with `embedder` (its best few re-read by `passage_model`),
    by shared words without it."""
    headings, pages = outline_of(document.version, document.is_html)
    passages = split_passages(document.raw, document.visible, headings, pages)
    if embedder is not None:
        unique = list({p.text: p for p in reversed(passages) if not _is_title(p)}.values())
        unique.sort(key=lambda p: p.offset)
        ranked = rank_by_meaning(question, unique, embedder, passage_model)
        return answers_by_meaning(ranked, question), headings
    return answering_passages(_first_of_each_text(rank_passages(question, passages))), headings


def answer_question(
    document: DocumentText,
    question: str,
    embedder: TextEmbedder | None = None,
    passage_model: TextEmbedder | None = None,
) -> str:
    name = document.version.document.name
    if not terms(question):
        return (
            f'The question has no words to look for in "{name}"; ask about a topic, '
            "for example the dose or the side effects."
        )
    answers, headings = find_answers(document, question, embedder, passage_model)
    if not answers:
        return _no_answer(name, headings)
    quotes = [f"{best_quote(a.passage, question)} {a.passage.citation}" for a in answers]
    return f'From "{name}":\n\n' + "\n\n".join(quotes)


async def ask_document(context: ActionContext) -> list[ActionOutput]:
    question = require_question(context, "Ask a Question")
    document = require_document_text(context, "Ask a Question")
    # The models answer by meaning when installed; without them, retrieval is by shared words.
    embedder, passage_model = await asyncio.to_thread(loaded_models)
    answer = await asyncio.to_thread(answer_question, document, question, embedder, passage_model)
    return [ActionOutput(type="text", value=answer)]
