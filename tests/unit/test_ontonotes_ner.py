"""OntoNotes' CoNLL-2012 files in the CoNLL-2003 form `newsflow eval ner` scores, spans as a reader draws them."""

from pathlib import Path

from cli.evaluation import read_conll
from scripts import ontonotes_ner

# Columns: document, part, word number, word, part of speech, parse, lemma, frameset, sense, speaker, names, coref.
_ANNOTATED = """#begin document (nw/wsj/00/wsj_0001); part 000
nw/wsj/00/wsj_0001 0 0 The DT (TOP(S(NP* - - - - (ORG* -
nw/wsj/00/wsj_0001 0 1 European NNP * - - - - * -
nw/wsj/00/wsj_0001 0 2 Union NNP * - - - - *) -
nw/wsj/00/wsj_0001 0 3 met VBD (VP* meet 01 - - * -
nw/wsj/00/wsj_0001 0 4 Moody NNP (NP* - - - - (ORG* -
nw/wsj/00/wsj_0001 0 5 's POS * - - - - *) -
nw/wsj/00/wsj_0001 0 6 -LRB- -LRB- * - - - - * -
nw/wsj/00/wsj_0001 0 7 Japanese JJ * - - - - (NORP) -
nw/wsj/00/wsj_0001 0 8 -RRB- -RRB- * - - - - * -
nw/wsj/00/wsj_0001 0 9 in IN (PP* - - - - * -
nw/wsj/00/wsj_0001 0 10 Tokyo NNP (NP*) - - - - (GPE) -
nw/wsj/00/wsj_0001 0 11 last JJ (NP* - - - - (DATE* -
nw/wsj/00/wsj_0001 0 12 year NN *)))) - - - - *) -
nw/wsj/00/wsj_0001 0 13 . . *)) - - - - * -

#end document
"""
# A part the annotators gave no names: scored as gold it would count every name found in it as wrong.
_UNANNOTATED = """#begin document (nw/p2.5_a2e/00/p2.5_a2e_0001); part 000
nw/p2.5_a2e/00/p2.5_a2e_0001 -1 0 Iraqi JJ (TOP(S(NP* - - - - * -
nw/p2.5_a2e/00/p2.5_a2e_0001 -1 1 officials NNS *) - - - - * -
nw/p2.5_a2e/00/p2.5_a2e_0001 -1 2 spoke VBD (VP*)) - - - - * -

#end document
"""


def test_names_become_the_four_classes_without_a_leading_the_or_a_possessive(tmp_path: Path) -> None:
    source = tmp_path / "nw"
    source.mkdir()
    (source / "wsj_0001.gold_conll").write_text(_ANNOTATED, encoding="utf-8")
    (source / "p2.5_a2e_0001.gold_conll").write_text(_UNANNOTATED, encoding="utf-8")
    out = tmp_path / "dev.txt"

    assert ontonotes_ner.main([str(source), str(out)]) == 0

    [document] = read_conll(out)  # the unannotated part is left out
    assert document.text == "The European Union met Moody 's ( Japanese ) in Tokyo last year .\n"
    spans = {(document.text[start:end], label) for start, end, label in document.spans}
    assert spans == {("European Union", "ORG"), ("Moody", "ORG"), ("Japanese", "MISC"), ("Tokyo", "LOC")}


def test_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    assert ontonotes_ner.main([str(tmp_path), str(tmp_path / "dev.txt")]) == 1
