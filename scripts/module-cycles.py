#!/usr/bin/env python3
"""Prints import cycles among core/src modules, and exits 1 if there is one.

A module is a file (`a/b.rs` and `a/b/mod.rs` are `a::b`). An edge a -> b is a
`crate::b…` or `super::…` path written in a (in `use` or inline); a name that
a facade re-exports from its child (`pub(crate) use child::Name;`) counts as an
edge to that child. A `mod.rs` facade and its
own children may refer to each other (the facade re-exports them); any other
strongly connected component of two or more modules is a cycle, and a layering
error. Test-only files (`*_tests.rs`, `testing/`, `fuzzing.rs`) are left out:
they sit above everything.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "core", "src")


def module_of(path):
    rel = os.path.relpath(path, ROOT)[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    if rel == ["lib"]:
        return "crate"
    return "::".join(rel)


def modules():
    out = {}
    for d, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(d, f)
            m = module_of(path)
            if m.startswith("testing") or m.endswith("_tests") or m == "fuzzing":
                continue
            out[m] = path
    return out


def strip_test_code(text):
    # Drop `#[cfg(test)] mod … { … }` blocks: tests may import anything.
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def reexports(mods):
    """`pub(crate) use child::{A, B};` in a facade: A and B live in the child."""
    out = {}
    for m, path in mods.items():
        text = open(path, encoding="utf-8").read()
        for child, items in re.findall(r"pub(?:\(crate\))?\s+use\s+(?:self::)?(\w+)::(\{[^}]*\}|\w+)\s*;", text):
            full = child if m == "crate" else m + "::" + child
            if full not in mods:
                continue
            for item in items.strip("{}").split(","):
                item = item.strip().split(" as ")[-1].strip()
                if item:
                    out[(m, item)] = full
    return out


def edges(mods):
    names = set(mods)
    moved = reexports(mods)
    graph = {m: set() for m in mods}
    for m, path in mods.items():
        text = strip_test_code(open(path, encoding="utf-8").read())
        text = re.sub(r"//.*", "", text)
        paths = set(re.findall(r"crate::((?:\w+::)*\w+)", text))
        # `use crate::{a, b::c}` groups
        for group in re.findall(r"crate::\{([^}]*)\}", text):
            for item in group.split(","):
                item = item.strip().split(" as ")[0]
                if item:
                    paths.add(item)
        # `use super::x` in a child means the parent's module x
        parent = m.rsplit("::", 1)[0] if "::" in m else "crate"
        supers = re.findall(r"super::((?:\w+::)*\w+)", text)
        for group in re.findall(r"super::\{([^}]*)\}", text):
            supers += [i.strip().split(" as ")[0] for i in group.split(",") if i.strip()]
        for p in supers:
            paths.add(p if parent == "crate" else parent + "::" + p)
        for p in paths:
            parts = p.split("::")
            for k in range(len(parts), 0, -1):
                target = "::".join(parts[:k])
                if target in names:
                    if k < len(parts):
                        target = moved.get((target, parts[k]), target)
                    if target != m:
                        graph[m].add(target)
                    break
    return graph


def sccs(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def facade_family(comp):
    # One facade `a` with only its own children `a::x` (and the crate root,
    # which declares every top-level module).
    comp = [c for c in comp if c != "crate"]
    for head in comp:
        if all(c == head or c.startswith(head + "::") and "::" not in c[len(head) + 2:] for c in comp):
            return True
    return len(comp) <= 1


def main():
    graph = edges(modules())
    # The crate root declares and re-exports every module; it is a facade.
    graph["crate"] = set()
    bad = [c for c in sccs(graph) if len(c) > 1 and not facade_family(c)]
    for c in bad:
        print("import cycle through %d modules: %s" % (len(c), ", ".join(c)))
    if "-v" in sys.argv:
        for m in sorted(graph):
            print(m, "->", ", ".join(sorted(graph[m])))
    if not bad:
        print("core/src: no import cycle beyond mod.rs facades (%d modules)" % len(graph))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
