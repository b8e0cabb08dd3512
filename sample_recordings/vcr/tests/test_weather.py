"""Stand-in test: pytest-recording records into cassettes/test_weather/test_weather_stream.yaml."""


def test_weather_stream():
    pass
