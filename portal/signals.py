"""Domain events: lower floors announce, higher floors subscribe (no import cycles).

Senders pass the SQLAlchemy session and ids, never expecting a return value;
receivers run in the same transaction (they flush, never commit).
Each signal is sent with ``sender=<area name>`` and keyword arguments documented here.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

#: A service's bylaw approved (Rules No. 83 cl. 20).  kwargs: session, actor,
#: service_id, bylaw_id, approved_on (date)
bylaw_approved = _events.signal("bylaw-approved")
#: A bylaw amended (cl. 26).  kwargs: session, actor, service_id, bylaw_id, amended_on (date)
bylaw_amended = _events.signal("bylaw-amended")
#: A responsible person appointed for a service/agency (cl. 20).  kwargs: session, actor,
#: agency_id, person_id, service_ids (list[int]), on (date)
responsible_appointed = _events.signal("responsible-appointed")
#: Responsible person replaced (cl. 27).  kwargs: session, actor, agency_id, old_person_id,
#: new_person_id, replaced_on (date), notified_on (date)
responsible_replaced = _events.signal("responsible-replaced")
#: Annex 1 information submitted to the UCC (cl. 20-21).  kwargs: session, actor,
#: submission_id, agency_id, service_ids, submitted_at (datetime)
annex1_submitted = _events.signal("annex1-submitted")
#: Annex 1 accepted by the UCC.  kwargs: session, actor, submission_id, agency_id,
#: service_ids, accepted_at (datetime)
annex1_accepted = _events.signal("annex1-accepted")
#: Annex 1 returned with comments.  kwargs: session, actor, submission_id, agency_id,
#: service_ids, returned_at (datetime)
annex1_returned = _events.signal("annex1-returned")
#: UCC request for information sent (cl. 24).  kwargs: session, actor, request_id,
#: agency_id, service_id, due_on (date), sent_at (datetime)
info_request_sent = _events.signal("info-request-sent")
#: Request answered.  kwargs: session, actor, request_id, agency_id, answered_at (datetime)
info_request_answered = _events.signal("info-request-answered")
#: Request refused by the provider (cl. 25, 28).  kwargs: session, actor, request_id,
#: agency_id, refused_at (datetime)
info_request_refused = _events.signal("info-request-refused")
#: A service's UCC lifecycle status changed.  kwargs: session, actor, service_id,
#: old (ServiceStatus), new (ServiceStatus)
service_status_changed = _events.signal("service-status-changed")
