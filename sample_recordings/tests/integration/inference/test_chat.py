"""Stand-in tests: the sample corpus names them; replaying is not this file's job."""


def test_image_rejected():
    pass

def test_parallel_tool_calls():
    pass

def test_stream_interrupted():
    pass

class TestChat:

    def test_non_streaming(self):
        pass

    def test_streaming_text(self):
        pass
