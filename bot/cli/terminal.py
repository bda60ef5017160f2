"""Render an `Answer` in the terminal with rich."""

from rich.console import Console
from rich.markdown import Markdown

from bot.answer.types import Answer, cited_numbers


def print_answer(console: Console, answer: Answer) -> None:
    """Print the answer, then its numbered sources."""
    if answer.notice:
        console.print(f"[yellow]{answer.notice}[/]", highlight=False)
    console.print(Markdown(answer.text))
    cited = cited_numbers(answer.text)
    if cited:
        console.print("\n[bold]Källor[/]")
    for n, source in enumerate(answer.sources, start=1):
        if n not in cited:
            continue
        section = f" – {source.section}" if source.section else ""
        link = f" ({source.url})" if source.url else ""
        console.print(f"[{n}] {source.title}{section}{link}", highlight=False, markup=False)
