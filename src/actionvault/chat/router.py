"""Choose the chat action a free-text message asks for, or refuse: never a guess.

`Router` scores each candidate against the message (semantically with the packaged embedding
model, lexically without it) and routes only past a floor, the off-topic examples and a margin
over the runner-up; `route_with_model` asks a model instead, with the offline router behind it.
docs/design.md ("Chat routing") explains the scoring and the words taken out before it.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from actionvault.chat import lexical
from actionvault.chat.embeddings import TextEmbedder, load_embedder
from actionvault.chat.intents import OFF_TOPIC_EXAMPLES, change_verb, examples_for, request_kind
from actionvault.chat.lexical import Profile, Term, packaged_lexicon
from actionvault.providers.base import CompletionRequest, Message, ModelProvider, ProviderError

if TYPE_CHECKING:
    from actionvault.domain.agents import Action, Agent

Method = Literal["semantic", "lexical", "model"]

# The constants below were chosen on the tuning part of eval/routing/messages.yaml, from a
# plateau of settings that scored the same, not at a single best point.
#: A score below this is no route, however far ahead of the others.
MINIMUM_SCORE = 0.28
#: Below this, the best must also lead the runner-up by `MINIMUM_MARGIN` to be trusted.
CONFIDENT_SCORE = 0.40
MINIMUM_MARGIN = 0.03
#: Share of the action's own text in the description score; the rest is its agent's.
ACTION_WEIGHT = 0.8
#: Weight of the lexical share (0..1): separates near-ties, cannot route on one word alone.
LEXICAL_WEIGHT = 0.2
#: A follow-up ("and for children?") borrows the previous message at this weight.
HISTORY_WEIGHT = 0.6
#: Messages with at most this many content words read as follow-ups when history exists.
FOLLOW_UP_WORDS = 3
#: An off-topic example this near to a candidate's own text is something it does.
OFF_TOPIC_OVERLAP = 0.5
#: Lexical-only routing (see `lexical`): what the message must find in the best candidate
#: (a word of the action's own text or of its word family; or, for a message worded as a
#: question, a subject of the candidate's kind of question), and the share of the best score
#: by which it must lead the runner-up (a tie is no route).
MINIMUM_LEXICAL = 0.8
LEXICAL_MARGIN = 0.1

# "whether or not" and "not only ... but" are not guidance against anything.
_NEGATIVE_CLAUSE = re.compile(
    r"[,;]?\s*\b(?:(?<!or )not(?! only)|rather than|instead of|except|never)\b[^,;:.!?]*",
    re.IGNORECASE,
)
_NEGATIVE_SENTENCE = re.compile(r"^\s*(?:do not|don't|never|not for|avoid)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TARGET = re.compile(r"\b(?:this|the|that|a|an)\s+(?:document|record)(s?)('s)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RouteCandidate:
    """One chat-enabled action the caller may run here, with the texts routing reads."""

    agent_name: str
    agent_label: str
    agent_description: str
    action_name: str
    action_label: str
    action_description: str

    @classmethod
    def from_action(cls, agent: Agent, action: Action) -> RouteCandidate:
        return cls(
            agent.name,
            agent.label,
            agent.description,
            action.name,
            action.label,
            action.description,
        )

    @property
    def key(self) -> str:
        """`agent.action`: the name a model must answer with."""
        return f"{self.agent_name}.{self.action_name}"


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """The chosen candidate, or None for no route; `reason` is fit to show the user.

    `score` is the router's own measure (cosine-based for "semantic", points for "lexical",
    1.0 or 0.0 for "model"), comparable only within one method.
    """

    choice: RouteCandidate | None
    score: float
    method: Method
    reason: str


class Router:
    """Offline, deterministic routing: the same message and candidates give the same answer.

    `embedder="auto"` loads the shared model on first use; None forces lexical routing.
    Candidates are ranked in the caller's order on equal scores.
    """

    def __init__(self, embedder: TextEmbedder | Literal["auto"] | None = "auto") -> None:
        self._embedder = embedder

    @property
    def embedder(self) -> TextEmbedder | None:
        if self._embedder == "auto":
            self._embedder = load_embedder()
        return self._embedder

    @property
    def method(self) -> Method:
        return "lexical" if self.embedder is None else "semantic"

    def prepare(self, candidates: Sequence[RouteCandidate]) -> None:
        """Embed the candidates' texts now (at startup), so the first message need not wait."""
        embedder = self.embedder
        if embedder is not None and candidates:
            texts = {t for c in candidates for t in _candidate_view(c).texts}
            embedder.similarities((), sorted(texts | set(OFF_TOPIC_EXAMPLES)))

    def route(
        self, message: str, candidates: Sequence[RouteCandidate], history: Sequence[str] = ()
    ) -> RouteDecision:
        method = self.method
        if not candidates:
            return RouteDecision(None, 0.0, method, "No chat action is available here.")
        verb = change_verb(message)
        if verb is not None:
            # A change request goes only to an action that says it makes that change.
            able = [c for c in candidates if _names_verb(c, verb)]
            if not able:
                why = f"it asks to {verb} something, and none of these actions does that"
                return RouteDecision(None, 0.0, method, _no_route(why, candidates))
        else:
            able = list(candidates)
        queries = _queries(message, history)
        embedder = self.embedder
        if embedder is None:
            ranking = _lexical_ranking(queries, able)
            threshold, confident = MINIMUM_LEXICAL, float("inf")
        else:
            ranking = _semantic_ranking(embedder, queries, able)
            threshold, confident = MINIMUM_SCORE, CONFIDENT_SCORE
        order = sorted(range(len(able)), key=lambda i: -ranking.scores[i])  # stable on ties
        choice, score = able[order[0]], ranking.scores[order[0]]
        second = ranking.scores[order[1]] if len(order) > 1 else float("-inf")
        support = ranking.support[order[0]] if ranking.support is not None else score
        if support < threshold:
            why = (
                f"nothing fits well enough (best: {_name(choice)}, {support:.2f} < {threshold:.2f})"
            )
            return RouteDecision(None, score, method, _no_route(why, candidates))
        if ranking.off_topic > support:
            why = f"it reads more like {ranking.off_topic_example!r} than like any of these"
            return RouteDecision(None, score, method, _no_route(why, candidates))
        lead = MINIMUM_MARGIN if embedder is not None else LEXICAL_MARGIN * score
        if score < confident and score - second < lead:
            other = _name(able[order[1]])
            why = f"{_name(choice)} and {other} fit about equally ({score:.2f}, {second:.2f})"
            return RouteDecision(None, score, method, _no_route(why, candidates))
        reason = f"{_name(choice)} fits best ({method} score {score:.2f}"
        reason += f", next {second:.2f})." if len(order) > 1 else ")."
        return RouteDecision(choice, score, method, reason)


@dataclass(frozen=True, slots=True)
class _Query:
    text: str
    terms: tuple[Term, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class _Ranking:
    scores: list[float]
    #: How near the message is to something no action does; -inf when not measured.
    off_topic: float = float("-inf")
    off_topic_example: str = ""
    #: Lexical only: what the message's words find in each candidate, unscaled by rarity; the
    #: threshold and the off-topic comparison read this instead of the score.
    support: list[float] | None = None


@dataclass(frozen=True, slots=True)
class _View:
    """A candidate as scored: target-neutral texts, typical requests, and its lexical profiles."""

    action: str
    agent: str
    examples: tuple[str, ...]
    #: Everything routing reads of the candidate; `own` is its action's texts only.
    profile: Profile
    own: Profile

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.action, self.agent, *self.examples)


def _queries(message: str, history: Sequence[str]) -> tuple[_Query, ...]:
    """The message, plus the previous user message when the message reads as a follow-up."""
    current = _query(message, 1.0)
    previous = next((h for h in reversed(history) if h.strip()), None)
    if previous is None or sum(not t.is_cue for t in current.terms) > FOLLOW_UP_WORDS:
        return (current,)
    return current, _query(previous, HISTORY_WEIGHT)


def _query(message: str, weight: float) -> _Query:
    text = _neutral(message)
    return _Query(text, lexical.message_terms(packaged_lexicon(), text), weight)


def _semantic_ranking(
    embedder: TextEmbedder, queries: Sequence[_Query], candidates: Sequence[RouteCandidate]
) -> _Ranking:
    views = [_candidate_view(c) for c in candidates]
    off_topic = _off_topic_examples(embedder, tuple(v.action for v in views))
    texts = sorted({t for view in views for t in view.texts} | set(off_topic))
    column = {text: index for index, text in enumerate(texts)}
    rows = embedder.similarities([q.text for q in queries], texts)
    total = sum(q.weight for q in queries)

    def near(text: str) -> float:
        return (
            sum(q.weight * row[column[text]] for q, row in zip(queries, rows, strict=True)) / total
        )

    scores = []
    for view in views:
        described = ACTION_WEIGHT * near(view.action) + (1 - ACTION_WEIGHT) * near(view.agent)
        typical = max((near(e) for e in view.examples), default=-1.0)
        shared = sum(q.weight * _lexical_share(q, view) for q in queries) / total
        scores.append(max(described, typical) + LEXICAL_WEIGHT * shared)
    if not off_topic:
        return _Ranking(scores)
    nearest = max(off_topic, key=near)
    return _Ranking(scores, near(nearest), nearest)


def _off_topic_examples(embedder: TextEmbedder, actions: tuple[str, ...]) -> list[str]:
    """The off-topic examples that no candidate itself does (a custom "Archive" action may)."""
    rows = embedder.similarities(OFF_TOPIC_EXAMPLES, actions)
    return [
        e for e, row in zip(OFF_TOPIC_EXAMPLES, rows, strict=True) if max(row) < OFF_TOPIC_OVERLAP
    ]


@functools.lru_cache(maxsize=1024)
def _candidate_view(candidate: RouteCandidate) -> _View:
    description = positive_guidance(candidate.action_description)
    agent = positive_guidance(candidate.agent_description) or candidate.agent_label
    name = candidate.action_name.rstrip("_").rpartition("__")[0] or candidate.action_name
    own = _neutral(f"{name.replace('_', ' ')}. {candidate.action_label}. {description}")
    examples = examples_for(candidate.action_label, candidate.action_description)
    kind = request_kind(candidate.action_label, candidate.action_description)
    lexicon = packaged_lexicon()
    own_texts = ((own, lexical.OWN_WEIGHT),)
    subjects = lexicon.section(kind) if kind is not None else frozenset()
    return _View(
        action=_neutral(f"{candidate.action_label}. {description}"),
        agent=_neutral(agent),
        examples=examples,
        profile=Profile.build(
            lexicon,
            (
                *own_texts,
                *((e, lexical.EXAMPLE_WEIGHT) for e in examples),
                (_neutral(agent), lexical.AGENT_WEIGHT),
            ),
            ((family, lexical.EXAMPLE_WEIGHT) for family in sorted(subjects)),
        ),
        own=Profile.build(lexicon, own_texts),
    )


def _lexical_ranking(queries: Sequence[_Query], candidates: Sequence[RouteCandidate]) -> _Ranking:
    views = [_candidate_view(c) for c in candidates]
    ranking = lexical.rank(
        [(q.terms, q.weight) for q in queries],
        [v.profile for v in views],
        _lexical_off_topic(tuple(v.own for v in views)),
    )
    return _Ranking(ranking.scores, ranking.off_topic, ranking.off_topic_example, ranking.support)


@functools.lru_cache(maxsize=256)
def _lexical_off_topic(actions: tuple[Profile, ...]) -> tuple[tuple[str, Profile], ...]:
    """The off-topic examples, as profiles, that no candidate's own words describe."""
    lexicon = packaged_lexicon()
    kept = []
    for example in OFF_TOPIC_EXAMPLES:
        text = _neutral(example)
        if all(lexical.share(lexicon.terms(text), own) < OFF_TOPIC_OVERLAP for own in actions):
            kept.append((example, Profile.build(lexicon, ((text, lexical.EXAMPLE_WEIGHT),))))
    return tuple(kept)


def _lexical_share(query: _Query, view: _View) -> float:
    """The share of the message's words found in the candidate's texts (0..1)."""
    return lexical.share(query.terms, view.profile)


def _names_verb(candidate: RouteCandidate, verb: str) -> bool:
    text = f"{candidate.action_label} {candidate.action_description}"
    return re.search(rf"\b{re.escape(verb.rstrip('e'))}", text, re.IGNORECASE) is not None


def positive_guidance(description: str) -> str:
    """The description without what it says an agent is not for, which would attract it."""
    kept = []
    for sentence in _SENTENCE_END.split(description.strip()):
        if not sentence or _NEGATIVE_SENTENCE.match(sentence):
            continue
        sentence = _NEGATIVE_CLAUSE.sub("", sentence).strip()
        if sentence and sentence[-1] not in ".!?":
            sentence += "."
        if len(sentence) > 1:
            kept.append(sentence)
    return " ".join(kept)


def _neutral(text: str) -> str:
    """`text` with "this document", "the record's" and the like read as "it", "its"."""
    return _TARGET.sub(lambda m: "its" if m.group(2) else ("them" if m.group(1) else "it"), text)


def _name(candidate: RouteCandidate) -> str:
    return f"{candidate.action_label} ({candidate.agent_label})"


def _no_route(why: str, candidates: Sequence[RouteCandidate]) -> str:
    offer = "; ".join(f"{_name(c)}: {c.action_description}" for c in candidates)
    return f"No action fits this message: {why}. You can ask for: {offer}"


_CHOICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "description": "<agent_name>.<action_name>, or none"},
        "reason": {"type": "string"},
    },
    "required": ["action", "reason"],
    "additionalProperties": False,
}
_INSTRUCTIONS = """\
You route a user's chat message to one of the actions listed, or to none. Choose an action
only when it plainly does what the message asks: read each agent's and action's description,
including what it says it is not for. When no action fits (off-topic, small talk, or a request
that none of them performs, such as deleting or changing something), answer "none".
Reply with JSON only: {"action": "<agent_name>.<action_name>" or "none", "reason": "<one \
sentence for the user>"}."""


async def route_with_model(
    provider: ModelProvider,
    message: str,
    candidates: Sequence[RouteCandidate],
    history: Sequence[str] = (),
    *,
    router: Router | None = None,
) -> RouteDecision:
    """Let the model choose; an answer that names no candidate falls back to `router`."""
    if not candidates:
        return RouteDecision(None, 0.0, "model", "No chat action is available here.")
    request = CompletionRequest(
        messages=(
            Message("system", _INSTRUCTIONS),
            Message("user", _model_prompt(message, candidates, history)),
        ),
        model_level="BASIC",
        max_output_tokens=300,
        json_schema=_CHOICE_SCHEMA,
    )
    try:
        completion = await provider.complete(request)
    except ProviderError as error:
        return await _fall_back(router, message, candidates, history, error.message)
    answer = _parse_choice(completion.text)
    if answer is None:
        why = "its answer was not the JSON asked for"
        return await _fall_back(router, message, candidates, history, why)
    key, reason = answer
    if key.lower() == "none":
        return RouteDecision(None, 0.0, "model", _no_route(reason or "none fits", candidates))
    chosen = next((c for c in candidates if c.key == key), None)
    if chosen is None:
        why = f"it named {key!r}, which is not one of the actions available here"
        return await _fall_back(router, message, candidates, history, why)
    return RouteDecision(chosen, 1.0, "model", reason or f"The model chose {_name(chosen)}.")


def _model_prompt(
    message: str, candidates: Sequence[RouteCandidate], history: Sequence[str]
) -> str:
    lines = ["Actions:"]
    lines.extend(
        f"- {c.key}: {c.action_label}: {c.action_description} "
        f"(agent {c.agent_label}: {c.agent_description})"
        for c in candidates
    )
    if history:
        lines.append("Earlier messages from the user, oldest first:")
        lines.extend(f"- {json.dumps(h)}" for h in history)
    lines.append(f"Message to route: {json.dumps(message)}")
    return "\n".join(lines)


def _parse_choice(text: str) -> tuple[str, str] | None:
    """(action, reason) from the model's JSON, tolerating a Markdown code fence around it."""
    cleaned = text.strip()
    if cleaned.startswith("```"):
        cleaned = cleaned.strip("`").strip().removeprefix("json").strip()
    try:
        value = json.loads(cleaned)
    except json.JSONDecodeError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("action"), str):
        return None
    reason = value.get("reason")
    return value["action"].strip(), reason.strip() if isinstance(reason, str) else ""


async def _fall_back(
    router: Router | None,
    message: str,
    candidates: Sequence[RouteCandidate],
    history: Sequence[str],
    why: str,
) -> RouteDecision:
    offline = router or Router()
    # The offline router runs a neural network (and may load it): keep it off the event loop.
    decision = await asyncio.to_thread(offline.route, message, candidates, history)
    return replace(decision, reason=f"The model's choice was not used ({why}). {decision.reason}")
