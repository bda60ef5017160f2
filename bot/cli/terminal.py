"""Render an `Answer` in the terminal with rich."""

from rich.console import Console
from rich.markdown import Markdown

from bot.answer.citations import attribution, label
from bot.answer.types import Answer, Source, cited_numbers


def print_answer(console: Console, answer: Answer) -> None:
    """Print the answer, then its numbered sources."""
    if answer.notice:
        console.print(f"[yellow]{answer.notice}[/]", highlight=False)
    console.print(Markdown(answer.text))
    cited = cited_numbers(answer.text)
    if cited:
        console.print(f"\n[bold]{label('sources', answer.language)}[/]")
    for n, source in enumerate(answer.sources, start=1):
        if n in cited:
            console.print(source_line(n, source, answer.language), highlight=False, markup=False)


def source_line(number: int, source: Source, language: str = "sv") -> str:
    """Render one source as plain text, saying whose it is (as the Slack source line does).

    >>> source_line(1, Source("plan", "Handlingsplan", "Mål", 1.0, "", kind="own"))
    '[1] Handlingsplan – Mål (förbundets eget dokument)'
    >>> source_line(2, Source("rv", "Remissvar", "", 1.0, "", url="https://x.se", organisation="Stockholms stad"))
    '[2] Remissvar (Stockholms stad) · https://x.se'
    >>> source_line(3, Source("hp", "HP", "Intro", 1.0, "", url="https://esf.se", kind="guidance"))
    '[3] HP-assistentens vägledning: HP – Intro · Läs mer: https://esf.se'
    """
    section = f" – {source.section}" if source.section else ""
    if source.kind == "guidance":
        more = f" · {label('more', language)}: {source.url}" if source.url else ""
        return f"[{number}] {label('guidance', language)}: {source.title}{section}{more}"
    whose = attribution(source, language)
    owner = f" ({whose})" if whose else ""
    link = f" · {source.url}" if source.url else ""
    return f"[{number}] {source.title}{section}{owner}{link}"
