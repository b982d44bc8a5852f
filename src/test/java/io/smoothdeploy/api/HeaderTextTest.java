package io.smoothdeploy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class HeaderTextTest {

    @Test
    void terminalEscapesAreRemovedWhole() {
        assertEquals("ceo@example.com FAKE", HeaderText.clean("ceo@example.com\u001b[31m FAKE\u001b[0m", 200));
        assertEquals("title", HeaderText.clean("\u001b]0;owned\u0007title", 200));
    }

    @Test
    void controlAndInvisibleFormattingCharactersAreRemoved() {
        assertEquals("a b", HeaderText.clean("a \r\n\tb", 200));
        assertEquals("evilgood", HeaderText.clean("evil\u202egood\u200b", 200));
        assertEquals("ab", HeaderText.clean("a\u0000\u007fb", 200));
    }

    @Test
    void longTextIsCutAndEmptyTextIsNull() {
        assertEquals("abc…", HeaderText.clean("abcdef", 3));
        assertNull(HeaderText.clean("\u001b[0m \u0007", 200));
        assertNull(HeaderText.clean(null, 200));
    }
}
