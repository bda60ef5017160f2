"""The two LLM servers of the tests speak OpenAI's protocol as the real clients parse it.

llama.cpp's server (SmolLM2-135M: nonsense, over the real protocol) and the stand-in, whose
faults (hang, 500, 429, a stream cut off, a slow stream) are what the bot must survive.
"""

import threading
import time

import openai
import pytest
from langchain_openai import ChatOpenAI

from bot.evaluation.llm_standin import LLMStandIn
from tests.llm_fixtures import LLAMA_ALIAS

QUESTION = [{"role": "user", "content": "Vad är Respekttrappan?"}]
REPLY = "Respekttrappan beskriver fem steg [1].\n\nDet första steget är *kunskap* – om normer."


def client(base_url: str, timeout: float = 10.0, max_retries: int = 0) -> openai.OpenAI:
    """An OpenAI client as the bot configures one: no silent retries unless asked."""
    return openai.OpenAI(base_url=base_url, api_key="x", timeout=timeout, max_retries=max_retries)


def chat(base_url: str, timeout: float = 10.0, **kwargs: object) -> ChatOpenAI:
    """LangChain's streaming chat model on `base_url`, as the bot builds it."""
    return ChatOpenAI(base_url=base_url, api_key="x", model="any", streaming=True, timeout=timeout,
                      max_retries=0, **kwargs)


@pytest.mark.slow
def test_llama_server_streams_a_chat_completion_in_several_chunks(llama_server: str) -> None:
    model = ChatOpenAI(base_url=llama_server, api_key="x", model=LLAMA_ALIAS, streaming=True,
                       max_tokens=24, temperature=0.0, timeout=60, max_retries=0)
    pieces = [chunk.content for chunk in model.stream("Vad är Respekttrappan?")]
    text = "".join(str(p) for p in pieces)
    assert len([p for p in pieces if p]) >= 3, pieces
    assert text.strip()


@pytest.mark.slow
def test_llama_server_answers_a_chat_completion_without_streaming(llama_server: str) -> None:
    response = client(llama_server, timeout=60).chat.completions.create(
        model=LLAMA_ALIAS, messages=QUESTION, max_tokens=16, temperature=0.0
    )
    assert response.object == "chat.completion"
    assert response.model == LLAMA_ALIAS
    assert response.choices[0].finish_reason in {"stop", "length"}
    assert (response.choices[0].message.content or "").strip()
    assert response.usage is not None and response.usage.completion_tokens > 0


def test_standin_stream_is_reassembled_exactly_by_chatopenai(llm_standin: LLMStandIn) -> None:
    llm_standin.reply = REPLY
    chunks = [chunk.content for chunk in chat(llm_standin.base_url).stream("Vad är Respekttrappan?")]
    assert "".join(str(c) for c in chunks) == REPLY
    assert len([c for c in chunks if c]) >= 5


def test_standin_answers_without_streaming_and_lists_its_model(llm_standin: LLMStandIn) -> None:
    llm_standin.reply = REPLY
    api = client(llm_standin.base_url)
    response = api.chat.completions.create(model="gpt-x", messages=QUESTION)
    assert response.choices[0].message.content == REPLY
    assert response.model == "gpt-x"
    assert response.choices[0].finish_reason == "stop"
    assert [m.id for m in api.models.list()] == ["standin"]


def test_standin_stream_reports_usage_when_asked(llm_standin: LLMStandIn) -> None:
    stream = client(llm_standin.base_url).chat.completions.create(
        model="m", messages=QUESTION, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-2].choices[0].finish_reason == "stop"


def test_standin_records_what_reached_it(llm_standin: LLMStandIn) -> None:
    chat(llm_standin.base_url).invoke([("system", "Svara kort."), ("user", "Min fråga om [PERSONNUMMER]")])
    (body,) = llm_standin.requests
    assert body["messages"] == [
        {"role": "system", "content": "Svara kort."},
        {"role": "user", "content": "Min fråga om [PERSONNUMMER]"},
    ]
    assert body["stream"] is True
    assert "Min fråga om [PERSONNUMMER]" in llm_standin.sent_text()


def test_standin_reply_may_depend_on_the_request(llm_standin: LLMStandIn) -> None:
    llm_standin.reply = lambda body: f"Du frågade: {body['messages'][-1]['content']}"
    assert chat(llm_standin.base_url).invoke("hej").content == "Du frågade: hej"


def test_hang_ends_in_the_clients_timeout(llm_standin: LLMStandIn) -> None:
    llm_standin.fault = "hang"
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client(llm_standin.base_url, timeout=1).chat.completions.create(
            model="m", messages=QUESTION, stream=True
        )
    assert 0.9 < time.monotonic() - started < 3.5
    assert len(llm_standin.requests) == 1


def test_hang_does_not_hold_up_stopping_the_standin() -> None:
    errors: list[BaseException] = []

    def ask(url: str) -> None:
        try:
            client(url, timeout=30).chat.completions.create(model="m", messages=QUESTION)
        except openai.APIError as error:
            errors.append(error)

    with LLMStandIn(fault="hang") as llm:
        asker = threading.Thread(target=ask, args=(llm.base_url,))
        asker.start()
        llm.wait_for_requests(1)
        started = time.monotonic()
    assert time.monotonic() - started < 2
    asker.join(timeout=5)
    assert [type(e) for e in errors] == [openai.APIConnectionError]


def test_500_is_an_internal_server_error_and_the_next_request_may_succeed(llm_standin: LLMStandIn) -> None:
    llm_standin.fault = "500"
    with pytest.raises(openai.InternalServerError) as raised:
        list(chat(llm_standin.base_url).stream("hej"))
    assert raised.value.status_code == 500
    llm_standin.fault = None
    assert chat(llm_standin.base_url).invoke("hej").content == "Hej!"


def test_429_is_a_rate_limit_error_with_retry_after(llm_standin: LLMStandIn) -> None:
    llm_standin.fault = "429"
    with pytest.raises(openai.RateLimitError) as raised:
        client(llm_standin.base_url).chat.completions.create(model="m", messages=QUESTION)
    assert raised.value.response.headers["Retry-After"] == "1"
    assert raised.value.body == {"message": "Rate limit reached for requests.", "type": "requests",
                                 "param": None, "code": "rate_limit_exceeded"}


def test_429_with_client_retries_waits_retry_after_then_gives_up(llm_standin: LLMStandIn) -> None:
    llm_standin.fault = "429"
    started = time.monotonic()
    with pytest.raises(openai.RateLimitError):
        client(llm_standin.base_url, max_retries=1).chat.completions.create(
            model="m", messages=QUESTION
        )
    assert 0.9 < time.monotonic() - started < 3.5
    assert len(llm_standin.requests) == 2


def test_close_mid_stream_gives_the_first_pieces_then_an_error(llm_standin: LLMStandIn) -> None:
    llm_standin.reply = REPLY
    llm_standin.fault = "close_mid_stream"
    received: list[str] = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in chat(llm_standin.base_url).stream("hej"):
            received.append(str(chunk.content))
    assert "".join(received) == "Respekttrappan beskriver "
    llm_standin.reply = "Ett svar som aldrig kommer fram helt."
    with pytest.raises(openai.APIConnectionError):
        client(llm_standin.base_url).chat.completions.create(model="m", messages=QUESTION)


def test_slow_stream_outlasts_a_read_timeout_shorter_than_the_whole_answer(llm_standin: LLMStandIn) -> None:
    # The client's timeout bounds each read, not the answer: the bot needs its own deadline.
    llm_standin.reply, llm_standin.fault, llm_standin.delay = "ett två tre fyra fem", "slow", 0.3
    started = time.monotonic()
    text = "".join(str(c.content) for c in chat(llm_standin.base_url, timeout=1).stream("hej"))
    assert text == "ett två tre fyra fem"
    assert time.monotonic() - started > 1.5
