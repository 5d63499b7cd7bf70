"""notesite: publish an Obsidian vault of research-paper notes as a static site."""

__version__ = "0.1.0"
