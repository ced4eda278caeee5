"""The enrichment of one article: a pure function of its title, body and declared language.

`Enricher.load()` reads the heavy resources (spaCy model, language detector) once per process; `enrich` and
`enrich_batch` then turn text into an `Enrichment` (entities, summary, key phrases, stats). Nothing here knows
about brokers or databases.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spacy.language import Language

from services.enrich.annotation import Annotation, annotate, merge
from services.enrich.chunks import Chunk, split_into_chunks
from services.enrich.entities import canonical_entities
from services.enrich.keywords import key_phrases
from services.enrich.language import LanguageIdentifier
from services.enrich.layout import ArticleLayout
from services.enrich.model import load_model
from services.enrich.stats import article_stats
from services.enrich.stopwords import stop_words
from services.enrich.summary import DEFAULT_SENTENCES, summarise
from shared.documents import Enrichment, Pipeline

PIPELINE_VERSION = "1.0.0"

# The only language the NER model was trained on; other languages get no entities.
NER_LANGUAGE = "en"
# Characters the model takes in one minibatch: long articles go in fewer chunks at a time, because the peak
# memory of a minibatch grows with its text (16 chunks of 20k chars at a time peaked at 459 MB RSS, 5 at 323 MB).
BATCH_CHARS = 100_000
# When lingua cannot tell (a few words, mostly numbers or names), the model's own language is the best guess.
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class ArticleText:
    title: str
    body: str
    language: str | None = None  # ISO 639-1 declared by the client; wins over detection


class UnprocessableArticle(Exception):
    """The NLP cannot handle this article (permanent: retrying will not help)."""


@dataclass(frozen=True)
class _Prepared:
    layout: ArticleLayout
    language: str
    language_source: Literal["declared", "detected"]
    chunks: list[Chunk]

    @property
    def recognises_entities(self) -> bool:
        return self.language == NER_LANGUAGE


class Enricher:
    """Heavy resources (spaCy model, language detector) loaded once per process, then reused."""

    def __init__(
        self, *, nlp: Language, languages: LanguageIdentifier, summary_sentences: int = DEFAULT_SENTENCES
    ) -> None:
        self._nlp = nlp
        self._languages = languages
        self._summary_sentences = summary_sentences
        self.model_name: str = f"{nlp.meta['lang']}_{nlp.meta['name']}"
        self.model_version: str = str(nlp.meta["version"])

    @classmethod
    def load(cls, *, summary_sentences: int = DEFAULT_SENTENCES) -> "Enricher":
        return cls(nlp=load_model(), languages=LanguageIdentifier.load(), summary_sentences=summary_sentences)

    @property
    def nlp(self) -> Language:
        """The loaded spaCy pipeline (the evaluation compares its bare entities with ours)."""
        return self._nlp

    def pipeline(self, worker: str | None = None) -> Pipeline:
        return Pipeline(
            version=PIPELINE_VERSION, model=self.model_name, model_version=self.model_version, worker=worker
        )

    def enrich(self, article: ArticleText) -> Enrichment:
        """Raises `UnprocessableArticle` when the NLP cannot handle the article."""
        (result,) = self.enrich_batch([article])
        if isinstance(result, UnprocessableArticle):
            raise result
        return result

    def enrich_batch(
        self, articles: Sequence[ArticleText], *, batch_size: int = 16
    ) -> list[Enrichment | UnprocessableArticle]:
        """One result per article, in order; an article that fails gets an `UnprocessableArticle` in its slot."""
        batch_size = max(1, batch_size)
        results: list[Enrichment | UnprocessableArticle] = []
        for first in range(0, len(articles), batch_size):
            batch = [self._prepare(article) for article in articles[first : first + batch_size]]
            # Strings and lexemes a batch adds to the shared vocabulary are freed when the zone closes, so a
            # long-running worker does not grow; no Doc may outlive it, hence the plain-offset annotations.
            with self._nlp.memory_zone():
                annotations = self._annotate(batch, batch_size)
            results.extend(
                self._assemble(item, annotation) for item, annotation in zip(batch, annotations, strict=True)
            )
        return results

    def _prepare(self, article: ArticleText) -> _Prepared | UnprocessableArticle:
        if not any(ch.isalnum() for ch in article.title + article.body):
            return UnprocessableArticle("the article has no words to analyse")
        layout = ArticleLayout(article.title, article.body)
        language_source: Literal["declared", "detected"] = "declared"
        language = (article.language or "").strip().lower()
        if not language:
            language_source = "detected"
            language = self._languages.detect(layout.text) or FALLBACK_LANGUAGE
        return _Prepared(layout, language, language_source, split_into_chunks(layout.text))

    def _annotate(
        self, batch: Sequence[_Prepared | UnprocessableArticle], batch_size: int
    ) -> list[Annotation | UnprocessableArticle]:
        annotations: list[Annotation | UnprocessableArticle] = [
            item if isinstance(item, UnprocessableArticle) else Annotation((), ()) for item in batch
        ]
        for with_entities in (True, False):
            members = [
                (slot, item)
                for slot, item in enumerate(batch)
                if isinstance(item, _Prepared) and item.recognises_entities == with_entities
            ]
            if not members:
                continue
            group = [item for _, item in members]
            disable = [] if with_entities else [name for name in ("ner",) if name in self._nlp.pipe_names]
            found: Sequence[Annotation | UnprocessableArticle]
            try:
                found = self._annotate_group(group, batch_size, disable)
            except Exception:
                # One bad article must not sink the batch: retry each alone to find which one fails.
                found = [self._annotate_alone(item, disable) for item in group]
            for (slot, _), annotation in zip(members, found, strict=True):
                annotations[slot] = annotation
        return annotations

    def _annotate_group(self, group: Sequence[_Prepared], batch_size: int, disable: list[str]) -> list[Annotation]:
        chunks = [(position, chunk) for position, item in enumerate(group) for chunk in item.chunks]
        longest = max(len(chunk.text) for _, chunk in chunks)
        size = max(1, min(batch_size, BATCH_CHARS // max(longest, 1)))
        docs = self._nlp.pipe((chunk.text for _, chunk in chunks), batch_size=size, disable=disable)
        parts: list[list[Annotation]] = [[] for _ in group]
        for (position, chunk), doc in zip(chunks, docs, strict=True):
            parts[position].append(annotate(doc, offset=chunk.offset))
        return [merge(part) for part in parts]

    def _annotate_alone(self, item: _Prepared, disable: list[str]) -> Annotation | UnprocessableArticle:
        try:
            return self._annotate_group([item], 1, disable)[0]
        except Exception as error:
            failure = UnprocessableArticle(f"the language model failed on this article: {error!r}")
            failure.__cause__ = error
            return failure

    def _assemble(
        self, item: _Prepared | UnprocessableArticle, annotation: Annotation | UnprocessableArticle
    ) -> Enrichment | UnprocessableArticle:
        if isinstance(item, UnprocessableArticle):
            return item
        if isinstance(annotation, UnprocessableArticle):
            return annotation
        try:
            return self._enrichment(item, annotation)
        except Exception as error:
            failure = UnprocessableArticle(f"enrichment failed on this article: {error!r}")
            failure.__cause__ = error
            return failure

    def _enrichment(self, item: _Prepared, annotation: Annotation) -> Enrichment:
        layout = item.layout
        offset = layout.body_offset
        sentences = [(start - offset, end - offset) for start, end in annotation.sentences if start >= offset]
        stops = stop_words(item.language, layout.body)
        return Enrichment(
            language=item.language,
            language_source=item.language_source,
            entities=canonical_entities(layout, annotation.entities) if item.recognises_entities else [],
            entities_note=None
            if item.recognises_entities
            else f"named entities are only recognised in English; this article is in '{item.language}'",
            summary=summarise(
                layout.body, sentences, title=layout.title, stop_words=stops, count=self._summary_sentences
            ),
            keywords=key_phrases(layout.title, layout.body, stop_words=stops),
            stats=article_stats(layout.body, sentences=len(sentences)),
        )
