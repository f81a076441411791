"""Building and measuring listen's models: what `careloop train` and `careloop eval` run, never scoring.

- fast.py: the fast profile's complaint, sentiment and toxicity models (`careloop train --profile fast`);
- accurate.py: the accurate profile's shipped part, fine-tuned e5 top layers and task heads (`--profile accurate`);
- derailment.py: the derailment forecast's model, and `careloop eval derailment`;
- judgment.py: the case judgment's model (`--profile judgment`);
- evaluation.py: a scorer against labelled posts (`careloop eval TASK FILE`); measures.py: the figures they share;
- thread_eval.py: listening against labelled whole threads (`careloop eval threads`).

The arrow runs one way: building imports what runs on every post (careloop.listen.fast, judgment, derailment,
accurate.convert, ...), which never imports careloop.listen.building (tests/test_import_layers.py holds it): a
worker never loads training code.
"""
