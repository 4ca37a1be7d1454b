from servicekit.migrations import run_env

from gateway.accounts.tables import metadata

run_env(metadata)
