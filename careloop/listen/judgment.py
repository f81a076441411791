"""The case judgment: is a member raising a problem the team should act on — and how serious is it?

Read from the whole thread as it stands (the post, what it answers, the rest of the thread, whether the team
answered), never from a word list. A thread's state is a list of turns (its posts, oldest first); it becomes one
feature vector:

* the sentence vector (multilingual e5, the accurate profile's encoder) of the first member post, the mean of
  every member post, and the mean of the team's posts (zeros while the team has not written);
* the fast scores: the highest and the first complaint and negative-sentiment scores of the members, their
  highest toxicity; whether the team asked to move it private (handoff.py); whether several members wrote;
  how long the thread is.

Two logistic models read that vector (listen/models/judgment/model.json, trained by
`careloop train --profile judgment` on the hand-labelled real support threads, every prefix of each thread;
cross-validated by brand — docs/model-card.md): **actionable** (the probability that the thread
holds a problem to act on; a case opens at `threshold`, overridable per source) and **severity** (1 minor,
2 a real problem, 3 urgent; ordinal: P(≥ 2) and P(≥ 3)). The problem's first statement — the origin — is the
first member post that, judged alone, reaches `origin_threshold`; its author is the complainant.

When the encoder cannot run here (careloop installed without its `accurate` extra), the same models' *fast*
variant reads the fast scores only (weaker: its figures are in the model card beside the full one).

Words appear only in the reasons (severity_cues), to say in a manager's words why a case is serious; they never
open one.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from careloop.listen.handoff import is_handoff

MODEL_DIR = Path(__file__).parent / "models" / "judgment"
# How a judged case's first two reasons begin (web/reasons.py translates them; opening.follow_severity finds them)
JUDGED_REASON = "a problem the team should act on"
SEVERITY_REASON = "severity "
DIM = 384
log = logging.getLogger("careloop.listen")

_CUES = (
    ("safety, health or food contamination",
     r"\b(food poisoning|poison\w*|sick|ill|vomit\w*|hospital|allerg\w*|hair in|bone in|bug in|mou?ld\w*|raw chicken|"
     r"undercooked|unsafe|danger\w*|injur\w*|fire|smoke|lebensmittelvergiftung|krank|schimmel\w*|gefährlich|"
     r"verletz\w*|"
     # something in the food, an accident, an injury (the readable kinds of harm a manager names first)
     r"(plastic|glass|metal|hair|bone|napkin|bugs?|insects?|worms?|band-?aid|foreign object|something)( \w+)? in "
     r"(my|the|our|his|her|someone'?s) (food|bowl|burrito|meal|order|salad|drink|coffee|chicken|sandwich|pizza)|"
     r"what is this in my|chemicals?|(car|road|traffic) accident|(got into|in) an accident|crashed into|"
     r"(driver|car|bus|taxi|cab) crashed|(got|was|am|i'?m) hurt|hurt (my|me)|bleed\w*|(stomach|tummy) ?ache|unfall|"
     r"verunreinig\w*|fremdkörper)\b"),
    ("harassment, discrimination or assault",
     r"\b(harass\w*|assault\w*|attack\w*|threat\w*|racis\w*|sexis\w*|discriminat\w*|abus\w*|creep\w*|grop\w*|"
     r"belästig\w*|angegriffen|bedroh\w*|rassis\w*|diskriminier\w*|"
     r"touch\w* (me|my|her|him)|guns?|weapons?|knife|stalk\w*|sexual\w*|kill (me|us)|waffe|messer|sexuell\w*)\b"),
    ("fraud or account takeover",
     r"\b(fraud\w*|scam\w*|hack\w*|stolen|stole|phish\w*|unauthori[sz]ed|identity theft|someone (used|logged)|"
     r"betrug\w*|gehackt|gestohlen|unbefugt\w*|"
     r"(someone|somebody) (got into|got to|accessed|took|changed|stole|used|is using)|"
     r"(account|number|card) (\w+ ){0,2}(took|taken|stolen|hijacked|compromised)|hijack\w*|compromised|"
     r"steal\w* (my|our)|"
     r"cyber ?crime|never (placed|ordered|made)|didn'?t (order|place|make)|robar\w*|jemand hat (mein|meine))\b"),
    ("someone stranded",
     r"\b(stranded|stuck at|stuck in|missed (my|the|our) (flight|train|connection)|no way home|left behind|"
     r"cancell?ed (my|our|the) (flight|train)|gestrandet|festsitz\w*|zug (fällt|fiel) aus|anschluss verpasst)\b"),
    ("money lost or charged wrongly",
     r"\b(charged|overcharg\w*|double charg\w*|billed|refund\w*|money back|collections?|debit\w*|"
     r"abgebucht|doppelt (abgebucht|berechnet)|erstattung|rückerstattung|geld zurück)\b"),
    ("a service down",
     r"\b(down|outage|not working|doesn'?t work|won'?t (load|open|connect)|no (service|signal|internet)|"
     r"can'?t (log ?in|connect|access)|offline|ausfall|störung|geht nicht|funktioniert nicht)\b"),
    ("several contacts without a fix",
     r"\b(again|still|(\d+|several|multiple|many) (times|calls|emails|messages|days|weeks)|no one|nobody|"
     r"no (reply|response|answer)|immer noch|schon wieder|keine antwort|niemand)\b"),
    ("a threat to leave", r"\b(cancel (my|the) (account|subscription|contract)|switch\w* to|leav\w* (you|for)|"
                          r"never (again|use|fly|order|shop)|kündig\w*|wechsel\w*|nie wieder)\b"),
    ("vulnerable people affected", r"\b(disab\w*|wheelchair|elderly|pregnan\w*|my (baby|toddler|son|daughter|kids?)|"
                                   r"child(ren)?|behindert\w*|rollstuhl|schwanger|mein (kind|baby|sohn)|"
                                   r"meine tochter)\b"),
)
SEVERITY_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((reason, re.compile(p, re.I)) for reason, p in _CUES)


@dataclass(frozen=True)
class Turn:
    """One post as the judgment reads it."""

    text: str
    is_team: bool
    author: str = ""
    complaint: float = 0.0
    negative: float = 0.0
    toxicity: float = 0.0
    vector: np.ndarray | None = None
    language: str = ""  # the post's detected language ("de", "en", ...; "" unknown)


@dataclass
class Judgment:
    probability: float
    opens: bool
    severity: int
    origin: int | None  # index of the origin turn in the thread, None when not actionable
    reasons: list[str] = field(default_factory=list)
    variant: str = "e5"


@dataclass(frozen=True)
class Linear:
    """Standardise, then a linear layer: one (binary) or several (softmax) outputs."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (outputs, features)
    intercept: np.ndarray

    def raw(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef.T + self.intercept

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = self.raw(np.atleast_2d(x))
        if z.shape[1] == 1:
            return 1 / (1 + np.exp(-z[:, 0]))
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def as_dict(self) -> dict:
        return {k: np.round(getattr(self, k), 6).tolist() for k in ("mean", "scale", "coef", "intercept")}

    @classmethod
    def from_dict(cls, data: dict) -> Linear:
        return cls(*(np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef", "intercept")))


@dataclass(frozen=True)
class Variant:
    actionable: Linear
    severity: Linear  # outputs: severity 1, 2, 3
    threshold: float
    origin_threshold: float
    severity_bias: tuple[float, float, float] = (0.0, 0.0, 0.0)
    severity_kind: str = "multinomial"  # or "ordinal": two binary outputs, P(severity >= 2) and P(severity >= 3)
    alone: Linear | None = None  # a member's post judged on its own (a thread of many members); None: `actionable`
    alone_threshold: float = 0.5
    severity_reads: str = "thread"  # what severity_features gives the severity model (see there)
    alone_severity: Linear | None = None  # ordinal severity of a post judged on its own; None: `severity`
    # the post-alone threshold for a post in these languages (chosen on that language's training posts alone, by
    # the same nested CV); any other language: alone_threshold
    alone_thresholds: dict[str, float] = field(default_factory=dict)

    def alone_threshold_for(self, language: str) -> float:
        return self.alone_thresholds.get(language, self.alone_threshold)

    def severity_probabilities(self, x: np.ndarray, alone: bool = False) -> np.ndarray:
        """P(severity 1), P(2), P(3) of each row (before severity_bias); `alone`: of a post judged on its own, by
        the post-alone severity model where the model file has one."""
        model = self.alone_severity if alone and self.alone_severity is not None else self.severity
        if self.severity_kind != "ordinal" and model is self.severity:
            return self.severity.probability(x)
        z = model.raw(np.atleast_2d(x))
        at_least = 1 / (1 + np.exp(-z))
        two, three = at_least[:, 0], np.minimum(at_least[:, 1], at_least[:, 0])
        return np.stack([1 - two, two - three, three], axis=1)


@dataclass(frozen=True)
class JudgmentModel:
    version: str
    variants: dict[str, Variant]
    report: dict

    def variant(self, with_vectors: bool) -> tuple[str, Variant]:
        name = "e5" if with_vectors and "e5" in self.variants else "fast"
        return name, self.variants[name]


def dense_features(turns: Sequence[Turn]) -> np.ndarray:
    """The readable part of the vector (both variants have it)."""
    members = [t for t in turns if not t.is_team] or [Turn("", False)]
    team = [t for t in turns if t.is_team]
    return np.array([
        max(t.complaint for t in members), members[0].complaint,
        max(t.negative for t in members), members[0].negative,
        max(t.toxicity for t in members),
        float(any(is_handoff(t.text) for t in team)), float(bool(team)),
        float(len({t.author for t in members}) > 1), float(len(members) > 1), min(len(turns), 10) / 10,
    ])


def vector_features(turns: Sequence[Turn]) -> np.ndarray:
    members = [t.vector for t in turns if not t.is_team and t.vector is not None]
    team = [t.vector for t in turns if t.is_team and t.vector is not None]
    zero = np.zeros(DIM)
    return np.concatenate([members[0] if members else zero, np.mean(members, axis=0) if members else zero,
                           np.mean(team, axis=0) if team else zero])


def features(turns: Sequence[Turn], variant: str) -> np.ndarray:
    dense = dense_features(turns)
    return np.concatenate([vector_features(turns), dense]) if variant == "e5" else dense


def severity_features(turns: Sequence[Turn], variant: str, reads: str = "first-member") -> np.ndarray:
    """What the severity model reads: which kinds of seriousness the members name, the readable features, and
    (e5) the sentence vector of the first member post (`reads` "first-member", the default since
    judgment-20261203: by brand-CV it ranks urgent threads better than the thread's three vectors, which a model
    of 36 urgent threads overfits) or the thread's whole vector (`reads` "thread", models trained before)."""
    text = " ".join(t.text for t in turns if not t.is_team)
    named = set(severity_cues(text))
    cues = [float(reason in named) for reason, _ in SEVERITY_CUES]
    if variant == "e5" and reads == "first-member":
        first = next((t.vector for t in turns if not t.is_team and t.vector is not None), None)
        return np.concatenate([first if first is not None else np.zeros(DIM), dense_features(turns), cues])
    return np.concatenate([features(turns, variant), cues])


def severity_cues(text: str) -> list[str]:
    """The kinds of seriousness the text names, in words (for the reasons; never a gate)."""
    return [reason for reason, pattern in SEVERITY_CUES if pattern.search(text or "")]


def judge(turns: Sequence[Turn], model: JudgmentModel | None = None, threshold: float | None = None) -> Judgment:
    """The judgment of a thread as it stands (turns oldest first)."""
    model = model or load_model()
    with_vectors = all(t.vector is not None for t in turns)
    name, variant = model.variant(with_vectors)
    probability = float(variant.actionable.probability(features(turns, name))[0])
    limit = variant.threshold if threshold is None else threshold
    return _judged(turns, name, variant, probability, limit, "the thread judgment")


def judge_alone(turns: Sequence[Turn], model: JudgmentModel | None = None,
                threshold: float | None = None) -> Judgment:
    """One member's post judged on its own (`turns`: the post, or what led to it and then the post), as in a forum
    topic or chat room of many members: by the post-alone model, which has also learnt what a community's chatter
    looks like (the thread model only knows support threads), on the post alone (a team post before it is a
    support thread's signal, not a chat room's); `threshold` None: the model's own for the post's language."""
    model = model or load_model()
    name, variant = model.variant(all(t.vector is not None for t in turns))
    if variant.alone is None:
        return judge(turns, model, threshold)
    turns = list(turns)[-1:]
    probability = float(variant.alone.probability(features(turns, name))[0])
    limit = variant.alone_threshold_for(turns[0].language) if threshold is None else threshold
    return _judged(turns, name, variant, probability, limit, "the post judged on its own", alone=True)


def _judged(turns: Sequence[Turn], name: str, variant: Variant, probability: float, limit: float,
            by: str, alone: bool = False) -> Judgment:
    members = [i for i, t in enumerate(turns) if not t.is_team]
    if probability < limit or not members:
        return Judgment(probability, False, 0, None, variant=name)
    origin = next((i for i in members
                   if float(variant.actionable.probability(features([turns[i]], name))[0]) >= variant.origin_threshold),
                  members[0])
    probs = (variant.severity_probabilities(severity_features(turns, name, variant.severity_reads), alone)[0]
             + np.asarray(variant.severity_bias))
    severity = int(np.argmax(probs)) + 1
    named = severity_cues(" ".join(turns[i].text for i in members))
    reasons = [f"{JUDGED_REASON} ({probability:.0%} by {by}; cases open from "
               f"{limit:.0%})", f"{SEVERITY_REASON}{severity} ({['minor', 'a real problem', 'urgent'][severity - 1]})"
               + (": " + ", ".join(named) if named else "")]
    return Judgment(probability, True, severity, origin, reasons, name)


def _model_file() -> Path:
    from django.conf import settings

    elsewhere = getattr(settings, "CARELOOP_MODELS_DIR", None)
    if elsewhere and (Path(elsewhere) / "judgment" / "model.json").is_file():
        return Path(elsewhere) / "judgment" / "model.json"
    return MODEL_DIR / "model.json"


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> JudgmentModel:
    """The shipped judgment model, or one written by `careloop train --profile judgment --out DIR` when
    CARELOOP_MODELS_DIR names that DIR (and it holds a judgment model)."""
    file = Path(path) if path else _model_file()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no judgment model at {file}: run `careloop train --profile judgment`") from None
    variants = {}
    for name, v in data["variants"].items():
        variants[name] = Variant(Linear.from_dict(v["actionable"]), Linear.from_dict(v["severity"]),
                                 float(v["threshold"]), float(v["origin_threshold"]),
                                 tuple(v.get("severity_bias", (0.0, 0.0, 0.0))),
                                 str(v.get("severity_kind", "multinomial")),
                                 Linear.from_dict(v["alone"]) if v.get("alone") else None,
                                 float(v.get("alone_threshold", 0.5)),
                                 str(v.get("severity_reads", "thread")),
                                 Linear.from_dict(v["alone_severity"]) if v.get("alone_severity") else None,
                                 {k: float(t) for k, t in v.get("alone_thresholds", {}).items()})
    return JudgmentModel(data["version"], variants, data.get("report", {}))
