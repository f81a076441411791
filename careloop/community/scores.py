"""What a post's scores mean: the one home of the thresholds at which a score reads as a complaint or as toxic.

Plain numbers, no Django: the listener, the pages and model building (careloop.listen.judgment, handoff) read
them alike. Post.complaint and Post.toxicity are probabilities in [0, 1] (careloop.listen.scoring).
"""

from __future__ import annotations

# A post whose complaint score reaches this reads as a complaint: its tag on the pages, a thread's latest
# complaint (escalation), a grievance a troll repeats, a negative post in a thread, an unhappy reply after a
# hand-off.
COMPLAINT = 0.5
# A post whose toxicity score reaches this counts as toxic: its tag on the pages, member cards, troll signals,
# a thread's risk.
TOXIC = 0.5
# A member with at least this share of toxic posts (among their scored ones) shows it as a troll signal, on the
# member card and in the troll detection.
TOXIC_SHARE = 0.2
