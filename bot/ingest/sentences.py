"""Swedish sentences: where a quote may start and end, and where a long paragraph may be cut.

The chunker cuts a paragraph too long for one passage between sentences, and the answerer
quotes whole sentences: both split with `sentences`, so no passage and no quote ends in
"(prop." or "3 kap.".
"""

import importlib
import re

# Abbreviations that never end a Swedish sentence: something always follows them
# ("3 kap. 2 §", "prop. 2015/16:135", "s. 12", "t.ex. Finsam"). "m.m.", "osv." and
# "m.fl." are not here: they often do end one.
_NEVER_FINAL = re.compile(
    r"(?:^|[\s(])(?:t\.\s?ex|bl\.\s?a|d\.?\s?v\.?\s?s|s|sid|kap|prop|nr|kl|jfr|ca|enl|p\.g\.a|fr\.o\.m|t\.o\.m)\.\s*$",
    re.IGNORECASE,
)


def sentences(prose: str) -> list[str]:
    """Split prose into sentences with sentencex, not after "kap.", "prop." or "t.ex.".

    sentencex was measured against pysbd and our earlier regex on the boundary cases in
    tests/sentence_cases.py and split best. It still ends a sentence after abbreviations
    it does not know as Swedish ("1 kap. | 1 §", "prop. | 2015/16:135", "dvs. | kön") and
    after a name that ends in "!" ("Rätt stöd för mig! | åtar vi oss"). Two rules undo
    that, and only that: a piece that starts in lower case continues the sentence before
    it (a Swedish sentence starts with a capital, a digit or a quotation mark), and so
    does any piece after an abbreviation that never ends a sentence (`_NEVER_FINAL`).

    >>> sentences("Se 3 kap. 2 § om detta. Sedan kommer nästa.")
    ['Se 3 kap. 2 § om detta.', 'Sedan kommer nästa.']
    >>> sentences("Kraven fanns i planer (prop. 2015/16:135). I Rätt stöd för mig! åtar vi oss det.")
    ['Kraven fanns i planer (prop. 2015/16:135).', 'I Rätt stöd för mig! åtar vi oss det.']
    """
    out: list[str] = []
    for piece in _segment(prose):
        if out and (piece.lstrip()[:1].islower() or _NEVER_FINAL.search(out[-1])):
            out[-1] += piece  # sentencex keeps the whitespace: joining restores the text
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def _segment(prose: str) -> list[str]:
    """sentencex's Swedish segmentation; its pieces, joined, are `prose` again."""
    # Imported by name: sentencex ships no type information, and this is all we use of it.
    sentencex = importlib.import_module("sentencex")
    return [str(piece) for piece in sentencex.segment("sv", prose)]
