"""Demo data (development only, CIVIC_DEMO_DATA): the Chibi registry's 2023 as its annual report
tells it — 2,040 marriages, 1,090 divorces, 1,011 reissued certificates, 1,172 counseling cases (343
reconciled) and 1,653 corrected archive records — loaded through the same use cases as the RPCs, and
the office's stock of blank certificates (空白证书) when their account begins."""
from marriage.demo.loader import DemoMismatch, DemoResult, load_demo_year
from marriage.demo.offices import CHIBI, DEMO_BLANKS, DemoOffice
from marriage.demo.report import REPORT_2023, ReportFigures

__all__ = ["CHIBI", "DEMO_BLANKS", "REPORT_2023", "DemoMismatch", "DemoOffice", "DemoResult", "ReportFigures",
           "load_demo_year"]
