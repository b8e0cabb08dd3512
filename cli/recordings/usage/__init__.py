"""Prune by use: which recording files the tests really open, logged while they run.

* :mod:`.plugin` is a pytest plugin (entry point ``pytest11``) that does nothing unless asked
  (``pytest --recordings-usage DIR`` or ``RECORDINGS_USAGE_DIR=DIR``). Each process, xdist workers
  included, writes its own JSON-lines log under DIR: the run (what was collected and selected, and
  every option that narrowed the selection), then one line per test (its outcome, and every
  recording file it opened: cassettes with the interactions played out of those recorded).
* :mod:`.track` turns the same log on in a process that is not pytest (a server that runs the
  recorder), for whatever it opens.
* :mod:`.evidence` reads every log of a folder (several CI jobs or shards) into what was used.
* :mod:`.plan` decides, from that evidence alone, which recordings no test used, and keeps the rest
  with the reason.

Files are caught when they are opened (``sys.addaudithook``'s ``open`` events) under a folder named
``cassettes`` or ``recordings``, or with a ``.har`` name: that works for any recorder without patching it.
"""

FORMAT_VERSION = 1
ENV_DIR = "RECORDINGS_USAGE_DIR"
ENV_RUN = "RECORDINGS_USAGE_RUN"  # one id for every process of a run (the controller passes it to workers)
FOLDERS = ("cassettes", "recordings")
SUFFIXES = (".har", ".har.json", ".har.yaml")
