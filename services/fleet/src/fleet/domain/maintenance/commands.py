"""Commands of FL-4 maintenance: a repair (車輛維修單) and a purchase of oil or small parts."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Part:
    """One line of the parts list: `major` parts come back for inspection."""

    name: str
    quantity: Decimal
    amount_fen: int
    major: bool


@dataclass(frozen=True)
class OpenRepair:
    """Record the request (run by the `RequestRepair` workflow, which opens the fault)."""

    site_id: str
    repair_id: str
    vehicle_id: str
    fault_id: str
    driver_id: str
    shop: str
    description: str


@dataclass(frozen=True)
class ApproveRepair:
    """The office approves; `by_phone` in an emergency, the form (`form_no`) follows."""

    repair_id: str
    by_phone: bool
    form_no: str | None


@dataclass(frozen=True)
class ApproveRepairForm:
    repair_id: str
    form_no: str


@dataclass(frozen=True)
class SendRepairToShop:
    repair_id: str


@dataclass(frozen=True)
class SignPartsList:
    """The driver named on the repair signs the list of what was replaced."""

    repair_id: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class InspectReplacedParts:
    repair_id: str
    parts: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class CompleteRepair:
    """The vehicle is back repaired (run by `FinishRepair`, which clears the fault)."""

    repair_id: str
    note: str


@dataclass(frozen=True)
class SettleRepair:
    repair_id: str
    amount_fen: int
    invoice_no: str


@dataclass(frozen=True)
class AuditRepair:
    repair_id: str
    note: str


@dataclass(frozen=True)
class ApproveRepairPayment:
    repair_id: str


RepairCommand = (
    OpenRepair
    | ApproveRepair
    | ApproveRepairForm
    | SendRepairToShop
    | SignPartsList
    | InspectReplacedParts
    | CompleteRepair
    | SettleRepair
    | AuditRepair
    | ApproveRepairPayment
)


@dataclass(frozen=True)
class RequestSmallParts:
    site_id: str
    purchase_id: str
    vehicle_id: str
    items: str
    estimated_fen: int


@dataclass(frozen=True)
class ConfirmSmallParts:
    purchase_id: str


@dataclass(frozen=True)
class ApproveSmallParts:
    purchase_id: str


@dataclass(frozen=True)
class RecordSmallPartsBought:
    """Record the invoice; with no request on file it is recorded as not reimbursable."""

    site_id: str
    purchase_id: str
    vehicle_id: str
    amount_fen: int
    invoice_no: str


PartsCommand = RequestSmallParts | ConfirmSmallParts | ApproveSmallParts | RecordSmallPartsBought
