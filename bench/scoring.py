"""Benchmark: the scoring profiles (language + complaint + sentiment + toxicity) on 100,000 EN/DE posts.

Prints, for one process on this machine: posts/s end to end and per stage, and the peak memory (max RSS) of the
child process that did the scoring. Then, on the same English dev data, careloop next to the classical
off-the-shelf tools: VADER on TweetEval sentiment and alt-profanity-check on OLID toxicity (accuracy, macro-F1,
posts/s). Not a test: it never fails on timing.

Baselines (the targets, on a 2-core machine, one process): fast at least 10,000 posts/s; accurate at least 300.

The shipped models never saw these dev sets (they are fitted on the training parts only), so the comparison is
fair as it stands.

    python bench/scoring.py                      # 100,000 posts, data from $CARELOOP_DATA_DIR or ../shared/data
    python bench/scoring.py --posts 20000 --data /path/to/shared/data
    python bench/scoring.py --profile accurate     # the accurate profile (assembled once into .cache/)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_POSTS_PER_S = {"fast": 10_000, "accurate": 300}
ACCURATE_DIR = ROOT / ".cache" / "accurate-model"
EMOJI = ["🙂", "😡", "👍", "🙏", "😂", "🔥", "😞", "❤️"]
CHUNK = 2000


# ------------------------------------------------------------------------------------------ posts


def demo_texts() -> dict[str, list[str]]:
    """The demo community's post texts by language (careloop.demo.generate, seed 7)."""
    from careloop.demo.generate import generate

    posts, truth = generate(7)
    by_lang: dict[str, list[str]] = {"en": [], "de": []}
    for p in posts:
        by_lang[truth["posts"][p["id"]]["language"]].append(p["text"])
    return by_lang


def vary(rng: random.Random, texts: list[str]) -> str:
    """One realistic post: a demo text, sometimes two of the same language, with mentions, links and emoji."""
    text = rng.choice(texts)
    if len(text) < 60 or rng.random() < 0.35:
        text = f"{text} {rng.choice(texts)}"
    if rng.random() < 0.2:
        text = f"@member{rng.randrange(500)} {text}"
    if rng.random() < 0.06:
        text = f"{text} https://forum.lumen.example/t/{rng.randrange(9000)}"
    if rng.random() < 0.12:
        text = f"{text} {rng.choice(EMOJI)}"
    return text[:400]


def make_posts(n: int, seed: int = 1) -> list[str]:
    """n posts, 65 % English and 35 % German (the demo community's mix), 60-200 characters typically."""
    rng = random.Random(seed)
    by_lang = demo_texts()
    return [vary(rng, by_lang["en"] if rng.random() < 0.65 else by_lang["de"]) for _ in range(n)]


# ------------------------------------------------------------------------------------------ speed (child process)


def load_scorer(profile: str):
    if profile == "accurate":
        from careloop.listen.accurate import AccurateScorer
        from careloop.listen.accurate.assemble import assemble

        return AccurateScorer(assemble(ACCURATE_DIR, echo=print))
    from careloop.listen.fast import load_fast_scorer

    return load_fast_scorer()


def child(path: Path, profile: str) -> None:
    """Score the posts in `path` (one JSON string per line); print timings as JSON. Runs in its own process."""
    from careloop.listen.language import detect_languages

    texts = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if profile == "accurate":
        load_scorer(profile)  # assembling (first run only) is not part of the load time
    t0 = time.perf_counter()
    scorer = load_scorer(profile)
    detect_languages(["warm up"])
    load_s = time.perf_counter() - t0
    stages = {"language": 0.0, "heads": 0.0}
    cpu_start = time.process_time()
    start = time.perf_counter()
    for i in range(0, len(texts), CHUNK):
        chunk = texts[i:i + CHUNK]
        s = time.perf_counter()
        detect_languages(chunk)
        m = time.perf_counter()
        scorer.predict(chunk)
        stages["language"] += m - s
        stages["heads"] += time.perf_counter() - m
    total = time.perf_counter() - start
    cpu_s = time.process_time() - cpu_start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": len(texts), "load_s": load_s, "total_s": total, "cpu_s": cpu_s, **stages,
                      "peak_mb": peak_kb / 1024,
                      "version": scorer.version}))


def speed(posts: list[str], profile: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posts.jsonl"
        path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n", encoding="utf-8")
        out = subprocess.run([sys.executable, __file__, "--child", str(path), "--profile", profile], check=True,
                             capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------ quality vs classical tools


def timed(fn, texts: Sequence[str]) -> tuple[list[str], float]:
    start = time.perf_counter()
    labels = fn(texts)
    return labels, len(texts) / max(time.perf_counter() - start, 1e-9)


def vader_labels(texts: Sequence[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    out = []
    for text in texts:
        compound = analyzer.polarity_scores(text)["compound"]
        out.append("positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral")
    return out


def profanity_labels(texts: Sequence[str]) -> list[str]:
    from profanity_check import predict_prob

    return ["toxic" if p >= 0.5 else "not_toxic" for p in predict_prob(list(texts))]


def compare(data_dir: Path, profiles: Sequence[str]) -> None:
    from careloop.listen.building import fast as T
    from careloop.listen.building.evaluation import TASK_LABELS, load_labelled, metrics

    scorers = {profile: load_scorer(profile) for profile in profiles}
    en_train = load_labelled(data_dir / "sentiment/en-tweeteval.train.jsonl", "sentiment")
    sentiment_dev = T.holdout(*en_train)[1]
    olid_dev = load_labelled(data_dir / "toxicity/en-olid.dev.jsonl", "toxicity")
    rows = [
        ("sentiment", "TweetEval sentiment dev (15 % hold-out)", sentiment_dev, "VADER", vader_labels),
        ("toxicity", "OLID dev", olid_dev, "alt-profanity-check", profanity_labels),
    ]
    for task, title, (texts, gold), tool, tool_fn in rows:
        print(f"\n{title}: {len(texts)} posts")
        results = [(tool, *timed(tool_fn, texts))]
        for profile, scorer in scorers.items():
            results.append((f"careloop {profile} (as shipped; never trained on this set)",
                            *timed(lambda t, task=task, scorer=scorer: scorer.labels(task, t), texts)))
        for name, predicted, rate in results:
            m = metrics(gold, predicted, TASK_LABELS[task])
            print(f"  {name:<62} accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
                  f"macro-recall {m['macro_recall']:.3f}  {rate:>9,.0f} posts/s")


# ------------------------------------------------------------------------------------------ demo community


def demo_sanity() -> None:
    """The demo community's ground truth (templated, synthetic: a sanity check, not a quality estimate)."""
    from careloop.demo.generate import generate
    from careloop.listen.fast import SENTIMENTS, load_fast_scorer
    from careloop.listen.language import detect_languages

    posts, truth = generate(7)
    texts = [p["text"] for p in posts]
    langs = [truth["posts"][p["id"]]["language"] for p in posts]
    kinds = [truth["posts"][p["id"]]["kind"] for p in posts]
    found = [lang for lang, _ in detect_languages(texts)]
    predicted = load_fast_scorer().predict(texts)
    scorer = load_fast_scorer()
    print(f"\ndemo community (seed 7, {len(texts)} posts; templated text, so only a sanity check):")
    print(f"  language: {sum(f == g for f, g in zip(found, langs, strict=True)) / len(texts):.3f} correct")
    for lang in ("en", "de"):
        rows = [i for i, g in enumerate(langs) if g == lang]
        def share(kind_set, test, rows=rows):
            picked = [i for i in rows if kinds[i] in kind_set]
            return sum(test(i) for i in picked) / max(len(picked), 1), len(picked)
        complaint = share({"complaint"}, lambda i: predicted.complaint[i] >= scorer.thresholds["complaint"])
        others = share({"friendly", "thanks", "answer", "question", "welcome"},
                       lambda i: predicted.complaint[i] >= scorer.thresholds["complaint"])
        negative = share({"complaint"}, lambda i: SENTIMENTS[predicted.sentiment[i].argmax()] == "negative")
        positive = share({"thanks"}, lambda i: SENTIMENTS[predicted.sentiment[i].argmax()] == "positive")
        troll = share({"troll"}, lambda i: predicted.toxicity[i] >= scorer.thresholds["toxicity"])
        print(f"  {lang}: complaints flagged {complaint[0]:.2f} (n={complaint[1]}), friendly/thanks/answers/questions "
              f"flagged {others[0]:.2f} (n={others[1]}); complaints negative {negative[0]:.2f}, thanks positive "
              f"{positive[0]:.2f} (n={positive[1]}); troll posts toxic {troll[0]:.2f} (n={troll[1]})")


# ------------------------------------------------------------------------------------------ main


def default_data() -> Path:
    env = os.environ.get("CARELOOP_DATA_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000, help="how many posts to score [100000]")
    parser.add_argument("--data", type=Path, default=None, help="labelled data [$CARELOOP_DATA_DIR or ../shared/data]")
    parser.add_argument("--profile", choices=["fast", "accurate", "both"], default="both",
                        help="which profile(s) to time [both]")
    parser.add_argument("--accurate-posts", type=int, default=None,
                        help="posts for the accurate profile [same as --posts]")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.profile)
        return
    profiles = ["fast", "accurate"] if args.profile == "both" else [args.profile]
    for profile in profiles:
        n = args.accurate_posts if profile == "accurate" and args.accurate_posts else args.posts
        posts = make_posts(n)
        mean_len = sum(map(len, posts)) / max(len(posts), 1)
        print(f"{len(posts):,} generated EN/DE posts, mean {mean_len:.0f} characters")
        r = speed(posts, profile)
        rate = r["n"] / r["total_s"]
        target = TARGET_POSTS_PER_S[profile]
        verdict = "meets" if rate >= target else "BELOW"
        print(f"{profile} profile {r['version']}: {rate:,.0f} posts/s (language + three heads, one process; "
              f"{verdict} the {target:,} posts/s baseline)")
        print(f"  {r['n'] / r['cpu_s']:,.0f} posts per CPU-second (wall-clock figures drop when other work shares "
              f"the cores: load average now {os.getloadavg()[0]:.1f})")
        print(f"  language {r['n'] / r['language']:,.0f} posts/s, heads {r['n'] / r['heads']:,.0f} posts/s, "
              f"model load {r['load_s']:.2f} s, peak memory {r['peak_mb']:.0f} MB (max RSS of the scoring process)")
    demo_sanity()
    data_dir = args.data or default_data()
    if data_dir.is_dir():
        compare(data_dir, profiles)
    else:
        print(f"\nno labelled data at {data_dir}: skipping the quality comparison (use --data)")


if __name__ == "__main__":
    main()
