"""What the command line writes to a terminal: the text, never the terminal's commands."""
import io

from bot.printable import PrintableStream, printable


def test_control_characters_go_and_the_bots_newlines_stay():
    assert printable("a\x1b[31mred\x1b[0m\x07\nnext\tline\r\x9b2J\x08.") == "a[31mred[0m\nnext line 2J."


def test_bidi_overrides_go_and_other_text_stays():
    text = "\U0001F468\u200d\U0001F469 \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd e\u0301 \u3389"
    assert printable("\u202e" + text + "\u2066") == text


def test_a_lone_surrogate_becomes_a_replacement_character():
    assert printable("file\udcffname") == "file\ufffdname"


def test_the_stream_writes_what_its_encoding_can():
    raw = io.BytesIO()
    ascii_out = io.TextIOWrapper(raw, encoding="ascii")
    PrintableStream(ascii_out).write("“quote”\x1b\n")
    ascii_out.flush()
    assert raw.getvalue() == b"?quote?\n"
