package dev.ooauthcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings-map JSON writer: exact output, and what it refuses. */
class JsonTest {
    private static String str(String s) {
        StringBuilder out = new StringBuilder();
        Json.string(out, s, "x");
        return out.toString();
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"\"", str(""));
        assertEquals("\"plain\"", str("plain"));
        assertEquals("\"a\\\"b\"", str("a\"b"));
        assertEquals("\"a\\\\b\"", str("a\\b"));
        assertEquals("\"\\\\\\\"\"", str("\\\""));
        assertEquals("\"\\b\\f\\n\\r\\t\"", str("\b\f\n\r\t"));
        assertEquals("\"\\u0000\\u0001\\u001f\\u000b\"", str("\u0000\u0001\u001f\u000b"));
        assertEquals("\" \u007f/\"", str(" \u007f/"), "DEL, space and / need no escape");
    }

    @Test
    void keepsNonAsciiAsIs() {
        assertEquals("\"é€\uD83D\uDE00\u2028\"", str("é€\uD83D\uDE00\u2028"));
    }

    @Test
    void refusesLoneSurrogates() {
        ConfigException high = assertThrows(ConfigException.class, () -> str("a\uD83Db"));
        assertTrue(high.getMessage().contains("surrogate"));
        assertThrows(ConfigException.class, () -> str("\uDE00"));
        assertThrows(ConfigException.class, () -> str("end\uD83D"));
    }

    @Test
    void writesValuesOfEveryKind() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "v");
        m.put("i", 3);
        m.put("l", 5_000_000_000L);
        m.put("d", 0.25);
        m.put("b", true);
        m.put("n", null);
        m.put("dur", Duration.ofMillis(1500));
        m.put("whole", Duration.ofSeconds(30));
        m.put("list", List.of("a", "b"));
        m.put("arr", new String[] {"x"});
        m.put("ints", new int[] {1, 2});
        m.put("map", Map.of("k", "v"));
        m.put("path", Path.of("/run/secret"));
        assertEquals("{\"s\":\"v\",\"i\":3,\"l\":5000000000,\"d\":0.25,\"b\":true,\"n\":null,"
                + "\"dur\":1.5,\"whole\":30,\"list\":[\"a\",\"b\"],\"arr\":[\"x\"],\"ints\":[1,2],"
                + "\"map\":{\"k\":\"v\"},\"path\":\"/run/secret\"}", Json.write(m));
        assertEquals("{\"k\\\"ey\":\"v\"}", Json.write(Map.of("k\"ey", "v")), "keys are escaped too");
        assertEquals("[]", Json.write(Arrays.asList()));
    }

    @Test
    void refusesWhatJsonCannotHold() {
        ConfigException nan = assertThrows(ConfigException.class, () -> Json.write(Map.of("refresh_ahead", Double.NaN)));
        assertTrue(nan.getMessage().contains("refresh_ahead"), nan.getMessage());
        assertThrows(ConfigException.class, () -> Json.write(Map.of("x", Double.POSITIVE_INFINITY)));
        ConfigException type = assertThrows(ConfigException.class,
                () -> Json.write(Map.of("extra_params", Map.of("p", new Object()))));
        assertTrue(type.getMessage().contains("extra_params.p"), type.getMessage());
        assertThrows(ConfigException.class, () -> Json.write(Map.of(1, "x")));
        ConfigException secret = assertThrows(ConfigException.class,
                () -> Json.write(Map.of("client_secret", "hunter2\uD800")));
        assertFalse(secret.getMessage().contains("hunter2"), "the value is never in the message");
    }
}
