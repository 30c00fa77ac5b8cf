"""Every private event of a person's stream, for the service's `private_events`."""

from secrets_registry.domain.personnel import events as ev
from secrets_registry.domain.personnel import leaving_events as lv

PRIVATE_EVENTS = (
    ev.LevelProposed,
    ev.LevelReviewed,
    ev.LevelApproved,
    ev.LevelRejected,
    ev.VettingRecorded,
    ev.EducationRecorded,
    ev.PledgeSigned,
    ev.PostEntered,
    ev.KeyLocationsAssigned,
    ev.ScopeGranted,
    ev.ScopeWithdrawn,
    ev.ForeignTravelRequested,
    ev.TravelOpinionGiven,
    ev.TravelDecided,
    ev.CarrierCustodyTaken,
    ev.CarrierCustodyReleased,
    lv.LeavingApplied,
    lv.SecrecyReviewed,
    lv.LeavingDecided,
    lv.PostLeft,
    lv.DeclassificationExtended,
    lv.UnauthorisedDepartureReported,
    lv.ReturnUrged,
    lv.UrgingAnswered,
    lv.CaseReferred,
    lv.RegistersAppointed,
    lv.RegistersHandedOver,
)
