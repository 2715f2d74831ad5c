from rubrics import load


def test_public_page_shows_every_criterion_with_the_source_text(client, referential_version):
    response = client.get("/referentiel")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    import html as html_lib

    text = html_lib.unescape(html)
    for criterion in load().all_criteria():
        assert criterion.code in text
        if criterion.text:
            assert criterion.text in text
    assert "libellé du critère à compléter par le certificateur" in text
    assert "Métiers visés" in text and "Community manager" in text
    assert "soutient oralement son dossier" in text
    assert "Parties de l'épreuve : Dossier, Soutenance orale" in text


def test_public_page_loads_in_a_fixed_number_of_queries(client, referential_version,
                                                        count_queries):
    client.get("/referentiel")  # warm up
    with count_queries() as statements:
        assert client.get("/referentiel").status_code == 200
    # The latest version, its blocs, their criteria, and the certification's settings
    # (RNCP code, expiry date): nothing per bloc.
    assert len(statements) == 4, "\n".join(statements)


def test_public_page_without_referential_explains(client):
    response = client.get("/referentiel")
    assert response.status_code == 200
    assert "assess referential load" in response.get_data(as_text=True)
