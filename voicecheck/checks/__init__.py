"""Rule kinds, one module each; rule packs are YAML data in rules/."""
