"""YAML documents the tests feed to every reader of YAML files."""

from __future__ import annotations


def bomb(levels: int = 9) -> str:
    """The classic billion-laughs document: a few hundred bytes that expand to 9**levels."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"
