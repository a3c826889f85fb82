import app.health as health_module


async def test_health_answers_when_the_database_does(api):
    response = await api.http.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_ready_when_every_migration_on_disk_is_applied(api):
    response = await api.http.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert "0001_initial" in health_module.migrations_on_disk()


async def test_not_ready_while_a_migration_on_disk_is_not_applied(api, monkeypatch):
    shipped = health_module.migrations_on_disk() | {"0999_coming"}
    monkeypatch.setattr(health_module, "migrations_on_disk", lambda: shipped)

    response = await api.http.get("/ready")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "migrations pending",
        "pending": ["0999_coming"],
    }
    assert (await api.http.get("/health")).status_code == 200  # alive all the same


async def test_still_ready_when_a_newer_release_has_migrated_further(api, monkeypatch):
    # During a rolling update the old release sees a migration it does not know.
    shipped = health_module.migrations_on_disk() - {"0005_login"}
    monkeypatch.setattr(health_module, "migrations_on_disk", lambda: shipped)

    response = await api.http.get("/ready")

    assert response.status_code == 200


async def test_graphiql_page_is_served_from_our_own_files(api):
    response = await api.http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "/static/graphiql/" in response.text
    assert "https://" not in response.text.split("<body")[0]
