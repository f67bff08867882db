"""Pieces of the canned-response readers: offset maps, suppression comments, and one module
per family of file format. `voicecheck.io.readers` is the door."""
