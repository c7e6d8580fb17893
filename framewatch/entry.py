"""The `framewatch` executable. Commands that always run a flow start booting Prefect's temporary API
here, before the command line (typer, rich, every command module) is even imported: the boot takes ~4.5 s
of one core, the longest step before a flow can start, and everything the command does meanwhile
(imports, checks, loading the model) overlaps it. The command finds the server already booting
(`flows.settings.start_temporary_api`); a command that stops before its flow (a failed check) stops it at
exit. `monitor` is not among them: it first checks its feeds without Prefect and usually stops there."""

from __future__ import annotations

import sys

# the commands that run a flow whenever their checks pass (their names in framewatch.cli.flows)
FLOW_COMMANDS = frozenset({"demo", "import", "collect", "score-stored", "refresh", "publish"})


def boots_api_early(argv: list[str]) -> bool:
    """Whether `argv` (the arguments after the program name) names a command that runs a flow, to be
    run now (not its --help)."""
    return bool(argv) and argv[0] in FLOW_COMMANDS and not {"--help", "-h"} & set(argv[1:])


def main() -> None:
    if boots_api_early(sys.argv[1:]):
        from flows.local_api import start_early
        from flows.settings import FlowSettings, configure_runtime

        try:
            settings = FlowSettings()
            configure_runtime(settings)  # PREFECT_HOME etc., as the command's own callback sets them
        except Exception:  # noqa: BLE001 - a bad setting: the command itself says what is wrong
            pass
        else:
            start_early(settings.prefect_db_cache, settings.api_keep_s)
    from framewatch.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
