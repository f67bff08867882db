"""Kind `suppression`: rules about suppression comments in canned-response libraries.

They describe findings that only `voicecheck lint` can make (it reads the comments and knows
which findings they silenced): VC901 unused-suppression, VC902 unknown-suppression-code. A
single-draft check has no comments, so the engine never compiles these rules; they are still
rules, so `voicecheck explain VC901` works and a guide can turn them off
(`rules: {VC901: off}`), which `voicecheck/io/lint.py` honours.
"""

from __future__ import annotations

PARAMS: dict[str, str] = {}
