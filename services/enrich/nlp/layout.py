"""How title and body are laid out as the one text the model reads, and how offsets map back."""

from dataclasses import dataclass
from typing import Literal

Field = Literal["title", "body"]

# A paragraph break keeps the title a sentence of its own for the model.
SEPARATOR = "\n\n"


@dataclass(frozen=True)
class ArticleLayout:
    title: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.title}{SEPARATOR}{self.body}"

    @property
    def body_offset(self) -> int:
        return len(self.title) + len(SEPARATOR)

    def locate(self, start: int, end: int) -> tuple[Field, int, int] | None:
        """The field and field-relative offsets of `text[start:end]`; None when it is not inside one field."""
        if end <= len(self.title):
            return "title", start, end
        if start >= self.body_offset:
            return "body", start - self.body_offset, end - self.body_offset
        return None
