"""ER diagrams in the docs: Mermaid `erDiagram`s kept between marker comments, refreshed by `generate`."""
