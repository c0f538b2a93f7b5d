#!/usr/bin/env python3
"""Checks that no file imports from another in a cycle, in the core (src/), the shell (src-tauri/src/) and the UI
(ui/). An edge goes from a Rust file to the file of each module it names by path (`crate::vault::error`,
`super::model`, a child's `pub use`), and from a JavaScript module to each module it imports. Declaring a child
module (`mod x;`) is not an import, and test code (`#[cfg(test)] mod tests`, files under a `tests` folder) is left
out: tests may look inside what they test.

    python3 scripts/module-cycles.py      # prints the cycles found, and exits 1 if there is one
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rust_code(path):
    """The file's code without comments, string literals or its test module."""
    text = path.read_text()
    cut = re.search(r"^#\[cfg\(test\)\]\s*\n\s*mod tests\b", text, re.M)
    if cut:
        text = text[: cut.start()]
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\])'", "' '", text)
    return "\n".join(line.split("//")[0] for line in text.splitlines())


def inline_modules(code):
    """The inline modules of a file's code: (name, start, end) offsets of each `mod name { … }` block."""
    found = []
    for match in re.finditer(r"\bmod\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{", code):
        depth, at = 1, match.end()
        while depth and at < len(code):
            depth += {"{": 1, "}": -1}.get(code[at], 0)
            at += 1
        found.append((match.group(1), match.start(), at))
    return found


class Crate:
    def __init__(self, src, root_file):
        self.src = src
        self.root = src / root_file

    def module_file(self, parts):
        """The file of the module at `parts` below the crate root, or None if it is not a module of its own."""
        if not parts:
            return self.root
        base = self.src.joinpath(*parts)
        for candidate in (base.with_suffix(".rs"), base / "mod.rs"):
            if candidate.is_file():
                return candidate
        return None

    def module_path(self, file):
        """The module path of `file`, as a list of names."""
        if file == self.root:
            return []
        parts = list(file.relative_to(self.src).with_suffix("").parts)
        return parts[:-1] if parts[-1] == "mod" else parts

    def resolve(self, start, segments):
        """The deepest module file named by `segments`, starting at the module path `start`."""
        parts = list(start)
        found = self.module_file(parts)
        for segment in segments:
            child = self.module_file(parts + [segment])
            if child is None:
                break
            parts.append(segment)
            found = child
        return found

    def edges(self, file):
        code = rust_code(file)
        inline = inline_modules(code)

        def module_at(offset):
            """The module path at `offset`, inside any inline `mod name { … }` blocks."""
            return self.module_path(file) + [name for name, start, end in inline if start <= offset < end]

        targets = set()
        for match in re.finditer(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)", code):
            here = module_at(match.start())
            kind, rest = match.group(1), match.group(2).split("::")[1:]
            if kind == "crate":
                start = []
            elif kind == "super":
                start = here[:-1]
                while rest and rest[0] == "super":
                    start, rest = start[:-1], rest[1:]
            else:
                start = here
            targets.add(self.resolve(start, rest))
        # A child module named without `self::`: `pub use child::Item`, `child::function()`.
        for match in re.finditer(r"(?<![:\w])([a-z_][a-z0-9_]*)::", code):
            child = self.module_file(module_at(match.start()) + [match.group(1)])
            if child is not None:
                targets.add(child)
        targets.discard(None)
        targets.discard(file)
        return targets

    def files(self):
        return [f for f in sorted(self.src.rglob("*.rs")) if "tests" not in self.module_path(f)]


def js_edges(file):
    code = file.read_text()
    imports = re.findall(r'^\s*import\s[^;]*?from\s+"\./([^"]+)"', code, re.M)
    imports += re.findall(r'import\("\./([^"]+)"\)', code)
    return {file.parent / name for name in imports}


def cycles(graph):
    """Every cycle of `graph` (node -> set of nodes), each once, as a list of nodes."""
    found, seen = [], set()
    index = {node: i for i, node in enumerate(sorted(graph))}

    def visit(node, path, on_path):
        for target in sorted(graph.get(node, ())):
            if target in on_path:
                cycle = path[path.index(target):]
                first = min(range(len(cycle)), key=lambda i: index.get(cycle[i], 0))
                key = tuple(cycle[first:] + cycle[:first])
                if key not in seen:
                    seen.add(key)
                    found.append(list(key))
            elif target in graph and target not in done:
                on_path.add(target)
                visit(target, path + [target], on_path)
                on_path.discard(target)
        done.add(node)

    done = set()
    for node in sorted(graph):
        if node not in done:
            visit(node, [node], {node})
    return found


def main():
    graphs = {}
    for name, crate in [("src", Crate(ROOT / "src", "lib.rs")), ("src-tauri/src", Crate(ROOT / "src-tauri/src", "main.rs"))]:
        graphs[name] = {f: crate.edges(f) for f in crate.files()}
    graphs["ui"] = {f: js_edges(f) for f in sorted((ROOT / "ui").glob("*.js"))}
    status = 0
    for name, graph in graphs.items():
        edges = sum(len(targets) for targets in graph.values())
        found = cycles(graph)
        print(f"{name}: {len(graph)} files, {edges} imports between them, {len(found)} cycles")
        for cycle in found:
            status = 1
            print("  cycle: " + " -> ".join(str(f.relative_to(ROOT)) for f in cycle + cycle[:1]))
    return status


if __name__ == "__main__":
    sys.exit(main())
