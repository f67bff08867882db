"""`voicecheck serve`: an HTTP JSON API for pre-send hooks and a web playground.

Needs the optional extra: `pip install 'voicecheck[server]'` (Starlette and uvicorn).
"""

from voicecheck.server.app import create_app
from voicecheck.server.payload import Limits

__all__ = ["Limits", "create_app"]
