package dev.jmoe.host.chat;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code strftime} directives in the C locale, for templates that stamp today's date
 * ({@code strftime_now("%d %b %Y")} in Llama 3.x). Unknown directives are an error rather than
 * silently printed.
 */
final class PythonStrftime {

    private PythonStrftime() {
    }

    static String format(String pattern, ZonedDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i == pattern.length()) {
                throw new ChatTemplateException("strftime_now: format '" + pattern + "' ends with a lone %");
            }
            out.append(directive(pattern, pattern.charAt(i), t));
        }
        return out.toString();
    }

    private static String directive(String pattern, char d, ZonedDateTime t) {
        return switch (d) {
            case 'Y' -> String.valueOf(t.getYear());
            case 'y' -> two(t.getYear() % 100);
            case 'm' -> two(t.getMonthValue());
            case 'd' -> two(t.getDayOfMonth());
            case 'e' -> String.format("%2d", t.getDayOfMonth());
            case 'H' -> two(t.getHour());
            case 'I' -> two((t.getHour() + 11) % 12 + 1);
            case 'M' -> two(t.getMinute());
            case 'S' -> two(t.getSecond());
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'j' -> String.format("%03d", t.getDayOfYear());
            case 'b' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.US);
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US);
            case 'Z' -> t.getZone().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'z' -> t.format(DateTimeFormatter.ofPattern("xx", Locale.US));
            case '%' -> "%";
            default -> throw new ChatTemplateException(
                    "strftime_now: unsupported directive %" + d + " in format '" + pattern + "'");
        };
    }

    private static String two(int v) {
        return String.format("%02d", v);
    }
}
