from servicekit.cli import ServiceCli

from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.seed import seed
from placenames.settings import PlacenamesSettings

if __name__ == "__main__":
    ServiceCli("placenames", PlacenamesSettings, build_spec, MIGRATIONS, seed).main()
