"""Print the mutation score per module of a `make mutate` run (run inside var/mutate).

Reads mutmut's results (mutants/**/*.py.meta) and the mutated sources beside them.

The score counts mutants that change behaviour. A mutant whose only change is the wording of a
message (a string literal with a space in it: "quantity must be positive" made
"XXquantity must be positiveXX" or upper-cased) is left out: the API's contract is the error
code and details, not the words. Every other mutant counts; one that no unit test reaches
counts as survived. With --survivors, the surviving mutants are listed by name.
"""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

KILLED = {1, 3, 36, -24, 24, 152, 255, 37}  # tests failed, or timed out (mutmut's codes)
SKIPPED = {34}


def _differences(a: ast.AST, b: ast.AST) -> Iterator[tuple[object, object]]:
    """The smallest differing pieces of two trees (node pairs, or field values)."""
    if type(a) is not type(b):
        yield a, b
        return
    for name, left in ast.iter_fields(a):
        right = getattr(b, name)
        if isinstance(left, list) and isinstance(right, list):
            if len(left) != len(right):
                yield left, right
                continue
            for x, y in zip(left, right, strict=True):
                if isinstance(x, ast.AST) and isinstance(y, ast.AST):
                    yield from _differences(x, y)
                elif x != y:
                    yield x, y
        elif isinstance(left, ast.AST) and isinstance(right, ast.AST):
            yield from _differences(left, right)
        elif left != right and name != "name":
            yield a, b


def _is_message(node: object) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value


def message_only(original: ast.AST, mutant: ast.AST) -> bool:
    """Whether the mutant changes nothing but the text of messages."""
    diffs = list(_differences(original, mutant))
    return bool(diffs) and all(
        _is_message(x) and isinstance(y, ast.Constant) and isinstance(y.value, str)
        for x, y in diffs
    )


def _functions(source: Path) -> dict[str, ast.AST]:
    tree = ast.parse(source.read_text())
    return {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def score(root: Path, show_survivors: bool) -> int:
    total_killed = total = total_messages = 0
    for meta in sorted(root.rglob("*.py.meta")):
        results: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        functions = _functions(meta.with_suffix(""))
        killed = counted = messages = 0
        survivors = []
        for name, code in sorted(results.items()):
            if code is None or code in SKIPPED:
                continue
            function = name.rsplit(".", 1)[1]
            original = functions.get(function.rsplit("__mutmut_", 1)[0] + "__mutmut_orig")
            mutant = functions.get(function)
            if original and mutant and message_only(original, mutant):
                messages += 1
                continue
            counted += 1
            if code in KILLED:
                killed += 1
            else:
                survivors.append(name)
        module = ".".join(meta.relative_to(root / "src").with_suffix("").with_suffix("").parts)
        print(
            f"{module:42} {killed:5} / {counted:5} killed {_pct(killed, counted)}"
            f"   ({messages} message-only left out)"
        )
        if show_survivors:
            for name in survivors:
                print(f"    survived: {name}")
        total_killed += killed
        total += counted
        total_messages += messages
    print(
        f"{'all rule modules':42} {total_killed:5} / {total:5} killed {_pct(total_killed, total)}"
        f"   ({total_messages} message-only left out)"
    )
    return 0


def _pct(killed: int, total: int) -> str:
    return f"{100 * killed / total:5.1f} %" if total else "    - "


if __name__ == "__main__":
    sys.exit(score(Path("mutants"), "--survivors" in sys.argv[1:]))
