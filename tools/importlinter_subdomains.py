"""An import-linter contract for sub-domain packages.

Within an app (`kechuang.programs`, `kechuang.market`, ...), each sub-package is a
sub-domain (`techsme`, `gradient`, ...). One sub-domain may use another only through its
public modules (by default `models`, `services` and `selectors`): its views, forms, API,
workflow and helpers stay its own, so that each can change without breaking a sibling. The
app's own root modules (urls, api wiring, shared helpers) are not sub-domains and are free.

Configuration (pyproject.toml):

    [[tool.importlinter.contracts]]
    type = "subdomains"
    containers = ["kechuang.programs", "kechuang.market"]
    public = ["models", "services", "selectors"]   # optional
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output

DEFAULT_PUBLIC = ("models", "services", "selectors")
# Packages Django asks for by name: an app's plumbing, not a sub-domain.
PLUMBING = ("management", "migrations", "templatetags", "models")


def subdomains(graph: grimp.ImportGraph, container: str) -> list[str]:
    """The sub-packages of `container`: its children that have children of their own,
    other than Django's plumbing."""
    return sorted(
        c
        for c in graph.find_children(container)
        if graph.find_children(c) and c.rsplit(".", 1)[1] not in PLUMBING
    )


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def illegal_imports(
    graph: grimp.ImportGraph, containers: list[str], public: tuple[str, ...] = DEFAULT_PUBLIC
) -> list[dict[str, Any]]:
    """Every import from one sub-domain into a non-public module of a sibling."""
    found: list[dict[str, Any]] = []
    for container in containers:
        subs = subdomains(graph, container)
        for source in subs:
            importers = {source} | graph.find_descendants(source)
            for importer in sorted(importers):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    target = next((s for s in subs if _within(imported, s)), None)
                    if target is None or target == source:
                        continue
                    if any(_within(imported, f"{target}.{p}") for p in public):
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    found.append(
                        {
                            "importer": importer,
                            "imported": imported,
                            "line_numbers": [d["line_number"] for d in details],
                        }
                    )
    return found


class SubdomainContract(Contract):
    """Sub-domains reach each other only through their public modules."""

    type_name = "subdomains"

    containers = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        # Fields are parsed into plain lists when the contract is built.
        options: dict[str, Any] = vars(self)
        public = tuple(options.get("public") or DEFAULT_PUBLIC)
        found = illegal_imports(graph, list(options["containers"]), public)
        return ContractCheck(kept=not found, metadata={"illegal": found, "public": public})

    def render_broken_contract(self, check: ContractCheck) -> None:
        public = ", ".join(check.metadata["public"])
        output.print_error(f"Sub-domains may import a sibling's {public} only:", bold=False)
        output.new_line()
        for link in check.metadata["illegal"]:
            lines = ", ".join(map(str, link["line_numbers"]))
            text = f"- {link['importer']} -> {link['imported']} (l.{lines})"
            output.print_error(text, bold=False)
            output.new_line()
