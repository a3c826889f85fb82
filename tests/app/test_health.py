async def test_health_answers_when_the_database_does(api):
    response = await api.http.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_graphiql_page_is_served_from_our_own_files(api):
    response = await api.http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "/static/graphiql/" in response.text
    assert "https://" not in response.text.split("<body")[0]
