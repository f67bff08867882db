"""Reading inputs (drafts, canned-response libraries) and writing reports (text, json, ...)."""
