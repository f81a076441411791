"""Measure listening on whole labelled threads: the cases careloop opened against a community manager's labels.

`careloop eval threads POSTS LABELS` imports the posts into a throwaway data folder, lets careloop listen to
them as its worker would, lists every case (`careloop case list --json --state all --limit 0`) and hands that
list and the labels to `compare()`. Both halves are plain data, so the figures can be checked by hand.

The labels file is JSON lines, one thread a line (../shared/data/threads/README.md, LABELLING.md):
`thread_id`, `actionable`, `complainant`, `origin`, `severity` (0-3), `team_move` (private | answered | none),
`outcome` (satisfied | unsatisfied | unknown), optionally `ambiguous` (those threads are left out of every
figure) and anything else (ignored).

A thread is *flagged* when careloop opened at least one case in it; the *first case* of a thread is its first
in the list's order (the queue's: open cases most urgent first, then closed ones). A figure whose denominator
is empty is None.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from careloop.listen.building.evaluation import EvalFileError, json_object

TEAM_MOVES = ("private", "answered", "none")
OUTCOMES = ("satisfied", "unsatisfied", "unknown")
NDCG_AT = 50
EXPECTED = ('expected one JSON object a line: {"thread_id": "...", "actionable": true|false, "complainant": '
            '"author id"|null, "origin": "post id"|null, "severity": 0-3, "team_move": "private"|"answered"|"none", '
            '"outcome": "satisfied"|"unsatisfied"|"unknown", "ambiguous": false}')


class LabelsFileError(EvalFileError):
    """A labels file that is not JSON lines of thread labels; the message names the file, line and field."""


class ListeningFailed(RuntimeError):
    """The throwaway import or case list did not finish; the message says which step and what it printed."""


@dataclass(frozen=True)
class ThreadLabel:
    thread_id: str
    actionable: bool
    complainant: str | None
    origin: str | None
    severity: int
    team_move: str
    outcome: str
    ambiguous: bool = False


def parse_label(obj: dict, where: str = "label") -> ThreadLabel:
    """One thread's label from its JSON object, or a LabelsFileError naming `where` and the field at fault."""

    def bad(field: str, problem: str) -> LabelsFileError:
        return LabelsFileError(f'{where}: "{field}" {problem}; {EXPECTED}')

    thread_id = obj.get("thread_id")
    if isinstance(thread_id, int) and not isinstance(thread_id, bool):
        thread_id = str(thread_id)
    if not isinstance(thread_id, str) or not thread_id:
        raise bad("thread_id", f"is {_shown(obj, 'thread_id')}, not a thread id (a non-empty string)")
    actionable = obj.get("actionable")
    if not isinstance(actionable, bool):
        raise bad("actionable", f"is {_shown(obj, 'actionable')}, not true or false")
    severity = obj.get("severity")
    if isinstance(severity, bool) or not isinstance(severity, int) or not 0 <= severity <= 3:
        raise bad("severity", f"is {_shown(obj, 'severity')}, not an integer 0-3")
    if actionable and severity == 0:
        raise bad("severity", "is 0 on an actionable thread (1 minor, 2 real problem, 3 urgent)")
    if not actionable and severity != 0:
        raise bad("severity", f"is {severity} on a thread that is not actionable (expected 0)")
    people = {}
    for field in ("complainant", "origin"):
        value = obj.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise bad(field, f"is {_shown(obj, field)}, not a string or null")
        if actionable and not value:
            raise bad(field, "is missing on an actionable thread")
        people[field] = value or None
    team_move = obj.get("team_move")
    if team_move not in TEAM_MOVES:
        raise bad("team_move", f"is {_shown(obj, 'team_move')}, not one of {', '.join(TEAM_MOVES)}")
    outcome = obj.get("outcome")
    if outcome not in OUTCOMES:
        raise bad("outcome", f"is {_shown(obj, 'outcome')}, not one of {', '.join(OUTCOMES)}")
    ambiguous = obj.get("ambiguous", False)
    if ambiguous is None:
        ambiguous = False
    if not isinstance(ambiguous, bool):
        raise bad("ambiguous", f"is {_shown(obj, 'ambiguous')}, not true or false")
    return ThreadLabel(thread_id=thread_id, actionable=actionable, complainant=people["complainant"],
                       origin=people["origin"], severity=severity, team_move=team_move, outcome=outcome,
                       ambiguous=ambiguous)


def _shown(obj: dict, field: str) -> str:
    if field not in obj:
        return "missing"
    text = repr(obj[field])
    return text if len(text) <= 40 else text[:37] + "..."


def load_labels(path: str | Path) -> dict[str, ThreadLabel]:
    """The labels of a JSON-lines file by thread id (ambiguous ones included: compare() leaves them out).

    Blank lines are skipped; any other bad line, or a thread labelled twice, is a LabelsFileError naming the
    file, the line and the field: a silently dropped thread would change every figure.
    """
    path = Path(path)
    labels: dict[str, ThreadLabel] = {}
    first_line: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                label = parse_label(json_object(where, line, EXPECTED), where)
                if label.thread_id in labels:
                    raise LabelsFileError(f'{where}: thread "{label.thread_id}" is labelled twice (first on line '
                                          f"{first_line[label.thread_id]})")
                labels[label.thread_id] = label
                first_line[label.thread_id] = number
    except FileNotFoundError:
        raise LabelsFileError(f"{path}: no such labels file") from None
    except IsADirectoryError:
        raise LabelsFileError(f"{path}: a folder, not a labels file") from None
    except UnicodeDecodeError as exc:
        raise LabelsFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except EvalFileError as exc:
        if isinstance(exc, LabelsFileError):
            raise
        raise LabelsFileError(str(exc)) from None
    if not labels:
        raise LabelsFileError(f"{path}:1: the file holds no labels; {EXPECTED}")
    return labels


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _dcg(gains: Iterable[float]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def compare(cases: list[dict], labels: dict) -> dict:
    """The figures of `cases` (lines of `careloop case list --json --state all`, in that order) against `labels`
    (thread id → ThreadLabel, or the label's JSON object). Threads labelled ambiguous are left out; so are
    cases in threads without a label (counted in `cases_unlabelled`).

    n, precision, recall, f1: thread flagged vs actionable. recall_by_severity: recall among the actionable
    threads of each label severity. complainant_accuracy, origin_accuracy, outcome_accuracy: among flagged
    actionable threads, the first case's member / origin / public_outcome (empty: unknown) is the label's.
    ndcg50_severity: the threads in order of first appearance, gain 2^severity - 1 (label severity),
    DCG@50 / ideal DCG@50 over all labelled threads. handoff_*: over flagged threads, the first case handed off
    vs the label's team_move private.
    """
    every = [label if isinstance(label, ThreadLabel) else parse_label(label, f"the label of thread {key}")
             for key, label in labels.items()]
    used = {label.thread_id: label for label in every if not label.ambiguous}

    first: dict[str, dict] = {}  # thread → its first case, in the list's order (dicts keep insertion order)
    unlabelled = 0
    for case in cases:
        thread = case.get("thread")
        thread = str(thread) if thread is not None else None
        if thread not in used:
            unlabelled += 1
            continue
        first.setdefault(thread, case)

    actionable = {t for t, label in used.items() if label.actionable}
    flagged = set(first)
    tp = len(flagged & actionable)
    fp = len(flagged - actionable)
    fn = len(actionable - flagged)

    by_severity = {}
    for severity in (1, 2, 3):
        wanted = {t for t in actionable if used[t].severity == severity}
        by_severity[str(severity)] = _ratio(len(wanted & flagged), len(wanted))

    hits = [t for t in first if t in actionable]  # flagged actionable threads, in list order
    complainant = sum(1 for t in hits if _as_id(first[t].get("member")) == used[t].complainant)
    origin = sum(1 for t in hits if _as_id(first[t].get("origin") or first[t].get("post")) == used[t].origin)
    outcome = sum(1 for t in hits if (first[t].get("public_outcome") or "unknown") == used[t].outcome)

    handed = {t for t in first if first[t].get("handed_off")}
    private = {t for t in first if used[t].team_move == "private"}
    h_tp = len(handed & private)

    gain = {t: 2 ** label.severity - 1 for t, label in used.items()}
    ideal = _dcg(sorted(gain.values(), reverse=True)[:NDCG_AT])
    dcg = _dcg([gain[t] for t in list(first)[:NDCG_AT]])

    return {
        "n": len(used),
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "recall_by_severity": by_severity,
        "complainant_accuracy": _ratio(complainant, len(hits)),
        "origin_accuracy": _ratio(origin, len(hits)),
        "ndcg50_severity": dcg / ideal if ideal else None,
        "handoff_precision": _ratio(h_tp, len(handed)),
        "handoff_recall": _ratio(h_tp, len(private)),
        "handoff_f1": _ratio(2 * h_tp, len(handed) + len(private)),
        "outcome_accuracy": _ratio(outcome, len(hits)),
        "cases": len(cases),
        "cases_unlabelled": unlabelled,
        "flagged": len(flagged),
        "actionable": len(actionable),
        "flagged_actionable": tp,
        "skipped_ambiguous": len(every) - len(used),
    }


def _as_id(value) -> str | None:
    return None if value is None else str(value)


FIGURES = (
    ("precision", "precision (thread flagged vs actionable)"),
    ("recall", "recall"),
    ("f1", "F1"),
    ("complainant_accuracy", "complainant right (first case's member)"),
    ("origin_accuracy", "origin right (first case's origin post)"),
    ("ndcg50_severity", "NDCG@50 by severity (queue order)"),
    ("handoff_precision", "hand-off precision (moved private in public)"),
    ("handoff_recall", "hand-off recall"),
    ("handoff_f1", "hand-off F1"),
    ("outcome_accuracy", "public outcome right"),
)


def report_lines(report: dict) -> list[str]:
    """The report as readable lines, one figure a line (`careloop eval threads` without --json)."""

    def shown(value) -> str:
        return "—" if value is None else f"{value:.3f}"

    lines = [f"threads {report['n']} labelled ({report.get('skipped_ambiguous', 0)} ambiguous left out), "
             f"{report['actionable']} actionable; cases {report['cases']} on {report['flagged']} threads"
             + (f" ({report['cases_unlabelled']} cases on unlabelled threads)" if report.get("cases_unlabelled")
                else "")]
    if "seconds" in report:
        lines.append(f"listening took {report['seconds']:.1f} s (import, scoring and case opening)")
    width = max(len(text) for _, text in FIGURES)
    for key, text in FIGURES[:3]:
        lines.append(f"{text:<{width}}  {shown(report[key])}")
    for severity, value in report["recall_by_severity"].items():
        lines.append(f"{f'  recall, severity {severity}':<{width}}  {shown(value)}")
    for key, text in FIGURES[3:]:
        lines.append(f"{text:<{width}}  {shown(report[key])}")
    return lines


# Settings of the calling process that must not reach the throwaway one: its database, its queue, its settings.
NOT_PASSED_ON = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "CARELOOP_TASKS_IMMEDIATE",
                 "CARELOOP_QUEUE_NAME")


def throwaway_env(home: str | Path, accurate_dir: str | Path, profile: str | None = None) -> dict[str, str]:
    """The environment of a `careloop` child process working on a throwaway data folder `home` (its own SQLite
    database and task queue) that reuses the assembled encoder in `accurate_dir`."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_PASSED_ON}
    env["CARELOOP_HOME"] = str(home)
    env["CARELOOP_ACCURATE_DIR"] = str(accurate_dir)
    if profile:
        env["CARELOOP_SCORING_PROFILE"] = profile
    return env


def _run(args: list[str], env: dict[str, str], step: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "careloop", *args], env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", check=False)
    if done.returncode not in (0, 1) or (done.returncode == 1 and args[0] != "import"):
        tail = (done.stderr.strip() or done.stdout.strip())[-2000:]
        raise ListeningFailed(f"`careloop {' '.join(args)}` ({step}) failed with exit status {done.returncode}"
                              + (f":\n{tail}" if tail else ""))
    return done


def listen_to(posts: str | Path, accurate_dir: str | Path, profile: str | None = None) -> tuple[list[dict], float, str]:
    """Import `posts` into a throwaway data folder, wait until careloop has scored them and listened to every
    thread (`careloop import --wait`), and return (every case as `careloop case list --json --state all
    --limit 0` prints it, the seconds that took, the import's summary line). The folder is gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="careloop-eval-threads-") as home:
        env = throwaway_env(home, accurate_dir, profile)
        started = time.monotonic()
        imported = _run(["import", str(posts), "--wait", "-q"], env, "importing and listening")
        seconds = time.monotonic() - started
        summary = next((line for line in reversed(imported.stdout.splitlines()) if line.startswith("imported ")),
                       imported.stdout.strip().splitlines()[-1] if imported.stdout.strip() else "")
        listed = _run(["case", "list", "--json", "--state", "all", "--limit", "0"], env, "listing the cases")
        cases = []
        for number, line in enumerate(listed.stdout.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                cases.append(json.loads(line))
            except ValueError as exc:
                raise ListeningFailed(f"`careloop case list --json` line {number} is not JSON ({exc})") from None
    return cases, seconds, summary
