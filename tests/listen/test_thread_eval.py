"""careloop.listen.building.thread_eval: the labels file read strictly, every figure of compare() checked by hand."""

from __future__ import annotations

import json
import math

import pytest

from careloop.listen.building.thread_eval import LabelsFileError, compare, load_labels, parse_label, report_lines


def label(thread: str, severity: int = 0, *, complainant: str | None = None, origin: str | None = None,
          team_move: str = "answered", outcome: str = "unknown", ambiguous: bool = False) -> dict:
    return {"thread_id": thread, "actionable": severity > 0, "complainant": complainant, "origin": origin,
            "severity": severity, "team_move": team_move, "outcome": outcome, "me_too": [], "ambiguous": ambiguous,
            "note": ""}


def case(thread: str | None, member: str, post: str, *, origin: str | None = None, handed_off: bool = False,
         public_outcome: str = "", state: str = "new") -> dict:
    return {"id": 0, "state": state, "severity": 2, "risk": 0.5, "thread": thread, "member": member, "post": post,
            "origin": origin, "handed_off": handed_off, "reasons": [], "public_outcome": public_outcome}


LABELS = {
    "T1": label("T1", 3, complainant="m1", origin="p1", team_move="private", outcome="unknown"),
    "T2": label("T2", 2, complainant="m2", origin="p2", team_move="answered", outcome="satisfied"),
    "T3": label("T3", 1, complainant="m3", origin="p3", team_move="private", outcome="unknown"),
    "T4": label("T4", 0, team_move="answered"),
    "T5": label("T5", 0, team_move="answered"),
    "TA": label("TA", 0, team_move="private", ambiguous=True),
}

CASES = [
    # T2 first: right member, an origin that is not the label's (origin wins over post), outcome wrong
    case("T2", "m2", "p2", origin="p2-later", public_outcome="unsatisfied"),
    case("TA", "m8", "pa", handed_off=True),  # an ambiguous thread: left out
    case("T4", "m9", "p4", handed_off=True),  # a false positive, handed off though the team only answered
    # T1: a bystander got the case; no origin, so the post counts (it is the label's origin); empty outcome
    case("T1", "bystander", "p1", origin=None, handed_off=True, public_outcome=""),
    case("T2", "m7", "p2b", origin="p2", public_outcome="satisfied"),  # not T2's first case: ignored
    case("X", "m0", "px"),  # a thread nobody labelled
]


def test_every_figure_by_hand():
    report = compare(CASES, LABELS)
    # flagged T2, T4, T1; actionable T1, T2, T3: tp 2, fp 1 (T4), fn 1 (T3)
    assert report["n"] == 5 and report["skipped_ambiguous"] == 1
    assert report["cases"] == 6 and report["cases_unlabelled"] == 2
    assert (report["flagged"], report["actionable"], report["flagged_actionable"]) == (3, 3, 2)
    assert report["precision"] == pytest.approx(2 / 3)
    assert report["recall"] == pytest.approx(2 / 3)
    assert report["f1"] == pytest.approx(2 / 3)
    assert report["recall_by_severity"] == {"1": 0.0, "2": 1.0, "3": 1.0}
    # first cases of the flagged actionable threads: T2 (m2 right, origin p2-later wrong, outcome wrong),
    # T1 (bystander wrong, origin from post p1 right, "" = unknown right)
    assert report["complainant_accuracy"] == 0.5
    assert report["origin_accuracy"] == 0.5
    assert report["outcome_accuracy"] == 0.5
    # over flagged threads T2, T4, T1: handed off T4, T1; private (label) T1 only (T3 is not flagged)
    assert report["handoff_precision"] == 0.5
    assert report["handoff_recall"] == 1.0
    assert report["handoff_f1"] == pytest.approx(2 / 3)
    # order T2 (gain 3), T4 (0), T1 (7): 3/1 + 0/log2(3) + 7/2 = 6.5; ideal 7, 3, 1, 0, 0: 7 + 3/log2(3) + 1/2
    assert report["ndcg50_severity"] == pytest.approx(6.5 / (7 + 3 / math.log2(3) + 0.5))
    assert report["ndcg50_severity"] == pytest.approx(0.692020, abs=1e-6)


def test_a_perfect_run_scores_one():
    cases = [case("T1", "m1", "p1", handed_off=True), case("T2", "m2", "p2", public_outcome="satisfied"),
             case("T3", "m3", "x", origin="p3", handed_off=True)]
    report = compare(cases, LABELS)
    for key in ("precision", "recall", "f1", "complainant_accuracy", "origin_accuracy", "ndcg50_severity",
                "handoff_precision", "handoff_recall", "handoff_f1", "outcome_accuracy"):
        assert report[key] == pytest.approx(1.0), key
    assert report["recall_by_severity"] == {"1": 1.0, "2": 1.0, "3": 1.0}
    swapped = compare([cases[1], cases[0], cases[2]], LABELS)  # severity 2 before severity 3
    assert swapped["ndcg50_severity"] == pytest.approx((3 + 7 / math.log2(3) + 1 / 2) / (7 + 3 / math.log2(3) + 0.5))


def test_nothing_flagged_gives_zero_recall_and_no_precision():
    report = compare([], LABELS)
    assert report["precision"] is None and report["recall"] == 0.0 and report["f1"] == 0.0
    assert report["recall_by_severity"] == {"1": 0.0, "2": 0.0, "3": 0.0}
    assert report["complainant_accuracy"] is None and report["origin_accuracy"] is None
    assert report["handoff_precision"] is None and report["handoff_recall"] is None and report["handoff_f1"] is None
    assert report["ndcg50_severity"] == 0.0 and report["flagged"] == 0 and report["cases"] == 0
    nothing_actionable = compare([case("T4", "m", "p")], {"T4": LABELS["T4"]})
    assert nothing_actionable["recall"] is None and nothing_actionable["ndcg50_severity"] is None
    assert nothing_actionable["precision"] == 0.0 and nothing_actionable["recall_by_severity"]["2"] is None


def test_ndcg_counts_only_the_first_fifty_threads():
    labels = {f"n{i}": label(f"n{i}") for i in range(50)} | {"late": label("late", 3, complainant="m", origin="p")}
    listed = [case(f"n{i}", "m", "p") for i in range(50)] + [case("late", "m", "p")]
    report = compare(listed, labels)
    assert report["recall"] == 1.0 and report["ndcg50_severity"] == 0.0  # the urgent thread is 51st
    assert compare(listed[-1:] + listed[:-1], labels)["ndcg50_severity"] == 1.0


def test_labels_may_be_parsed_ones_or_numbers_as_ids(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(json.dumps(v) for v in LABELS.values()) + "\n\n", encoding="utf-8")
    loaded = load_labels(path)
    assert list(loaded) == list(LABELS) and loaded["TA"].ambiguous and loaded["T1"].severity == 3
    assert compare(CASES, loaded) == compare(CASES, LABELS)
    numeric = parse_label({**label("7", 1, complainant="1", origin="2"), "thread_id": 7, "complainant": 1})
    assert (numeric.thread_id, numeric.complainant) == ("7", "1")


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "labels.jsonl:2: not valid JSON"),
    ("[1, 2]", "labels.jsonl:2: a JSON list, not an object"),
    (json.dumps({**label("T9"), "thread_id": None}), 'labels.jsonl:2: "thread_id" is None'),
    (json.dumps({k: v for k, v in label("T9").items() if k != "actionable"}), '"actionable" is missing'),
    (json.dumps({**label("T9"), "actionable": "yes"}), "\"actionable\" is 'yes', not true or false"),
    (json.dumps({**label("T9"), "severity": 4}), '"severity" is 4, not an integer 0-3'),
    (json.dumps({**label("T9", 2, complainant="m", origin="p"), "severity": 0}),
     '"severity" is 0 on an actionable thread'),
    (json.dumps({**label("T9"), "severity": 2}), '"severity" is 2 on a thread that is not actionable'),
    (json.dumps(label("T9", 2, origin="p")), '"complainant" is missing on an actionable thread'),
    (json.dumps(label("T9", 2, complainant="m")), '"origin" is missing on an actionable thread'),
    (json.dumps({**label("T9"), "team_move": "dm"}), "\"team_move\" is 'dm', not one of private, answered, none"),
    (json.dumps({**label("T9"), "outcome": "happy"}), "\"outcome\" is 'happy', not one of satisfied"),
    (json.dumps({**label("T9"), "ambiguous": "no"}), "\"ambiguous\" is 'no', not true or false"),
    (json.dumps(label("T1")), 'labels.jsonl:2: thread "T1" is labelled twice (first on line 1)'),
])
def test_a_bad_line_is_named_with_its_line_and_field(tmp_path, line, message):
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(label("T1")) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(LabelsFileError) as error:
        load_labels(path)
    assert message in str(error.value)


def test_a_missing_empty_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(LabelsFileError, match="no such labels file"):
        load_labels(tmp_path / "nowhere.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(LabelsFileError, match="empty.jsonl:1: the file holds no labels"):
        load_labels(tmp_path / "empty.jsonl")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"thread_id": "\xe9"}\n')
    with pytest.raises(LabelsFileError, match="not UTF-8"):
        load_labels(tmp_path / "latin1.jsonl")


def test_report_lines_show_every_figure_and_a_dash_for_none():
    report = {**compare(CASES, LABELS), "seconds": 1.25}
    text = "\n".join(report_lines(report))
    assert "threads 5 labelled (1 ambiguous left out), 3 actionable; cases 6 on 3 threads" in text
    assert "listening took 1.2 s" in text or "listening took 1.3 s" in text
    for words in ("precision", "recall, severity 3", "complainant right", "origin right", "NDCG@50", "hand-off F1",
                  "public outcome right"):
        assert words in text
    assert "0.692" in text
    assert "—" in "\n".join(report_lines(compare([], LABELS)))
