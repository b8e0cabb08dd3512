"""syntax: UTF-8, valid JSON, an object at the top.

The loader does the reading; :mod:`recordings.validate` turns its one-line
reason into this rule's finding, so there is nothing left to check here.
"""

ID = "syntax"
SEVERITY = "error"
SUMMARY = "UTF-8, valid JSON, an object at the top"
