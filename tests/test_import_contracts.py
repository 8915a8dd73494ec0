"""The sub-domain import contract, on a graph small enough to read."""

from __future__ import annotations

import grimp
from tools.importlinter_subdomains import illegal_imports, subdomains


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for name in (
        "app",
        "app.urls",
        "app.a",
        "app.a.views",
        "app.a.services",
        "app.b",
        "app.b.views",
        "app.b.models",
        "app.b.services",
        "app.b.services.x",
        "app.migrations",
        "app.migrations.0001_initial",
    ):
        graph.add_module(name)
    for n, (importer, imported) in enumerate(imports, start=1):
        graph.add_import(
            importer=importer, imported=imported, line_number=n, line_contents=f"import {imported}"
        )
    return graph


def test_sub_domains_are_the_packages_of_an_app_other_than_its_plumbing():
    assert subdomains(_graph(), "app") == ["app.a", "app.b"]


def test_a_sibling_is_reached_through_its_models_services_and_selectors_only():
    graph = _graph(
        ("app.a.views", "app.b.services.x"),  # allowed: services, at any depth
        ("app.a.services", "app.b.models"),  # allowed: models
        ("app.a.views", "app.b.views"),  # not allowed
        ("app.urls", "app.b.views"),  # the app's root wiring is free
        ("app.b.views", "app.b.services"),  # within a sub-domain is free
    )
    found = illegal_imports(graph, ["app"])
    assert [(f["importer"], f["imported"], f["line_numbers"]) for f in found] == [
        ("app.a.views", "app.b.views", [3])
    ]


def test_the_public_modules_can_be_chosen():
    graph = _graph(("app.a.views", "app.b.models"))
    assert illegal_imports(graph, ["app"], public=("services",))
    assert not illegal_imports(graph, ["app"])
