"""The `breakwater` console script: `hook` takes a light path, everything else the full CLI.

An agent runs `breakwater hook <agent>` before every tool call, so that path must not pay for
importing the scanning stack (pydantic models, tree-sitter, the engine) when a running
Breakwater answers the question.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["hook"]:
        from proxy.hooks.cli import main as hook_main

        return hook_main(args[1:])
    from proxy.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
