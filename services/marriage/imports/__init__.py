"""Historical import (补录) of paper-archive records: streaming parsers and the import pipeline."""
