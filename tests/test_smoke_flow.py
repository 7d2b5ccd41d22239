from engage.surveys import logic
from engage.surveys.models import Response


def test_full_flow(client, session, make_survey):
    survey = make_survey()
    code = survey.channels[0].code
    r = client.get(f"/s/{code}")
    assert r.status_code == 200
    r = client.get(f"/s/{code}/start")
    assert r.status_code == 200, r.text
    html = r.get_data(as_text=True)
    import re
    nonce = re.search(r'name="nonce" value="([^"]+)"', html).group(1)
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    first = survey.sections[0]
    feel = next(q for q in first.questions if q.key == "feel_safe_area")
    data = {"nonce": nonce, "started": started, "_page": str(first.id), "_action": "next"}
    r = client.post(f"/s/{code}", data=data)
    assert r.status_code == 422
    data[feel.field_name] = "3"
    carried = dict(data)
    for section in survey.sections:
        carried["_page"] = str(section.id)
        r = client.post(f"/s/{code}", data=carried)
        if "Thank you" in r.get_data(as_text=True):
            break
        assert r.status_code == 200, (section.title, r.get_data(as_text=True)[:3000])
    assert "Thank you" in r.get_data(as_text=True)
    assert session.query(Response).count() == 1
