"""The tablet's side of operating the server, in the real browser: it says its protocol version, and a
426 (one side too old), a 503 (database away) or a 507 (server disk full) keeps the report queued for a
later try, never parked nor lost; the 426's French message reaches the sync summary."""
import pytest

from tests.e2e.pwa_harness import run
from tests.e2e.test_pwa_modules import ALICE, _blob_files, _one_report

TOO_OLD = {"status": 426, "body": {"error": "protocol_too_old",
                                   "message": "Application de la tablette trop ancienne : mettez-la à jour."}}


@pytest.mark.parametrize("answer", [
    TOO_OLD, {"status": 503, "body": {"error": "service_unavailable", "message": "Service momentanément indisponible"}},
    {"status": 507, "body": {"error": "insufficient_storage", "message": "Espace de stockage du serveur saturé"}},
], ids=["426", "503", "507"])
def test_refusals_for_later_keep_the_report_queued(app_page, answer):  # noqa: F811
    report = _one_report()
    result = run(app_page, """
        await seedTechnician(arg.tech);
        await seedReport(arg.tech.id, arg.report, arg.blobs);
        const api = mods.api.createApi({ fetchFn: fakeFetch(() => arg.answer) });
        const now = 1_000_000;
        const summary = await mods.engine.createSyncEngine({ api, db, clock: { now: () => now }, random: () => 0.5 }).sync();
        const [entry] = await mods.outbox.listOutbox(db);
        return { entry, now, summary, protocol: calls.map((c) => c.headers['X-Tournee-Protocol']) };
    """, {"tech": ALICE, "report": report, "answer": answer, "blobs": _blob_files([report])})
    assert result["entry"]["state"] == "queued" and result["entry"]["next_at"] > result["now"]
    assert set(result["protocol"]) == {"1"}
    if answer is TOO_OLD:
        assert result["summary"]["protocol"] == TOO_OLD["body"]["message"]
    else:
        assert "protocol" not in result["summary"]
