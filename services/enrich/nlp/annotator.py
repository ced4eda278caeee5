"""The spaCy model and nothing else: chunked texts in, plain-offset annotations out.

Kept apart from the rest of the enrichment so the worker can run it in a process of its own
(`services/enrich/model_process.py`); everything here pickles.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from services.enrich.nlp.annotation import Annotation, annotate, merge
from services.enrich.nlp.chunks import Chunk
from services.enrich.nlp.model import load_model

# Characters the model takes in one minibatch: long articles go in fewer chunks at a time, because the peak
# memory of a minibatch grows with the text in it, not with the number of chunks.
BATCH_CHARS = 100_000


@dataclass(frozen=True)
class ModelInput:
    """One article as the model reads it: its text in chunks, and whether to look for entities in it."""

    chunks: Sequence[Chunk]
    with_entities: bool


@dataclass(frozen=True)
class ModelFailure:
    """The model raised on this article (the rest of its batch is annotated all the same)."""

    reason: str


class Annotator:
    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp
        self.model_name: str = f"{nlp.meta['lang']}_{nlp.meta['name']}"
        self.model_version: str = str(nlp.meta["version"])

    @classmethod
    def load(cls) -> "Annotator":
        return cls(load_model())

    @property
    def nlp(self) -> Language:
        return self._nlp

    def annotate_batch(
        self, batch: Sequence[ModelInput | None], batch_size: int
    ) -> list[Annotation | ModelFailure | None]:
        """One result per input, in order; `None` in, `None` out (an article the enrichment already rejected)."""
        # Strings and lexemes a batch adds to the shared vocabulary are freed when the zone closes, so a
        # long-running worker does not grow; no Doc may outlive it, hence the plain-offset annotations.
        with self._nlp.memory_zone():
            results: list[Annotation | ModelFailure | None] = [None] * len(batch)
            for with_entities in (True, False):
                members = [
                    (slot, item)
                    for slot, item in enumerate(batch)
                    if item is not None and item.with_entities == with_entities
                ]
                if not members:
                    continue
                group = [item for _, item in members]
                disable = [] if with_entities else [name for name in ("ner",) if name in self._nlp.pipe_names]
                found: Sequence[Annotation | ModelFailure]
                try:
                    found = self._annotate_group(group, batch_size, disable)
                except Exception:
                    # One bad article must not sink the batch: retry each alone to find which one fails.
                    found = [self._annotate_alone(item, disable) for item in group]
                for (slot, _), annotation in zip(members, found, strict=True):
                    results[slot] = annotation
            return results

    def _annotate_group(self, group: Sequence[ModelInput], batch_size: int, disable: list[str]) -> list[Annotation]:
        chunks = [(position, chunk) for position, item in enumerate(group) for chunk in item.chunks]
        longest = max(len(chunk.text) for _, chunk in chunks)
        size = max(1, min(batch_size, BATCH_CHARS // max(longest, 1)))
        docs = self._nlp.pipe((chunk.text for _, chunk in chunks), batch_size=size, disable=disable)
        parts: list[list[Annotation]] = [[] for _ in group]
        for (position, chunk), doc in zip(chunks, docs, strict=True):
            parts[position].append(annotate(doc, offset=chunk.offset))
        return [merge(part) for part in parts]

    def _annotate_alone(self, item: ModelInput, disable: list[str]) -> Annotation | ModelFailure:
        try:
            return self._annotate_group([item], 1, disable)[0]
        except Exception as error:
            return ModelFailure(f"the language model failed on this article: {error!r}")
