"""Rewrites: suggestions rendered from sandboxed Jinja templates (`templates`, `rewriter`),
`check --fix` / `--diff` (`fix`) and `voicecheck suggest` (`suggest`). docs/rewrites.md."""
