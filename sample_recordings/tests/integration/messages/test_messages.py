"""Stand-in tests: the sample corpus names them; replaying is not this file's job."""


def test_messages_tool_use_streaming():
    pass
