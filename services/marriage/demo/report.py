"""The figures the demo year reproduces: 赤壁市民政局 2023年工作总结, (六) 4.完善婚姻登记服务
(shared/seed/chibi-civil-affairs-2023-report.zh.txt), as GetStatistics reports them."""
from __future__ import annotations

from dataclasses import asdict, dataclass

YEAR = 2023


@dataclass(frozen=True)
class ReportFigures:
    """Each field is named as in the Statistics message."""

    marriages_registered: int  # 共办理结婚2040对
    divorces_registered: int  # 离婚登记1090对
    certificates_reissued: int  # 补发婚姻登记证1011对
    registration_compliance_rate: float  # 登记合格率……达100%
    archive_rate: float  # ……归档率均达100%
    corrections_approved: int  # 1987-2003年瑕疵数据1653条
    counseling_received: int  # 婚姻家庭纠纷调解窗口共接待调解1172对
    counseling_reconciled: int  # 调解成功343对

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


REPORT_2023 = ReportFigures(
    marriages_registered=2040, divorces_registered=1090, certificates_reissued=1011,
    registration_compliance_rate=100.0, archive_rate=100.0, corrections_approved=1653,
    counseling_received=1172, counseling_reconciled=343)
