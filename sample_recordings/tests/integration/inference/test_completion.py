"""Stand-in tests: the sample corpus names them; replaying is not this file's job."""


def test_completion_non_streaming():
    pass

def test_completion_streaming():
    pass
