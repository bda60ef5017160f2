"""Synthetic but realistic Swedish data for `bot bench speed`: texts, questions, vectors.

Everything is seeded, so two runs measure the same corpus.
"""

import random
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.ingest.knowledge import split_front_matter

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TOPICS = (
    "HP-punkten", "Respekttrappan", "diskrimineringsgrunderna", "aktiva åtgärder", "lex Heller",
    "jämställdhetsintegrering", "tillgänglighet", "arbetsplatsträffen",
    "de horisontella principerna", "likabehandling",
)
_TEMPLATES = (
    "Vad innebär {}?", "Hur arbetar vi med {} på vår APT?", "Vem ansvarar för {} i förvaltningen?",
    "Varför är {} viktigt för oss?", "Finns det en checklista för {}?",
    "Var hittar jag mer om {}?", "Hur ofta ska vi ta upp {}?", "Vad säger lagen om {}?",
)
_OPENERS = ("", "Hej! ", "En fråga: ", "Snabb fråga. ", "Vi undrar i gruppen: ")


def questions(n: int) -> list[str]:
    """`n` different realistic staff questions (openers × phrasings × topics).

    >>> questions(2)
    ['Vad innebär HP-punkten?', 'Vad innebär Respekttrappan?']
    >>> len(set(questions(500)))
    500
    """
    pool = [o + t.format(topic) for o in _OPENERS for t in _TEMPLATES for topic in _TOPICS]
    return [pool[i % len(pool)] + (f" ({i // len(pool)})" if i >= len(pool) else "")
            for i in range(n)]


def vocabulary(size: int = 20000) -> list[str]:
    """Swedish words by frequency (wordfreq), most frequent first."""
    from wordfreq import top_n_list

    return [w for w in top_n_list("sv", size) if w.isalpha()]


def knowledge_sentences(folder: Path) -> list[str]:
    """Clean sentences of 40–300 characters from the Markdown files in `folder`.

    Only `.md`: those are our own clean texts; the OCR-damaged sources would make the
    indexer run diacritic repair, which raw encoding does not do.
    """
    out: list[str] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        _, body = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        text = re.sub(r"\s+", " ", re.sub(r"^#+ .*$", " ", body, flags=re.M)).replace("**", "")
        out += [s.strip(" -*") for s in _SENTENCE_END.split(text) if 40 <= len(s.strip()) <= 300]
    return out


class TextMaker:
    """Seeded generator of Swedish-like texts: knowledge sentences, or Zipf-sampled words."""

    def __init__(self, sentences: list[str], words: list[str], seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.nprng = np.random.default_rng(seed)
        self.words = np.array(words)
        weights = 1.0 / np.arange(1, len(words) + 1)  # Zipf's law
        self.weights = weights / weights.sum()
        # A folder with few sentences could not give many distinct passages: pad it.
        missing = 200 - len(sentences) if len(sentences) < 50 else 0
        self.sentences = sentences + [self.sentence() for _ in range(missing)]

    def sentence(self) -> str:
        """One sentence of 8–20 sampled words."""
        picked = self.nprng.choice(self.words, size=self.rng.randint(8, 20), p=self.weights)
        return " ".join(picked).capitalize() + "."

    def passage(self, low: int, high: int) -> str:
        """Shuffled knowledge sentences joined to `low`–`high` characters."""
        target = self.rng.randint(low, high)
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < target:
            parts.append(self.rng.choice(self.sentences))
        return " ".join(parts)[:high].rsplit(" ", 1)[0].rstrip(",;:") + "."

    def distinct_passages(self, n: int, low: int, high: int) -> list[str]:
        """`n` different passages."""
        seen: dict[str, None] = {}
        for _ in range(100 * n):
            seen[self.passage(low, high)] = None
            if len(seen) == n:
                return list(seen)
        raise ValueError(f"only {len(seen)} distinct passages from {len(self.sentences)} sentences")

    def word_texts(self, n: int, low: int = 60, high: int = 110) -> list[str]:
        """`n` texts of `low`–`high` Zipf-sampled Swedish words (for BM25 at scale)."""
        lengths = self.nprng.integers(low, high + 1, size=n)
        flat = self.nprng.choice(len(self.words), size=int(lengths.sum()), p=self.weights)
        out, start = [], 0
        for length in lengths:
            out.append(" ".join(self.words[flat[start : start + length]]))
            start += length
        return out


def unit_vectors(rng: np.random.Generator, n: int, dim: int) -> npt.NDArray[np.float32]:
    """Return `n` random unit vectors of dimension `dim` (float32).

    >>> vectors = unit_vectors(np.random.default_rng(0), 2, 3)
    >>> vectors.shape, vectors.dtype, np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    ((2, 3), dtype('float32'), True)
    """
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    unit: npt.NDArray[np.float32] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit
