"""An order that cannot be backordered is refused with its real reason: backorders are off, or
the backorder limit is reached, or only so many more fit under it. Never "Only 0 more"."""
from test_admin_api import place, put_variant


def refusal(response) -> tuple[int, str, str, list]:
    body = response.get_json()
    return (response.status_code, body["message"], body["errors"]["reason"],
            body["errors"]["json"]["lines"]["0"]["quantity"])


def test_backorders_off_and_nothing_on_hand_says_sold_out(client, admin):
    put_variant(client, admin, 5, name="Wool Socks", on_hand=0, backorders_enabled=False)
    assert refusal(place(client, admin, 1, (5, 1))) == (
        409, "Wool Socks is sold out and cannot be backordered.", "backorders_off",
        ["This item cannot be backordered."])


def test_backorders_off_with_some_on_hand_says_how_many_can_be_bought(client, admin):
    put_variant(client, admin, 5, name="Wool Socks", on_hand=1, backorders_enabled=False)
    assert refusal(place(client, admin, 1, (5, 3))) == (
        409, "Wool Socks cannot be backordered; 1 in stock now.", "backorders_off",
        ["This item cannot be backordered."])


def test_a_reached_limit_says_so_and_not_only_0_more(client, admin):
    put_variant(client, admin, 5, name="Daypack Teal", backorders_enabled=True, backorder_limit=2)
    assert place(client, admin, 1, (5, 2)).status_code == 201
    response = place(client, admin, 2, (5, 1))
    assert refusal(response) == (
        409, "Daypack Teal is sold out: its backorder limit is reached.", "backorder_limit_reached",
        ["The backorder limit is reached."])
    assert "Only 0" not in response.get_data(as_text=True)


def test_room_under_the_limit_says_how_many_more(client, admin):
    put_variant(client, admin, 5, name="Daypack Teal", backorders_enabled=True, backorder_limit=2)
    assert place(client, admin, 1, (5, 1)).status_code == 201
    assert refusal(place(client, admin, 2, (5, 3))) == (
        409, "Only 1 more of Daypack Teal can be backordered.", "backorder_limit",
        ["At most 1 can be backordered."])
