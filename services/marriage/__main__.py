from servicekit.cli import ServiceCli

from marriage.adapters.encrypted import ENCRYPTED
from marriage.bootstrap import MIGRATIONS, build_spec
from marriage.seed import seed
from marriage.settings import MarriageSettings

if __name__ == "__main__":
    ServiceCli("marriage", MarriageSettings, build_spec, MIGRATIONS, seed, ENCRYPTED).main()
