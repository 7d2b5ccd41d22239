"""Random form data at the submit endpoint: never a 500, never a partial row."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engage.surveys.models import Answer, Response
from tests.helpers import start_form


def test_random_posts_never_500_or_partial(client, make_survey, session) -> None:
    survey = make_survey()
    code = survey.channels[0].code
    state = start_form(client, code)
    fields = [q.field_name for q in survey.questions]
    codes = sorted({o.code for q in survey.questions for o in q.options})
    pages = [str(s.id) for s in survey.sections] + ["", "x", "-1", "99999999999999999999"]
    names = st.one_of(
        st.sampled_from(fields),
        st.text(max_size=12),
        st.sampled_from(["q0", "q-1", "q99999", "_page", "_action", "nonce", "started", "website"]),
    )
    values = st.one_of(
        st.sampled_from(codes),
        st.text(max_size=300),
        st.integers(-(10**6), 10**6).map(str),
        st.sampled_from(
            [
                "",
                "1e309",
                "NaN",
                "15.5",
                "prefer_not_to_say",
                "\x00",
                "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
            ]
        ),
    )
    form = st.dictionaries(names, st.one_of(values, st.lists(values, max_size=4)), max_size=25)

    @settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=form, page=st.sampled_from(pages), keep_state=st.booleans())
    def post(data: dict, page: str, keep_state: bool) -> None:
        before = session.scalar(select(func.count()).select_from(Response))
        answers_before = session.scalar(select(func.count()).select_from(Answer))
        body = {**(state if keep_state else {}), "_page": page, "_action": "next", **data}
        response = client.post(f"/s/{code}", data=body)
        assert response.status_code < 500, response.status_code
        after = session.scalar(select(func.count()).select_from(Response))
        stored = after - before
        assert stored in (0, 1)
        if stored == 0:
            assert session.scalar(select(func.count()).select_from(Answer)) == answers_before
        else:
            assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
        session.rollback()

    post()
