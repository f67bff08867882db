"""Style guide: schema, loading with `extends:`, discovery, validation errors with file:line."""

from voicecheck.guide.guide import Channel, Guide, Term, find_guide, guide_from_mapping, load_guide

__all__ = ["Channel", "Guide", "Term", "find_guide", "guide_from_mapping", "load_guide"]
