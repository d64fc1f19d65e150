"""The NLP model adapter: the one place the spaCy pipeline is loaded and made fast (`nlp.model`).

Apart from `flows/` (which orchestrates) and `transforms/` (pure rules that take a loaded
pipeline): the workers import it to load the model once each, the pipeline version digests it.
"""
