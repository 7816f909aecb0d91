from tests.helpers import page


def test_start_page_is_public(client):
    response = client.get("/")
    assert response.status_code == 200
    assert page(response).h1.get_text(strip=True) == "Apply for a Commissioners Grant"
