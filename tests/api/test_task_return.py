"""S3-5: finishing a task from the dossier page goes back to the dossier page (a local path only)."""
from sqlalchemy import select

from server.extensions import db
from server.models import Dossier, Task
from tests.conftest import csrf_token_from


def open_analysis_task(app) -> tuple[int, int]:
    with app.app_context():
        task = db.session.scalar(select(Task).where(Task.kind == "dsi_analysis", Task.state == "open").order_by(Task.id))
        if task is None:  # the demo's announced departures are not due yet: one analysis task by hand
            dsi = db.session.scalar(select(Dossier).where(Dossier.type == "DSI", Dossier.state == "open",
                                                          Dossier.utility == "water").order_by(Dossier.id))
            task = Task(dossier_id=dsi.id, kind="dsi_analysis", role="agent", title="Analyser un départ annoncé")
            db.session.add(task)
            db.session.commit()
        return task.id, task.dossier_id


def test_W8_no_answer_from_the_dossier_page_returns_to_the_dossier(office, sqlite_demo_app):
    task_id, dossier_id = open_analysis_task(sqlite_demo_app)
    client = office("agent.eau")
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert f'name="next" value="/dossiers/{dossier_id}"' in page
    token = csrf_token_from(page)
    done = client.post(f"/tasks/{task_id}/no_answer", data={"csrf_token": token, "next": f"/dossiers/{dossier_id}"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/dossiers/{dossier_id}")
    for hostile in ("https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        answer = client.post(f"/tasks/{task_id}/done", data={"csrf_token": token, "next": hostile})
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/tasks"), hostile
    assert client.post(f"/tasks/{task_id}/done", data={"csrf_token": token}).headers["Location"].endswith("/tasks")
