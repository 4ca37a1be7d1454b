from servicekit.migrations import run_env

from placenames.adapters.tables import metadata

run_env(metadata)
