"""A report the server refused is parked "à traiter", never lost; the technician reopens it, sees why,
corrects it and it goes up under the same UUID (PROTOCOL §4). A draft opened by mistake can be
abandoned, its photos with it."""
from tests.e2e.pwa_support import (enrolled_tablet, fill_form, finish, idb, local_blobs, order_states, outbox, poll,
                                   wait_outbox_empty)


def test_a_refused_report_is_reopened_corrected_and_sent_under_the_same_uuid(browser, tmp_path):
    with enrolled_tablet(browser, tmp_path, "tech.elec1") as (office, context, page, reading):
        context.set_offline(True)
        fill_form(page, reading)
        finish(page)
        [entry] = outbox(page)
        good_index = idb(page, "return (await (await m('db/reports.js')).getReport(db, arg)).body.answers.index;",
                         entry["uuid"])
        # What a tablet bug could queue: an index the server's form refuses.
        idb(page, """
            const sealed = await m('db/sealed.js');
            const row = await (await m('db/reports.js')).getReport(db, arg);
            row.body.answers.index = -5;
            const stored = await sealed.sealRow('reports', row);
            await db.write(['reports'], (t) => t.put('reports', stored));
        """, entry["uuid"])
        context.set_offline(False)
        page.evaluate("tournee.sync()")
        poll(page, "async () => (await tournee.db.read(['outbox'], (t) => t.all('outbox')))[0]?.state === 'parked'")
        assert office.reports() == []

        page.goto(page.url.split("#")[0] + "#/sync")
        page.click(f"#parked li[data-report='{entry['uuid']}'] button.reopen")
        page.wait_for_selector("#reopened-reason")
        assert "Refusé par le serveur" in page.inner_text("#reopened-reason") and "index" in page.inner_text("#reopened-reason")
        assert outbox(page) == [] and order_states(page)[reading] == "draft"
        page.fill("#f-index", str(good_index))
        page.wait_for_timeout(200)
        finish(page)
        wait_outbox_empty(page)
        [report] = office.reports()
        assert report["order_id"] == reading and report["uuid"] == entry["uuid"]


def test_an_abandoned_draft_leaves_no_trace_on_the_tablet(browser, tmp_path):
    with enrolled_tablet(browser, tmp_path, "tech.elec1") as (office, context, page, reading):
        fill_form(page, reading)
        assert order_states(page)[reading] == "draft" and local_blobs(page)
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#abandon-draft")
        page.wait_for_selector("#start-form")
        assert page.inner_text("#start-form") == "Commencer le compte-rendu"
        assert order_states(page)[reading] == "todo" and local_blobs(page) == {} and outbox(page) == []
        assert idb(page, "return (await m('db/drafts.js')).listDrafts(db, tech);") == []
