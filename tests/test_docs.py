"""The README documents every command, option and config key the code has."""

from __future__ import annotations

import argparse
import re
from dataclasses import fields

from notesite.cli import parser
from notesite.config import Config

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_config_key_is_in_the_readme() -> None:
    for f in fields(Config):
        assert f"`{f.name}`" in README, f.name


def test_every_command_and_option_is_in_the_readme() -> None:
    for name, sub in subcommands().items():
        assert f"`notesite {name}" in README, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag in ("-h", "--help"):
                    continue
                assert flag in README, f"{name} {flag}"


def test_every_command_has_help() -> None:
    for name, sub in subcommands().items():
        text = sub.format_help()
        assert "usage: notesite " + name in text
        for action in sub._actions:
            assert action.help, f"{name} {action.dest} has no help text"


def test_quickstart_has_exactly_two_commands() -> None:
    section = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == [
        "python3 dev.py preview",
        "python3 dev.py test",
    ]
    ci = (REPO / ".ci" / "run").read_text()
    assert "python3 dev.py test" in ci
