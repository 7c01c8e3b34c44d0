"""Plain aligned text tables for a terminal (no dependencies)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

MAX_CELL = 80  # long diagnostics are cut: --json has them whole


def cell(value) -> str:
    if value is None:
        return "-"
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(rows: Iterable[Mapping], columns: Sequence[str]) -> str:
    """Rows as left-aligned columns under a header; numbers right-aligned."""
    body = [[cell(row.get(c)) for c in columns] for row in rows]
    numeric = [all(_is_number(r[i]) for r in body) and bool(body) for i in range(len(columns))]
    widths = [max([len(c), *(len(r[i]) for r in body)]) for i, c in enumerate(columns)]
    lines = []
    for values in [list(columns), *body]:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def pairs(items: Iterable[tuple[str, object]]) -> str:
    """`key  value` lines, keys aligned."""
    items = [(k, cell(v)) for k, v in items]
    width = max((len(k) for k, _ in items), default=0)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in items)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == "-"
    return True
