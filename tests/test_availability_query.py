"""The availability route reads the widget's plain query directly, without marshmallow: it must
read exactly what the documented schema (AvailabilityQuery) reads, and leave every other query,
valid or not, to the schema."""
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, ValidationError
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from api.http.schemas import AvailabilityQuery, plain_availability_query

SCHEMA = AvailabilityQuery()
ID_LISTS = ["1", "12,34", "0", "007", "1,,2", "", " 1", "1_0", "١", ",".join(map(str, range(1, 51))),
            ",".join(map(str, range(1, 52))), str(2**53 - 1), str(2**53), "9" * 30]
QUANTITIES = ["1", "2", "10000", "10001", "0", "00012", "+3", " 5", "5 ", "1_0", "٥", "1.0", "many", "", "99999"]
LOCALES = ["en", "de-AT", "fr_FR", "EN", "en\n", "e", "eng", "", "de-", "xx-YY"]


def schema_reads(args: MultiDict):
    """What the route read before (webargs: first value of each, unknown names left out)."""
    try:
        return SCHEMA.load(MultiDictProxy(args, SCHEMA), unknown=EXCLUDE)
    except ValidationError:
        return None


values = {
    "product_ids": st.sampled_from(ID_LISTS) | st.text(max_size=8),
    "variant_ids": st.sampled_from(ID_LISTS) | st.text(max_size=8),
    "quantity": st.sampled_from(QUANTITIES) | st.text(max_size=6),
    "locale": st.sampled_from(LOCALES) | st.text(max_size=6),
    "other": st.text(max_size=4),
}
pairs = st.sampled_from(sorted(values)).flatmap(lambda name: st.tuples(st.just(name), values[name]))


@settings(max_examples=600, deadline=None)
@given(st.lists(pairs, max_size=5))
def test_the_plain_reading_is_the_schemas_or_none(items):
    args = MultiDict(items)
    plain = plain_availability_query(args)
    if plain is not None:
        assert plain == schema_reads(args)


def test_the_widgets_queries_are_read_directly():
    for query in ({"variant_ids": "1,2,3"}, {"product_ids": "7", "quantity": "3", "locale": "de-AT"},
                  {"variant_ids": "5", "quantity": "10000", "utm_source": "x"}):
        args = MultiDict(query)
        assert plain_availability_query(args) == schema_reads(args) is not None


URL = "/api/v1/stores/store-a/availability"


def test_a_valid_query_outside_the_plain_form_still_answers_as_the_schema_reads_it(client, admin):
    client.put("/api/v1/admin/variants/1", headers=admin, json={
        "product_id": 1, "name": "V", "price": 100, "currency": "USD", "on_hand": 2, "backorders_enabled": False})
    plain = client.get(f"{URL}?variant_ids=1&quantity=3")
    for other in ("quantity=%2B3", "quantity=%203", "quantity=003", "variant_ids=1&variant_ids=9&quantity=3"):
        query = other if other.startswith("variant_ids") else f"variant_ids=1&{other}"
        response = client.get(f"{URL}?{query}")
        assert (response.status_code, response.data) == (200, plain.data), query
    assert plain.get_json()["items"][0]["state"] == "in_stock"  # 2 on hand, 3 asked: what is on hand
