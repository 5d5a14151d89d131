package dev.jmoe.host.chat;

import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The global functions HF chat templates call beyond standard Jinja. Jinjava binds functions to
 * static methods, so the clock of the render in progress is passed through a thread-local.
 */
public final class TemplateFunctions {

    private static final ThreadLocal<Clock> CLOCK = ThreadLocal.withInitial(Clock::systemDefaultZone);

    private TemplateFunctions() {
    }

    static List<ELFunctionDefinition> definitions() {
        return List.of(
                new ELFunctionDefinition("", "raise_exception", TemplateFunctions.class, "raiseException", String.class),
                new ELFunctionDefinition("", "strftime_now", TemplateFunctions.class, "strftimeNow", String.class));
    }

    /** {@code raise_exception(message)}: the template rejects the conversation. */
    public static Object raiseException(String message) {
        throw new TemplateRaisedException(message);
    }

    /** {@code strftime_now(format)}: the current local time in Python's strftime format. */
    public static String strftimeNow(String format) {
        return PythonStrftime.format(format, ZonedDateTime.now(CLOCK.get()));
    }

    static void useClock(Clock clock) {
        CLOCK.set(clock);
    }

    static void resetClock() {
        CLOCK.remove();
    }
}
