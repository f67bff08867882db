"""voicecheck: a brand-voice and reply-quality linter for customer-service replies.

    >>> import voicecheck
    >>> voicecheck.check("We apologize for any inconvenience.", lang="en").verdict
    'warn'

The public API is loaded lazily so that `voicecheck --version` and `voicecheck rules` never
import spaCy.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Checker", "Finding", "Guide", "Report", "Suggestion", "VoicecheckError", "check",
           "load_guide", "__version__"]

_LAZY = {
    "Checker": "voicecheck.engine",
    "check": "voicecheck.engine",
    "Guide": "voicecheck.guide",
    "load_guide": "voicecheck.guide",
    "Finding": "voicecheck.model",
    "Report": "voicecheck.model",
    "Suggestion": "voicecheck.model",
    "VoicecheckError": "voicecheck.model",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'voicecheck' has no attribute '{name}'")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
