"""The demo's 60 days replayed through the real case loop, so a newcomer sees the loop working.

The listener reads the community in the order it was written (`update_threads`, one slice per post that may
be a complaint), so each case opens at the time of the complaint that raised it. Every case it opens gets a
plan from a fixed seed: reach out, the member answers, act, mark it done, the scheduler asks the follow-up
question, the member answers — mostly satisfied with a rating of 4 or 5, sometimes not (another loop), a few
never answer until the reminder; a few cases are dismissed (trolls, not a complaint). The plan's steps run in
time order with the other cases' steps and the listener's slices, each at its own moment on the case loop's
clock (`careloop.cases.clock.at`), through the loop's own functions: `reach_out`, `act`, `follow_up`,
`outbox.send_due` (messages are recorded as delivered by careloop.demo.delivery) and the replies through
`follow_up.attach_private_reply`. Steps that would fall after the end of the demo never happen: recent
cases stay in the queue, in whatever state their plan had reached, and the newest ones are not picked up yet.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import count

from careloop.cases import act, clock, follow_up, outbox, reach_out
from careloop.cases.models import Case, CaseState, OutboxMessage
from careloop.community.models import Post
from careloop.community.scores import TOXIC
from careloop.connectors.base import PrivateReply

TEAM = (("mara", "Mara", "Lindqvist", "manager"), ("jonas", "Jonas", "Becker", "agent"),
        ("priya", "Priya", "Raman", "agent"))
NOT_PICKED_UP = timedelta(days=4)  # cases this young are mostly still new when the demo starts
PICKED_UP_RECENT = 0.35  # ... except this share of them
NEVER_PICKED_UP = timedelta(hours=48)  # and these always are: the newcomer's first cases to reach out on
OLD = timedelta(days=30)  # older cases mostly went all the way round; younger ones are mostly still open

ANSWERS = {
    "en": {
        "first": ["Thanks for getting in touch. It happens every time I open it since the last update.",
                  "Yes please, I'd appreciate it. I tried reinstalling, no change.",
                  "Sure. It started on Monday, same device as always.",
                  "Thank you for reaching out — happy to send you the details."],
        "yes": ["{rating}/5 — works now, thank you!", "Yes, it's sorted. {rating}/5",
                "All good now, thanks for following up. {rating} out of 5"],
        "unclear": ["Hmm, 3/5. It's a bit different now, I'll keep an eye on it.", "3/5 I guess, we'll see."],
        "no": ["Not really, it's still broken for me. 2/5", "Still happening after the fix, sorry. 2/5",
               "No, same problem as before. 1/5"],
    },
    "de": {
        "first": ["Danke für die Nachricht. Es passiert seit dem letzten Update jedes Mal.",
                  "Ja gerne. Neu installiert habe ich schon, ohne Erfolg.",
                  "Klar, es fing am Montag an, gleiches Gerät wie immer."],
        "yes": ["{rating}/5 — funktioniert jetzt, danke!", "Ja, passt jetzt. {rating} von 5",
                "Alles gut jetzt, danke fürs Nachfragen. {rating}/5"],
        "unclear": ["Hm, 3/5. Mal sehen, ob es so bleibt.", "3 von 5, ich beobachte es."],
        "no": ["Nein, geht immer noch nicht. 2/5", "Leider immer noch kaputt. 1/5",
               "Nicht gelöst, gleiches Problem. 2/5"],
    },
}
FIXES = ["Reproduce it on the current build", "Ask the app team for a hotfix", "Correct the member's account",
         "Refund the double charge", "Update the help article", "Check the sync logs for this account"]


@dataclass(order=True)
class _Step:
    at: datetime
    seq: int
    run: Callable[[], object] = field(compare=False)


@dataclass
class Replayed:
    opened: int = 0
    steps: int = 0
    messages: int = 0


class _Replay:
    def __init__(self, end: datetime, seed: int) -> None:
        self.end = end
        self.seed = seed
        self.queue: list[_Step] = []
        self.seq = count()
        self.team = _team()
        self.result = Replayed()
        self.start = end - timedelta(days=60)
        self.stuck: dict[int, str] = {}

    def at(self, moment: datetime, run: Callable[[], object]) -> None:  # what run() returns is not used
        if moment <= self.end:
            heapq.heappush(self.queue, _Step(moment, next(self.seq), run))

    def run(self) -> Replayed:
        while self.queue:
            step = heapq.heappop(self.queue)
            with clock.at(step.at):
                step.run()
                self.result.messages += outbox.send_due(now=step.at)
            self.result.steps += 1
        return self.result

    # ----------------------------------------------------------------------------------- the listener
    def listen(self, post_ids: list[int], moment: datetime) -> None:
        from careloop.listen.incremental import update_threads

        outcome = update_threads(post_ids, at=moment)
        for case in outcome.opened:
            self.result.opened += 1
            self.plan(case)

    # ----------------------------------------------------------------------------------- one case's plan
    def plan(self, case: Case) -> None:
        rng = random.Random(f"{self.seed}-{case.post.external_id if case.post else case.pk}")
        opened = case.opened_at
        age = self.end - opened
        if age < NEVER_PICKED_UP or (age < NOT_PICKED_UP and rng.random() > PICKED_UP_RECENT):
            return  # not picked up yet: the queue's newest cases
        manager = rng.choice(self.team)
        progress = (opened - self.start) / (self.end - self.start)  # the team gets quicker over the 60 days
        first_contact = timedelta(hours=rng.uniform(0.5, 14) * (1.7 - progress))
        if any(r.startswith("troll signals") for r in case.reasons) and rng.random() < 0.6:
            self.at(opened + first_contact, lambda: act.dismiss(case, manager, "troll",
                                                                note="Known troll pattern; not engaging."))
            return
        if (case.risk or 0) < 0.2 and rng.random() < 0.12:
            self.at(opened + first_contact, lambda: act.dismiss(
                case, manager, "not_complaint", note="A question about plans, answered in the thread."))
            return
        self.stuck[case.pk] = _stuck(self.end - opened, rng)
        self.at(opened + first_contact, lambda: self.reach_out(case, manager, rng))

    def reach_out(self, case: Case, manager, rng: random.Random) -> None:
        case.refresh_from_db()
        if case.state != CaseState.NEW:
            return
        act.assign(case, manager)
        text = reach_out.draft_outreach(case, manager=manager).text
        reach_out.reach_out(case, manager, text, channel="dm")
        if self.stuck.get(case.pk) == "no_answer_yet":
            return  # the member has not answered the first message (yet): the case waits in reaching out
        self.at(clock.now() + timedelta(hours=rng.uniform(0.5, 18)),
                lambda: self.member_says(case, rng.choice(self.answers(case)["first"])))
        self.at(clock.now() + timedelta(hours=rng.uniform(20, 40)), lambda: self.act(case, manager, rng))

    def act(self, case: Case, manager, rng: random.Random) -> None:
        case.refresh_from_db()
        if case.state not in (CaseState.REACHING_OUT, CaseState.ACTING):
            return
        if case.state == CaseState.REACHING_OUT:
            act.start_acting(case, manager, because="working on it before the member answered")
        item = act.add_action_item(case, manager, rng.choice(FIXES))
        if rng.random() < 0.4:
            act.link_ticket(case, manager, f"https://tracker.lumen.example/issues/{rng.randint(1200, 4800)}",
                            title=case.topic[:80])
        if self.stuck.get(case.pk) == "waiting_on_fix" and case.loop_count == 0:
            act.add_note(case, manager, "Waiting on the app team's fix; it is in the next release.")
            return  # still being fixed
        self.at(clock.now() + timedelta(hours=rng.uniform(3, 60)), lambda: self.done(case, manager, item, rng))

    def done(self, case: Case, manager, item, rng: random.Random) -> None:
        case.refresh_from_db()
        if case.state != CaseState.ACTING:
            return
        act.complete_action_item(item, manager)
        act.mark_action_done(case, manager, note="Fixed; asking the member in a couple of days.")
        case.refresh_from_db()
        due = case.follow_up_due_at
        if due is None:  # mark_action_done set it; without it there is no follow-up to replay
            return
        self.at(due, lambda: follow_up.wake_due(now=clock.now()))  # what the scheduler does every minute
        roll = rng.random()
        if self.stuck.get(case.pk) == "silent":  # asked, reminded, no answer: the scheduler flags it overdue
            self.at(due + follow_up.reply_wait(), lambda: follow_up.wake_due(now=clock.now()))
            self.at(due + 2 * follow_up.reply_wait(), lambda: follow_up.wake_due(now=clock.now()))
            return
        if roll < 0.06:  # no answer to the question; the reminder gets one
            due += follow_up.reply_wait()
            self.at(due, lambda: follow_up.wake_due(now=clock.now()))
        mood = "yes" if case.loop_count >= 1 or not 0.06 <= roll < 0.32 else "no" if roll < 0.24 else "unclear"
        self.at(due + timedelta(hours=rng.uniform(0.5, 30)), lambda: self.answer(case, manager, mood, rng))

    def answer(self, case: Case, manager, mood: str, rng: random.Random) -> None:
        case.refresh_from_db()
        if case.state != CaseState.FOLLOWING_UP:
            return
        self.member_says(case, rng.choice(self.answers(case)[mood]).format(rating=rng.choice((4, 5, 5))))
        case.refresh_from_db()
        if case.state == CaseState.FOLLOWING_UP:  # could not tell: the manager reads it and decides
            self.at(clock.now() + timedelta(hours=rng.uniform(1, 8)),
                    lambda: follow_up.mark_satisfied(case, manager, True, rating=3))
        elif case.state == CaseState.ACTING:  # not satisfied: another loop
            act.add_note(case, manager, "Still broken for the member; escalating to the app team.")
            self.at(clock.now() + timedelta(hours=rng.uniform(2, 12)), lambda: self.act(case, manager, rng))

    def member_says(self, case: Case, body: str) -> None:
        """A private reply from the member, read back as a connector would and matched to its case."""
        last = (OutboxMessage.objects.filter(case=case, status=OutboxMessage.Status.SENT)
                .exclude(kind=OutboxMessage.Kind.PUBLIC_REPLY).order_by("-sent_at", "-id").first())
        reply = PrivateReply(sender=case.member.external_id, body=body, at=clock.now(),
                             external_id=f"demo-reply-{case.pk}-{next(self.seq)}",
                             in_reply_to=last.external_id if last else "")
        follow_up.attach_private_reply(case.source, reply)

    @staticmethod
    def answers(case: Case) -> dict[str, list[str]]:
        return ANSWERS.get(reach_out.language_of(case), ANSWERS["en"])


def _stuck(age: timedelta, rng: random.Random) -> str:
    """Where a case's plan stops short of the end: most of the last month's cases are still being worked."""
    share = 0.15 if age > OLD else 0.7
    if rng.random() >= share:
        return ""
    return rng.choice(("waiting_on_fix", "waiting_on_fix", "silent", "no_answer_yet"))


def _team() -> list:
    """The demo's teammates, each with the role they work cases in (so they can be assigned and filtered by)."""
    from django.contrib.auth import get_user_model

    from careloop.cases.roles import role_of, set_role

    user_model = get_user_model()
    team = []
    for username, first, last, role in TEAM:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, first_name=first, last_name=last)
            user.set_unusable_password()  # the demo's teammates, on the timelines; nobody logs in as them
            user.save()
        if role_of(user) != role:
            set_role(user, role)
        team.append(user)
    return team


def ensure_team() -> None:
    """Give the teammates of a demo made before they had roles their role (a later start of the demo)."""
    _team()


def complaint_times(end: datetime) -> list[datetime]:
    """When a post that may open a case was written (a member's post with any complaint, negativity or toxicity):
    where the listener's slices end. The slices only pace the replay; every post is judged by listening itself."""
    from django.db.models import Q

    posts = Post.objects.filter(deleted=False, author__is_team=False, scored_at__isnull=False, created_at__lte=end)
    posts = posts.filter(Q(complaint__gte=0.3) | Q(sentiment=Post.Sentiment.NEGATIVE) | Q(toxicity__gte=TOXIC))
    return sorted(set(posts.values_list("created_at", flat=True)))


def replay(end: datetime, seed: int) -> Replayed:
    """Listen to the demo community in the order it was written and carry its cases through the loop."""
    history = _Replay(end, seed)
    posts = list(Post.objects.filter(created_at__lte=end).order_by("created_at", "id").values_list("id", "created_at"))
    bounds = [*complaint_times(end), end]
    i = 0
    for bound in bounds:
        ids = []
        while i < len(posts) and posts[i][1] <= bound:
            ids.append(posts[i][0])
            i += 1
        if ids:
            history.at(bound, partial(history.listen, ids, bound))
    history.at(end, lambda: follow_up.wake_due(now=end))  # the scheduler's sweep as the demo starts
    return history.run()
