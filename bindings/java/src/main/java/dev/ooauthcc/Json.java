package dev.ooauthcc;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The smallest correct JSON writer for settings maps (the JDK has none). Not API.
 *
 * <p>Strings are escaped per RFC 8259: {@code "} and {@code \}, control characters below U+0020
 * (as {@code \b \f \n \r \t} or {@code \}{@code u00XX}); everything else, non-ASCII included, is
 * written as is (the document is then encoded as UTF-8). A lone surrogate cannot be encoded and is
 * refused. Values: {@code null}, {@link Boolean}, integral numbers, finite {@code float}/{@code
 * double}, {@link BigDecimal}, {@link CharSequence}, {@link Character}, {@link Duration} (as
 * seconds, the unit of the settings documents), {@link Path} and {@link URI} (as strings), {@link
 * Map} with string keys, {@link Iterable} and arrays. Anything else is refused with a {@link
 * ConfigException} naming the setting (never its value).
 */
final class Json {
    private Json() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The JSON text of {@code value}. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        value(out, value, "settings");
        return out.toString();
    }

    private static void value(StringBuilder out, Object v, String path) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence || v instanceof Character || v instanceof Path || v instanceof URI) {
            string(out, v.toString(), path);
        } else if (v instanceof Boolean) {
            out.append(((Boolean) v) ? "true" : "false");
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw OoauthccException.of(OoauthccException.CONFIG, "setting " + path + ": not a finite number");
            }
            out.append(BigDecimal.valueOf(d).toString());
        } else if (v instanceof BigDecimal) {
            out.append(v);
        } else if (v instanceof Duration) {
            Duration d = (Duration) v;
            out.append(BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9))
                    .stripTrailingZeros().toPlainString());
        } else if (v instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw OoauthccException.of(OoauthccException.CONFIG, "setting " + path + ": keys must be strings");
                }
                String key = (String) e.getKey();
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, key, path);
                out.append(':');
                value(out, e.getValue(), path.equals("settings") ? key : path + "." + key);
            }
            out.append('}');
        } else if (v instanceof Iterable) {
            out.append('[');
            int i = 0;
            for (Object item : (Iterable<?>) v) {
                if (i > 0) {
                    out.append(',');
                }
                value(out, item, path + "[" + i++ + "]");
            }
            out.append(']');
        } else if (v.getClass().isArray()) {
            out.append('[');
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(out, Array.get(v, i), path + "[" + i + "]");
            }
            out.append(']');
        } else {
            throw OoauthccException.of(OoauthccException.CONFIG,
                    "setting " + path + ": cannot be written as JSON: " + v.getClass().getName());
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    static void string(StringBuilder out, String s, String path) {
        out.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw OoauthccException.of(OoauthccException.CONFIG,
                                "setting " + path + ": a string holds a lone UTF-16 surrogate (not valid Unicode)");
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
