"""Imports sit at the top of the module (docs/architecture.md): one inside a function says on its line why."""

import ast
from pathlib import Path

import triplec

ROOT = Path(triplec.__file__).parent
# The product, simulator included: not its tests or migrations.
LEFT_OUT = {"tests", "migrations"}


def _product_files():
    for path in sorted(ROOT.rglob("*.py")):
        if LEFT_OUT & set(path.relative_to(ROOT).parts):
            continue
        yield path


def _imports_in_functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield inner


def test_it_keeps_imports_at_the_top_unless_a_comment_says_why():
    unexplained = []
    files = list(_product_files())
    for path in files:
        source = path.read_text()
        lines = source.splitlines()
        for node in _imports_in_functions(ast.parse(source)):
            if "#" not in lines[node.lineno - 1]:
                unexplained.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert len(files) > 100  # the walk found the product
    assert sorted(set(unexplained)) == []


def test_it_finds_an_import_inside_a_function():
    tree = ast.parse("import os\n\ndef f():\n    import sys\n    return sys\n")
    assert [n.names[0].name for n in _imports_in_functions(tree)] == ["sys"]
