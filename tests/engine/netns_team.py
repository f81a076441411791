"""The team of the many-hosts test: reaches out on up to N new cases, as a web node would (the outbox rows are
written here and their deliveries queued on RabbitMQ for the worker hosts to send).

Run as `python -m tests.engine.netns_team N` with the broker's environment; prints how many messages it queued.
"""

import sys

from careloop.bootstrap import setup

if __name__ == "__main__":
    setup()
    from django.contrib.auth import get_user_model

    from careloop.cases.models import Case, CaseState
    from careloop.cases.reach_out import reach_out

    anna, _ = get_user_model().objects.get_or_create(username="anna", defaults={"first_name": "Anna"})
    queued = 0
    for case in Case.objects.filter(state=CaseState.NEW).order_by("id")[:int(sys.argv[1])]:
        reach_out(case, anna, f"Hi, I'm Anna from the team. I read your post: can we sort it out together? "
                              f"(case {case.pk})", channel="dm")
        queued += 1
    print(f"queued {queued} messages")
