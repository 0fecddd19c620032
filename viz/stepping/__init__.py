"""Stepping through the backward pass: text and LaTeX, frames, the HTML player, the quiz, worksheets."""
