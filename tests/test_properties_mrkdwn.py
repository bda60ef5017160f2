"""Properties of Slack mrkdwn: escaping, Markdown → mrkdwn, and cutting to Slack's limits."""

import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from bot.answer.types import Answer
from bot.evaluation.slack_standin import block_kit_problems
from bot.slack.mrkdwn import escape, split_text, to_mrkdwn
from bot.slack.rendering import MAX_BLOCKS, answer_blocks

# What we put in mrkdwn on purpose: a link <url|label> and the three escapes.
LINK = re.compile(r"<https?://[^<>|\s]+\|[^<>|]*>")
ENTITY = re.compile(r"&(?:amp|lt|gt);")
QUOTE_MARK = re.compile(r"^>(?: |$)", re.M)
# Clusters a cut must not split: skin tone, flag, ZWJ sequence, combining accent, VS16.
CLUSTERS = ("👍🏽", "🇸🇪", "👩\u200d💻", "e\u0301", "❤\ufe0f", "å", "😀")

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
# No combining marks, joiners or modifiers on their own: those come as whole CLUSTERS.
WORD = st.text(st.characters(exclude_categories=("Cs", "Z", "Cc", "Cf", "M", "Sk")), min_size=1, max_size=12)
PLAIN_WORD = st.from_regex(r"[a-zåäöA-Z0-9<>&.,!?]{1,10}", fullmatch=True)
URL = st.from_regex(r"https://[a-z]{1,8}\.se(/[a-z0-9?=&]{0,12})?", fullmatch=True)


def unescape(mrkdwn: str) -> str:
    """Undo `escape`."""
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def raw_reserved(mrkdwn: str) -> str:
    """The `<`, `>` and `&` left once our links, escapes and quote marks are taken out."""
    rest = QUOTE_MARK.sub("", ENTITY.sub("", LINK.sub("", mrkdwn)))
    return "".join(c for c in rest if c in "<>&")


@st.composite
def markdown(draw: st.DrawFn) -> str:
    """Light Markdown as the answerers write it: headings, bullets, quotes, bold, links."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        prefix = draw(st.sampled_from(["", "", "## ", "- ", "> "]))
        pieces = []
        for _ in range(draw(st.integers(1, 5))):
            words = draw(st.lists(PLAIN_WORD, min_size=1, max_size=4))
            kind = draw(st.sampled_from(["plain", "plain", "bold", "link"]))
            if kind == "bold":
                pieces.append(f"**{' '.join(words)}**")
            elif kind == "link":
                pieces.append(f"[{' '.join(words)}]({draw(URL)})")
            else:
                pieces.append(" ".join(words))
        lines.append(prefix + " ".join(pieces))
    return "\n".join(lines)


@given(TEXT)
def test_escaping_round_trips_and_leaves_nothing_raw(text: str) -> None:
    escaped = escape(text)
    assert unescape(escaped) == text
    assert raw_reserved(escaped) == ""


@given(markdown())
@example("## **Sammanfattning**")
@example("# Mål **viktigt** här")
def test_markdown_gives_no_raw_reserved_characters_and_balanced_bold(text: str) -> None:
    out = to_mrkdwn(text)
    assert raw_reserved(out) == "", out
    for line in LINK.sub("L", out).splitlines():
        # Every "*" Slack sees is one end of a bold span around text that starts and
        # ends with a non-space: "*x*"; anything else Slack shows as a raw asterisk.
        assert "*" not in re.sub(r"\*[^*\s](?:[^*]*[^*\s])?\*", "", line), out


@given(st.lists(PLAIN_WORD, max_size=30).map(" ".join))
def test_plain_text_only_gets_escaped(words: str) -> None:
    text = f"Text {words}"  # a line that starts with "> " is a quote, by design
    assert to_mrkdwn(text) == escape(text)


@st.composite
def long_mrkdwn(draw: st.DrawFn) -> str:
    """Mrkdwn with links, escapes, emoji clusters, long unbroken runs and paragraph breaks."""
    tokens = draw(
        st.lists(
            st.one_of(
                PLAIN_WORD.map(escape),
                WORD.map(escape),
                st.sampled_from(CLUSTERS),
                st.lists(st.sampled_from(CLUSTERS), min_size=5, max_size=40).map("".join),
                st.builds(lambda u, w: f"<{u}|{escape(' '.join(w))}>", URL, st.lists(PLAIN_WORD, max_size=6)),
                st.sampled_from(["<@U123ABC>", "<!here>", "&amp;&lt;&gt;" * 5]),
                st.sampled_from(["\n", "\n\n", ". "]),
            ),
            min_size=1,
            max_size=80,
        )
    )
    seps = draw(st.lists(st.sampled_from([" ", "", "\n"]), min_size=len(tokens), max_size=len(tokens)))
    return "".join(t + s for t, s in zip(tokens, seps, strict=True))


def _starts_cluster(char: str) -> bool:
    """Whether `char` may begin a piece: not a combining mark, joiner, selector or skin tone."""
    return not (
        unicodedata.combining(char) or char in "\u200d\ufe0f" or "\U0001f3fb" <= char <= "\U0001f3ff"
    )


@given(long_mrkdwn(), st.integers(120, 400))
@example("Text före länken <https://x.se|Läs mer om detta>", 40)
@example("a" * 25 + "&amp;" * 4, 27)
@example("ord " * 6 + "🇸🇪" * 10, 30)
def test_cutting_keeps_limits_links_escapes_and_emoji_whole(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(0 < len(p) <= limit and p == p.strip() for p in parts)
    # Nothing lost or invented: the parts, in order, are the text with whitespace at the cuts.
    assert re.fullmatch(r"\s*".join(map(re.escape, parts)), text.strip())
    for part in parts:
        # No link, mention or escape is cut in two (a whole one is never longer than `limit` here).
        rest = ENTITY.sub("", re.sub(r"<[^<>\n]*>", "", part))
        assert not set(rest) & set("<>&"), (part, parts)
        assert _starts_cluster(part[0]) and not part.endswith("\u200d"), parts
        assert sum("\U0001f1e6" <= c <= "\U0001f1ff" for c in part) % 2 == 0, parts  # flags whole


@given(st.lists(st.sampled_from(["ord", "**fet**", "[länk](https://x.se)", "🇸🇪", "\n\n", "x" * 400]), max_size=400))
def test_any_answer_renders_into_valid_blocks(pieces: list[str]) -> None:
    text = " ".join(pieces)
    blocks = answer_blocks(Answer("Fråga?", text, False, "sv"), "id")
    assert len(blocks) <= MAX_BLOCKS
    assert block_kit_problems(blocks) == []
