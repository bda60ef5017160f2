"""Wiring: build the index, retriever and answerer from `Settings` (called at the edges)."""

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.types import Answerer
from bot.search.embeddings import make_embeddings
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from bot.settings import Settings


def build_index(settings: Settings) -> KnowledgeIndex:
    """The knowledge index as configured (embedded Chroma or a Chroma server)."""
    client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
    embeddings = make_embeddings(settings.embedding_backend, settings.embedding_model)
    return KnowledgeIndex(client, settings.chroma_collection, embeddings)


def build_retriever(settings: Settings) -> HybridRetriever:
    """The hybrid retriever over the configured index."""
    return HybridRetriever(build_index(settings), floor=settings.relevance_floor)


def build_answerer(settings: Settings) -> Answerer:
    """The default answerer (extractive, no LLM)."""
    return ExtractiveAnswerer(
        build_retriever(settings), top_k=settings.top_k, max_chars=settings.max_question_chars
    )
