"""A small JSON API over the case loop and the scoring interface (docs/api.md).

Views stay thin, like the web UI's: authenticate (a personal token or the browser's session), ask
careloop.cases.roles.can(), validate the JSON, call the function in careloop/cases/ or careloop/listen/, and
answer JSON. No view changes a case itself.
"""
