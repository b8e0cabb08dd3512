"""Stand-in tests: one cassette per serializer, in cassettes/test_serializers/."""


def test_json():
    pass


def test_gzip():
    pass


def test_parsed_body():
    pass


def test_lists():
    pass
