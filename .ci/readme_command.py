"""Print command N (1-based) of the README's Quick start block, so CI runs exactly what users type."""
import pathlib
import re
import sys

readme = pathlib.Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text(encoding="utf-8")
section = text.split("## Quick start", 1)[1]
block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", section, re.S)
if block is None:
    sys.exit("readme_command: no fenced block under '## Quick start' in README.md")
commands = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
print(commands[int(sys.argv[1]) - 1])
