"""The demo project (``qualtui demo``): ``content`` says what it holds, ``build`` makes it."""

from qualtui.demo.build import create_demo, default_demo_path, locate_passages, samples_dir
from qualtui.demo.content import PINNED

__all__ = ["PINNED", "create_demo", "default_demo_path", "locate_passages", "samples_dir"]
