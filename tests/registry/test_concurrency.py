"""Two real transactions saving one service at once: the second waits, then gets a conflict."""

from __future__ import annotations

import threading

from portal.errors import ConflictError
from portal.registry import services
from portal.registry.models import Service
from tests.factories import make_agency, make_service


def test_simultaneous_saves_never_lose_an_update(live_server):
    app = live_server.app
    with live_server.session() as s:
        service = make_service(s, make_agency(s), code="09801001",
                               internet_resource="https://egov.kz/start")
        s.commit()
        service_id, loaded = service.id, service.version

    first_saved = threading.Event()
    outcome: dict[str, object] = {}

    def second_saver() -> None:
        with app.test_request_context(), live_server.session() as s2:
            svc = s2.get(Service, service_id)
            first_saved.wait(5)  # both loaded the same version; the first now holds the lock
            try:
                services.update_service(s2, None, svc, {"change_notes": "second"}, loaded)
                s2.commit()
                outcome["result"] = "saved"
            except ConflictError as err:
                outcome["result"] = err.changes

    with app.test_request_context(), live_server.session() as s1:
        svc = s1.get(Service, service_id)
        services.update_service(s1, None, svc, {"internet_resource": "https://egov.kz/first"},
                                loaded)
        thread = threading.Thread(target=second_saver)
        thread.start()
        first_saved.set()
        thread.join(0.5)
        assert thread.is_alive(), "the second save must wait for the first transaction"
        s1.commit()
    thread.join(10)
    assert outcome["result"] == {"internet_resource": ["https://egov.kz/start",
                                                       "https://egov.kz/first"]}
    with live_server.session() as s:
        final = s.get(Service, service_id)
        assert final.internet_resource == "https://egov.kz/first" and final.change_notes == ""
        assert final.version == loaded + 1

