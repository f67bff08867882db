"""Text layer: normalisation with offset maps, language id, spaCy pipelines, metrics."""
