"""Route precedence: the first route that matches wins, in the order the routes read in their module. These pin
the cases where two paths overlap and the more specific one must come first."""

import pytest

from triplec.simulator import control, phone
from triplec.simulator.graph import routes as graph
from triplec.simulator.routing import Router


@pytest.mark.parametrize(
    ("router", "method", "path", "handler", "args"),
    [
        # control: the by-callback lookup, not a message whose wamid starts with "by-callback/"
        (control.ROUTER, "GET", "/_sim/messages/by-callback/run-7/a", control.by_callback, {"callback": "run-7/a"}),
        (control.ROUTER, "GET", "/_sim/messages/wamid.HBgL", control.one_message, {"wamid": "wamid.HBgL"}),
        (control.ROUTER, "GET", "/_sim/messages", control.list_messages, {}),
        (control.ROUTER, "GET", "/_sim/config", control.get_config, {}),
        (control.ROUTER, "POST", "/_sim/config", control.set_config, {}),
        (
            control.ROUTER,
            "POST",
            "/_sim/templates/12/status",
            control.template_notification,
            {"template_id": "12", "action": "status"},
        ),
        # Graph: the specific paths, not `/{version}/{object_id}`, which only takes a single id
        (graph.ROUTER, "POST", "/v23.0/922/messages", graph.send_message, {"phone_number_id": "922"}),
        (graph.ROUTER, "POST", "/v23.0/922/marketing_messages", graph.send_message, {"phone_number_id": "922"}),
        (graph.ROUTER, "POST", "/v23.0/922/media", graph.upload_media, {"phone_number_id": "922"}),
        (graph.ROUTER, "GET", "/v23.0/104/message_templates", graph.list_templates, {"waba_id": "104"}),
        (graph.ROUTER, "POST", "/v23.0/104/message_templates", graph.create_template, {"waba_id": "104"}),
        (graph.ROUTER, "GET", "/v23.0/555", graph.get_object, {"object_id": "555"}),
        (graph.ROUTER, "POST", "/v23.0/555", graph.post_object, {"object_id": "555"}),
        (graph.ROUTER, "DELETE", "/v23.0/555", graph.delete_object, {"object_id": "555"}),
        # phone: the redirects take any method; a chat's key is one segment, so static files and the API pass by
        (phone.ROUTER, "POST", "/", phone.to_phone, {}),
        (phone.ROUTER, "GET", "/phone", phone.to_phone, {}),
        (phone.ROUTER, "GET", "/phone/", phone.page, {}),
        (phone.ROUTER, "GET", "/phone/ID.1234", phone.page, {"key": "ID.1234"}),
        (phone.ROUTER, "GET", "/phone/static/phone.js", phone.static_file, {"name": "phone.js"}),
        (phone.ROUTER, "GET", "/phone/api/chats", phone.chats, {}),
        (phone.ROUTER, "GET", "/phone/api/chat/6281234567890", phone.chat, {"key": "6281234567890"}),
        (phone.ROUTER, "POST", "/phone/api/chat/ID.1234/read", phone.read_chat, {"key": "ID.1234"}),
        (phone.ROUTER, "POST", "/phone/api/chat/ID.1234/reply", phone.reply, {"key": "ID.1234"}),
    ],
)
def test_the_specific_route_wins(router, method, path, handler, args):
    found = router.match(method, path)
    assert found is not None
    assert found[0] is handler
    assert args.items() <= found[1].items()


@pytest.mark.parametrize(
    ("router", "method", "path"),
    [
        (control.ROUTER, "POST", "/_sim/messages/by-callback/x"),
        (control.ROUTER, "POST", "/_sim/templates/12/unknown"),
        (graph.ROUTER, "GET", "/v23.0/922/messages"),
        (graph.ROUTER, "PUT", "/v23.0/555"),
        (phone.ROUTER, "POST", "/phone/"),
        (phone.ROUTER, "GET", "/phone/api/chat/123/extra"),
    ],
)
def test_no_route_takes_a_wrong_method_or_path(router, method, path):
    assert router.match(method, path) is None


def test_routes_are_tried_in_reading_order_stacked_decorators_included():
    router = Router()

    @router.route("GET", "/a/{rest:.*}")
    @router.route("GET", "/b/{rest:.*}")
    async def first(): ...

    @router.route(None, "/a/x")
    @router.route(("GET", "POST"), "/b/x")
    async def second(): ...

    assert router.match("GET", "/a/x") == (first, {"rest": "x"})
    assert router.match("GET", "/b/x") == (first, {"rest": "x"})
    assert router.match("POST", "/b/x") == (second, {})
    assert router.match("DELETE", "/a/x") == (second, {})
    assert [route.path for route, _ in router._routes] == ["/a/{rest:.*}", "/b/{rest:.*}", "/a/x", "/b/x"]
